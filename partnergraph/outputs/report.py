"""The evidence report: a summary per claim kind and per quality cell, every claim with its sources, and a
formatted bibliography — as Markdown or as a single HTML page.

The bibliography is formatted by citeproc-py with the Harvard "Cite Them Right" CSL style it ships
(``harvard-cite-them-right``); without citeproc-py a small built-in Harvard formatter gives the same shape
(author, year, title, container, publisher, pages). Every text from the data is escaped for the output format.

>>> import partnergraph as pg
>>> text = report_text(pg.load(), "md")
>>> text.startswith("# Evidence report")
True
"""

from __future__ import annotations

import html
import re
import warnings
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import PartnergraphError
from ..core.namespaces import CLAIM_KINDS
from ..files.bibtex import parse_bibtex
from ..questions.gaps import gaps
from .exports import write_file

__all__ = [
    "CSL_STYLE",
    "CSL_TYPES",
    "FORMATS",
    "Reference",
    "bibliography",
    "md_escape",
    "render_html",
    "render_markdown",
    "report_blocks",
    "report_text",
    "write_report",
]

FORMATS = ("md", "html")
CSL_STYLE = "harvard-cite-them-right"
CSL_TYPES = {"article": "article-journal", "book": "book", "incollection": "chapter", "inbook": "chapter",
             "techreport": "report", "phdthesis": "thesis", "mastersthesis": "thesis", "misc": "document",
             "online": "webpage", "inproceedings": "paper-conference", "legislation": "legislation"}


@dataclass(frozen=True, slots=True)
class Reference:
    """One formatted bibliography entry: ``key`` and ``text`` (plain text, unescaped)."""

    key: str
    text: str


def _kind_words(kind: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r" \1", kind).lower()


def md_escape(text: str) -> str:
    """Escape text from the data for Markdown: HTML-significant characters become entities and Markdown
    punctuation is backslash-escaped, so ``<img src=x onerror=alert(1)>`` shows as text.

    >>> md_escape("<b>*x*</b>")
    '&lt;b&gt;\\\\*x\\\\*&lt;/b&gt;'
    """
    text = " ".join(str(text).split())
    text = html.escape(text, quote=False)
    return re.sub(r"([\\`*_\[\]{}#|!])", r"\\\1", text)


def _csl_item(src, node: dict) -> dict:
    """A CSL-JSON item from a parsed BibTeX source (or, without one, from the graph node)."""
    if src is None:
        item = {"id": node["key"].lower(), "type": "document", "title": node.get("title") or node.get("label", "")}
        if node.get("year"):
            item["issued"] = {"date-parts": [[int(node["year"][:4])]]} if node["year"][:4].isdigit() else {}
        authors = [dict(zip(("family", "given"), (a.split(", ", 1) + [""])[:2], strict=True))
                   for a in node.get("authors", ())]
        if authors:
            item["author"] = authors
        return item
    f = src.fields
    item = {"id": src.key.lower(), "type": CSL_TYPES.get(src.entry_type, "document"),
            "title": f.get("title") or f"[{node.get('label') or src.key}: title not known]"}
    people = []
    for p in src.authors:
        if p.organisation:
            people.append({"literal": p.family})
        else:
            people.append({"family": p.family, "given": p.given} if p.given else {"family": p.family})
    if people:
        item["author"] = people
    year = f.get("year", "")
    if year[:4].isdigit():
        item["issued"] = {"date-parts": [[int(year[:4])]]}
    for bib, csl in (("journal", "container-title"), ("booktitle", "container-title"), ("volume", "volume"),
                     ("number", "issue"), ("pages", "page"), ("publisher", "publisher"), ("address", "publisher-place"),
                     ("institution", "publisher"), ("doi", "DOI"), ("url", "URL"), ("edition", "edition")):
        if f.get(bib) and csl not in item:
            item[csl] = f[bib]
    return item


def _harvard(item: dict) -> str:
    """The built-in Harvard formatter (used when citeproc-py is not installed)."""
    names = []
    for a in item.get("author", []):
        if "literal" in a:
            names.append(a["literal"])
        else:
            initials = "".join(x[0] + "." for x in re.split(r"[\s.-]+", a.get("given", "")) if x)
            names.append(f"{a['family']}, {initials}".rstrip(", "))
    who = " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else (names[0] if names else "")
    year = item.get("issued", {}).get("date-parts", [[None]])[0][0] or "n.d."
    out = f"{who} ({year}) " if who else f"{item['title']} ({year}) "
    if item.get("container-title"):
        out += f"'{item['title']}', {item['container-title']}"
        if item.get("volume"):
            out += f", {item['volume']}" + (f"({item['issue']})" if item.get("issue") else "")
        if item.get("page"):
            out += f", pp. {item['page']}"
    elif who:
        out += item["title"]
    if item.get("publisher"):
        out += ". " + (f"{item['publisher-place']}: " if item.get("publisher-place") else "") + item["publisher"]
    if item.get("DOI"):
        out += f". doi:{item['DOI']}"
    return out.strip() + "."


