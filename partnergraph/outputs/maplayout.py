"""Positions for the evidence map, computed in Python: a force layout grouped into clusters (by review, by
claim kind or by theme), which never compares every pair of nodes.

Each group of claims gets a disc big enough for its nodes; the discs are placed by a small force layout of
the groups (groups that share sources attract). Nodes start in their group's disc and settle under three
forces: springs along the edges, repulsion between nodes closer than a cut-off (pairs found in a grid of cells,
so an iteration costs about n, not n²) and a pull towards their anchor (a claim's group centre; a
source's or a pooled base's is the mean of its neighbours' anchors, so a work cited by two reviews sits
between them). A last pass pushes apart any two nodes that still overlap, so every node can be clicked.

Same input → same positions (seeded).

>>> pos = grouped_layout(["a", "b", "c"], [("a", "b")], {"a": 8, "b": 8, "c": 8}, {"a": "x", "b": "x", "c": "y"})
>>> sorted(pos) == ["a", "b", "c"]
True
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

__all__ = ["PAD", "grouped_layout", "near_of", "near_pairs"]

PAD = 6.0
"""Empty space kept between two nodes' outlines (canvas units)."""


def _scatter_add(disp, idx, f) -> None:
    """``disp[idx] += f`` with repeated indices summed (np.bincount: much faster than np.add.at)."""
    import numpy as np

    n = len(disp)
    disp[:, 0] += np.bincount(idx, weights=f[:, 0], minlength=n)
    disp[:, 1] += np.bincount(idx, weights=f[:, 1], minlength=n)


def _grid(pos, cut: float):
    """The points of ``pos`` in a grid of ``cut``-sized cells: the grid's width in cells, each point's cell key,
    the points in key order, their sorted keys, and each distinct key with where it starts and how many points
    it holds (one empty cell of margin on every side)."""
    import numpy as np

    cx = np.floor(pos[:, 0] / cut).astype(np.int64)
    cy = np.floor(pos[:, 1] / cut).astype(np.int64)
    cx -= cx.min()
    cy -= cy.min()
    width = int(cx.max()) + 3
    key = (cy + 1) * width + (cx + 1)
    order = np.argsort(key, kind="stable")
    skey = key[order]
    uniq, start, counts = np.unique(skey, return_index=True, return_counts=True)
    return width, key, order, skey, uniq, start, counts


def near_pairs(pos, cut: float):
    """Every pair ``(i, j)``, ``i != j`` once, of points closer than ``cut``: points are binned in a grid of
    ``cut``-sized cells and only the cell and its neighbours are searched (numpy, no pair loop in Python).

    >>> import numpy as np
    >>> i, j = near_pairs(np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0]]), 2.0)
    >>> sorted(zip(i.tolist(), j.tolist()))
    [(0, 1)]
    """
    import numpy as np

    n = len(pos)
    width, key, order, skey, uniq, start, counts = _grid(pos, cut)
    ii, jj = [], []
    for dx, dy in ((0, 0), (1, 0), (-1, 1), (0, 1), (1, 1)):
        target = skey + dy * width + dx
        at = np.minimum(np.searchsorted(uniq, target), len(uniq) - 1)
        found = uniq[at] == target
        st = np.where(found, start[at], 0)
        ct = np.where(found, counts[at], 0)
        a = np.repeat(np.arange(n), ct)
        b = np.repeat(st, ct) + (np.arange(int(ct.sum())) - np.repeat(np.cumsum(ct) - ct, ct))
        if dx == 0 and dy == 0:
            keep = b > a
            a, b = a[keep], b[keep]
        ii.append(order[a])
        jj.append(order[b])
    i = np.concatenate(ii)
    j = np.concatenate(jj)
    d2 = ((pos[i] - pos[j]) ** 2).sum(1)
    keep = d2 < cut * cut
    return i[keep], j[keep]


