"""Validates the hand-made dev gold set (eval/gold/dev.jsonl) against the anthology file.

The gold set is what retrieval and answer quality are measured on, so a broken span
silently corrupts every metric; these checks catch that before any evaluation runs.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "eval" / "gold" / "dev.jsonl"
ANTHOLOGY = ROOT / "corpus" / "anthology" / "samarbeid-om-selvhjelp.txt"

TYPES = {"factual", "definitional", "comparative", "when", "who", "how_many", "unanswerable"}
FIELDS = {"id", "question", "language", "type", "answerable", "gold", "answer", "chapter"}
# First line of each chapter (0 = Forord); see shared/corpus/ANTHOLOGY-NOTES.md.
CHAPTER_STARTS = [(0, 1), (1, 33), (2, 1324), (3, 2114), (4, 3057), (5, 3892), (6, 4699), (7, 5704), (8, 6440)]
MAX_SPAN = 16  # spans are meant to be tight; the longest real one is a flattened list

SLUG = re.compile(r"^Samarbeid om selvhjelp\.indd\s+\d+\s+\d{2}-\d{2}-\d{4}\s+\d{2}:\d{2}:\d{2}$")
PAGE_NUMBER = re.compile(r"^\s*\d{1,3}\s*$")
EVEN_HEADER = re.compile(r"^kapittel  \d$")  # two spaces: running header, not a chapter opening
ODD_HEADERS = {
    "den nye selvhjelpsbevegelsen",
    "selvhjelpsgrupper og behandlingsgruppers t ilnærming",
    "fra fr iv ill ig  arbeid t il  folkehelsearbeid",
    "«midt i  smørøyet»",
    "nasjonal selvhjelpssatsing møter lokalsamfunnet",
    "rom for selvhjelp",
}


def _load_rows() -> list[dict]:
    with GOLD.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _load_lines() -> list[str]:
    # split("\n") keeps the final line (a lone space without newline), as awk/Python count it.
    return ANTHOLOGY.read_text(encoding="utf-8").split("\n")


ROWS = _load_rows()
LINES = _load_lines()


def _is_artefact(text: str) -> bool:
    stripped = text.strip()
    return bool(
        SLUG.match(stripped)
        or PAGE_NUMBER.match(text)
        or EVEN_HEADER.match(stripped)
        or stripped in ODD_HEADERS
    )


def _chapter_of(line: int) -> int:
    chapter = 0
    for number, start in CHAPTER_STARTS:
        if line >= start:
            chapter = number
    return chapter


def test_file_is_utf8_jsonl_with_unescaped_norwegian():
    raw = GOLD.read_text(encoding="utf-8")
    assert "\\u00" not in raw, "write with ensure_ascii=False so æøå stay readable"
    assert any(ch in raw for ch in "æøå")


def test_size_and_language_split():
    assert len(ROWS) >= 60
    langs = Counter(r["language"] for r in ROWS)
    assert set(langs) == {"nb", "en"}
    assert abs(langs["nb"] - len(ROWS) / 2) <= 4, langs


def test_unanswerable_questions_in_both_languages():
    unanswerable = [r for r in ROWS if not r["answerable"]]
    assert len(unanswerable) >= 10
    per_lang = Counter(r["language"] for r in unanswerable)
    assert per_lang["nb"] >= 5 and per_lang["en"] >= 5, per_lang


def test_ids_unique_and_prefixed_by_language():
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids))
    for r in ROWS:
        assert re.fullmatch(rf"{r['language']}-\d{{2,3}}", r["id"]), r["id"]


def test_every_type_is_used():
    assert {r["type"] for r in ROWS} == TYPES


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_row_shape(row):
    assert set(row) == FIELDS
    assert row["type"] in TYPES
    assert row["language"] in {"nb", "en"}
    assert isinstance(row["answerable"], bool)
    assert row["question"].strip() and row["answer"].strip()
    if row["answerable"]:
        assert row["type"] != "unanswerable"
        assert row["gold"], "answerable questions need at least one span"
        assert row["chapter"] in range(0, 9)
    else:
        assert row["type"] == "unanswerable"
        assert row["gold"] == []
        assert row["chapter"] is None


@pytest.mark.parametrize("row", [r for r in ROWS if r["answerable"]], ids=lambda r: r["id"])
def test_gold_spans_point_at_real_text(row):
    spans = [g["lines"] for g in row["gold"]]
    for first, last in spans:
        assert isinstance(first, int) and isinstance(last, int)
        assert 1 <= first <= last <= len(LINES), (first, last, len(LINES))
        assert last - first + 1 <= MAX_SPAN, (first, last)
        chunk = LINES[first - 1 : last]
        assert any(line.strip() for line in chunk), f"blank-only span {first}-{last}"
        for number, text in enumerate(chunk, start=first):
            assert not _is_artefact(text), f"line {number} is a header/slug/page number: {text!r}"
        assert LINES[first - 1].strip() and LINES[last - 1].strip(), "span should not start or end on a blank line"
    joined = " ".join(" ".join(LINES[a - 1 : b]) for a, b in spans)
    assert joined.strip()
    assert len(spans) == len({tuple(s) for s in spans}), "duplicate span"
    assert _chapter_of(spans[0][0]) == row["chapter"], "chapter should be that of the first (main) span"


def test_artefact_detector_recognises_known_artefacts():
    # Guards the guard: if the detector broke, the span test above could not fail.
    assert _is_artefact(LINES[338 - 1])  # slug line
    assert _is_artefact(LINES[342 - 1])  # odd-page running header
    assert _is_artefact(LINES[344 - 1])  # page number
    assert _is_artefact(LINES[926 - 1])  # even-page running header
    assert not _is_artefact(LINES[346 - 1])  # body text
    assert not _is_artefact(LINES[33 - 1])  # real chapter heading " kapittel 1"
