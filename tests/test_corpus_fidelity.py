"""The corpus read against the seed texts, line by line: labels are the reviews' words, lists and tables are whole,
questions are not findings, and every statement a review attributes to a work is a claim with its evidence.

Like ``test_corpus.py`` these tests read the seeds from ``PARTNERGRAPH_SEEDS`` and are skipped without it.
"""

from __future__ import annotations

import re

import pytest
from seedtexts import fold

pytestmark = pytest.mark.seeds

# A label leaves out at most this many characters of the passage it comes from: it is one passage, trimmed,
# not a collage of distant ones.
MAX_OMITTED = 250
HEADING = re.compile(r"^The label joins the heading ‘(.+?)’ to (?:the text under it|its list item)\.$")


def claims(g):
    return [(n, d) for n, d in g.nx.nodes(data=True) if d["kind"] == "claim"]


def comments(bundled) -> dict[str, list[str]]:
    rows = bundled.sparql("SELECT ?c ?m WHERE { ?c rdfs:comment ?m ; prov:wasDerivedFrom ?s }")
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault("claim:" + r["c"].rsplit("/", 1)[-1], []).append(r["m"])
    return out


def label_text(raw: str) -> str:
    """The seed as labels are compared with it: whitespace folded; the emphasis marks (``*``, ``**``) of the seed
    file are typography, not words."""
    return fold(raw.replace("*", ""))


def pieces(label: str) -> list[str]:
    return [p.strip() for p in fold(label).split("…") if p.strip()]


def placed(parts: list[str], text: str) -> tuple[int, int, int] | None:
    """Where ``parts`` occur in order in ``text`` with the least left out: (start, end, characters omitted)."""
    best = None
    start = text.find(parts[0])
    while start >= 0:
        pos, ok = start + len(parts[0]), True
        for p in parts[1:]:
            i = text.find(p, pos)
            if i < 0:
                ok = False
                break
            pos = i + len(p)
        if not ok:
            break
        omitted = pos - start - sum(len(p) for p in parts)
        if best is None or omitted < best[2]:
            best = (start, pos, omitted)
        start = text.find(parts[0], start + 1)
    return best


def label_problem(label: str, texts: list[str], notes: list[str]) -> str | None:
    heading = next((m.group(1) for m in map(HEADING.match, notes) if m), None)
    body = label
    if heading is not None:
        if not label.startswith(heading + ": "):
            return f"the note names the heading {heading!r} but the label does not begin with it"
        body = label[len(heading) + 2:]
    for text in texts:
        where = placed(pieces(body), text)
        if where is None:
            continue
        if where[2] > MAX_OMITTED:
            return f"leaves out {where[2]} characters of the seed"
        if heading is not None and heading not in text[max(0, where[0] - 600):where[0]]:
            return f"the heading {heading!r} does not stand just before the text"
        return None
    return "is not the seed's words (pieces between '…' in order, in one seed it is derived from)"


def test_label_check_rejects_composed_and_reworded_labels():
    text = label_text("Gray3 p.29 identifies six **factors** that increase the occurrence of the ‘metaproblems’.")
    assert label_problem("identifies six factors that increase the occurrence", [text], []) is None
    assert label_problem("Gray … identifies six factors", [text], []) is None
    assert label_problem("Gray identifies six factors", [text], []) is not None          # reference number dropped
    assert label_problem("identifies six factors that increase the 'metaproblems'", [text], []) is not None
    assert label_problem("six factors … Gray", [text], []) is not None                    # out of order
    head = ["The label joins the heading ‘Communication’ to its list item."]
    items = label_text("Communication\n\n  • • open and frequent;")
    assert label_problem("Communication: open and frequent", [items], head) is None
    assert label_problem("Communication: open and frequent", [items], []) is not None
    assert label_problem("Resources: open and frequent", [items], head) is not None


def test_every_claim_label_is_the_reviews_words(bundled, seed_raw):
    """data/README.md: the label is the claim in the review's own words, trimmed, never paraphrased; '…' marks
    words (or reference numbers) left out; a heading joined to its text is declared in an rdfs:comment."""
    texts = {k: label_text(v) for k, v in seed_raw.items()}
    notes = comments(bundled)
    bad = {}
    for n, d in claims(bundled):
        problem = label_problem(d["label"], [texts[k] for k in d["derived_from"] if k in texts], notes.get(n, []))
        if problem:
            bad[n] = (problem, d["label"])
    assert not bad


def _sentence_end(text: str, end: int) -> str:
    m = re.search(r"[.?!](?=\s|$)", text[end - 1:])
    return m.group() if m else ""


