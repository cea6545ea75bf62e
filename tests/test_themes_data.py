"""The bundled theme framework (``data/themes.ttl``) checked against the claims it codes and the README that sizes it.

Read with rdflib alone, so the checks hold whatever the package's module layout: every assignment names an existing
claim and theme, every claim has a theme or is listed as left out in ``data/README.md``, no theme hangs outside the
hierarchy, ``skos:broader`` has no cycle, every concept has its label and scope note, and the README's figures are
the file's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import SKOS

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PG = rdflib.Namespace("https://w3id.org/partnergraph/ns#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
DCTERMS = rdflib.Namespace("http://purl.org/dc/terms/")
THEME = "https://w3id.org/partnergraph/id/theme/"
CLAIM = "https://w3id.org/partnergraph/id/claim/"
SCHEME = URIRef(THEME + "framework")


def local(iri) -> str:
    return str(iri).rsplit("/", 1)[-1]


@pytest.fixture(scope="module")
def themes() -> rdflib.Graph:
    return rdflib.Graph().parse(DATA / "themes.ttl", format="turtle")


@pytest.fixture(scope="module")
def claims() -> rdflib.Graph:
    return rdflib.Graph().parse(DATA / "claims.ttl", format="turtle")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "partnergraph" / "ontology.ttl", format="turtle")


@pytest.fixture(scope="module")
def claim_ids(claims, ontology) -> set[str]:
    """Every claim of claims.ttl: a subject typed with a subclass of pg:Claim."""
    kinds = set(ontology.transitive_subjects(RDFS.subClassOf, PG.Claim)) - {PG.Claim}
    return {local(s) for k in kinds for s in claims.subjects(RDF.type, k) if str(s).startswith(CLAIM)}


@pytest.fixture(scope="module")
def theme_ids(themes) -> set[str]:
    return {local(s) for s in themes.subjects(RDF.type, PG.Theme)}


@pytest.fixture(scope="module")
def group_ids(themes) -> set[str]:
    return {local(s) for s in themes.subjects(RDF.type, PG.ThemeGroup)}


@pytest.fixture(scope="module")
def assignments(themes) -> list[tuple[str, str]]:
    return sorted((local(c), local(t)) for c, t in themes.subject_objects(PG.theme))


@pytest.fixture(scope="module")
def readme_section() -> str:
    text = (DATA / "README.md").read_text(encoding="utf-8")
    m = re.search(r"^## Themes\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert m, "data/README.md has a 'Themes' section"
    return m.group(1)


@pytest.fixture(scope="module")
def left_out(readme_section) -> list[str]:
    """The claims the README lists under 'Claims left out' (one bullet each, the id in backticks)."""
    head, sep, rest = readme_section.partition("**Claims left out**")
    assert sep, "the Themes section has a 'Claims left out' paragraph"
    block = rest.split("\n\n")[1] if rest.split("\n\n")[0].count("\n- ") == 0 else rest.split("\n\n")[0]
    return re.findall(r"^- `([^`]+)`", block, re.M)


def test_the_scheme_is_asserted_by_the_curators(themes):
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in themes
    assert (SCHEME, PG.assertedBy, PG.Curators) in themes
    assert (SCHEME, DCTERMS.creator, PG.Curators) in themes
    assert themes.value(SCHEME, RDFS.label) and themes.value(SCHEME, DCTERMS.description)


def test_every_assignment_names_an_existing_claim_and_theme(assignments, claim_ids, theme_ids):
    assert assignments, "themes.ttl assigns claims"
    bad_claims = sorted({c for c, _ in assignments if c not in claim_ids})
    bad_themes = sorted({t for _, t in assignments if t not in theme_ids})
    assert bad_claims == [], f"assignments to claims that claims.ttl does not have: {bad_claims}"
    assert bad_themes == [], f"assignments to themes that are not pg:Theme: {bad_themes}"


def test_assignments_use_only_claim_subjects(themes):
    for s in themes.subjects(PG.theme, None):
        assert str(s).startswith(CLAIM), f"{s} is not a claim"


def test_every_claim_has_a_theme_or_is_listed_as_left_out(assignments, claim_ids, left_out):
    themed = {c for c, _ in assignments}
    unthemed = sorted(claim_ids - themed)
    assert sorted(left_out) == unthemed, (
        f"claims without a theme but not listed in data/README.md: {sorted(set(unthemed) - set(left_out))}; "
        f"listed but not left out (or not claims): {sorted(set(left_out) - set(unthemed))}")


def test_every_theme_sits_under_one_group_of_the_scheme(themes, theme_ids, group_ids):
    assert group_ids and theme_ids and not (group_ids & theme_ids)
    for t in sorted(theme_ids):
        s = URIRef(THEME + t)
        broader = {local(b) for b in themes.objects(s, SKOS.broader)}
        assert len(broader) == 1 and broader <= group_ids, f"theme {t}: broader {sorted(broader)} is not one group"
        assert (s, SKOS.inScheme, SCHEME) in themes, f"theme {t} is not in theme:framework"
    for g in sorted(group_ids):
        s = URIRef(THEME + g)
        assert (s, SKOS.topConceptOf, SCHEME) in themes and (s, SKOS.inScheme, SCHEME) in themes, g
        assert not list(themes.objects(s, SKOS.broader)), f"group {g} has a broader concept"


def test_no_orphan_theme_or_group(themes, theme_ids, group_ids, assignments):
    used = {t for _, t in assignments}
    assert sorted(theme_ids - used) == [], "themes no claim is assigned to"
    parents = {local(o) for o in themes.objects(None, SKOS.broader)}
    assert sorted(group_ids - parents) == [], "groups without themes"
    concepts = {local(s) for s in themes.subjects(RDF.type, SKOS.Concept)}
    assert concepts == theme_ids | group_ids, "every concept is a theme or a group"


def test_broader_has_no_cycle(themes):
    edges = defaultdict(set)
    for s, o in themes.subject_objects(SKOS.broader):
        edges[s].add(o)
    state: dict = {}

    def visit(n, path):
        if state.get(n) == "done":
            return
        assert state.get(n) != "open", f"cycle in skos:broader: {' → '.join(local(x) for x in path + [n])}"
        state[n] = "open"
        for m in edges[n]:
            visit(m, path + [n])
        state[n] = "done"

    for n in list(edges):
        visit(n, [])


def test_every_concept_has_one_label_and_a_scope_note(themes, theme_ids, group_ids):
    for c in sorted(theme_ids | group_ids):
        s = URIRef(THEME + c)
        pref = list(themes.objects(s, SKOS.prefLabel))
        notes = list(themes.objects(s, SKOS.scopeNote))
        assert len(pref) == 1 and pref[0].language == "en" and str(pref[0]).strip(), f"{c}: one prefLabel@en"
        assert len(notes) == 1 and notes[0].language == "en" and len(str(notes[0])) > 40, f"{c}: a scopeNote@en"
        for lit in list(themes.objects(s, SKOS.altLabel)):
            assert isinstance(lit, Literal) and lit.language == "en" and str(lit).strip(), f"{c}: altLabel {lit!r}"


def test_no_word_labels_two_concepts(themes):
    """A word a user types resolves to one concept: labels are unique across the scheme, case folded."""
    owners = defaultdict(set)
    for p in (SKOS.prefLabel, SKOS.altLabel):
        for s, lit in themes.subject_objects(p):
            owners[str(lit).casefold().strip()].add(local(s))
    shared = {w: sorted(o) for w, o in owners.items() if len(o) > 1}
    assert shared == {}
    for s in themes.subjects(SKOS.prefLabel, None):
        pref = {str(x).casefold() for x in themes.objects(s, SKOS.prefLabel)}
        alt = {str(x).casefold() for x in themes.objects(s, SKOS.altLabel)}
        assert not pref & alt, f"{local(s)}: a label both preferred and alternative"


def members(claims, s) -> set[str]:
    """The claims of a claim set, its sub-sets' claims included."""
    out = set()
    for m in claims.objects(s, SKOS.member):
        if (m, RDF.type, PG.ClaimSet) in claims:
            out |= members(claims, m)
        else:
            out.add(local(m))
    return out


