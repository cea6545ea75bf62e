"""The bundled corpus pinned to the seed texts: what the graph says is what the literature says.

These tests read the seed documents from the folder named by ``PARTNERGRAPH_SEEDS`` (the texts are copyrighted and
not in the repository). Without it they are skipped with that reason; with it set to a folder that does not hold
the seeds they fail, so CI cannot pass without running them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from seedtexts import fold

pytestmark = pytest.mark.seeds


def evidence_edges(g):
    return [(u, v, d) for u, v, d in g.nx.edges(data=True) if d["kind"] == "evidences"]


def test_every_link_quote_occurs_in_its_citing_seed(bundled, seeds):
    missing = [(d["evidence"], d["quote"][:60]) for _, _, d in evidence_edges(bundled)
               if d["quote"] and fold(d["quote"]) not in seeds[d["citing"]]]
    assert not missing


def test_every_locator_occurs_in_its_citing_seed(bundled, seeds):
    missing = [(d["evidence"], d["locator"]) for _, _, d in evidence_edges(bundled)
               if d["locator"] and fold(d["locator"]) not in seeds[d["citing"]]]
    assert not missing


def test_every_claim_quote_occurs_in_a_seed_it_is_derived_from(bundled, seeds):
    missing = [n for n, d in bundled.nx.nodes(data=True)
               if d["kind"] == "claim" and d["quote"]
               and not any(fold(d["quote"]) in seeds.get(k, "") for k in d["derived_from"])]
    assert not missing


def test_every_claim_is_derived_from_a_seed(bundled, seeds):
    orphans = [n for n, d in bundled.nx.nodes(data=True)
               if d["kind"] == "claim" and not set(d["derived_from"]) & set(seeds)]
    assert not orphans


DIMS = ("economy", "efficiency", "effectiveness", "equity")


def _table_cells(text_raw: str):
    """The 4 Es × input/output/outcome table of the briefing notes: (dimension, level, cell text).

    Seed 000 holds each row on one tab-separated line; seed 003 holds each cell on lines that start with a tab,
    each bullet marked '·'.
    """
    rows: list[tuple[str, list[str]]] = []
    for line in text_raw.splitlines():
        parts = line.split("\t")
        name = parts[0].strip().replace("-", "").lower()
        if len(parts) == 4 and name in DIMS:
            rows.append((name, [re.sub(r"<[^>]+>", " ", c) for c in parts[1:]]))
            continue
        stripped = line.strip().replace("-", "").lower()
        if line.startswith("\t") and stripped in DIMS:
            rows.append((stripped, []))
        elif rows and len(rows[-1][1]) < 3 and line.startswith("\t") and (
                line.strip().startswith("\u00b7") or not line.strip()):
            rows[-1][1].append(line)
        elif rows and rows[-1][1] and line.strip().startswith("\u00b7"):
            rows[-1][1][-1] += " " + line
        elif rows and (line.startswith("(Sources") or line.startswith("Sources")):
            break
    for name, cells in rows:
        for level, cell in zip(("Input", "Output", "Outcome"), cells, strict=False):
            yield name.capitalize(), level, fold(cell.replace("\u00b7", " "))


def _nopunct(text: str) -> str:
    """Fold what differs only in typography between the two versions: full stops, curly quotes."""
    text = text.translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\""))
    return re.sub(r"[.\s]+", " ", text).strip()


@pytest.mark.parametrize("key", ["briefing2009ch1", "briefingch1variant"])
def test_benefits_table_bullets_are_claims_in_their_cells(bundled, seeds, key):
    """Every bullet of the table is one benefit in its cell: the labels of a cell's benefits, in the order they
    appear, make up exactly the cell's text."""
    raw = Path(os.environ["PARTNERGRAPH_SEEDS"], bundled.nx.nodes[f"source:{key}"]["seed_file"]).read_text()
    cells = list(_table_cells(raw))
    assert len(cells) == 12
    for dim, level, text in cells:
        claims = [d for _, d in bundled.nx.nodes(data=True)
                  if d["kind"] == "claim" and d["claim_kind"] == "Benefit" and key in d["derived_from"]
                  and d["cells_by"] == "review" and dim + level in d["cells"]]
        claims.sort(key=lambda d: text.find(fold(d["label"])[:25]))
        assert _nopunct(" ".join(d["label"] for d in claims)) == _nopunct(text), (dim, level)


