"""``bib export``: every format read back by an independent reader, and imported again with ``bib add`` into an
empty data directory with the same entries and fields."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.files.bibtex import parse_bibtex

CSL_SCHEMA = {  # the parts of the CSL-JSON schema (citation-style-language/schema csl-data.json) written here
    "type": "array",
    "items": {"type": "object", "required": ["id", "type"], "properties": {
        "id": {"type": ["string", "number"]}, "type": {"type": "string"},
        "author": {"$ref": "#/$defs/names"}, "editor": {"$ref": "#/$defs/names"},
        "issued": {"$ref": "#/$defs/date"}, "accessed": {"$ref": "#/$defs/date"},
        "title": {"type": "string"}, "container-title": {"type": "string"}, "page": {"type": "string"}}},
    "$defs": {"names": {"type": "array", "items": {"type": "object", "properties": {
        "family": {"type": "string"}, "given": {"type": "string"}, "literal": {"type": "string"},
        "suffix": {"type": "string"}}}},
        "date": {"type": "object", "properties": {"date-parts": {"type": "array", "items": {
            "type": "array", "items": {"type": ["integer", "string"]}, "maxItems": 3}}}}},
}
IGNORED = {"ids"}  # written by bib add itself: the exported key, when the pattern renames the entry
#: biblatex's names for BibTeX's fields and types (a rename, not a loss)
BIBLATEX_NAMES = {"journaltitle": "journal", "location": "address"}
BIBLATEX_TYPES = {("report", "techreport"): "techreport", ("thesis", "phdthesis"): "phdthesis",
                  ("thesis", "mathesis"): "mastersthesis"}
FORMATS = [("bibtex", "bib"), ("biblatex", "bib"), ("ris", "ris"), ("csljson", "json")]


def run(*args):
    r = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert r.exit_code == 0, r.output + r.stderr
    return r


@pytest.fixture(scope="module")
def bundled_sources():
    from partnergraph.files.datadir import default_data_dir

    return parse_bibtex(default_data_dir() / "sources.bib").sources


def _reimport(tmp_path, exported):
    d = tmp_path / "empty"
    d.mkdir()
    (d / "sources.bib").write_text("", encoding="utf-8")
    (d / "claims.ttl").write_text("", encoding="utf-8")
    run("bib", "add", exported, "--data", d, "--format", "json")
    return parse_bibtex(d / "sources.bib").sources


def _as_bibtex(s, to):
    """(entry type, fields) with biblatex's names read as BibTeX's."""
    fields = {k: v for k, v in s.fields.items() if k not in IGNORED}
    etype = s.entry_type
    if to == "biblatex":
        fields = {BIBLATEX_NAMES.get(k, k): v for k, v in fields.items()}
        if (etype, fields.get("type")) in BIBLATEX_TYPES:
            etype = BIBLATEX_TYPES[(etype, fields.pop("type"))]
        etype = {"report": "techreport", "thesis": "phdthesis"}.get(etype, etype)  # one with its own type
    return etype, fields


def _people(ps):
    return [(p.family, p.given, p.organisation) for p in ps]


def _pandoc(path, fmt):
    """The file as pandoc's citeproc reads it (an independent reader of every format): CSL items by id."""
    import subprocess

    from partnergraph.outputs.citation import pandoc_path

    out = subprocess.run([pandoc_path(), "-f", fmt, "-t", "csljson", str(path)], capture_output=True, text=True,
                         encoding="utf-8", check=True).stdout
    return {i["id"]: i for i in json.loads(out)}


def _core(item):
    """What every reader must see alike: title and container (case and quote marks aside: pandoc's BibTeX
    reader re-cases titles and curls apostrophes as LaTeX would), names, year, volume, issue, pages, DOI, URL."""
    names = [(n.get("family") or n.get("literal"), n.get("given", "")) for n in item.get("author", [])]

    def plain(text: str) -> str:
        return text.casefold().replace("\u2019", "'")

    return {"title": plain(item.get("title", "")), "container": plain(item.get("container-title", "")),
            "author": names, "year": (item.get("issued") or {}).get("date-parts", [[None]])[0][0],
            **{k: item.get(k) for k in ("volume", "issue", "page", "DOI", "URL")}}


