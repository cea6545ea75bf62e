"""The other side, as text: relations between claims, contested claims and debates in every output format.

``table``, ``markdown`` and ``csv`` print one flat row per relation, challenger or debate position (``table``
cuts long cells; ``quote_or_reason`` holds the review's words or, marked ``curators:``, the curators' reason);
``json`` and ``ndjson`` keep the rows' nesting. ``explain`` prints readable blocks instead (a claim, then what
challenges, qualifies or supports it, with who makes the connection and the whole quote).

May import: ``partnergraph.questions`` and everything below it.

>>> from partnergraph.questions.debates import RelationRow
>>> row = RelationRow("b", "in", "challenges", "a", "Finding", "little evidence", "", ("x2000",), "curators",
...                   "", "the review doubts it", "", "", "", "r1")
>>> print(render_relations([row], "csv", ["how", "other", "sources", "quote_or_reason"]), end="")
how,other,sources,quote_or_reason
challenged by,a,x2000,curators: the review doubts it
>>> print(render_relations([row], "table", explain=True), end="")
challenged by
  a  [Finding] little evidence  (x2000)
      curators' reading: the review doubts it
"""

from __future__ import annotations

from typing import Any

from ..questions.debates import PASSIVE, ContestedRow, DebateRow, RelationRow
from .formats import render

__all__ = [
    "CONTESTED_COLUMNS",
    "CONTESTED_CSV",
    "DEBATE_COLUMNS",
    "RELATION_COLUMNS",
    "SUMMARY_COLUMNS",
    "render_contested",
    "render_debates",
    "render_relations",
]

_CONTROL = dict.fromkeys([*range(0, 9), *range(11, 32), 127], "\ufffd")
_ACTIVE = {"challenges": "challenges", "qualifies": "qualifies", "supports": "supports"}


def _t(text: Any) -> str:
    """Text from the data on one line, with no control characters (nothing drives the terminal)."""
    return " ".join(str(text).split()).translate(_CONTROL)


def _md(text: Any) -> str:
    return _t(text).replace("\\", "\\\\").replace("*", "\\*").replace("_", "\\_").replace("`", "\\`") \
        .replace("<", "&lt;").replace(">", "&gt;")


def _who(asserted_by: str, quote: str, reason: str, md: bool = False) -> str:
    esc = _md if md else _t
    if asserted_by == "curators":
        return f"curators' reading: {esc(reason)}" if reason else "curators' reading"
    return f"{esc(asserted_by)}: \u201c{esc(quote)}\u201d" if quote else esc(asserted_by)


def _srcs(sources: tuple[str, ...]) -> str:
    return f"  ({', '.join(sources)})" if sources else ""


def _words(asserted_by: str, quote: str, reason: str) -> str:
    return f"curators: {reason}" if asserted_by == "curators" else quote


def _relations_flat(rows: list[RelationRow]) -> list[dict[str, Any]]:
    return [{"how": PASSIVE[r.relation] if r.direction == "in" else f"this claim {_ACTIVE[r.relation]}",
             "other": r.other, "other_kind": r.other_kind, "other_label": r.other_label, "sources": r.sources,
             "asserted_by": r.asserted_by, "quote_or_reason": _words(r.asserted_by, r.quote, r.reason),
             "via_set": r.via_set, "debate": r.debate, "relation_id": r.relation_id} for r in rows]


RELATION_COLUMNS = ["how", "other", "other_label", "sources", "asserted_by", "quote_or_reason"]


def render_relations(rows: list[RelationRow], fmt: str, columns: list[str] | None = None,
                     explain: bool = False) -> str:
    """The claims that bear on a claim (``in``: challenged by / qualified by / supported by) and those it bears on
    (``out``), with each one's sources and who makes the connection."""
    if fmt in ("json", "ndjson"):
        return render(rows, fmt)
    if not explain:
        if fmt == "csv" and columns is None:
            return render(rows, "csv")
        return render(_relations_flat(rows), fmt, columns or RELATION_COLUMNS)
    md = fmt == "markdown"
    esc = _md if md else _t
    out: list[str] = []
    groups: dict[str, list[RelationRow]] = {}
    for r in rows:
        heading = PASSIVE[r.relation] if r.direction == "in" else f"this claim {_ACTIVE[r.relation]}"
        groups.setdefault(heading, []).append(r)
    for heading, members in groups.items():
        out.append(f"**{heading}**" if md else heading)
        if md:
            out.append("")
        for r in members:
            through = f" (through {r.via_set})" if r.via_set and r.direction == "in" else ""
            who = _who(r.asserted_by, r.quote, r.reason, md) + through
            if md:
                out.append(f"- `{r.other}` [{r.other_kind}] {esc(r.other_label)}{_srcs(r.sources)} — {who}")
            else:
                out.append(f"  {r.other}  [{r.other_kind}] {esc(r.other_label)}{_srcs(r.sources)}")
                out.append(f"      {who}")
        if md:
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n" if out else "(no claim bears on it)\n"