def near_of(pos, who, cut: float):
    """Pairs ``(w, j)``, ``j != w``, of each point ``w`` of ``who`` and every point closer than ``cut`` to it,
    ordered by ``w``'s place in ``who``, then by ``j``: the cells of a ``cut``-sized grid around each ``w`` are
    searched, not every point.

    >>> import numpy as np
    >>> i, j = near_of(np.array([[0.0, 0.0], [1.0, 0.0], [5.0, 5.0], [0.5, 0.5]]), np.array([3, 2]), 2.0)
    >>> list(zip(i.tolist(), j.tolist()))
    [(3, 0), (3, 1)]
    """
    import numpy as np

    who = np.asarray(who, dtype=np.int64)
    width, key, order, skey, uniq, start, counts = _grid(pos, cut)
    ii, jj = [], []
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            target = key[who] + dy * width + dx
            at = np.minimum(np.searchsorted(uniq, target), len(uniq) - 1)
            found = uniq[at] == target
            st = np.where(found, start[at], 0)
            ct = np.where(found, counts[at], 0)
            a = np.repeat(np.arange(len(who)), ct)
            b = np.repeat(st, ct) + (np.arange(int(ct.sum())) - np.repeat(np.cumsum(ct) - ct, ct))
            ii.append(a)
            jj.append(order[b])
    a = np.concatenate(ii)
    j = np.concatenate(jj)
    i = who[a]
    d2 = ((pos[i] - pos[j]) ** 2).sum(1)
    keep = (d2 < cut * cut) & (i != j)
    a, i, j = a[keep], i[keep], j[keep]
    sort = np.lexsort((j, a))
    return i[sort], j[sort]


def _place_groups(sizes: list[float], affinity: dict[tuple[int, int], float], rng, pad: float):
    """Centres for discs of radius ``sizes`` that do not overlap; groups with more shared links closer."""
    import numpy as np

    g = len(sizes)
    radii = np.asarray(sizes, dtype=float)
    if g == 1:
        return np.zeros((1, 2))
    order = np.argsort(-radii, kind="stable")
    pos = np.zeros((g, 2))
    # a sunflower spiral, biggest first, as the start
    spread = math.sqrt(float((radii ** 2).sum())) * 1.2
    for rank, i in enumerate(order):
        a = rank * 2.399963
        d = spread * math.sqrt((rank + 0.5) / g)
        pos[i] = (d * math.cos(a), d * math.sin(a))
    pairs = np.array(list(affinity), dtype=np.int64).reshape(-1, 2)
    weights = np.array([affinity[p] for p in affinity], dtype=float)
    if len(weights):
        weights = weights / weights.max()
    for step in range(300):
        disp = np.zeros_like(pos)
        if len(pairs):
            delta = pos[pairs[:, 1]] - pos[pairs[:, 0]]
            dist = np.sqrt((delta ** 2).sum(1)) + 1e-9
            want = radii[pairs[:, 0]] + radii[pairs[:, 1]] + pad
            f = (0.05 * weights * np.maximum(dist - want, 0) / dist)[:, None] * delta
            np.add.at(disp, pairs[:, 0], f)
            np.add.at(disp, pairs[:, 1], -f)
        disp -= 0.01 * pos  # gravity: keep the picture compact
        delta = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((delta ** 2).sum(-1)) + np.eye(g)
        want = radii[:, None] + radii[None, :] + pad
        overlap = np.maximum(want - dist, 0) * (1 - np.eye(g))
        disp += 0.5 * (overlap / dist)[:, :, None].__mul__(delta).sum(1)
        pos += disp
        if step > 100 and not overlap.any():
            break
    return pos