def test_no_benefit_is_read_from_a_question(bundled, seeds):
    """A question the review asks ("Is this about improving outcomes for users, or is it more about organisational
    benefits …?") does not claim what it asks about: no benefit's words come from a question."""
    asked = []
    for n, d in claims(bundled):
        if d["claim_kind"] != "Benefit" or not d["quote"]:
            continue
        q = fold(d["quote"])
        for k in d["derived_from"]:
            i = seeds.get(k, "").find(q)
            if i >= 0 and (q.endswith("?") or _sentence_end(seeds[k], i + len(q)) == "?"):
                asked.append(n)
    assert not asked
    question = "Is this about improving outcomes for users, or is it more about organisational benefits"
    assert question in seeds["glasby2006"]
    argued = [d["claim_kind"] for _, d in claims(bundled) if question in fold(d["quote"])]
    assert argued == ["Argument"]


def _bullets(raw: str) -> list[str]:
    return [fold(re.sub(r"^(?:\s*•)+", "", line)) for line in raw.splitlines() if line.strip().startswith("•")]


@pytest.mark.parametrize("kind", ["LifecycleStage", "Principle"])
def test_stages_and_principles_are_whole_bullets(bundled, seed_raw, kind):
    """A stage of a lifecycle model is its whole bullet in label and quote: every sub-item, none left out."""
    checked = 0
    for n, d in claims(bundled):
        if d["claim_kind"] != kind:
            continue
        bullets = [b for k in d["derived_from"] for b in _bullets(seed_raw[k])]
        head = fold(d["quote"])[:40]
        mine = [b for b in bullets if b.startswith(head)]
        assert len(mine) == 1, (n, mine)
        whole = mine[0].rstrip(";.")
        assert fold(d["quote"]).rstrip(";.") == whole, n
        assert fold(d["label"]).rstrip(";.") == whole, n
        checked += 1
    assert checked >= 6


def test_the_four_es_are_the_reviews_own(bundled, seeds):
    """003 takes the '3 Es' from the Audit Commission (2005, page 24) and adds Equity itself: the Commission is
    not evidence for the four Es."""
    variant = seeds["briefingch1variant"]
    cite = "Audit Commission (2005). Governing Partnerships – Bridging the Accountability Gap. page 24"
    added = "Using these ‘3 Es’ categories and adding a fourth dimension of quality – Equity"
    assert cite in variant and added in variant and variant.index(cite) < variant.index(added)
    four = [n for n, d in claims(bundled) if "four 'Es' of quality" in d["label"]]
    assert four
    credited = [(u, n) for n in four for u, _, e in bundled.nx.in_edges(n, data=True)
                if e["kind"] == "evidences" and bundled.nx.nodes[u].get("key") == "auditcommission2005"]
    assert not credited


def test_the_interlinks_reference_list_is_a_record_not_evidence(bundled, seeds):
    """The example's 'External Links and References' list supports no statement as a whole (no pooled link);
    each listed work that the text cites has a direct link whose quote is in the text; the rest are cited nowhere
    in the text and evidence nothing."""
    g = bundled.nx
    text = seeds["allens75"]
    start = text.index("Section 75 Partnership Agreements: NHS Act 2006")
    body = text[start:text.index("External Links and References")]
    pools = [n for n, d in g.nodes(data=True) if d["kind"] == "pool" and d["review"] == "allens75"]
    assert len(pools) == 1
    assert not [e for _, _, e in g.in_edges(pools[0], data=True) if e["kind"] == "evidences"]
    members = [u for u, _, e in g.in_edges(pools[0], data=True) if e["kind"] == "pooled_in"]
    cited, uncited = [], []
    for m in members:
        links = [e for _, _, e in g.out_edges(m, data=True) if e["kind"] == "evidences" and e["citing"] == "allens75"]
        d = g.nodes[m]
        title = " ".join(re.findall(r"\w+", d["title"].lower())[:3])
        if links:
            assert all(fold(e["quote"]) in body for e in links), m
            cited.append(m)
        else:
            assert title not in " ".join(re.findall(r"\w+", body.lower())), m
            assert not [e for _, _, e in g.out_edges(m, data=True) if e["kind"] == "evidences"], m
            uncited.append(m)
    assert len(cited) == len(uncited) == 5


def _leathard_table(raw: str) -> dict[str, list[str]]:
    """Table 7.1 of 001 by column, as printed: rows 'A | B | C |', cells left empty where a column has ended.
    One cell runs two terms together ('GroupworkCollaboration'); it is split where a capital follows a small
    letter."""
    lines = raw.splitlines()
    start = lines.index("Concept-based | Process-based | Agency-based |") + 2
    cols: dict[str, list[str]] = {"concept": [], "process": [], "agency": []}
    for line in lines[start:]:
        if "|" not in line and not re.fullmatch(r"[A-Za-z-]+", line.strip()):   # the prose after the table
            break
        for name, cell in zip(cols, [c.strip() for c in line.rstrip().rstrip("|").split("|")], strict=False):
            cols[name] += [t for t in re.split(r"(?<=[a-z])(?=[A-Z])", cell) if t]
    return cols


