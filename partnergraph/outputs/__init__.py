"""What the rows and the graph become: text formats for rows (:mod:`.formats`), the selection filters
(:mod:`.filters`), the evidence map (:mod:`.maps`), the gap matrix chart (:mod:`.gapmap`), the report
(:mod:`.report`), exports for other tools (:mod:`.exports`) and their HTML templates (``templates/``).

May import: ``partnergraph.questions`` and everything below it (not ``partnergraph.librarian``).
"""
