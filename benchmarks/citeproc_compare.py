"""How many of the hand-formatted references (tests/fixtures/cite/references.json) each CSL processor gets
right: pandoc's citeproc (pypandoc-binary) and citeproc-py, both with the same official CSL styles and the
same CSL-JSON items (``outputs.citation.cite_item`` for the style). Compared as plain text (italics and link marks
removed,
since citeproc-py's plain formatter has no italics).

    python benchmarks/citeproc_compare.py
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

from partnergraph.files.bibtex import parse_bibtex_text
from partnergraph.outputs.citation import cite_item, format_items, style_path

ROOT = Path(__file__).resolve().parent.parent


def plain(text: str) -> str:
    return re.sub(r"<(https?://[^>]*)>", r"\1", text.replace("*", "")).strip()


def citeproc_py(items: list[dict], style: str, locale: str) -> dict[str, str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        st = CitationStylesStyle(str(style_path(style)), locale=locale, validate=False)
        low = [dict(it, id=it["id"].lower()) for it in items]
        bib = CitationStylesBibliography(st, CiteProcJSON(low), formatter.plain)
        for it in low:
            bib.register(Citation([CitationItem(it["id"])]))
        bib.sort()
        by_low = {it["id"].lower(): it["id"] for it in items}
        return {by_low[k]: " ".join(str(t).split()) for k, t in zip(bib.keys, bib.bibliography(), strict=True)}


def main() -> None:
    fx = json.loads((ROOT / "tests/fixtures/cite/references.json").read_text(encoding="utf-8"))
    by = {s.key: s for s in parse_bibtex_text((ROOT / "data/sources.bib").read_text(encoding="utf-8")).sources}
    for style, locale in (("harvard", "en-GB"), ("apa", "en-US")):
        items = [cite_item(by[k], style) for k in fx["keys"]]  # the style's data rules (APA: sentence case)
        want = {e["key"]: plain(e["expected"]) for e in fx[style]}
        order = [e["key"] for e in fx[style]]
        pandoc = {r.key: plain(r.text) for r in format_items(items, style, locale, to="markdown")}
        cpy = citeproc_py(items, style, locale)
        for name, got in (("pandoc citeproc", pandoc), ("citeproc-py", cpy)):
            right = sum(got.get(k) == want[k] for k in want)
            same_order = list(got) == order
            print(f"{style:8} {name:16} {right:2}/{len(want)} right, bibliography order "
                  f"{'as expected' if same_order else 'differs'}")
            for k in want:
                if got.get(k) != want[k] and name == "citeproc-py" and style == "harvard":
                    print(f"    {k}: {got.get(k)!r}")


if __name__ == "__main__":
    main()
