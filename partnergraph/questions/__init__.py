"""The questions researchers ask, one module per family, each a function over a loaded graph
(:class:`~partnergraph.graph.base.LoadedGraph`) returning plain rows: :mod:`.claims` (claims, evidence, what a
source evidences, related and co-cited, counts, SPARQL), :mod:`.gaps`, :mod:`.strength`, :mod:`.search`; shared
helpers in :mod:`.common`. :mod:`.catalog` lists every question (``__all__``) and row class;
:class:`partnergraph.api.EvidenceGraph` makes each question a method.

The package itself re-exports nothing: a question named like its module (``gaps`` in ``gaps.py``) would hide
the module.

May import: ``partnergraph.graph``, ``partnergraph.checks`` and everything below them.
"""