def test_leathards_table_every_term_is_a_claim_in_its_column(bundled, seed_raw):
    """Each of the 52 terms of Table 7.1 is a claim, in order, in the set of its column with that column's claim
    ('concept-based terms' …), attributed to Leathard (1994)."""
    g = bundled.nx
    table = _leathard_table(seed_raw["partnershipworkingch7"])
    assert sum(map(len, table.values())) == 52
    for name, terms in table.items():
        heads = [n for n, d in claims(bundled) if d["label"] == f"{name}-based terms"
                 and "partnershipworkingch7" in d["derived_from"]]
        assert len(heads) == 1, name
        sets = [s for _, s, e in g.out_edges(heads[0], data=True) if e["kind"] == "member_of"
                and any(e2["kind"] == "member_of" for _, _, e2 in g.out_edges(s, data=True))]
        assert len(sets) == 1, name
        members = sorted(((e["position"], g.nodes[m]) for m, _, e in g.in_edges(sets[0], data=True)
                          if e["kind"] == "member_of" and m != heads[0]), key=lambda x: x[0])
        assert [d["label"] for _, d in members] == terms, name
        assert [p for p, _ in members] == list(range(1, len(terms) + 1))
    for n, _ in claims(bundled):
        if re.match(r"claim:s001-leathard-\w+-term-", n):
            cited = {g.nodes[u]["key"] for u, _, e in g.in_edges(n, data=True) if e["kind"] == "evidences"}
            assert cited == {"leathard1994"}, n


# What a review says a work says, in passing (a reporting clause inside the citing words), and the work: each is a
# claim of its own, stated in that seed, with a direct link from that work.
ATTRIBUTED = [
    ("wildridgereview", "over half mentioned some variation on a ‘common vision’ amongst their top critical success "
                        "factors", "wr16wilsoncharlton"),
    ("wildridgereview", "put them at the ‘heart of the UK government's agenda’", "wr12elstonfulop"),
    ("wildridgereview", "feel that the ‘essence’ of partnership working has been ‘captured by Pratt’", "balloch2001"),
    ("wildridgereview", "views PFI as an example of a PPP", "wr64kelly"),
    ("wildridgereview", "uses the example of an acute trust integrating with a community trust", "wr34challis"),
    ("wildridgereview", "sees it as a necessary component", "wr21crawford"),
    ("wildridgereview", "says that this is ‘rarely the case in reality’", "wr27peckham"),
    ("wildridgereview", "propounds an ‘optimistic model’ of interprofessionality", "wr38"),
    ("wildridgereview", "You can integrate all of the services for some of the people", "wr04"),
    ("wildridgereview", "A partnership is ‘an emergent process.’", "gray1989"),
    ("wildridgereview", "we think the partnerships principles are generic", "wr01nuffieldinstituteforhealth"),
    ("wildridgereview", "the issue is not about how we develop organizations", "wr69banks"),
    ("wildridgereview", "The brief for LSPs varies by area", "wr40"),
    ("wildridgereview", "provides a reading list on current issues for PCTs/PCOs",
     "wr45kingsfundinformationandlibraryservice"),
    ("briefing2009ch1", "originally proposed by Rittel and Webber [1973] in a paper on social planning", "hudson2006"),
    ("briefing2009ch1", "e.g. Caleb Ness; Victoria Climbié", "calebnessnd"),
    ("briefing2009ch1", "e.g. Caleb Ness; Victoria Climbié", "victoriaclimbiend"),
    ("glasby2006", "the development of community mental health teams from local and informal approaches",
     "nationalserviceframeworkformentalhealth"),
]


@pytest.mark.parametrize("seed, words, work", ATTRIBUTED, ids=[w for _, _, w in ATTRIBUTED])
def test_a_statement_attributed_to_a_work_is_a_claim_it_evidences(bundled, seeds, seed, words, work):
    assert words in seeds[seed]
    g = bundled.nx
    stating = [n for n, d in claims(bundled) if seed in d["derived_from"] and words in fold(d["quote"])]
    assert stating, words
    assert any(g.nodes[u].get("key") == work and e["attribution"] == "direct" and e["citing"] == seed
               for n in stating for u, _, e in g.in_edges(n, data=True) if e["kind"] == "evidences"), (words, work)