def grouped_layout(nodes: list[str], edges: list[tuple[str, str]], radius: dict[str, float],
                   group: dict[str, str], *, seed: int = 7, iterations: int | None = None,
                   pad: float = PAD) -> dict[str, tuple[float, float]]:
    """Positions (canvas units, rounded to 0.1) for ``nodes`` of the given ``radius``, clustered by ``group``
    (a node without a group takes its neighbours' most common group)."""
    import numpy as np

    nodes = sorted(nodes)
    n = len(nodes)
    if n == 0:
        return {}
    index = {v: i for i, v in enumerate(nodes)}
    e = np.array([(index[u], index[v]) for u, v in edges if u != v and u in index and v in index],
                 dtype=np.int64).reshape(-1, 2)
    r = np.array([float(radius.get(v, 8.0)) for v in nodes])
    rng = np.random.default_rng(seed)

    nbrs: dict[int, list[int]] = defaultdict(list)
    for a, b in e.tolist():
        nbrs[a].append(b)
        nbrs[b].append(a)
    gname = [group.get(v) for v in nodes]
    for _ in range(2):  # ungrouped nodes join their neighbours' commonest group
        for i in range(n):
            if gname[i] is None:
                c = Counter(gname[j] for j in nbrs[i] if gname[j] is not None)
                if c:
                    gname[i] = min(c.items(), key=lambda kv: (-kv[1], kv[0]))[0]
    gname = [x if x is not None else "" for x in gname]
    groups = sorted(set(gname))
    number = {x: i for i, x in enumerate(groups)}
    gi = np.array([number[x] for x in gname])
    cell = (2 * r + pad) ** 2
    area = np.bincount(gi, weights=cell, minlength=len(groups))
    gr = np.sqrt(area / math.pi / 0.55) + pad
    affinity: dict[tuple[int, int], float] = {}
    for a, b in e.tolist():
        if gi[a] != gi[b]:
            pair = (min(int(gi[a]), int(gi[b])), max(int(gi[a]), int(gi[b])))
            affinity[pair] = affinity.get(pair, 0.0) + 1.0
    centres = _place_groups(list(gr), affinity, rng, pad * 6)

    # anchors: a grouped claim's group centre; a node joined by edges to several groups sits between them
    anchor = centres[gi].copy()
    own = np.array([group.get(v) is not None for v in nodes])
    for i in range(n):
        if not own[i] and nbrs[i]:
            anchor[i] = centres[gi[nbrs[i]]].mean(0)
    ang = rng.random(n) * 2 * math.pi
    dist0 = np.sqrt(rng.random(n)) * gr[gi] * 0.8
    pos = anchor + np.c_[np.cos(ang), np.sin(ang)] * dist0[:, None]

    reach = gr[gi] * 0.85
    k = float(np.median(2 * r)) + pad * 2
    its = iterations or (80 if n <= 2000 else 50 if n <= 10000 else 35)
    # repulsion reaches 3 node spacings, 2 above 10,000 nodes: a 20,000-node map has ~100 neighbours a node within
    # 3 (the cost of every step), and its clusters come out as spread and as tight with 2 (benchmarks/RESULTS.md)
    cut = (3.0 if n <= 10000 else 2.0) * k
    t = float(gr.max()) * 0.1
    for step in range(its):
        disp = np.zeros_like(pos)
        if step % 5 == 0:  # neighbour lists with a margin, reused for five steps (nodes move little per step)
            pi, pj = near_pairs(pos, cut * 1.3)
        if len(pi):
            i, j = pi, pj
            delta = pos[i] - pos[j]
            d = np.sqrt((delta ** 2).sum(1)) + 1e-6
            gap = np.maximum(d - r[i] - r[j], 0.5)
            f = (k * k / (gap * d) * (1 - d / cut).clip(0))[:, None] * delta
            _scatter_add(disp, i, f)
            _scatter_add(disp, j, -f)
        if len(e):
            delta = pos[e[:, 0]] - pos[e[:, 1]]
            d = np.sqrt((delta ** 2).sum(1)) + 1e-6
            f = (d / k)[:, None] * delta * 0.5
            np.add.at(disp, e[:, 0], -f)
            np.add.at(disp, e[:, 1], f)
        # the pull towards the anchor starts at the edge of the group's disc: inside it nodes spread freely
        # (a pull everywhere would crush a big group into a dense core)
        to = anchor - pos
        dist = np.sqrt((to ** 2).sum(1)) + 1e-9
        disp += to / dist[:, None] * (np.maximum(dist - reach, 0) * 0.5 + 0.02 * k)[:, None]
        length = np.sqrt((disp ** 2).sum(1)) + 1e-9
        pos += disp / length[:, None] * np.minimum(length, t)[:, None]
        t = max(t * 0.95, k * 0.05)
    _separate(pos, r, pad)
    pos -= pos.mean(0)
    return {v: (round(float(x), 1), round(float(y), 1)) for v, (x, y) in zip(nodes, pos, strict=True)}


SETTLE_LIMIT = 3000
"""Up to this many nodes the overlap pass runs until no pair overlaps (:func:`_settle`); above it, 30 rounds over
every pair (:func:`_push_apart`): on a 20,000-node map the pushes in its crowded clusters do not settle within a
few hundred rounds, and each costs a good part of a second there."""


