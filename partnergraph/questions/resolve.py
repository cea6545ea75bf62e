"""Words → one theme, claim or source, and what else the words could have meant: what every command that takes
words says on stderr (``evidence: 'trust' is the theme …``).

Words resolve to a theme first when they name one (its id, label or an alternative label, case and punctuation
aside); otherwise to a claim by id or by words of its label (:func:`~partnergraph.questions.common.resolve_claim`).

May import: ``partnergraph.graph`` and everything below it, and :mod:`partnergraph.questions.common`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.errors import AmbiguousError, UnknownKeyError
from .common import _bare, _pick, _short, _words, resolve_claim, resolve_source

__all__ = ["Resolution", "resolve", "resolve_theme", "theme_names"]


@dataclass(frozen=True, slots=True)
class Resolution:
    """What ``text`` was taken to mean: ``node`` (``theme:trust``, ``claim:…``, ``source:…``), its ``kind``
    (theme, claim, source) and ``label``; ``how`` it was found (``id``, ``label`` — a theme's label or alternative
    label — or ``words``); ``alternatives``: other nodes the words fit, as ``(node, label)`` pairs, best first."""

    text: str
    node: str
    kind: str
    label: str
    how: str
    alternatives: tuple[tuple[str, str], ...]

    @property
    def id(self) -> str:
        """The bare id (``trust``, ``s004b-csf-trust``, ``gray1989``)."""
        return self.node.split(":", 1)[1] if self.node.startswith(("theme:", "claim:", "source:")) else self.node

    def message(self) -> str:
        """Two lines for stderr: what the words resolved to, and the alternatives (if any)."""
        head = f"'{self.text}' is the {self.kind} {self.id}" + (f" ({_short(self.label, 70)})"
                                                                if self.label and self.label != self.id else "")
        if not self.alternatives:
            return head
        alts = "; ".join(f"{n.split(':', 1)[0]} {_bare(n).removeprefix('theme:')} ({_short(label, 40)})"
                         for n, label in self.alternatives)
        return f"{head}\n  also fits: {alts} — give the id to choose"


def theme_names(g) -> dict[str, str]:
    """Theme node → label, every theme of the loaded framework."""
    return {n: d["label"] for n, d in g.nx.nodes(data=True) if d["kind"] == "theme"}


def _theme_by_words(g, text: str) -> str | None:
    """The theme whose id, label or alternative label ``text`` is (case, punctuation and spacing aside)."""
    nxg = g.nx
    t = text.strip()
    for name in (t, "theme:" + t):
        if nxg.nodes.get(name, {}).get("kind") == "theme":
            return name
    q = _words(t)
    if not q:
        return None
    hits = [n for n, d in nxg.nodes(data=True) if d["kind"] == "theme"
            and q in {_words(x) for x in (d["label"], *d["alt_labels"])}]
    return hits[0] if len(hits) == 1 else None


def _theme_within(g, text: str) -> str | None:
    """The theme one of whose labels the words contain whole ("partnership is not a panacea" → not-a-panacea),
    the longest such label winning; ``None`` when none, or when two themes tie."""
    q = set(_words(text).split())
    best: dict[str, int] = {}
    for n, d in g.nx.nodes(data=True):
        if d["kind"] != "theme":
            continue
        for label in (d["label"], *d["alt_labels"]):
            tokens = set(_words(label).split())
            if tokens and tokens <= q:
                best[n] = max(best.get(n, 0), len(tokens))
    if not best:
        return None
    top = max(best.values())
    winners = [n for n, v in best.items() if v == top]
    return winners[0] if len(winners) == 1 else None


def resolve_theme(g, theme: str) -> str:
    """The node name (``theme:ID``) of a theme given by id, label or alternative label, or by words that fit one
    theme's labels best (an :class:`~partnergraph.core.errors.AmbiguousError` lists them when several fit).

    >>> import partnergraph as pg
    >>> pg.load().resolve_theme("Shared vision")
    'theme:shared-vision'
    """
    found = _theme_by_words(g, theme)
    if found:
        return found
    names = theme_names(g)
    if not names:
        raise UnknownKeyError(None, None, "no theme framework is loaded",
                              hint="the data directory has no themes.ttl: give --themes FILE")
    choices = {n: " ".join((g.nx.nodes[n]["label"], *g.nx.nodes[n]["alt_labels"])) for n in names}
    return _pick(theme, choices, "theme", "list the themes with `partnergraph themes`")


def _ranked(text: str, choices: dict[str, str], skip: str, limit: int) -> list[tuple[str, str]]:
    """Other nodes whose label holds every word of ``text``, best fit first (at most ``limit``)."""
    from rapidfuzz import fuzz, process

    q = _words(text).split()
    containing = {n: t for n, t in choices.items() if n != skip and q and set(q) <= set(_words(t).split())}
    ranked = process.extract(text, containing, scorer=fuzz.WRatio, processor=_words, limit=None)
    ranked.sort(key=lambda r: (-r[1], r[2]))
    return [(n, choices[n]) for _, _, n in ranked[:limit]]


def _themes_near(g, text: str) -> list[tuple[str, str]]:
    """Themes one of whose labels is within the words, or holds them all."""
    q = set(_words(text).split())
    out = []
    for n, d in sorted(g.nx.nodes(data=True)):
        if d["kind"] == "theme" and any((tokens := set(_words(x).split())) and (tokens <= q or q <= tokens)
                                        for x in (d["label"], *d["alt_labels"])):
            out.append((n, d["label"]))
    return out[:3]


def resolve(g, text: str, what: str = "claim", themes: bool = True) -> Resolution:
    """Resolve ``text`` to a theme (when ``themes`` and the words name one), a claim (``what="claim"``) or a
    source (``what="source"``), with the alternatives the words also fit (up to five).

    >>> import partnergraph as pg
    >>> r = pg.load().resolve("trust")
    >>> r.node, r.how, any(n.startswith("claim:") for n, _ in r.alternatives)
    ('theme:trust', 'label', True)
    """
    nxg = g.nx
    t = text.strip()
    if what == "source":
        node = resolve_source(g, t)
        how = "id" if t in (node, node[7:]) else "words"
        labels = {n: d["label"] or d["key"] for n, d in nxg.nodes(data=True) if d["kind"] == "source"}
        alts = _ranked(t, labels, node, 5) if how == "words" else []
        return Resolution(t, node, "source", labels[node], how, tuple(alts))
    claim_labels = {n: d["label"] for n, d in nxg.nodes(data=True) if d["kind"] == "claim"}
    is_claim_id = any(nxg.nodes.get(n, {}).get("kind") == "claim" for n in (t, "claim:" + t))
    theme = None if (is_claim_id or not themes) else _theme_by_words(g, t)
    if theme:
        d = nxg.nodes[theme]
        how = "label" if _words(t) in {_words(x) for x in (d["label"], *d["alt_labels"])} else "id"
        return Resolution(t, theme, "theme", d["label"], how, tuple(_ranked(t, claim_labels, "", 5)))
    try:
        node = resolve_claim(g, t)
    except (AmbiguousError, UnknownKeyError) as exc:
        near = _theme_within(g, t) if themes and "no claim with id" not in exc.message else None
        if near is None:
            raise
        alts = _ranked(t, claim_labels, "", 5)
        return Resolution(t, near, "theme", nxg.nodes[near]["label"], "words", tuple(alts))
    if is_claim_id:
        return Resolution(t, node, "claim", claim_labels[node], "id", ())
    alts = _ranked(t, claim_labels, node, 4) + (_themes_near(g, t) if themes else [])
    return Resolution(t, node, "claim", claim_labels[node], "words", tuple(alts))
