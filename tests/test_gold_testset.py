"""Validates the held-out test gold set (eval/gold/test.jsonl) with the dev set's checks.

The per-row checks (shape, spans on real text, no headers/slugs, chapter of the first span)
are the ones in test_gold_set.py, called on this file's rows; only the set-level counts and
the id scheme differ, because the test set has a fixed size and composition.

The set-level checks take their file as default arguments (pytest does not treat defaulted
arguments as fixtures), so test_gold_testset2.py runs the very same checks on test2.jsonl.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

import test_gold_set as dev_checks

GOLD = dev_checks.ROOT / "eval" / "gold" / "test.jsonl"
DEV = dev_checks.ROOT / "eval" / "gold" / "dev.jsonl"


def _load(path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


ROWS = _load(GOLD)


def test_file_is_utf8_jsonl_with_unescaped_norwegian(gold=GOLD):
    raw = gold.read_text(encoding="utf-8")
    assert "\\u00" not in raw, "write with ensure_ascii=False so æøå stay readable"
    assert any(ch in raw for ch in "æøå")


def test_size_and_language_split(rows=ROWS):
    assert len(rows) == 40
    assert Counter(r["language"] for r in rows) == {"nb": 20, "en": 20}


def test_ids_are_exactly_t01_to_t20_per_language(rows=ROWS, letter="t"):
    ids = [r["id"] for r in rows]
    assert len(ids) == len(set(ids))
    for r in rows:
        assert re.fullmatch(rf"{r['language']}-{letter}\d{{2}}", r["id"]), r["id"]
    expected = {f"{lang}-{letter}{n:02d}" for lang in ("nb", "en") for n in range(1, 21)}
    assert set(ids) == expected


def test_type_mix(rows=ROWS):
    types = Counter(r["type"] for r in rows)
    assert set(types) == dev_checks.TYPES
    assert types["unanswerable"] == 7, types
    per_lang = Counter(r["language"] for r in rows if not r["answerable"])
    assert per_lang["nb"] >= 3 and per_lang["en"] >= 3, per_lang


def test_every_chapter_is_covered(rows=ROWS):
    chapters = Counter(r["chapter"] for r in rows if r["answerable"])
    assert chapters[0] >= 1, chapters
    for number in range(1, 9):
        assert chapters[number] >= 3, (number, chapters)


def test_held_out_questions_do_not_repeat_dev_questions(rows=ROWS, earlier=(DEV,)):
    def norm(text: str) -> str:
        return " ".join(re.findall(r"\w+", text.lower()))

    dev_questions = {norm(r["question"]) for path in earlier for r in _load(path)}
    repeated = [r["id"] for r in rows if norm(r["question"]) in dev_questions]
    assert not repeated, repeated


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_row_shape(row):
    dev_checks.test_row_shape(row)


@pytest.mark.parametrize("row", [r for r in ROWS if r["answerable"]], ids=lambda r: r["id"])
def test_gold_spans_point_at_real_text(row):
    dev_checks.test_gold_spans_point_at_real_text(row)
