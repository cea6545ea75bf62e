"""The evidence report: a summary per claim kind and per quality cell, every claim with its sources, and a
formatted bibliography — as Markdown or as a single HTML page.

The bibliography is formatted by pandoc's citeproc with a CSL style (default Cite Them Right Harvard,
``harvard-cite-them-right-in``: the official style with "in" before an unedited book; see :mod:`.citation`).
Every text from the data is escaped for the output format.

>>> import partnergraph as pg
>>> text = report_text(pg.load(), "md")
>>> text.startswith("# Evidence report")
True
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from ..core.errors import PartnergraphError
from ..core.namespaces import CLAIM_KINDS
from ..files.bibtex import parse_bibtex
from ..questions.gaps import gaps
from .citation import cite_item, format_items, style_path
from .mapstyle import cell_words, is_contested, reference, source_name
from .outfile import write_file

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
CSL_STYLE = "harvard-cite-them-right-in"
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


def bibliography(g, keys: list[str] | None = None, style: str = "harvard",
                 locale: str | None = None) -> tuple[list[Reference], str]:
    """Formatted references for ``keys`` (default: every source), sorted as the style sorts them, and the name
    of the formatter used (``pandoc citeproc, harvard-cite-them-right-in``): pandoc's citeproc with the CSL
    ``style`` (see :data:`~.citation.STYLES`, or a ``.csl`` file)."""
    nxg = g.nx
    if keys is None:
        keys = sorted(d["key"] for _, d in nxg.nodes(data=True) if d["kind"] == "source")
    parsed = {}
    if g.data is not None:
        parsed = parse_bibtex(g.data.sources_path).by_key()
    items = [cite_item(parsed[k], style) if k in parsed else _csl_item(None, nxg.nodes["source:" + k]) for k in keys]
    refs = [Reference(r.key, r.text) for r in format_items(items, style, locale)]
    return refs, f"pandoc citeproc, {style_path(style).stem}"


def _names(nxg):
    return (lambda n: source_name(nxg.nodes[n], nxg)), (lambda n: reference(nxg.nodes[n], nxg))


def _claim_evidence(nxg, claim: str, name) -> tuple[list[dict], list[dict]]:
    """(direct rows with source, stance, locator, quote; pooled rows folded per stance with their lists)."""
    direct: list[dict] = []
    pooled: dict[str, dict] = {}
    for u, _, e in sorted(nxg.in_edges(claim, data=True), key=lambda t: (t[0], t[2].get("evidence", ""))):
        if e["kind"] != "evidences":
            continue
        d = nxg.nodes[u]
        if d["kind"] == "pool":
            row = pooled.setdefault(e["stance"], {"stance": e["stance"], "lists": [], "members": set()})
            row["lists"].append(d["label"] or u)
            row["members"] |= {m for m, _, k in nxg.in_edges(u, keys=True) if k == "pooled_in"}
        else:
            direct.append({"name": name(u), "key": d["key"], "stance": e["stance"], "locator": e["locator"],
                           "quote": e["quote"], "via": e["via"]})
    return direct, [{"stance": r["stance"], "lists": r["lists"], "sources": len(r["members"])}
                    for r in pooled.values()]


def _contested_rows(nxg, claims: dict, name) -> list[dict]:
    """Claims with disputing or qualifying evidence, or challenged or qualified by another claim, with by whom."""
    rows = []
    for c in sorted(claims, key=lambda n: claims[n]["label"].lower()):
        if not is_contested(nxg, c):
            continue
        by = []
        for u, _, e in sorted(nxg.in_edges(c, data=True), key=lambda t: t[0]):
            if e["kind"] == "evidences" and e["stance"] in ("disputes", "qualifies"):
                who = name(u) if nxg.nodes[u]["kind"] == "source" else (nxg.nodes[u]["label"] or u)
                by.append({"what": f"{e['stance']}: {who}", "key": nxg.nodes[u].get("key", ""),
                           "quote": e["quote"], "locator": e["locator"]})
            elif e.get("kind") == "relates" and e.get("relation") in ("challenges", "qualifies"):
                who = e.get("asserted_by") or ""
                if who == "curators":
                    who = "the curators"
                elif "source:" + who in nxg:
                    who = name("source:" + who)
                by.append({"what": f"{e['relation']} it: {nxg.nodes[u]['label']} (asserted by {who})", "key": "",
                           "quote": e.get("quote", "") or e.get("reason", ""), "locator": e.get("where", "")})
        rows.append({"label": claims[c]["label"], "kind": _kind_words(claims[c]["claim_kind"]), "by": by})
    return rows


def _theme_rows(nxg, name) -> list[dict]:
    themes = sorted((n for n, d in nxg.nodes(data=True) if d.get("kind") == "theme"),
                    key=lambda n: (nxg.nodes[n].get("group") or "", n))
    rows = []
    for t in themes:
        bare = t.split(":", 1)[1]
        members = [n for n, d in nxg.nodes(data=True) if d.get("kind") == "claim" and bare in (d.get("themes") or ())]
        reviews = sorted({k for m in members for k in nxg.nodes[m]["derived_from"] if "source:" + k in nxg})
        direct, pooled = set(), set()
        for m in members:
            for u, _, e in nxg.in_edges(m, data=True):
                if e["kind"] != "evidences":
                    continue
                if nxg.nodes[u]["kind"] == "pool":
                    pooled |= {s for s, _, k in nxg.in_edges(u, keys=True) if k == "pooled_in"}
                else:
                    direct.add(u)
        rows.append({"label": nxg.nodes[t].get("label") or bare, "group": nxg.nodes[t].get("group_label") or "",
                     "scope": nxg.nodes[t].get("scope_note") or "", "claims": len(members),
                     "reviews": [name("source:" + r) for r in reviews], "sources": len(direct | pooled),
                     "direct": len(direct),
                     "labels": sorted(nxg.nodes[m]["label"] for m in members)})
    return rows


def report_blocks(g, style: str = "harvard", locale: str | None = None) -> dict:
    """The report's content as plain data (what both templates show): no local path, no raw id."""
    nxg = g.nx
    name, ref_of = _names(nxg)
    claims = {n: d for n, d in nxg.nodes(data=True) if d["kind"] == "claim"}
    per_kind = []
    for kind in sorted({d["claim_kind"] for d in claims.values()},
                       key=lambda k: (CLAIM_KINDS.index(k) if k in CLAIM_KINDS else len(CLAIM_KINDS), k)):
        members = sorted((n for n, d in claims.items() if d["claim_kind"] == kind),
                         key=lambda n: claims[n]["label"].lower())
        links: Counter[str] = Counter()
        sources_direct: set[str] = set()
        pools: set[str] = set()
        entries: list[dict] = []
        bare: Counter[str] = Counter()
        for c in members:
            ev = [(u, e) for u, _, e in nxg.in_edges(c, data=True) if e["kind"] == "evidences"]
            for u, e in ev:
                links[e["attribution"]] += 1
                (pools if nxg.nodes[u]["kind"] == "pool" else sources_direct).add(u)
            review = next((name("source:" + k) for k in claims[c]["derived_from"] if "source:" + k in nxg), "")
            if not ev:
                bare[review or "no review recorded"] += 1
                continue
            direct, pooled = _claim_evidence(nxg, c, name)
            entries.append({"label": claims[c]["label"], "review": review,
                            "cells": ", ".join(cell_words(x) for x in claims[c]["cells"]),
                            "direct": direct, "pooled": pooled})
        per_kind.append({"kind": kind, "words": _kind_words(kind), "claims": len(members),
                         "with_evidence": len(entries), "direct_links": links["direct"],
                         "pooled_links": links["pooled"], "direct_sources": len(sources_direct),
                         "pools": len(pools), "entries": entries,
                         "unevidenced": len(members) - len(entries), "unevidenced_by": sorted(bare.items())})
    cells = [{"cell": f"{c.dimension} / {c.level}", "benefits": c.benefits, "direct": c.sources_direct,
              "pooled": c.sources_pooled, "total": c.sources_total, "share": f"{c.direct_share:.0%}",
              "gap": "gap" if c.gap else ""} for c in gaps(g)]
    cited = sorted({nxg.nodes[u]["key"] for c in claims for u, _, e in nxg.in_edges(c, data=True)
                    if e["kind"] == "evidences" and nxg.nodes[u]["kind"] == "source"}
                   | {nxg.nodes[m]["key"] for m, _, k in nxg.edges(keys=True) if k == "pooled_in"}
                   | {k for d in claims.values() for k in d["derived_from"] if "source:" + k in nxg})
    refs, formatter = bibliography(g, cited, style, locale)
    titled = [r for r in refs if nxg.nodes["source:" + r.key].get("title")]
    untitled = sorted((r for r in refs if not nxg.nodes["source:" + r.key].get("title")),
                      key=lambda r: name("source:" + r.key).lower())
    n_links = sum(k["direct_links"] + k["pooled_links"] for k in per_kind)
    return {"per_kind": per_kind, "cells": cells, "refs": titled, "style": formatter,
            "untitled": [{"key": r.key, "name": name("source:" + r.key), "ref": ref_of("source:" + r.key)}
                         for r in untitled],
            "n_refs": len(refs), "contested": _contested_rows(nxg, claims, name), "themes": _theme_rows(nxg, name),
            "n_claims": len(claims), "n_links": n_links,
            "n_sources": sum(1 for _, d in nxg.nodes(data=True) if d["kind"] == "source")}


