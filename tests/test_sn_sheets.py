"""Selvhjelp Norge fact sheets (corpus/sn) and their reader (rag.corpus.sn)."""
from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path
from urllib.parse import urlparse

import pytest

from rag.chunking import split_sentences, word_count
from rag.corpus.sn import MAX_WORDS, load_sn_passages, parse_sheet, read_sheet_text
from rag.errors import CorpusError
from rag.types import PASSAGE_FIELDS

SN_DIR = Path(__file__).resolve().parents[1] / "corpus" / "sn"
NOTE = ("Sammendrag med egne ord av Selvhjelp Norges offentlige materiale, "
        "ikke Selvhjelp Norges egen tekst.")
SHEETS = sorted(p for p in SN_DIR.glob("*.md") if p.name != "README.md")


@pytest.fixture(scope="module")
def passages():
    return load_sn_passages(SN_DIR)


def _norm(text: str) -> str:
    return " ".join(text.split())


def _is_sn_host(url: str) -> bool:
    host = urlparse(url).hostname or ""
    return host == "selvhjelp.no" or host.endswith(".selvhjelp.no")


# --- the sheets themselves ---------------------------------------------------------------

def test_at_least_twelve_sheets_and_a_readme():
    assert len(SHEETS) >= 12
    assert (SN_DIR / "README.md").is_file()


@pytest.mark.parametrize("path", SHEETS, ids=lambda p: p.stem)
def test_sheet_front_matter_is_complete(path):
    meta, _ = parse_sheet(path)
    assert meta.title
    assert meta.summary_note == NOTE
    assert meta.sources, "a sheet needs at least one source"
    assert any(_is_sn_host(s["url"]) for s in meta.sources), "no selvhjelp.no source"
    assert _is_sn_host(meta.url), "the passage url (first source) should be on selvhjelp.no"
    for src in meta.sources:
        assert src.get("read") or src.get("updated")
        for key in ("read", "updated"):
            if key in src:
                assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", src[key])
    assert meta.topics


def test_readme_lists_every_sheet_and_its_sources():
    readme = (SN_DIR / "README.md").read_text(encoding="utf-8")
    for path in SHEETS:
        meta, _ = parse_sheet(path)
        assert path.name in readme, f"{path.name} missing from README"
        assert meta.url in readme, f"{meta.url} missing from README"


def test_slugs_match_file_names():
    for path in SHEETS:
        assert parse_sheet(path)[0].slug == path.stem


def test_required_topics_are_covered(passages):
    slugs = {p.id.split(":")[1] for p in passages}
    assert {"hva-er-selvhjelp-norge", "starte-gruppe", "gruppestorrelse", "praktiske-rammer",
            "samtaleprinsipper", "igangsetter", "taushetsplikt", "lokal-hjelp",
            "selvorganisert-selvhjelp", "digitale-grupper", "historie", "temaer",
            "nar-gruppa-ikke-fungerer", "kurs"} <= slugs
    text = " ".join(p.text for p in passages).lower()
    for needle in ("igangsetter", "taushetsplikt", "åtte deltakere", "fylt 18 år", "annenhver uke",
                   "to timer", "jeg-form", "gi råd", "distriktskontor", "kontaktpunkt",
                   "selvorganisert selvhjelp", "digital", "1998", "2004", "2014–2018",
                   "norsk selvhjelpsforum", "sorg", "opplæring", "fagdager"):
        assert needle in text, needle
    topics = set()
    for path in SHEETS:
        topics |= set(parse_sheet(path)[0].topics)
    assert {"igangsetter", "taushetsplikt", "gruppestørrelse"} <= topics


def test_merk_sections_name_both_sides_with_dates(passages):
    merk = [p for p in passages if p.section == "Merk"]
    assert len(merk) >= 5
    assert any("antologien" in p.text.lower() for p in merk)
    by_sheet: dict[str, str] = {}
    for p in merk:
        by_sheet[p.id.split(":")[1]] = by_sheet.get(p.id.split(":")[1], "") + " " + p.text
    for slug, text in by_sheet.items():
        years = set(re.findall(r"\b(?:19|20)\d\d\b", text))
        assert years, f"{slug}: a Merk section must date what it compares"
        if "antologien" in text.lower():
            assert "2019" in years and len(years) >= 2, f"{slug}: give the anthology's and the page's dates"


