"""The claim index: what the listing questions (claims, benefits, drivers, barriers, factors, single-source,
undirected, stats, gaps, themes) read, as plain values — one summary row per claim, the counts ``stats`` prints,
the cells of the gap matrix and one row per theme — computed from the networkx graph by the functions below, and
cached beside it.

A load that writes the graph cache writes the index too (``index.marshal`` in the same folder, so under the same
key: the data's bytes and the code that shapes them, :data:`partnergraph.files.datadir.CACHE_SHAPERS`, which
lists this module). A graph whose networkx projection has not been read from the cache yet (``g.nx_loaded`` is
false) answers these questions from the cached index without importing networkx; once ``g.nx`` has been read
(and so may have been changed), they are computed from it, the same way the index was.

May import: ``partnergraph.core``, ``partnergraph.files``, :mod:`partnergraph.questions.common` and the row
builders of :mod:`partnergraph.questions.themerows` (it runs on the
fast path of ``python -m partnergraph``: no networkx, no RDF, no click).
"""

from __future__ import annotations

import marshal
import os
from collections import Counter
from dataclasses import fields
from pathlib import Path
from typing import Any

from ..core.namespaces import CELLS, CLAIM_KINDS, DIMENSIONS
from ..files.atomic import write_atomic_bytes
from .common import _bare, _claim_row, _claim_sources, _claims, _claims_sources
from .themerows import _reviews_of, _theme_row, _themes

__all__ = ["FORMAT", "INDEX_FILE", "build", "cached", "claim_rows", "gap_rows", "read", "save", "stat_rows",
           "theme_groups", "theme_rows"]

INDEX_FILE = "index.marshal"
FORMAT = "1"

#: a claim's summary row: the fields of :class:`~partnergraph.questions.common.ClaimRow`, then the number of
#: distinct sources direct and pooled together (a source can be both)
ClaimTuple = tuple  # (claim, kind, label, cells, sources_direct, sources_pooled, supports, disputes, qualifies,
#                      reviews, sources_total)


def _claim_tuples(nxg) -> list[ClaimTuple]:
    """Every claim's summary, ordered by kind (as :data:`CLAIM_KINDS`), then id."""
    order = {k: i for i, k in enumerate(CLAIM_KINDS)}
    out = []
    for c in _claims(nxg):
        r = _claim_row(nxg, c)
        total = len(set().union(*_claim_sources(nxg, c)))
        out.append((r.claim, r.kind, r.label, r.cells, r.sources_direct, r.sources_pooled, r.supports, r.disputes,
                    r.qualifies, r.reviews, total))
    return sorted(out, key=lambda t: (order[t[1]], t[0]))


def _cell_label(cell: str) -> str:
    dim = next(d for d in DIMENSIONS if cell.startswith(d))
    return f"{dim.lower()} / {cell[len(dim):].lower()}"


def _stat_tuples(nxg) -> list[tuple[str, str, int]]:
    """The counts :func:`partnergraph.questions.claims.stats` prints, as (section, item, count)."""
    src_type: Counter = Counter()
    src_status: Counter = Counter()
    kinds: Counter = Counter()
    cells: Counter = Counter()
    other: Counter = Counter()
    for _, d in nxg.nodes(data=True):
        k = d["kind"]
        if k == "source":
            src_type[d["entry_type"]] += 1
            src_status[d["status"]] += 1
        elif k == "claim":
            kinds[d["claim_kind"]] += 1
            if d["claim_kind"] == "Benefit":
                for c in d["cells"]:
                    cells[c] += 1
        elif k in ("claim_set", "pool"):
            other[k] += 1
    stance: Counter = Counter()
    attribution: Counter = Counter()
    relations: set[str] = set()
    for _, _, d in nxg.edges(data=True):
        if d["kind"] == "evidences":
            stance[d["stance"]] += 1
            attribution[d["attribution"]] += 1
        elif d["kind"] == "relates":
            relations.add(d["relation_id"])
    rows = [("totals", "sources", sum(src_type.values())),
            ("totals", "claims", sum(kinds.values())),
            ("totals", "evidence links", sum(stance.values())),
            ("totals", "claim sets", other["claim_set"]),
            ("totals", "pooled evidence bases", other["pool"]),
            ("totals", "relations between claims", len(relations)),
            ("totals", "debates", len(nxg.graph.get("debates", ())))]
    rows += [("sources by type", t, n) for t, n in sorted(src_type.items())]
    rows += [("sources by status", t, src_status[t]) for t in ("complete", "incomplete", "unidentified")]
    rows += [("claims by kind", k, kinds[k]) for k in CLAIM_KINDS if kinds[k]]
    rows += [("evidence links by stance", s, stance[s]) for s in ("supports", "disputes", "qualifies")]
    rows += [("evidence links by attribution", a, attribution[a]) for a in ("direct", "pooled")]
    rows += [("benefits per quality cell", _cell_label(c), cells[c]) for c in CELLS]
    return rows