@pytest.mark.parametrize("to, suffix", FORMATS)
def test_every_entry_comes_back_whole_from_every_format(tmp_path, bundled_sources, to, suffix):
    """Export all 206 bundled entries, read them with an independent reader, import them with bib add into an
    empty data directory: every entry and every field comes back, in every format (what RIS and CSL-JSON
    have no place for travels as tex.NAME note lines, as in Zotero's Extra field)."""
    out = tmp_path / f"all.{suffix}"
    run("bib", "export", "--to", to, "-o", out)
    text = out.read_text(encoding="utf-8")
    keys = [s.key for s in bundled_sources]
    if to == "ris":
        import rispy

        assert [r["id"] for r in rispy.loads(text)] == keys
    elif to == "csljson":
        import jsonschema

        items = json.loads(text)
        jsonschema.validate(items, CSL_SCHEMA)
        assert [i["citation-key"] for i in items] == keys
    else:
        import bibtexparser

        lib = bibtexparser.parse_string(text)
        assert not lib.failed_blocks and [e.key for e in lib.entries] == keys
    back = _reimport(tmp_path, out)
    assert len(back) == len(bundled_sources) == 206  # also the references known only by number
    by_key = {k.strip(): b for b in back for k in [b.key, *b.get("ids").split(",")] if k.strip()}
    fields = same = 0
    for s in bundled_sources:
        b = by_key[s.key]
        want, got = _as_bibtex(s, to), _as_bibtex(b, to)
        assert got[0] == want[0], s.key
        assert got[1] == want[1], s.key
        fields += len(want[1])
        same += sum(got[1].get(k) == v for k, v in want[1].items())
        if to == "ris":  # RIS cannot mark an organisation: one of one word comes back as a family name alone
            assert [(f, g) for f, g, _ in _people(b.authors)] == [(f, g) for f, g, _ in _people(s.authors)]
            assert all(o == po or " " not in f for (f, _, o), (_, _, po) in zip(
                _people(s.authors), _people(b.authors), strict=True)), s.key
        else:
            assert _people(b.authors) == _people(s.authors) and b.et_al == s.et_al, s.key
    assert same == fields == 1192


@pytest.mark.parametrize("to, fmt", [("bibtex", "bibtex"), ("biblatex", "biblatex"), ("ris", "ris"),
                                     ("csljson", "csljson")])
def test_a_second_reader_sees_what_it_sees_in_sources_bib(tmp_path, bundled_sources, to, fmt):
    """pandoc's readers (not partnergraph's) read each export as they read data/sources.bib: same titles,
    names, years, containers, volumes, issues, pages, DOIs and URLs — but for what a format cannot say."""
    from partnergraph.files.datadir import default_data_dir

    out = tmp_path / f"all.{to}"
    run("bib", "export", "--to", to, "-o", out)
    want = {k: _core(i) for k, i in _pandoc(default_data_dir() / "sources.bib", "bibtex").items()}
    got = {k: _core(i) for k, i in _pandoc(out, fmt).items()}
    assert set(got) == set(want) == {s.key for s in bundled_sources}
    differ = {k for k in want if got[k] != want[k]}
    by_key = {s.key: s for s in bundled_sources}
    et_al = {k for k, s in by_key.items() if s.et_al}
    organisations = {k for k, s in by_key.items() if any(p.organisation and " " in p.family for p in s.authors)}
    # neither RIS nor CSL-JSON can say "and others" (another reader sees the named authors only: partnergraph
    # reads its tex.andothers line); RIS cannot mark an organisation (a reader splits "Audit Commission" into a
    # given and a family name)
    allowed = {"ris": et_al | organisations, "csljson": et_al}.get(to, set())
    assert differ == allowed
    assert all({f for f in want[k] if got[k][f] != want[k][f]} == {"author"} for k in differ)
    assert all(got[k]["author"] == want[k]["author"][:-1] for k in differ - organisations)


@pytest.fixture(scope="module")
def selections(bundled):
    """A claim, a theme and a gap-matrix cell of the bundled data, each with the sources map shows for it."""
    from partnergraph.core.namespaces import DIMENSIONS, LEVELS
    from partnergraph.outputs.filters import Selection, filtered_graph

    def sources(sel):
        return {n.split(":", 1)[1] for n, d in filtered_graph(bundled, sel).nodes(data=True) if d["kind"] == "source"}

    nxg = bundled.nx
    claims = sorted(n.split(":", 1)[1] for n, d in nxg.nodes(data=True) if d["kind"] == "claim")
    claim = max(claims[:60], key=lambda c: len(sources(Selection(claims=(c,)))))
    themes = sorted(n.split(":", 1)[1] for n, d in nxg.nodes(data=True) if d["kind"] == "theme")
    theme = max(themes, key=lambda t: len(sources(Selection(themes=(t,)))))
    cells = {(dim, cell[len(dim):]) for _, d in nxg.nodes(data=True) if d["kind"] == "claim"
             for cell in d["cells"] for dim in DIMENSIONS if cell.startswith(dim) and cell[len(dim):] in LEVELS}
    cell = max(sorted(cells), key=lambda c: len(sources(Selection(dimensions=(c[0],), levels=(c[1],)))))
    out = {"claim": (["--claim", claim], sources(Selection(claims=(claim,)))),
           "theme": (["--theme", theme], sources(Selection(themes=(theme,)))),
           "cell": (["--dimension", cell[0], "--level", cell[1]],
                    sources(Selection(dimensions=(cell[0],), levels=(cell[1],))))}
    assert all(len(keys) >= 2 for _, keys in out.values())
    return out