def bibliography(g, keys: list[str] | None = None) -> tuple[list[Reference], str]:
    """Formatted references for ``keys`` (default: every source), sorted as the style sorts them, and the name
    of the formatter used (``citeproc-py harvard-cite-them-right`` or ``built-in Harvard``)."""
    nxg = g.nx
    if keys is None:
        keys = sorted(d["key"] for _, d in nxg.nodes(data=True) if d["kind"] == "source")
    parsed = {}
    if g.data is not None:
        parsed = parse_bibtex(g.data.sources_path).by_key()
    items = {k.lower(): _csl_item(parsed.get(k), nxg.nodes["source:" + k]) for k in keys}
    by_lower = {k.lower(): k for k in keys}
    try:
        from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
        from citeproc.source.json import CiteProcJSON
    except ImportError:
        refs = [Reference(by_lower[k], _harvard(it)) for k, it in items.items()]
        return sorted(refs, key=lambda r: (r.text.lower(), r.key)), "built-in Harvard"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        style = CitationStylesStyle(CSL_STYLE, validate=False)
        bib = CitationStylesBibliography(style, CiteProcJSON(list(items.values())), formatter.plain)
        for k in items:
            bib.register(Citation([CitationItem(k)]))
        bib.sort()
        texts = [str(x) for x in bib.bibliography()]
    refs = [Reference(by_lower.get(k, k), " ".join(t.split())) for k, t in zip(bib.keys, texts, strict=True)]
    return refs, f"citeproc-py {CSL_STYLE}"


def _evidence_lines(nxg, claim: str) -> list[str]:
    lines = []
    for u, _, e in sorted(nxg.in_edges(claim, data=True), key=lambda t: (t[0], t[2].get("evidence", ""))):
        if e["kind"] != "evidences":
            continue
        d = nxg.nodes[u]
        if d["kind"] == "pool":
            n = sum(1 for _, _, k in nxg.in_edges(u, keys=True) if k == "pooled_in")
            who = f"pooled evidence base “{d['label'] or u}” ({n} sources)"
        else:
            who = d["label"] or d["key"]
        extra = ", ".join(x for x in (e["stance"], e["attribution"], e["locator"]) if x)
        lines.append(f"{who} ({extra})")
    return lines


def report_blocks(g) -> dict:
    """The report's content as plain data (what both renderers show)."""
    nxg = g.nx
    claims = {n: d for n, d in nxg.nodes(data=True) if d["kind"] == "claim"}
    per_kind = []
    for kind in CLAIM_KINDS:
        members = sorted((n for n, d in claims.items() if d["claim_kind"] == kind), key=lambda n: claims[n]["label"])
        if not members:
            continue
        links: Counter[str] = Counter()
        sources_direct: set[str] = set()
        pools: set[str] = set()
        with_evidence = 0
        entries = []
        for c in members:
            ev = [(u, e) for u, _, e in nxg.in_edges(c, data=True) if e["kind"] == "evidences"]
            with_evidence += bool(ev)
            for u, e in ev:
                links[e["attribution"]] += 1
                (pools if nxg.nodes[u]["kind"] == "pool" else sources_direct).add(u)
            entries.append({"id": c.split(":", 1)[1], "label": claims[c]["label"],
                            "cells": ", ".join(claims[c]["cells"]), "evidence": _evidence_lines(nxg, c)})
        per_kind.append({"kind": kind, "words": _kind_words(kind), "claims": len(members),
                         "with_evidence": with_evidence, "direct_links": links["direct"],
                         "pooled_links": links["pooled"], "direct_sources": len(sources_direct),
                         "pools": len(pools), "entries": entries})
    cells = [{"cell": f"{c.dimension} / {c.level}", "benefits": c.benefits, "direct": c.sources_direct,
              "pooled": c.sources_pooled, "total": c.sources_total, "share": f"{c.direct_share:.0%}",
              "gap": "gap" if c.gap else ""} for c in gaps(g)]
    cited = sorted({nxg.nodes[u]["key"] for c in claims for u, _, e in nxg.in_edges(c, data=True)
                    if e["kind"] == "evidences" and nxg.nodes[u]["kind"] == "source"}
                   | {nxg.nodes[m]["key"] for m, _, k in nxg.edges(keys=True) if k == "pooled_in"}
                   | {k for d in claims.values() for k in d["derived_from"] if "source:" + k in nxg})
    refs, style = bibliography(g, cited)
    where = g.endpoint or (str(g.data.path) if g.data else "")
    return {"where": where, "per_kind": per_kind, "cells": cells, "refs": refs, "style": style,
            "n_claims": len(claims), "n_sources": sum(1 for _, d in nxg.nodes(data=True) if d["kind"] == "source")}