def _separate(pos, r, pad: float) -> None:
    """The last pass of the layout: no two nodes closer than ``pad`` (in place), see :data:`SETTLE_LIMIT`."""
    if len(pos) <= SETTLE_LIMIT:
        _settle(pos, r, pad)
    else:
        _push_apart(pos, r, pad)


def _settle(pos, r, pad: float, rounds: int = 500, slack: float = 0.5) -> None:
    """Push apart every two nodes whose outlines are closer than ``pad`` (in place), round after round until no
    pair is closer than ``pad - slack`` or ``rounds`` have run; in a crowded
    cluster the pushes settle towards ``pad`` only asymptotically, so without a slack the rounds never end. The
    first round checks every
    pair near enough to touch (ordinary nodes in a grid; the few big ones, reviews and hubs, against every node
    they can reach); a later round checks only the pairs with a node the round before moved, since two nodes
    that did not move cannot have come closer. So a round costs about the number of nodes still being pushed,
    and the rounds stop exactly when no pair overlaps."""
    import numpy as np

    n = len(pos)
    cap = float(np.percentile(r, 99)) if n > 100 else float(r.max())
    big = np.flatnonzero(r > cap)
    reach = 2 * cap + pad
    big_reach = (float(r[big].max()) + float(r.max()) + pad) * 1.01 if len(big) else 0.0
    moved = None
    for _ in range(rounds):
        if moved is None:
            i, j = near_pairs(pos, reach)
            if len(big):  # every node a big one can touch
                bi, bj = near_of(pos, big, big_reach)
                i, j = np.concatenate([i, bi]), np.concatenate([j, bj])
        else:
            i, j = near_of(pos, moved, reach)
            if len(big):
                bi, bj = near_of(pos, big, big_reach)
                was = np.zeros(n, dtype=bool)
                was[moved] = True
                keep = was[bi] | was[bj]
                i, j = np.concatenate([i, bi[keep]]), np.concatenate([j, bj[keep]])
        if moved is not None or len(big):  # each pair once, in a fixed order
            key = np.unique(np.minimum(i, j) * n + np.maximum(i, j))
            i, j = key // n, key % n
        if not len(i):
            return
        delta = pos[i] - pos[j]
        d = np.sqrt((delta ** 2).sum(1)) + 1e-6
        need = r[i] + r[j] + pad - d
        bad = need > slack
        if not bad.any():
            return
        i, j, delta, d, need = i[bad], j[bad], delta[bad], d[bad], need[bad]
        push = (need / d)[:, None] * delta  # each side the whole need: in a crowd, pushes of half settle slowly
        disp = np.zeros_like(pos)
        _scatter_add(disp, i, push)
        _scatter_add(disp, j, -push)
        pos += disp
        moved = np.unique(np.concatenate([i, j]))



def _push_apart(pos, r, pad: float, rounds: int = 30) -> None:
    """Push apart every two nodes whose outlines are closer than ``pad`` (in place), for at most ``rounds``
    rounds, each over every pair near enough to touch (some pairs may still overlap after the last). Pairs of
    ordinary nodes are found in a grid; the few big ones (reviews, hubs) are checked against every node."""
    import numpy as np

    n = len(pos)
    cap = float(np.percentile(r, 99)) if n > 100 else float(r.max())
    big = np.flatnonzero(r > cap)
    reach = 2 * cap + pad
    big_reach = (float(r[big].max()) + float(r.max()) + pad) * 1.01 if len(big) else 0.0
    for _ in range(rounds):
        i, j = near_pairs(pos, reach)
        if len(big):  # every node a big one can touch, in the order (big node, then node) of all pairs
            bi, bj = near_of(pos, big, big_reach)
            i, j = np.concatenate([i, bi]), np.concatenate([j, bj])
        if not len(i):
            return
        delta = pos[i] - pos[j]
        d = np.sqrt((delta ** 2).sum(1)) + 1e-6
        need = r[i] + r[j] + pad - d
        bad = need > 0
        if not bad.any():
            return
        i, j, delta, d, need = i[bad], j[bad], delta[bad], d[bad], need[bad]
        push = (need / 2 / d)[:, None] * delta * 1.05
        disp = np.zeros_like(pos)
        _scatter_add(disp, i, push)
        _scatter_add(disp, j, -push)
        pos += disp
