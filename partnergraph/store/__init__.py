"""The RDF stores: BibTeX → triples (:mod:`.bibrdf`), the embedded pyoxigraph store with its cache format and
SPARQL (:mod:`.embedded`), and a remote SPARQL 1.1 endpoint (:mod:`.remote`).

May import: ``partnergraph.files`` and ``partnergraph.core``.
"""
