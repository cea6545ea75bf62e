"""Reading and writing the data folder as text: BibTeX (:mod:`.bibtex` parses entries, :mod:`.bibfields` edits
their fields in place), Turtle (:mod:`.turtle` writes it sorted and finds a subject's line, :mod:`.claims` reads
``claims.ttl`` as an editable graph), the data directory (:mod:`.datadir`) and safe writes (:mod:`.atomic`).

May import: ``partnergraph.core``.
"""