@pytest.mark.parametrize("what", ["claim", "theme", "cell"])
@pytest.mark.parametrize("to, suffix", FORMATS)
def test_the_evidence_behind_a_claim_theme_or_cell_goes_out_and_back(tmp_path, selections, bundled_sources,
                                                                      what, to, suffix):
    args, keys = selections[what]
    out = tmp_path / f"sel.{suffix}"
    run("bib", "export", *args, "--to", to, "-o", out)
    fmt = {"bibtex": "bibtex", "biblatex": "biblatex", "ris": "ris", "csljson": "csljson"}[to]
    assert set(_pandoc(out, fmt)) == keys  # an independent reader finds exactly the sources map shows
    back = {k.strip(): b for b in _reimport(tmp_path, out) for k in [b.key, *b.get("ids").split(",")] if k.strip()}
    for s in bundled_sources:
        if s.key in keys:
            assert _as_bibtex(back[s.key], to) == _as_bibtex(s, to), s.key
    assert len({id(b) for b in back.values()}) == len(keys)


def test_export_selection_by_key_and_claim_set(tmp_path):
    r = run("bib", "export", "gray1989", "--to", "csljson")
    assert [i["id"] for i in json.loads(r.output)] == ["gray1989"]
    r = CliRunner().invoke(main, ["bib", "export", "nosuchkey", "--to", "ris"])
    assert r.exit_code == 1 and "no source 'nosuchkey'" in r.stderr


@pytest.mark.parametrize("to, suffix", FORMATS)
def test_an_export_imported_into_its_own_data_adds_nothing(tmp_path, data_copy, to, suffix):
    out = tmp_path / f"all.{suffix}"
    run("bib", "export", "--to", to, "-o", out, "--data", data_copy)
    before = (data_copy / "sources.bib").read_bytes()
    rows = json.loads(run("bib", "add", out, "--data", data_copy, "--format", "json").stdout)
    assert len(rows) == 206 and {r["outcome"] for r in rows} == {"duplicate"}
    assert (data_copy / "sources.bib").read_bytes() == before


def test_an_entry_with_nothing_to_identify_it_needs_partnergraphs_own_status_and_note(tmp_path):
    d = tmp_path / "d"
    d.mkdir()
    (d / "sources.bib").write_text("", encoding="utf-8")
    (d / "claims.ttl").write_text("", encoding="utf-8")
    f = tmp_path / "in.bib"
    f.write_text("@misc{bare, year = 2001}\n@misc{noted, note = {Known as reference 7}, year = 2001}\n"
                 "@misc{own, status = {unidentified}, note = {Known as reference 8}}\n", encoding="utf-8")
    bare, noted, own = json.loads(run("bib", "add", f, "--data", d, "--format", "json").stdout)
    assert bare["outcome"] == noted["outcome"] == "skipped" and "nothing to identify" in bare["detail"]
    assert own["outcome"] == "added"
    back = parse_bibtex(d / "sources.bib").sources
    assert len(back) == 1 and back[0].get("note") == "Known as reference 8" and own["key"] == back[0].key
    assert [r["outcome"] for r in json.loads(run("bib", "add", f, "--data", d, "--format", "json").stdout)] == \
        ["skipped", "skipped", "duplicate"]  # renamed by the pattern, known by its old key (ids) and fields


def test_what_a_format_has_no_place_for_travels_as_note_lines():
    from partnergraph.files.bibtex import parse_bibtex_text
    from partnergraph.outputs.bibexport import extra_fields, to_csljson, to_ris

    s = parse_bibtex_text("@online{w, author = {Lee, Kim and others}, title = {T}, year = 2020, month = jun,"
                          " seedfile = {000_a.txt}, organization = {Org}, howpublished = {Blog}}").sources[0]
    assert extra_fields(s, "csljson") == [("entrytype", "online"), ("seedfile", "000_a.txt"),
                                          ("organization", "Org"), ("howpublished", "Blog"), ("andothers", "author")]
    note = json.loads(to_csljson([s]))[0]["note"].splitlines()
    assert note == ["tex.entrytype: online", "tex.seedfile: 000_a.txt", "tex.organization: Org",
                    "tex.howpublished: Blog", "tex.andothers: author"]
    assert "N1  - tex.seedfile: 000_a.txt" in to_ris([s]) and "tex.month" not in to_ris([s])  # DA carries it