def _gap_tuples(nxg) -> list[tuple]:
    """The cells of the gap matrix (the fields of :class:`~partnergraph.questions.gaps.GapCell`), economy/input
    first."""
    rows = []
    for cell in CELLS:
        dim = next(d for d in DIMENSIONS if cell.startswith(d))
        members = sorted(u for u, _, k in nxg.in_edges("cell:" + cell, keys=True) if k == "in_category"
                         and nxg.nodes[u]["claim_kind"] == "Benefit")
        direct, pooled = _claims_sources(nxg, members)
        total = len(direct | pooled)
        rows.append((dim.lower(), cell[len(dim):].lower(), len(members), len(direct), len(pooled), total,
                     len(direct) / total if total else 0.0, total == 0, tuple(_bare(c) for c in members)))
    return rows


def _theme_tuples(nxg) -> list[tuple]:
    """Every theme's row (the fields of :class:`~partnergraph.questions.themes.ThemeRow`, then its group's id), in
    group then theme order."""
    review_of = _reviews_of(nxg)
    rows = []
    for t in _themes(nxg):
        row = _theme_row(nxg, t, review_of)
        rows.append((*(getattr(row, f.name) for f in fields(row)), nxg.nodes[t]["group"]))
    return sorted(rows, key=lambda r: (r[-1], r[0]))


def _group_tuples(nxg) -> list[tuple[str, str]]:
    """The theme groups as (node, label), in the graph's order (the order ``themes --group`` looks them up in)."""
    return [(n, d["label"]) for n, d in nxg.nodes(data=True) if d["kind"] == "theme_group"]


_PARTS = {"claims": _claim_tuples, "stats": _stat_tuples, "gaps": _gap_tuples, "themes": _theme_tuples,
          "groups": _group_tuples}


def build(nxg) -> dict[str, Any]:
    """The index of a networkx evidence graph (plain tuples, strings and numbers: what marshal writes)."""
    return {"format": FORMAT, **{name: fn(nxg) for name, fn in _PARTS.items()}}


def read(folder: str | Path) -> dict[str, Any] | None:
    """The index cached in ``folder``, or ``None`` (none there, or not one this code wrote: it is rebuilt)."""
    try:
        with open(os.path.join(folder, INDEX_FILE), "rb") as fh:
            index = marshal.loads(fh.read())  # (marshal.load reads a file in small pieces)
    except (OSError, ValueError, EOFError, TypeError):
        return None
    if not isinstance(index, dict) or index.get("format") != FORMAT or not all(
            isinstance(index.get(name), list) for name in _PARTS):
        return None
    return index


def save(g) -> None:
    """Write the index of ``g`` (computed from ``g.nx``) beside its cached graph, if it has one."""
    folder = getattr(g, "cache_folder", None)
    if folder is None:
        return
    try:
        write_atomic_bytes(Path(folder) / INDEX_FILE, marshal.dumps(build(g.nx)))
    except OSError:
        pass  # a read-only cache only costs speed


def cached(g) -> dict[str, Any] | None:
    """The index cached beside ``g``'s graph while ``g.nx`` is unread (read once), else ``None``."""
    folder = getattr(g, "cache_folder", None)
    if folder is None or getattr(g, "nx_loaded", True):
        return None
    index = getattr(g, "_claim_index", None)
    if index is None:
        index = read(folder)
        if index is not None:
            g._claim_index = index
    return index


def _part(g, name: str) -> list:
    """Part ``name`` of the index of ``g``: from the cache while ``g.nx`` is unread, else computed from ``g.nx``."""
    index = cached(g)
    if index is None and getattr(g, "cache_folder", None) is not None and not getattr(g, "nx_loaded", True):
        save(g)  # a cache written before the index, or a damaged index: index the graph as cached, once
        index = read(g.cache_folder)
    if index is not None:
        return index[name]
    return _PARTS[name](g.nx)


def claim_rows(g) -> list[ClaimTuple]:
    """Every claim's summary row (see :data:`ClaimTuple`), ordered by kind, then id."""
    return _part(g, "claims")


def stat_rows(g) -> list[tuple[str, str, int]]:
    """The counts of ``stats`` as (section, item, count)."""
    return _part(g, "stats")


def theme_rows(g) -> list[tuple]:
    """Every theme as a tuple of :class:`~partnergraph.questions.themes.ThemeRow`'s fields and its group's id."""
    return _part(g, "themes")


def theme_groups(g) -> list[tuple[str, str]]:
    """The theme groups as (node, label)."""
    return _part(g, "groups")


def gap_rows(g) -> list[tuple]:
    """The cells of the gap matrix as tuples of :class:`~partnergraph.questions.gaps.GapCell`'s fields."""
    return _part(g, "gaps")