def test_sheets_do_not_copy_known_sentences_from_selvhjelp_no(passages):
    # Sentences as they stand on selvhjelp.no; the sheets must say it in their own words.
    originals = [
        "Erfaring viser at grupper med færre enn fire personer lett blir sårbare og ustabile.",
        "Deltakere i selvorganiserte selvhjelpsgrupper må ha fylt 18 år.",
        "Selvhjelp Norge driver ikke selvhjelpsgrupper selv, men jobber for at selvorganiserte "
        "selvhjelpsgrupper skal kunne starte opp lokalt der folk bor.",
        "Igangsetteren gjør seg selv overflødig ved å sørge for at gruppa blir selvgående.",
        "Stiftelsen Norsk selvhjelpsforum ble etablert i 1998 og har omfattende erfaring med "
        "endrings- og utviklingsprosesser på individ-, gruppe- og organisasjonsnivå.",
    ]
    corpus = _norm(" ".join(p.text for p in passages))
    for sentence in originals:
        assert sentence not in corpus


# --- passages -----------------------------------------------------------------------------

def test_passages_have_exact_fields(passages):
    assert passages
    for p in passages:
        d = p.to_dict()
        assert tuple(d) == PASSAGE_FIELDS
        assert d["source"] == "sn" and d["kind"] == "sheet" and d["language"] == "nb"
        for key in ("chapter", "chapter_title", "authors", "pages", "doi"):
            assert d[key] is None, key
        assert d["section"] and d["title"] and d["text"]
        assert _is_sn_host(d["url"])
        first, last = d["lines"]
        assert 1 <= first <= last
        assert re.fullmatch(r"sn:[a-z0-9-]+:\d{3}", d["id"])


def test_ids_are_unique_and_stable_across_loads(passages):
    again = load_sn_passages(SN_DIR)
    assert [p.to_dict() for p in again] == [p.to_dict() for p in passages]
    assert len({p.id for p in passages}) == len(passages)


def test_ids_do_not_shift_when_another_sheet_is_added(tmp_path, passages):
    copy = tmp_path / "sn"
    shutil.copytree(SN_DIR, copy)
    (copy / "aaa-ny.md").write_text(_sheet("aaa-ny", "## Ny\n\nEn helt ny setning her.\n"),
                                    encoding="utf-8")
    ids = {p.id: p.text for p in load_sn_passages(copy)}
    for p in passages:
        assert ids[p.id] == p.text


def test_lines_point_at_the_text(passages):
    files = {path.stem: path.read_text(encoding="utf-8").split("\n") for path in SHEETS}
    for p in passages:
        lines = files[p.id.split(":")[1]]
        first, last = p.lines
        window = lines[first - 1:last]
        assert _norm(p.text) in _norm(" ".join(re.sub(r"^\s*[-*+]\s+", "", ln) for ln in window))
        # Tight: the first line holds the start and the last line holds the end.
        assert _norm(window[0]).find(_norm(p.text)[:20]) >= 0
        assert _norm(p.text)[-20:] in _norm(" ".join(window))[-max(len(window[-1]), 20):]
        # The section heading is the nearest '## ' above.
        heading = next(ln for ln in reversed(lines[:first]) if ln.startswith("## "))
        assert heading[3:].strip() == p.section


def test_no_passage_cuts_a_sentence(passages):
    by_section: dict[tuple[str, str], list] = {}
    for p in passages:
        by_section.setdefault((p.id.split(":")[1], p.section), []).append(p)
    for (slug, section), group in by_section.items():
        lines = (SN_DIR / f"{slug}.md").read_text(encoding="utf-8").split("\n")
        start = group[0].lines[0]
        end = group[-1].lines[1]
        section_sentences = split_sentences(_norm(" ".join(lines[start - 1:end])))
        got = [s for p in group for s in split_sentences(_norm(p.text))]
        assert got == section_sentences, (slug, section)
        for p in group:
            n = len(split_sentences(p.text))
            assert word_count(p.text) <= MAX_WORDS or n == 1
            assert p.text.rstrip()[-1] in ".?!»:", p.id


# --- encodings and broken files -------------------------------------------------------------

def _sheet(slug: str, body: str, *, front: str | None = None) -> str:
    fm = front if front is not None else (
        f'title: "Prøveark om «selvhjelp»"\n'
        f"slug: {slug}\n"
        "sources:\n"
        "  - url: https://www.selvhjelp.no/proveside/\n"
        "    read: 2026-11-26\n"
        f'summary_note: "{NOTE}"\n'
        "topics: [prøve]\n"
    )
    return f"---\n{fm}---\n\n{body}"


BODY = ("## Første del\n\nDette er første setning om æøå. Her kommer den andre setningen,\n"
        "som går over to linjer.\n\n## Andre del\n\nSiste avsnitt står for seg selv «med sitat».\n")


@pytest.fixture()
def reference(tmp_path):
    d = tmp_path / "ref"
    d.mkdir()
    (d / "prove.md").write_text(_sheet("prove", BODY), encoding="utf-8")
    return [p.to_dict() for p in load_sn_passages(d)]


def test_reference_sheet_parses_as_expected(reference):
    assert [p["section"] for p in reference] == ["Første del", "Andre del"]
    assert reference[0]["lines"] == [13, 14]
    assert reference[0]["text"].endswith("som går over to linjer.")
    assert reference[1]["lines"] == [18, 18]


