"""The theme framework (``data/themes.ttl`` or ``--themes FILE``) → the evidence graph.

Adds a node per theme (``theme:trust``: ``kind="theme"``) and per theme group (``theme:group-why``:
``kind="theme_group"``), an edge ``in_theme`` from each claim to each of its themes and ``in_group`` from each
theme to its group, and a ``themes`` attribute (bare theme ids) on every claim. With no framework loaded there
are no theme nodes and every claim's ``themes`` is ``()``. The attribute names are documented for the pages in
``docs/researchers.md`` ("Themes").

May import: ``partnergraph.store`` and everything below it.
"""

from __future__ import annotations

from ..core.errors import IntegrityError
from ..core.namespaces import PG, PGID
from ..core.text import control_char
from ..store.embedded import run_sparql

__all__ = ["Q_ASSIGNMENTS", "Q_CONCEPTS", "add_themes"]

THEME_NS = PGID + "theme/"

Q_CONCEPTS = """
SELECT ?c ?type ?p ?text ?lang WHERE {
  ?c a ?type . FILTER(?type IN (pg:Theme, pg:ThemeGroup))
  OPTIONAL { VALUES ?p { skos:prefLabel skos:altLabel skos:scopeNote } ?c ?p ?text BIND(LANG(?text) AS ?lang) }
}"""
Q_BROADER = "SELECT ?t ?b WHERE { ?t a pg:Theme ; skos:broader ?b }"
Q_MATCHES = "SELECT ?c ?m WHERE { ?c skos:closeMatch ?m . ?c a ?type FILTER(?type IN (pg:Theme, pg:ThemeGroup)) }"
Q_SCHEME = "SELECT ?s ?label WHERE { ?g a pg:ThemeGroup ; skos:topConceptOf ?s . OPTIONAL { ?s rdfs:label ?label } }"
Q_ASSIGNMENTS = "SELECT ?c ?t WHERE { ?c pg:theme ?t }"

_NAMES = {PGID + "claim/": "claim:", THEME_NS: "theme:", PGID + "set/": "set:", PG: "pg:"}


def _name(iri: str) -> str:
    for ns, short in _NAMES.items():
        if iri.startswith(ns):
            return short + iri[len(ns):]
    return iri


def _rows(store, query: str) -> list[tuple]:
    out = [tuple(None if t is None else t.value for t in sol) for sol in run_sparql(store, query)]
    out.sort(key=lambda r: tuple("" if v is None else v for v in r))
    return out


def _pick(texts: list[tuple[str, str]]) -> str:
    """One label of several: English first, then untagged, then the first by language tag."""
    if not texts:
        return ""
    rank = {"en": 0, "": 1}
    return sorted(texts, key=lambda t: (rank.get(t[1].lower().split("-")[0] if t[1] else "", 2), t[1], t[0]))[0][0]


def add_themes(g, store, check: bool = True) -> None:
    """Add the theme framework held in ``store`` to the networkx graph ``g`` (claims already in it).

    With ``check``, an assignment that names no claim of the graph, or names something that is not a
    ``pg:Theme``, and a label or scope note holding a control character raise
    :class:`~partnergraph.core.errors.IntegrityError` (the loader names the line in the themes file). Without a
    framework this only sets every claim's ``themes`` to ``()``.
    """
    concepts: dict[str, dict] = {}
    for c, typ, p, text, lang in _rows(store, Q_CONCEPTS):
        d = concepts.setdefault(_name(c), {"kind": "theme" if typ == PG + "Theme" else "theme_group",
                                           "pref": [], "alt": [], "note": []})
        if typ == PG + "Theme":
            d["kind"] = "theme"  # typed both: a theme
        if p is not None:
            what = p.rsplit("#", 1)[-1]
            ch = control_char(text) if check else None
            if ch:
                raise IntegrityError(None, None, f"theme {_name(c)} has a control character ({ch}) in its {what}",
                                     hint="remove it: no label or note may hold control characters")
            d[{"prefLabel": "pref", "altLabel": "alt", "scopeNote": "note"}[what]].append((text, lang or ""))
    matches: dict[str, list[str]] = {}
    for c, m in _rows(store, Q_MATCHES):
        matches.setdefault(_name(c), []).append(_name(m))
    for name in sorted(concepts):
        d = concepts[name]
        g.add_node(name, kind=d["kind"], label=_pick(d["pref"]) or name.removeprefix("theme:"),
                   alt_labels=tuple(sorted({t for t, _ in d["alt"]})), scope_note=_pick(d["note"]),
                   close_match=tuple(sorted(set(matches.get(name, ())))), claims=0, reviews=(),
                   **({"group": "", "group_label": ""} if d["kind"] == "theme" else {"themes": 0}))
    for t, b in _rows(store, Q_BROADER):
        t, b = _name(t), _name(b)
        if b in g and g.nodes[b]["kind"] == "theme_group" and not g.nodes[t]["group"]:
            g.nodes[t]["group"] = b.removeprefix("theme:")
            g.nodes[t]["group_label"] = g.nodes[b]["label"]
            g.nodes[b]["themes"] += 1
            g.add_edge(t, b, key="in_group", kind="in_group")
    for _n, d in g.nodes(data=True):
        if d.get("kind") == "claim":
            d["themes"] = ()
    reviews: dict[str, set[str]] = {}
    for c, t in _rows(store, Q_ASSIGNMENTS):
        c, t = _name(c), _name(t)
        if g.nodes.get(c, {}).get("kind") != "claim" or g.nodes.get(t, {}).get("kind") != "theme":
            if not check:
                continue
            if g.nodes.get(c, {}).get("kind") != "claim":
                raise IntegrityError(None, None, f"theme assignment {c} → {t}: claims.ttl has no claim {c}",
                                     hint="correct the claim id in the themes file, or remove the assignment")
            raise IntegrityError(None, None, f"theme assignment {c} → {t}: {t} is not a theme (pg:Theme) of the "
                                             "themes file", hint="declare the theme, or correct its id")
        g.nodes[c]["themes"] += (t.removeprefix("theme:"),)
        g.nodes[t]["claims"] += 1
        reviews.setdefault(t, set()).update(g.nodes[c]["derived_from"])
        g.add_edge(c, t, key="in_theme", kind="in_theme")
    for t, rs in reviews.items():
        g.nodes[t]["reviews"] = tuple(sorted(rs))
    for grp in [n for n, d in g.nodes(data=True) if d.get("kind") == "theme_group"]:
        members = {c for t, _, k in g.in_edges(grp, keys=True) if k == "in_group"
                   for c, _, k2 in g.in_edges(t, keys=True) if k2 == "in_theme"}
        g.nodes[grp]["claims"] = len(members)
        g.nodes[grp]["reviews"] = tuple(sorted({r for c in members for r in g.nodes[c]["derived_from"]}))
    schemes = _rows(store, Q_SCHEME)
    g.graph["theme_framework"] = next((label or s for s, label in schemes), "")
