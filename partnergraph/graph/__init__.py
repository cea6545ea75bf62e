"""The graph: RDF → networkx (:mod:`.build`), the loaded graph every question takes first (:mod:`.base`), and
loading it from files through the cache or from an endpoint, and pushing to one (:mod:`.loader`).

May import: ``partnergraph.store``, ``partnergraph.files`` and ``partnergraph.core`` (not ``partnergraph.checks``).
"""