def test_a_seed_grouping_mapped_by_close_match_is_kept_whole(themes, claims, ontology, theme_ids, group_ids):
    """skos:closeMatch a claim set: every claim of that set is coded to the concept (or, for a group, under it)."""
    by_claim = defaultdict(set)
    for c, t in themes.subject_objects(PG.theme):
        by_claim[local(c)].add(local(t))
    group_of = {local(t): local(g) for t, g in themes.subject_objects(SKOS.broader)}
    mapped = 0
    for s, target in sorted(themes.subject_objects(SKOS.closeMatch)):
        if str(target).startswith(str(PG)):
            assert (target, RDF.type, SKOS.Concept) in ontology, f"{local(s)} closeMatch {target}: not a pg concept"
            continue
        assert (target, RDF.type, PG.ClaimSet) in claims, f"{local(s)} closeMatch {target}: no such claim set"
        mapped += 1
        concept = local(s)
        for c in sorted(members(claims, target)):
            got = by_claim[c] if concept in theme_ids else {group_of[t] for t in by_claim[c]}
            assert concept in got, f"{c} is in {local(target)} (closeMatch {concept}) but not coded to it"
    assert mapped >= 6, "the seeds' own groupings (Wilder, the 4 Es rows, the lifecycle models) are mapped"


def test_wilder_categories_and_four_es_rows_are_all_mapped(themes, claims):
    targets = {local(o) for o in themes.objects(None, SKOS.closeMatch)}
    wilder = {local(s) for s in claims.objects(URIRef("https://w3id.org/partnergraph/id/set/s004b-wilder-factors"),
                                                SKOS.member) if (s, RDF.type, PG.ClaimSet) in claims}
    assert len(wilder) == 6 and wilder <= targets
    rows = {local(s) for s in claims.subjects(RDF.type, PG.ClaimSet) if re.match(r"s000-benefits-00[03]-", local(s))}
    assert len(rows) == 8 and rows <= targets


