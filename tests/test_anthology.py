"""Golden tests of the anthology parser on real lines of samarbeid-om-selvhjelp.txt.

Every case names the source lines it checks (see ANTHOLOGY-NOTES.md for the artefact types).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from rag.chunking import sentence_spans
from rag.corpus.anthology import SLUG, parse_anthology, read_lines
from rag.types import PASSAGE_FIELDS

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
TEXT = CORPUS / "anthology" / "samarbeid-om-selvhjelp.txt"

# ANTHOLOGY-NOTES.md, item M: the line -> page map of page-start lines.
PAGE_MAP = """33:9 74:10 114:11 150:12 188:13 226:14 264:15 299:16 342:17 384:18 421:19 456:20 498:21
538:22 574:23 612:24 649:25 686:26 725:27 773:28 811:29 847:30 884:31 926:32 970:33 1007:34 1048:35
1088:36 1126:37 1161:38 1199:39 1236:40 1273:41 1310:42 1324:47 1359:48 1402:49 1440:50 1483:51
1519:52 1557:53 1595:54 1631:55 1669:56 1714:57 1755:58 1802:59 1840:60 1884:61 1926:62 1974:63
2015:64 2052:65 2088:66 2114:69 2147:70 2193:71 2230:72 2266:73 2305:74 2343:75 2380:76 2422:77
2468:78 2504:79 2542:80 2591:81 2627:82 2673:83 2721:84 2768:85 2804:86 2842:87 2878:88 2931:89
2998:90 3057:91 3093:92 3132:93 3173:94 3214:95 3260:96 3303:97 3340:98 3381:99 3424:100 3461:101
3501:102 3540:103 3579:104 3618:105 3656:106 3692:107 3729:108 3770:109 3807:110 3847:111 3888:112
3892:115 3927:116 3964:117 3999:118 4037:119 4069:120 4116:121 4161:122 4219:123 4264:124 4298:125
4337:126 4374:127 4414:128 4454:129 4494:130 4535:131 4574:132 4614:133 4653:134 4689:135 4699:139
4736:140 4773:141 4819:142 4859:143 4898:144 4933:145 4973:146 5016:147 5063:148 5107:149 5145:150
5187:151 5234:152 5271:153 5313:154 5351:155 5389:156 5425:157 5463:158 5508:159 5550:160 5591:161
5632:162 5672:163 5704:167 5742:168 5779:169 5815:170 5855:171 5890:172 5927:173 5964:174 6002:175
6042:176 6077:177 6118:178 6159:179 6199:180 6240:181 6277:182 6314:183 6349:184 6386:185 6428:186
6440:191 6461:192 6499:193 6542:194 6582:195 6619:196 6657:197 6694:198 6729:199 6766:200 6803:201
6842:202 6878:203 6916:204 6953:205 6988:206 7026:207 7062:208 7100:209"""


@pytest.fixture(scope="module")
def parsed():
    return parse_anthology(CORPUS)


@pytest.fixture(scope="module")
def lines():
    return read_lines(TEXT)


def owner(parsed, line: int):
    """The passage that owns a source line."""
    for p in parsed.passages:
        if line in parsed.owned_lines[p.id]:
            return p
    raise AssertionError(f"line {line} is in no passage (dropped: {parsed.dropped.get(line)})")


def text_at(parsed, line: int) -> str:
    """The text of every passage whose line range covers ``line`` (a line may hold the end of
    one passage's last sentence and the start of the next one's first)."""
    own = owner(parsed, line)
    texts = [p.text for p in parsed.passages
             if p.kind == own.kind and p.lines[0] <= line <= p.lines[1]] or [own.text]
    return " ".join(" ".join(texts).split())


# --- the corpus copy -----------------------------------------------------------------------

def test_corpus_copy_is_byte_identical_to_shared():
    shared = ROOT.parent / "shared" / "corpus" / "samarbeid-om-selvhjelp.txt"
    if not shared.exists():
        pytest.skip("../shared is not beside this checkout")
    assert TEXT.read_bytes() == shared.read_bytes()


def test_file_has_7131_lines(parsed):
    assert parsed.line_count == 7131


# --- chapters ------------------------------------------------------------------------------

CHAPTERS = {
    0: ("Forord", ["Marte Feiring", "Ånund Brottveit"], "10.23865/noasp.68"),
    1: ("Den nye selvhjelpsbevegelsen",
        ["Ånund Brottveit", "Nora Gotaas", "Hilde Hatleskog Zeiner", "Marte Feiring"], "10.23865/noasp.68.ch1"),
    2: ("Selvhjelpsgrupper og behandlingsgruppers tilnærming til personlig endring – hva er likt og ulikt?",
        ["Ånund Brottveit"], "10.23865/noasp.68.ch2"),
    3: ("Fra frivillig arbeid til folkehelsearbeid – om politisering av selvhjelpssaken",
        ["Marte Feiring"], "10.23865/noasp.68.ch3"),
    4: ("«Midt i smørøyet» – samarbeid og ambivalens i grenseflater mellom profesjons- og erfaringskunnskap",
        ["Nora Gotaas"], "10.23865/noasp.68.ch4"),
    5: ("Nasjonal selvhjelpssatsing møter lokalsamfunnet", ["Marte Feiring"], "10.23865/noasp.68.ch5"),
    6: ("Rom for selvhjelp. Sosialt entreprenørskap og offentlig–frivillig samarbeid",
        ["Ånund Brottveit"], "10.23865/noasp.68.ch6"),
    7: ("Fra felt til verktøy: Om Selvhjelp Norge som koordinerende enhet",
        ["Hilde Hatleskog Zeiner"], "10.23865/noasp.68.ch7"),
    8: ("Selvhjelp i grenseland – en ny type helsebevegelse?", [], "10.23865/noasp.68.ch8"),
}


@pytest.mark.parametrize("number", sorted(CHAPTERS))
def test_chapter_title_authors_doi(parsed, number):
    title, authors, doi = CHAPTERS[number]
    ch = next(c for c in parsed.chapters if c.number == number)
    assert ch.title == title
    assert list(ch.authors) == authors
    assert ch.doi == doi
    ps = [p for p in parsed.passages if p.chapter == number]
    assert ps, f"chapter {number} has no passages"
    for p in ps:
        assert p.chapter_title == title and p.doi == doi and p.url == f"https://doi.org/{doi}"
        assert (p.authors is None) == (not authors)


def test_chapter_8_authors_are_unknown_not_guessed(parsed):
    p = owner(parsed, 6470)
    assert p.chapter == 8 and p.authors is None


# --- pages ---------------------------------------------------------------------------------

def test_page_map_agrees_with_notes(parsed):
    expected = dict(tuple(map(int, pair.split(":"))) for pair in PAGE_MAP.split())
    got = {line: parsed.page_of_line[line] for line in expected}
    assert got == expected


def test_passage_pages_follow_their_lines(parsed):
    for p in parsed.passages:
        assert p.pages == (parsed.page_of_line[p.lines[0]], parsed.page_of_line[p.lines[1]])
        assert p.pages[0] <= p.pages[1]


def test_slug_page_numbers_agree_with_page_map(parsed, lines):
    """After each slug (page N), the bare page number line says N+1."""
    for i in range(1, parsed.line_count + 1):
        if lines[i].strip().isdigit() and parsed.dropped.get(i) == "bare page number":
            assert int(lines[i]) == parsed.page_of_line[i], i


# --- furniture is gone ---------------------------------------------------------------------

def test_no_passage_contains_page_furniture(parsed, lines):
    headers = {lines[i].strip() for i, why in parsed.dropped.items() if why == "running header"}
    assert "kapittel  1" in headers and "den nye selvhjelpsbevegelsen" in headers
    for p in parsed.passages:
        assert "indd" not in p.text, p.id
        assert not SLUG.search(p.text)
        for row in p.text.split("\n"):
            assert not re.fullmatch(r"\d{1,3}", row.strip()), (p.id, row)
            assert row.strip() not in headers or p.kind in ("table", "list"), (p.id, row)
        assert "fr iv ill ig" not in p.text and "t ilnærming" not in p.text
        assert "Sitering av dette kapittelet" not in p.text and "Lisens: CC BY" not in p.text


@pytest.mark.parametrize("line,reason", [
    (338, "InDesign slug line"),          # slug, page 16
    (342, "running header"),              # odd page: chapter short title
    (344, "bare page number"),            # "17"
    (926, "running header"),              # even page: "kapittel  1" with two spaces
    (1974, "running header"),             # letter-spaced header
    (2931, "running header"),             # letter-spaced header
    (1355, "hyperlink URL"),              # duplicated DOI after slug 1353
    (1356, "hyperlink URL"),
    (2925, "hyperlink URL"),
    (3054, "hyperlink URL"),
    (70, "«Sitering»"),                   # citation block, chapter 1
    (73, "«Sitering»"),                   # Lisens line
    (3092, "«Sitering»"),                 # stray fragment inside a chapter 4 sentence
    (5741, "«Sitering»"),                 # chapter 7 has no Lisens line
    (35, "chapter title block"),
    (1324, "chapter title block"),        # chapter 2 title fragment
    (121, "section heading"),
])
def test_dropped_lines_and_reasons(parsed, line, reason):
    assert reason in parsed.dropped.get(line, ""), (line, parsed.dropped.get(line))


# --- joining text ----------------------------------------------------------------------------

@pytest.mark.parametrize("line,expected", [
    (11, "forskningsprosjektet"),                       # 11–12 soft hyphen
    (70 + 4, "interesse- og brukerorganisasjoner"),     # 76 suspended compound kept (owned from 74)
    (82, "12-trinnsmetode"),                            # 82 real hyphen + soft hyphen
    (2073, "AA-relasjoner"),                            # 2073 "AA-re-/lasjoner"
    (988, "offentlig-frivillig"),                       # 988 "offentlig- /frivillig"
    (2343, "Arbeiderpartiets"),                         # 2343 "Arbeider- /partiets"
    (4156, "oppgaveoverføring"),                        # 4156 "oppgave- /overføring"
    (4344, "blandingsformer"),                          # 4344 "blandings- /former"
    (2147, "selvhjelpsforståelsen"),                    # 2147 hyphen, blank, continuation
    (2411, "grasrotorganiseringen"),                    # 2411–2412 hyphen lost
    (6070, "12-trinnsprogrammet"),                      # 6070–6071
    (6098, "selvhjelpsideen"),                          # 6098–6099
    (1952, "SN- og"),                                   # 1952 suspended compound
    (5735, "mangeårig samarbeid"),                      # 5735 → 5742 across footnote and Sitering
    (3091, "et prosjekt som ble gjennomført"),          # 3091 → 3093 across the stray fragment 3092
    (98, "Selvhjelp Norge, som på mange måter"),        # 98 → 114 across footnote 1 and a page break
])
def test_joins(parsed, line, expected):
    assert expected in text_at(parsed, line)


def test_self_help_keeps_its_hyphen_in_english(parsed):
    abstract = next(p for p in parsed.passages if p.id == "ch1:abstract")
    assert "group-based forms of self-help." in abstract.text
    assert "selfhelp" not in abstract.text


def test_urls_keep_their_hyphens_and_are_joined(parsed):
    fn = next(p for p in parsed.passages if p.chapter == 3 and p.kind == "footnote" and "IS-2168" in p.text)
    assert "Nasjonal-plan-for-selvhjelp-2014-2018-IS-2168.pdf" in fn.text      # 2671–2672
    refs = " ".join(p.text for p in parsed.passages if p.kind == "reference")
    assert "http://www.kbtmidt.no" in refs                                      # 2900–2901


@pytest.mark.parametrize("line,kept,gone", [
    (11, "(Gotaas 2019) som", "2019)1"),
    (81, "(AA).", "(AA).1"),
    (119, "samfunn (Rose & Miller, 1992)", "samfunn2"),
    (477, "helsen».", "helsen».3"),
    (2713, "problemer oppstår.", "oppstår.8"),
    (4252, "under behandling.»", "behandling.»9"),
    (6019, "Velferdsalliansen", "Velferdsalliansen6"),
    (6024, "Batteriet", "Batteriet7"),
    (346, "stiftet i 1998", None),   # years stay
])
def test_footnote_markers_removed_years_kept(parsed, line, kept, gone):
    t = text_at(parsed, line)
    assert kept in t
    if gone:
        assert gone not in t


def test_heading_marker_removed(parsed):
    assert owner(parsed, 2138).section == "Innledning"    # 2136 "Innledning1"
    assert owner(parsed, 3912).section == "Innledning"    # 3910 "Innledning1"


# --- kinds -----------------------------------------------------------------------------------

def test_footnotes_are_their_own_passages(parsed):
    fns = [p for p in parsed.passages if p.kind == "footnote"]
    assert len(fns) == 59
    fn1 = owner(parsed, 100)                                  # ch. 1 fn 1, lines 100–113
    assert fn1.id == "ch1:fn1" and fn1.lines == (100, 113)
    assert fn1.text.startswith("En rekke 12-trinnsgrupper")
    assert "Ano-nyme" not in fn1.text and "Anonyme Narkomane" in fn1.text


def test_footnote_continued_on_next_page(parsed):
    fn3 = owner(parsed, 3296)                                 # ch. 4 fn 3: 3296–3302 + 3332–3333
    assert owner(parsed, 3332) is fn3
    assert "kunnskapsformidler/oversetter i grenseflater" in fn3.text
    fn10 = owner(parsed, 3498)                                # ch. 4 fn 10: 3498–3500 + 3531–3539
    assert owner(parsed, 3539) is fn10
    assert "privatisering av offentlige tjenester" in fn10.text
    body = text_at(parsed, 3529)                              # body resumes at 3540
    assert "Begge målbærer en «empowerment»-ideologi" in body


def test_tab_only_footnote_continuation(parsed):
    assert owner(parsed, 4114).kind == "footnote"             # "\t http://…" of ch. 5 fn 5
    assert "trustprosjektet.no" in owner(parsed, 4113).text


def test_abstracts(parsed):
    abstracts = [p for p in parsed.passages if p.kind == "abstract"]
    assert sorted(p.chapter for p in abstracts) == [1, 2, 3, 4, 5, 6, 7, 8]
    for p in abstracts:
        assert p.language == "en" and p.text.startswith("Abstract:") and "Keywords:" in p.text
    assert "confidential strangers" in owner(parsed, 1328).text


def test_double_spaced_quotes_rejoined(parsed):
    q = owner(parsed, 930)                                    # 930–936, Star & Griesemer
    assert q.kind == "quote"
    assert "plastic enough to adapt to local needs and the constraints" in q.text
    q2 = owner(parsed, 1349)                                  # 1349–1365, across slug block 1353–1361
    assert q2.kind == "quote"
    assert "Jeg sa hele tida «det går kjempefint!»" in " ".join(q2.text.split()) or \
        "tida «det går kjempefint!»" in text_at(parsed, 1363)
    latour = owner(parsed, 718)                               # 718–751, Latour's stages
    assert latour.kind == "quote" and "materielle objekter blir lagt merke til" in latour.text


def test_tables_and_lists(parsed):
    t = owner(parsed, 1449)
    assert t.kind == "table" and "Deltakere 7 6 2 15" in t.text
    lst = owner(parsed, 1671)
    assert lst.kind == "list" and "Håp\nAltruisme" in lst.text
    assert owner(parsed, 4786).kind == "table"


def test_reference_list(parsed):
    refs = [p for p in parsed.passages if p.kind == "reference"]
    assert refs and all(p.chapter == 3 for p in refs)
    joined = "\n".join(p.text for p in refs)
    assert "Thuen, F. & Carlsen, B. (1998). Selvhjelpsgrupper." in joined
    assert "Samarbeid om selvhjelp.indd" not in joined


def test_sections_attached(parsed):
    assert owner(parsed, 122).section == "Selvhjelp sammen med andre"
    assert owner(parsed, 1489).section == "Anonymitet og gjensidighet – en sammenligning av selvhjelpsmodellene"
    assert owner(parsed, 687).section == "Politisering"          # 686 heading at a page start
    assert owner(parsed, 6462).section == "Innledning"           # 6461, right after Keywords


# --- passages as a whole ---------------------------------------------------------------------

def test_coverage_every_line_in_exactly_one_passage_or_dropped(parsed, lines):
    count: dict[int, int] = {}
    for owned in parsed.owned_lines.values():
        for i in owned:
            count[i] = count.get(i, 0) + 1
    for i in range(1, parsed.line_count + 1):
        if not lines[i].strip():
            continue
        if i in parsed.dropped:
            assert i not in count, f"line {i} is both dropped and in a passage"
            assert parsed.dropped[i], f"line {i} dropped without a reason"
        else:
            assert count.get(i) == 1, f"line {i} is in {count.get(i, 0)} passages: {lines[i]!r}"


def test_passages_are_sentence_aligned(parsed):
    for p in parsed.passages:
        if p.kind not in ("body", "quote"):
            continue
        # Never starts inside a sentence: the first sentence of the text starts at its beginning
        # and no passage begins with a lower-case continuation.
        assert not p.text[0].islower() or p.kind == "quote", (p.id, p.text[:40])
        spans = sentence_spans(p.text)
        assert spans[0].start == 0


def test_passage_sizes_fit_the_model(parsed):
    for p in parsed.passages:
        if p.kind in ("body", "quote"):
            # sentences are never cut, so a single long sentence may exceed the target
            assert len(p.text.split()) <= 200, p.id


def test_ids_unique_and_stable(parsed):
    ids = [p.id for p in parsed.passages]
    assert len(ids) == len(set(ids))
    again = parse_anthology(CORPUS)
    assert [p.id for p in again.passages] == ids
    assert [p.text for p in again.passages] == [p.text for p in parsed.passages]


def test_norwegian_characters_intact(parsed):
    joined = " ".join(p.text for p in parsed.passages)
    for word in ("selvhjelp", "Ånund", "fortrolige fremmede", "«", "»", "æ", "ø", "å"):
        assert word in joined
    assert "Ã" not in joined  # no mojibake


def test_cli_passages_jsonl():
    out = subprocess.run(
        [sys.executable, "-m", "rag.cli", "passages", "--jsonl", "--source", "anthology"],
        capture_output=True, text=True, check=True, cwd=ROOT,
    ).stdout.splitlines()
    rows = [json.loads(line) for line in out]
    assert len(rows) > 500
    for row in rows[:50] + rows[-50:]:
        assert list(row) == list(PASSAGE_FIELDS)
        assert row["source"] == "anthology"
    fn = next(r for r in rows if r["kind"] == "footnote")
    assert fn["lines"] and fn["pages"] and fn["doi"].startswith("10.23865/noasp.68")
    assert "«" in "".join(r["text"] for r in rows)  # ensure_ascii is off


def test_cli_unknown_source_is_a_clear_error():
    res = subprocess.run([sys.executable, "-m", "rag.cli", "passages", "--source", "nope"],
                         capture_output=True, text=True, cwd=ROOT)
    assert res.returncode == 2
    assert "Unknown source nope" in res.stderr and "Traceback" not in res.stderr