def _env():
    from jinja2 import Environment, FileSystemLoader, select_autoescape

    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                      autoescape=select_autoescape(enabled_extensions=("html",), default=False),
                      trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["md"] = md_escape
    env.filters["anchor"] = lambda key: re.sub(r"[^A-Za-z0-9_-]", "-", str(key))
    return env


def render_markdown(b: dict) -> str:
    """The report as Markdown (templates/report.md)."""
    return _env().get_template("report.md").render(b=b)


def render_html(b: dict) -> str:
    """The report as one HTML page (templates/report.html: no external resource, every text escaped)."""
    return _env().get_template("report.html").render(b=b)


def report_text(g, fmt: str = "md", style: str = "harvard", locale: str | None = None) -> str:
    """The report of ``g`` as ``md`` or ``html`` text, its bibliography in the CSL ``style``."""
    if fmt not in FORMATS:
        raise PartnergraphError(f"unknown report format '{fmt}'", hint="write report.md or report.html")
    b = report_blocks(g, style, locale)
    return render_markdown(b) if fmt == "md" else render_html(b)


def write_report(g, output: str | Path = "report.md", style: str = "harvard", locale: str | None = None) -> Path:
    """Write the report to ``output``; the suffix (``.md`` or ``.html``) chooses the format."""
    path = Path(output)
    suffix = path.suffix.lower().lstrip(".")
    fmt = {"md": "md", "markdown": "md", "html": "html", "htm": "html"}.get(suffix)
    if fmt is None:
        raise PartnergraphError(f"cannot tell the report format from '{path.name}'",
                                hint="name the file report.md (Markdown) or report.html")
    write_file(path, report_text(g, fmt, style, locale).encode("utf-8"))
    return path