def review_documents(claims, ontology) -> dict[str, str]:
    """Citing document → review: documents that state a common claim are versions of one review (data-derived)."""
    parent: dict[str, str] = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x

    for c in claims.subjects(PROV.wasDerivedFrom, None):
        docs = sorted(local(d) for d in claims.objects(c, PROV.wasDerivedFrom))
        for d in docs[1:]:
            parent[find(d)] = find(docs[0])
        find(docs[0])
    return {d: find(d) for d in parent}


def test_readme_figures_are_the_files(themes, claims, ontology, readme_section, claim_ids, theme_ids, group_ids,
                                      assignments, left_out):
    def figure(name):
        m = re.search(rf"^\| {name} \| (\d+)", readme_section, re.M)
        assert m, f"README Themes figure '{name}'"
        return int(m.group(1))

    assert figure("groups") == len(group_ids)
    assert figure("themes") == len(theme_ids)
    assert figure("assignments") == len(assignments)
    themed = {c for c, _ in assignments}
    m = re.search(r"^\| claims with a theme \| (\d+) of (\d+); (\d+) left out", readme_section, re.M)
    assert m and (int(m[1]), int(m[2]), int(m[3])) == (len(themed), len(claim_ids), len(left_out))
    per_claim = defaultdict(int)
    for c, _ in assignments:
        per_claim[c] += 1
    m = re.search(r"\((\d+) to (\d+) themes a claim\)", readme_section)
    assert m and (int(m[1]), int(m[2])) == (min(per_claim.values()), max(per_claim.values()))

    review = review_documents(claims, ontology)
    docs, reviews = defaultdict(set), defaultdict(set)
    for c, t in assignments:
        for d in claims.objects(URIRef(CLAIM + c), PROV.wasDerivedFrom):
            docs[t].add(local(d))
            reviews[t].add(review[local(d)])
    m = re.search(r"^\| themes stated by two or more reviews \| (\d+) of (\d+) .*?; (\d+) counting them apart",
                  readme_section, re.M)
    assert m, "README figure: themes stated by two or more reviews"
    assert int(m[1]) == sum(len(r) >= 2 for r in reviews.values())
    assert int(m[2]) == len(theme_ids)
    assert int(m[3]) == sum(len(d) >= 2 for d in docs.values())
    single = sorted(t for t, r in reviews.items() if len(r) == 1)
    m = re.search(r"The \w+ themes that rest on one review: (.*?)\n\n", readme_section, re.S)
    assert m and sorted(re.findall(r"`([^`]+)`", m.group(1))) == single


def test_the_file_is_sorted_by_subject(themes):
    """Written sorted and stable: subjects appear in IRI order (claims, then themes), one block each."""
    text = (DATA / "themes.ttl").read_text(encoding="utf-8")
    heads = re.findall(r"^((?:claim|theme):[^\s]+) ", text, re.M)
    assert len(heads) == len(set(heads)) == len(set(themes.subjects()))
    expand = {"claim:": CLAIM, "theme:": THEME}
    assert heads == sorted(heads, key=lambda h: expand[h[:6]] + h[6:])