@pytest.mark.parametrize("key", ["briefing2009ch1", "briefingch1variant"])
def test_every_table_benefit_rests_on_that_versions_pool(bundled, seeds, key):
    for n, d in bundled.nx.nodes(data=True):
        if d["kind"] == "claim" and d["cells_by"] == "review" and key in d["derived_from"]:
            pools = [u for u, _, e in bundled.nx.in_edges(n, data=True)
                     if e["kind"] == "evidences" and e["attribution"] == "pooled" and e["citing"] == key]
            assert pools, n


def test_every_sources_list_is_a_pooled_base_with_all_its_members(bundled, seeds):
    g = bundled.nx
    pools = {n: d for n, d in g.nodes(data=True) if d["kind"] == "pool"}
    members = {p: " ".join(" ".join(g.nodes[u]["authors"]) + " " + g.nodes[u]["key"]
                           for u, _, e in g.in_edges(p, data=True) if e["kind"] == "pooled_in").lower()
               for p in pools}
    lists = 0
    for key in seeds:
        raw = Path(os.environ["PARTNERGRAPH_SEEDS"], g.nodes[f"source:{key}"]["seed_file"]).read_text()
        for m in re.finditer(r"(?m)^\(?Sources: (.*?)\)?\s*$", raw):
            items = [i.strip() for i in re.split(r";+", m.group(1)) if i.strip()]
            surnames = [re.split(r"[ ,]", i)[0].lower() for i in items]
            candidates = [p for p, d in pools.items() if d["review"] == key]
            assert candidates, f"no pool for a Sources list of {key}"
            best = max(candidates, key=lambda p: sum(s in members[p] for s in surnames))
            lost = [i for i, s in zip(items, surnames, strict=True) if s not in members[best]]
            assert not lost, f"{key}: {lost} not members of {best}"
            lists += 1
    assert lists >= 3


def test_no_source_is_unused(bundled):
    g = bundled.nx
    unused = [n for n, d in g.nodes(data=True) if d["kind"] == "source" and g.degree(n) == 0
              and not any(x.get("cited_in") == d["key"] for _, x in g.nodes(data=True))]
    assert not unused


def test_wildridge_numbered_references_are_all_entries(bundled, seeds):
    """Every reference number the review's surviving text cites has an entry with that number."""
    numbers = {int(d["ref_number"]) for _, d in bundled.nx.nodes(data=True)
               if d.get("kind") == "source" and d.get("ref_number", "").isdigit()}
    assert set(range(1, 98)) - numbers <= set(), sorted(set(range(1, 98)) - numbers)


def test_unidentified_entries_say_so_and_guess_nothing(bundled):
    for _, d in bundled.nx.nodes(data=True):
        if d.get("kind") == "source" and d["status"] == "unidentified":
            assert not d["title"] and not d["authors"] and not d["year"], d["key"]
            assert d["ref_number"] and d["cited_in"]


def test_study_counts_are_printed_in_the_seed(bundled, seeds):
    """A study count is a number the review prints, next to its finding — never a sum the curators made."""
    rows = bundled.sparql("""
        SELECT ?tally ?review ?count ?finding ?outof ?claim WHERE {
            ?tally a pg:StudyTally ; prov:wasDerivedFrom ?review ; pg:studyCount ?sc .
            ?sc pg:count ?count ; pg:finding ?finding .
            OPTIONAL { ?sc pg:outOf ?outof } OPTIONAL { ?sc pg:statedIn ?claim }
        }""")
    for r in rows:
        text = seeds[r["review"].rsplit("/", 1)[-1]]
        assert fold(r["finding"]) in text
        assert str(r["count"]) in r["finding"]
        assert r["outof"] is None or re.search(rf"\b{r['outof']}\b", r["finding"])
    assert len(rows) >= 2
