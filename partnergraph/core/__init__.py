"""The vocabulary and the errors: namespaces, claim kinds and quality cells (:mod:`.namespaces`), and the one
error family every stage raises (:mod:`.errors`).

May import: nothing from partnergraph (the standard library only).
"""