# Citing words that state nothing a claim should hold, and why.
LINK_WORDS_NOT_CLAIMS = {
    "These findings are consistent with other published studies": "the review's words attaching the citations to "
                                                                  "its own findings",
    "Governing Partnerships – Bridging the Accountability Gap, a 2005 publication by the Audit Commission drew on":
        "what the report drew on (its method), not a statement it makes",
    "some key questions and messages came out of the event": "the lead-in to the symposium's messages, each a claim",
    "many delegates expressed a desire for": "the lead-in to a message of the symposium (the claim)",
    "With hindsight this seems the most significant lesson of all from the symposium": "says which message was the "
                                                                                         "most significant",
    "Despite health and social care partnerships being a key feature of the health and social care white paper":
        "the abstract's words for the white paper's pledges, the claim they evidence",
    "‘Partnerships are hard work.’": "the words the review illustrates its claim with ('hard work')",
    "successful partnerships can achieve goals that individual agencies cannot": "the claim, in the cited words",
    "Plampling et al (2000) make a distinction between": "names the distinction whose two kinds are claims",
    "Might this even allow the needs of the service user": "the reference closes the paragraph; the question is a "
                                                            "claim of its own",
    "Ling32 explores this partnership further": "says only that the work discusses HIMPs further",
    "Barnes and others (2005) conducted an evaluation of Health Action Zones": "says what the work is; its finding "
                                                                                "is the claim",
    "Gray3 p.11 uses the phrase ‘an emergent process’": "the phrase is a claim of its own (A partnership is ‘an "
                                                         "emergent process.’)",
}


def _words(text: str) -> str:
    return " ".join(re.sub(r"[\W\d_]+", " ", text).split())


def _shares_words(a: str, b: str, run: int = 18) -> bool:
    """Whether ``a`` is in ``b`` once reference numbers and punctuation are set aside, or they share a passage."""
    wa, wb = _words(a), _words(b)
    return bool(wa) and wa in wb or any(a[i:i + run] in b for i in range(0, max(1, len(a) - run + 1)))


def _only_a_citation(text: str) -> bool:
    """Names, years, reference numbers and page locators, nothing else: "(University of Warwick et al, 2004 p26)"."""
    rest = re.sub(r"\b(?:p\.?|pages?)\s?\d+|\b(?:[A-Z]\S*|and|et|al|of|for|the)\b|[\W\d_]", "", text)
    return not rest


def test_no_statement_lives_only_in_a_link_quote(bundled):
    """Each sentence of the citing words of every evidence link is its claim's words, a citation (names, years,
    reference numbers), the lead-in shared by the items of one list, or a statement that is a claim of its own
    which the same work evidences — else it is listed above with the reason."""
    g = bundled.nx
    text = {n: fold(d["quote"] + " " + d["label"]) for n, d in claims(bundled)}
    sets_of: dict[str, set[str]] = {}
    for m, s, e in g.edges(data=True):
        if e["kind"] == "member_of":
            sets_of.setdefault(m, set()).add(s)
    links = [(u, v, e) for u, v, e in g.edges(data=True) if e["kind"] == "evidences" and e["quote"]]
    claims_by_quote: dict[tuple[str, str], set[str]] = {}
    for u, v, e in links:
        claims_by_quote.setdefault((u, fold(e["quote"])), set()).add(v)
    lonely = []
    for u, v, e in links:
        q = fold(e["quote"])
        if any(sets_of.get(v, set()) & sets_of.get(s, set()) for s in claims_by_quote[(u, q)] - {v}):
            continue                                                    # a lead-in shared by a list's items
        others = [text[w] for _, w, e2 in g.out_edges(u, data=True) if e2["kind"] == "evidences" and w != v]
        for sentence in re.split(r"(?<=[.?!’])\s+(?=[A-Z‘])", q):
            if (_shares_words(sentence, text[v]) or _only_a_citation(sentence)
                    or any(k in sentence for k in LINK_WORDS_NOT_CLAIMS)
                    or any(_shares_words(sentence, o, run=40) for o in others)):
                continue
            lonely.append((e["evidence"], sentence))
    assert not lonely


NAMED = [("wr95", "The Learning Disabilities guidance95"), ("calebnessnd", "e.g. Caleb Ness;"),
         ("victoriaclimbiend", "Victoria Climbié.")]


@pytest.mark.parametrize("key, named", NAMED, ids=[k for k, _ in NAMED])
def test_a_work_the_seed_names_is_an_entry_not_unidentified(bundled, seeds, key, named):
    """A work the seed names (by title words or by the case an inquiry report is about) is identified: incomplete,
    with nothing guessed (no title, author or year the seed does not print)."""
    assert any(named in text for text in seeds.values())
    d = bundled.nx.nodes[f"source:{key}"]
    assert d["status"] == "incomplete"
    assert not d["title"] and not d["authors"] and not d["year"]
