"""The baseline: what a researcher would write by hand without partnergraph.

Parse the bibliography with bibtexparser, parse the claims with rdflib, and ask SPARQL for the benefits in one
quality cell with their sources (direct, or through a pooled evidence base), then look each source up in the
bibliography for its citation. Prints one JSON row per (benefit, source).

Usage::

    python benchmarks/baseline.py DATA_DIR [--dimension efficiency --level output]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

QUERY = """
PREFIX pg: <https://w3id.org/partnergraph/ns#>
PREFIX cito: <http://purl.org/spar/cito/>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?claim ?label ?source WHERE {
  ?claim a pg:Benefit ; rdfs:label ?label ; pg:qualityCategory ?cell .
  ?e pg:aboutClaim ?claim ; cito:hasCitedEntity ?cited .
  OPTIONAL { ?cited prov:hadMember ?member }
  BIND(COALESCE(?member, ?cited) AS ?source)
}"""


def run(data: Path, dimension: str = "efficiency", level: str = "output") -> list[dict]:
    """Benefits in the cell ``dimension``/``level`` with the citation of each of their sources."""
    import bibtexparser
    import rdflib

    bib = bibtexparser.parse_file(str(data / "sources.bib"), encoding="utf-8")
    entries = {e.key: e for e in bib.entries}
    g = rdflib.Graph().parse(str(data / "claims.ttl"), format="turtle")
    cell = rdflib.URIRef("https://w3id.org/partnergraph/ns#" + dimension.capitalize() + level.capitalize())
    rows = []
    for r in g.query(QUERY, initBindings={"cell": cell}):
        key = str(r.source).rsplit("/", 1)[-1]
        e = entries.get(key)
        fields = e.fields_dict if e is not None else {}
        rows.append({"claim": str(r.claim), "benefit": str(r.label), "source": key,
                     "author": fields["author"].value if "author" in fields else "",
                     "year": fields["year"].value if "year" in fields else ""})
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("data", type=Path)
    ap.add_argument("--dimension", default="efficiency")
    ap.add_argument("--level", default="output")
    args = ap.parse_args(argv)
    rows = run(args.data, args.dimension, args.level)
    sys.stdout.write("".join(json.dumps(r) + "\n" for r in rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