@pytest.mark.parametrize("variant", ["crlf", "bom", "bom+crlf", "cr"])
def test_bom_and_line_endings_give_identical_passages(tmp_path, reference, variant):
    text = _sheet("prove", BODY)
    if "crlf" in variant:
        text = text.replace("\n", "\r\n")
    if variant == "cr":
        text = text.replace("\n", "\r")
    data = text.encode("utf-8")
    if variant.startswith("bom"):
        data = b"\xef\xbb\xbf" + data
    (tmp_path / "prove.md").write_bytes(data)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # valid UTF-8 must not warn
        got = [p.to_dict() for p in load_sn_passages(tmp_path)]
    assert got == reference


def test_latin1_file_is_read_with_a_warning(tmp_path, reference):
    (tmp_path / "prove.md").write_bytes(_sheet("prove", BODY).replace("\n", "\r\n").encode("latin-1"))
    with pytest.warns(UnicodeWarning, match="prove.md"):
        got = [p.to_dict() for p in load_sn_passages(tmp_path)]
    assert got == reference
    assert "æøå" in got[0]["text"] and "«med sitat»" in got[1]["text"]


@pytest.mark.parametrize("payload", [b"\x00\x01binary\x00", b"---\ntitle: \x81\x8d\n---\n"])
def test_corrupt_file_raises_corpus_error_with_path(tmp_path, payload):
    path = tmp_path / "korrupt.md"
    path.write_bytes(payload)
    with pytest.raises(CorpusError, match="korrupt.md"), warnings.catch_warnings():
        warnings.simplefilter("ignore", UnicodeWarning)
        load_sn_passages(tmp_path)


FRONT_OK = _sheet("prove", BODY).split("---\n")[1]


@pytest.mark.parametrize(("text", "line", "what"), [
    (BODY, 1, "must start with front matter"),
    ("---\n" + FRONT_OK + BODY, 1, "no closing"),
    (_sheet("prove", BODY, front=FRONT_OK.replace('title: "Prøveark om «selvhjelp»"', 'title: "uavsluttet')), None,
     "not valid YAML"),
    (_sheet("prove", BODY, front=FRONT_OK.replace("slug: prove", "slug: Ikke Gyldig")), 3, "slug"),
    (_sheet("prove", BODY, front=FRONT_OK.replace("    read: 2026-11-26\n", "")), 4, "date"),
    (_sheet("prove", BODY, front=FRONT_OK.replace("    read: 2026-11-26\n", "    read: i går\n")), 4,
     "date"),
    (_sheet("prove", BODY, front=FRONT_OK.replace("https://www.selvhjelp.no/proveside/", "selvhjelp")),
     4, "url"),
    (_sheet("prove", BODY, front=FRONT_OK.replace('summary_note: "', 'summary_note: "" #')), 7,
     "summary_note"),
    (_sheet("prove", BODY, front="- bare\n- en liste\n"), 2, "mapping"),
])
def test_broken_front_matter_names_file_and_line(tmp_path, text, line, what):
    path = tmp_path / "brudd.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CorpusError) as info:
        load_sn_passages(tmp_path)
    msg = str(info.value)
    assert "brudd.md" in msg and what in msg
    m = re.search(r"line (\d+)", msg)
    assert m, msg
    if line is not None:
        assert int(m.group(1)) == line, msg


def test_yaml_error_line_points_into_the_front_matter(tmp_path):
    front = FRONT_OK.replace("topics: [prøve]", "topics: [prøve")
    (tmp_path / "brudd.md").write_text(_sheet("prove", BODY, front=front), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"brudd\.md: line (8|9|10)\b"):
        load_sn_passages(tmp_path)


def test_readme_is_skipped_and_duplicate_slugs_rejected(tmp_path):
    (tmp_path / "README.md").write_text("# Ikke et ark\n\nIngen front matter her.\n", encoding="utf-8")
    (tmp_path / "a.md").write_text(_sheet("samme", BODY), encoding="utf-8")
    assert len(load_sn_passages(tmp_path)) == 2
    (tmp_path / "b.md").write_text(_sheet("samme", BODY), encoding="utf-8")
    with pytest.raises(CorpusError, match="b.md.*samme"):
        load_sn_passages(tmp_path)


def test_missing_or_empty_folder_raises(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_sn_passages(tmp_path / "finnes-ikke")
    with pytest.raises(CorpusError, match="no fact sheets"):
        load_sn_passages(tmp_path)


def test_read_sheet_text_normalises_line_endings(tmp_path):
    path = tmp_path / "x.md"
    path.write_bytes(b"\xef\xbb\xbfa\r\nb\rc\n")
    assert read_sheet_text(path) == "a\nb\nc\n"
