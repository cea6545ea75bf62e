"""Checking the data: SHACL shapes and cross-file integrity (:mod:`.validate`).

May import: ``partnergraph.store``, ``partnergraph.files`` and ``partnergraph.core`` (not ``partnergraph.graph``:
checks and the graph are independent of each other).
"""