def render_markdown(b: dict) -> str:
    """The report as Markdown."""
    e = md_escape
    out = ["# Evidence report", "",
           f"{b['n_claims']} claims and {b['n_sources']} sources from `{e(b['where'])}`. Evidence is *direct* when "
           "a review attributes a claim to a source, *pooled* when it gives a block of sources for a whole table.",
           "", "## Evidence by claim kind", "",
           "| claim kind | claims | with evidence | direct links | pooled links | direct sources | pooled bases |",
           "|---|---:|---:|---:|---:|---:|---:|"]
    for k in b["per_kind"]:
        out.append(f"| {k['words']} | {k['claims']} | {k['with_evidence']} | {k['direct_links']} | "
                   f"{k['pooled_links']} | {k['direct_sources']} | {k['pools']} |")
    out += ["", "## Benefits by quality cell", "",
            "| cell | benefits | direct sources | pooled sources | all sources | direct share | |",
            "|---|---:|---:|---:|---:|---:|---|"]
    for c in b["cells"]:
        out.append(f"| {c['cell']} | {c['benefits']} | {c['direct']} | {c['pooled']} | {c['total']} | "
                   f"{c['share']} | {c['gap']} |")
    out += ["", "## Claims and their sources", ""]
    for k in b["per_kind"]:
        out += [f"### {k['words'].capitalize()} ({k['claims']})", ""]
        for c in k["entries"]:
            cells = f" — {e(c['cells'])}" if c["cells"] else ""
            out.append(f"- **{e(c['label'])}** (`{e(c['id'])}`){cells}")
            for line in c["evidence"] or ["no evidence link"]:
                out.append(f"  - {e(line)}")
        out.append("")
    out += ["## Bibliography", "", f"Formatted with {b['style']}.", ""]
    out += [f"- {e(r.text)}" for r in b["refs"]]
    return "\n".join(out) + "\n"


def render_html(b: dict) -> str:
    """The report as one HTML page (no external resource; every text escaped)."""
    e = html.escape
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">",
           "<title>Evidence report</title><style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:1rem "
           "auto;padding:0 1rem;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:"
           "0.2rem 0.5rem}td.n{text-align:right}li{margin:0.2rem 0}</style></head><body>",
           "<h1>Evidence report</h1>",
           f"<p>{b['n_claims']} claims and {b['n_sources']} sources from <code>{e(b['where'])}</code>. Evidence "
           "is <em>direct</em> when a review attributes a claim to a source, <em>pooled</em> when it gives a block "
           "of sources for a whole table.</p>", "<h2>Evidence by claim kind</h2>",
           "<table><tr><th>claim kind</th><th>claims</th><th>with evidence</th><th>direct links</th>"
           "<th>pooled links</th><th>direct sources</th><th>pooled bases</th></tr>"]
    for k in b["per_kind"]:
        out.append(f"<tr><td>{e(k['words'])}</td>" + "".join(
            f'<td class="n">{k[x]}</td>' for x in ("claims", "with_evidence", "direct_links", "pooled_links",
                                                   "direct_sources", "pools")) + "</tr>")
    out += ["</table>", "<h2>Benefits by quality cell</h2>",
            "<table><tr><th>cell</th><th>benefits</th><th>direct sources</th><th>pooled sources</th>"
            "<th>all sources</th><th>direct share</th><th></th></tr>"]
    for c in b["cells"]:
        out.append(f"<tr><td>{e(c['cell'])}</td>" + "".join(
            f'<td class="n">{e(str(c[x]))}</td>' for x in ("benefits", "direct", "pooled", "total", "share"))
            + f"<td>{e(c['gap'])}</td></tr>")
    out += ["</table>", "<h2>Claims and their sources</h2>"]
    for k in b["per_kind"]:
        out += [f"<h3>{e(k['words'].capitalize())} ({k['claims']})</h3>", "<ul>"]
        for c in k["entries"]:
            cells = f" — {e(c['cells'])}" if c["cells"] else ""
            items = "".join(f"<li>{e(x)}</li>" for x in c["evidence"] or ["no evidence link"])
            out.append(f"<li><strong>{e(c['label'])}</strong> (<code>{e(c['id'])}</code>){cells}<ul>{items}</ul></li>")
        out.append("</ul>")
    out += ["<h2>Bibliography</h2>", f"<p>Formatted with {e(b['style'])}.</p>", "<ul>"]
    out += [f'<li id="ref-{e(r.key)}">{e(r.text)}</li>' for r in b["refs"]]
    out += ["</ul>", "</body></html>"]
    return "\n".join(out) + "\n"


def report_text(g, fmt: str = "md") -> str:
    """The report of ``g`` as ``md`` or ``html`` text."""
    if fmt not in FORMATS:
        raise PartnergraphError(f"unknown report format '{fmt}'", hint="write report.md or report.html")
    b = report_blocks(g)
    return render_markdown(b) if fmt == "md" else render_html(b)


def write_report(g, output: str | Path = "report.md") -> Path:
    """Write the report to ``output``; the suffix (``.md`` or ``.html``) chooses the format."""
    path = Path(output)
    suffix = path.suffix.lower().lstrip(".")
    fmt = {"md": "md", "markdown": "md", "html": "html", "htm": "html"}.get(suffix)
    if fmt is None:
        raise PartnergraphError(f"cannot tell the report format from '{path.name}'",
                                hint="name the file report.md (Markdown) or report.html")
    write_file(path, report_text(g, fmt).encode("utf-8"))
    return path
