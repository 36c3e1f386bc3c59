"""Validates the blind English gold set (eval/gold/english.jsonl, ids en-c-01…en-c-36).

The set mixes both sources: 16 practical first/second-person questions answered by the SN
sheets, 14 casual questions about the anthology, and 6 unanswerable ones (3 per source). Each
row carries a `source`, so the row and span checks are taken from the set that matches it:
the SN rows from test_gold_practical.py, the anthology spans from test_gold_set.py, and the
file-level checks (UTF-8 with unescaped Norwegian, no repeated questions) from
test_gold_testset.py.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from functools import lru_cache

import pytest

import test_gold_practical as practical
import test_gold_set as dev_checks
import test_gold_testset as held_out
from rag.goldset import load_gold
from rag.qtypes import asks_practical

GOLD = dev_checks.ROOT / "eval" / "gold" / "english.jsonl"
EARLIER = tuple(
    dev_checks.ROOT / "eval" / "gold" / f"{name}.jsonl" for name in ("dev", "test", "test2", "sn", "practical")
)
CHAPTERS_TOML = dev_checks.ROOT / "corpus" / "anthology" / "chapters.toml"
ROWS = held_out._load(GOLD)
FIELDS = dev_checks.FIELDS | {"source"}
ANSWER_TYPES = dev_checks.TYPES - {"unanswerable"}

SN_ANSWERABLE = [r for r in ROWS if r["source"] == "sn" and r["answerable"]]
ANTHOLOGY_ANSWERABLE = [r for r in ROWS if r["source"] == "anthology" and r["answerable"]]


@lru_cache(maxsize=1)
def _toml_chapters() -> list[dict]:
    return tomllib.loads(CHAPTERS_TOML.read_text(encoding="utf-8"))["chapter"]


def _toml_chapter_of(line: int) -> int | None:
    found = [c["number"] for c in _toml_chapters() if c["first_line"] <= line <= c["last_line"]]
    return found[0] if len(found) == 1 else None


# Checks shared with the other mixed-source blind sets (test_gold_abstain.py).
def check_jsonl_file(path) -> None:
    held_out.test_file_is_utf8_jsonl_with_unescaped_norwegian(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and all(line.strip() for line in lines[:-1]), "one object per line, no blank lines"


def check_questions_unique(rows) -> None:
    norm = [" ".join(re.findall(r"\w+", r["question"].lower())) for r in rows]
    assert len(norm) == len(set(norm))


def check_loads_as_gold_questions(path, rows) -> None:
    questions = load_gold(path)
    assert [q.id for q in questions] == [r["id"] for r in rows]
    assert [q.source for q in questions] == [r["source"] for r in rows]
    assert [q.answerable for q in questions] == [r["answerable"] for r in rows]
    for q in questions:
        if q.source == "sn":
            assert all(f and f.startswith("corpus/sn/") for f in q.span_files), q.id
        else:
            assert all(f is None for f in q.span_files), q.id


def test_file_is_utf8_jsonl_with_unescaped_norwegian():
    check_jsonl_file(GOLD)


def test_size_ids_and_language():
    assert len(ROWS) == 36
    assert [r["id"] for r in ROWS] == [f"en-c-{n:02d}" for n in range(1, 37)]
    assert {r["language"] for r in ROWS} == {"en"}


def test_composition_and_order():
    kinds = [(r["source"], r["answerable"]) for r in ROWS]
    assert kinds == [("sn", True)] * 16 + [("anthology", True)] * 14 + [("sn", False)] * 3 + [("anthology", False)] * 3
    assert Counter(r["type"] for r in ROWS)["unanswerable"] == 6


def test_anthology_questions_mix_types():
    types = Counter(r["type"] for r in ANTHOLOGY_ANSWERABLE)
    assert set(types) == ANSWER_TYPES, types


def test_questions_do_not_repeat_earlier_sets():
    held_out.test_held_out_questions_do_not_repeat_dev_questions(ROWS, earlier=EARLIER)


def test_questions_are_unique():
    check_questions_unique(ROWS)


def test_repeat_check_can_fail():
    # Guards the guard: a practical.jsonl question copied into the rows must be caught.
    earlier = held_out._load(EARLIER[-1])[-1]["question"]
    copied = [dict(ROWS[0], question=earlier.lower() + "  ")]
    with pytest.raises(AssertionError):
        held_out.test_held_out_questions_do_not_repeat_dev_questions(copied, earlier=EARLIER)


def test_loads_as_gold_questions():
    check_loads_as_gold_questions(GOLD, ROWS)


@pytest.mark.parametrize("row", ROWS[:16], ids=[r["id"] for r in ROWS[:16]])
def test_first_sixteen_are_practical(row):
    assert asks_practical(row["question"], "en"), row["question"]


@pytest.mark.parametrize("row", [r for r in ROWS if r["source"] == "sn"], ids=lambda r: r["id"])
def test_sn_row_shape(row):
    practical.test_row_shape(row)


@pytest.mark.parametrize("row", SN_ANSWERABLE, ids=lambda r: r["id"])
def test_sn_spans_point_at_sheet_body(row):
    practical.test_gold_spans_point_at_real_sheet_text(row)


@pytest.mark.parametrize("row", [r for r in ROWS if r["source"] == "anthology"], ids=lambda r: r["id"])
def test_anthology_row_shape(row):
    assert set(row) == FIELDS
    assert row["source"] == "anthology"
    assert row["type"] in dev_checks.TYPES
    assert row["question"].strip().endswith("?")
    assert row["answer"] and row["answer"].strip()
    if row["answerable"]:
        assert row["type"] in ANSWER_TYPES
        assert row["gold"] and all(set(g) == {"lines"} for g in row["gold"])
        assert row["chapter"] in range(0, 9)
    else:
        assert row["type"] == "unanswerable"
        assert row["gold"] == [] and row["chapter"] is None


@pytest.mark.parametrize("row", ANTHOLOGY_ANSWERABLE, ids=lambda r: r["id"])
def test_anthology_spans_point_at_real_text(row):
    # Inside the file, not blank at either end, no slug/header/page-number line, chapter of span 1.
    dev_checks.test_gold_spans_point_at_real_text(row)


@pytest.mark.parametrize("row", ANTHOLOGY_ANSWERABLE, ids=lambda r: r["id"])
def test_chapter_matches_chapters_toml(row):
    first, last = row["gold"][0]["lines"]
    assert _toml_chapter_of(first) == row["chapter"] == _toml_chapter_of(last)


# -- row and span checks for the mixed-source sets (abstain, test3, test4 call these)

def check_row_shape(row: dict) -> None:
    if row["source"] == "sn":
        practical.test_row_shape(row)
    else:
        test_anthology_row_shape(row)


def check_spans(row: dict, max_span: int) -> None:
    """An answerable row's spans on real text (anthology: inside the file, no slug/header/page
    line, the chapter of chapters.toml; SN: a sheet's body lines), each at most ``max_span`` lines."""
    if row["source"] == "sn":
        practical.test_gold_spans_point_at_real_sheet_text(row)
    else:
        dev_checks.test_gold_spans_point_at_real_text(row)
        test_chapter_matches_chapters_toml(row)
    for span in row["gold"]:
        first, last = span["lines"]
        assert 1 <= last - first + 1 <= max_span, span


def check_span_guard(rows: list[dict], max_span: int) -> None:
    # Guards the guard: a span on a slug line, one before an SN sheet's body, and one in the
    # wrong chapter according to chapters.toml are rejected.
    anthology = next(r for r in rows if r["answerable"] and r["source"] == "anthology")
    sn = next(r for r in rows if r["answerable"] and r["source"] == "sn")
    for bad in (dict(anthology, gold=[{"lines": [338, 338]}]),
                dict(sn, gold=[{"lines": [2, 2], "file": sn["gold"][0]["file"]}]),
                dict(anthology, chapter=(anthology["chapter"] % 8) + 1)):
        with pytest.raises(AssertionError):
            check_spans(bad, max_span)


def test_chapter_lookup_can_fail():
    # Guards the guard: chapters.toml places these lines in chapters 1, 7 and 8, not elsewhere.
    assert _toml_chapter_of(346) == 1
    assert _toml_chapter_of(6402) == 7
    assert _toml_chapter_of(6611) == 8
    assert _toml_chapter_of(7132) is None