def _contested_flat(rows: list[ContestedRow]) -> list[dict[str, Any]]:
    flat = []
    for r in rows:
        for c in r.challengers:
            flat.append({"claim": r.claim, "kind": r.kind, "label": r.label, "supports": r.supports, "how": c.how,
                         "by": c.by, "by_label": c.label, "sources": c.sources, "asserted_by": c.asserted_by,
                         "quote": c.quote, "reason": c.reason,
                         "quote_or_reason": _words(c.asserted_by, c.quote, c.reason), "via_set": c.via_set,
                         "debate": c.debate})
    return flat


CONTESTED_COLUMNS = ["claim", "label", "how", "by", "sources", "asserted_by", "quote_or_reason"]
CONTESTED_CSV = ["claim", "kind", "label", "supports", "how", "by", "by_label", "sources", "asserted_by", "quote",
                 "reason", "via_set", "debate"]
SUMMARY_COLUMNS = ["claim", "kind", "label", "supports", "disputes", "qualifies", "challenged", "qualified", "by"]


def render_contested(rows: list[ContestedRow], fmt: str, summary: bool = False, explain: bool = False) -> str:
    """Each contested claim with everything that contests it: the challenging or qualifying claims (their
    sources, who connects them, the quote) and the disputing or qualifying evidence; one row per challenger.
    ``summary``: one row per claim instead; ``explain``: readable blocks."""
    if fmt in ("json", "ndjson"):
        return render(rows, fmt)
    if summary:
        return render([{k: getattr(r, k) for k in SUMMARY_COLUMNS} for r in rows], fmt, SUMMARY_COLUMNS)
    if not explain:
        flat = _contested_flat(rows)
        return render(flat, fmt, CONTESTED_CSV if fmt == "csv" else CONTESTED_COLUMNS)
    md = fmt == "markdown"
    esc = _md if md else _t
    out: list[str] = []
    for r in rows:
        against = [f"{n} {w}" for n, w in ((r.challenged, "challenging"), (r.qualified, "qualifying")) if n]
        links = [f"{n} {w}" for n, w in ((r.disputes, "disputing"), (r.qualifies, "qualifying")) if n]
        tally = f"{r.supports} supporting link(s)" + (f"; {', '.join(links)} link(s)" if links else "") + \
            (f"; {', '.join(against)} claim(s)" if against else "")
        if md:
            out += [f"**{r.claim}** [{r.kind}] {esc(r.label)} — {tally}", ""]
        else:
            out += [f"{r.claim}  [{r.kind}] {esc(r.label)}", f"  {tally}"]
        for c in r.challengers:
            through = f" (through {c.via_set})" if c.via_set else ""
            who = _who(c.asserted_by, c.quote, c.reason, md) + through
            if md:
                out.append(f"- {c.how}: `{c.by}` {esc(c.label)}{_srcs(c.sources)} — {who}")
            else:
                out.append(f"  {c.how}: {c.by}  {esc(c.label)}{_srcs(c.sources)}")
                out.append(f"      {who}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n" if out else "(no rows)\n"


def _debates_flat(rows: list[DebateRow]) -> list[dict[str, Any]]:
    return [{"debate": d.debate, "label": d.label, "side": s.label, "claim": p.claim, "kind": p.kind,
             "claim_label": p.label, "sources": p.sources, "reviews": p.reviews, "relations": d.relations}
            for d in rows for s in d.sides for p in s.positions]


DEBATE_COLUMNS = ["debate", "side", "claim", "claim_label", "sources"]


def render_debates(rows: list[DebateRow], fmt: str, explain: bool = False) -> str:
    """Each debate as its sides, each with the claims that state it and their sources: one row per claim, or
    (``explain``) what the debate is about and then its sides as blocks."""
    if fmt in ("json", "ndjson"):
        return render(rows, fmt)
    if not explain:
        return render(_debates_flat(rows), fmt, None if fmt == "csv" else DEBATE_COLUMNS)
    md = fmt == "markdown"
    esc = _md if md else _t
    out: list[str] = []
    for d in rows:
        who = "the curators" if d.asserted_by == "curators" else d.asserted_by
        if md:
            out += [f"### {esc(d.label)} (`{d.debate}`)", "", f"{esc(d.reason)} Named by {who}; "
                    f"{d.relations} relation(s) between claims carry it.", ""]
        else:
            out += [f"debate:{d.debate}  {esc(d.label)}", f"  {esc(d.reason)}",
                    f"  named by {who}; {d.relations} relation(s) between claims carry it"]
        for i, s in enumerate(d.sides, 1):
            out.append(f"**Side {i}: {esc(s.label)}**" if md else f"  side {i}: {esc(s.label)}")
            if md:
                out.append("")
            for p in s.positions:
                if md:
                    out.append(f"- `{p.claim}` [{p.kind}] {esc(p.label)}{_srcs(p.sources)}")
                else:
                    out.append(f"    {p.claim}  [{p.kind}] {esc(p.label)}{_srcs(p.sources)}")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n" if out else "(no debates)\n"
