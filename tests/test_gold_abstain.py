"""Validates the blind abstention gold set (eval/gold/abstain.jsonl, ids ab-01…ab-32).

The set tunes abstention rules: 20 near misses whose topic is in the texts but whose specific
fact is not (they must be abstained on), interleaved with 12 answerable controls in the same
style (they must not be). Rows carry a `source`; the row and span checks for mixed-source sets
come from test_gold_english.py (which takes them from test_gold_practical.py and
test_gold_set.py) and the file-level checks from test_gold_testset.py.
"""

from __future__ import annotations

from collections import Counter

import pytest

import test_gold_english as english
import test_gold_set as dev_checks
import test_gold_testset as held_out
from rag.goldset import load_gold

GOLD = dev_checks.ROOT / "eval" / "gold" / "abstain.jsonl"
EARLIER = english.EARLIER + (english.GOLD,)
ROWS = held_out._load(GOLD)
FIELDS = english.FIELDS

UNANSWERABLE = [r for r in ROWS if not r["answerable"]]
ANSWERABLE = [r for r in ROWS if r["answerable"]]


def test_file_is_utf8_jsonl_with_unescaped_norwegian():
    english.check_jsonl_file(GOLD)


def test_size_and_ids_in_order():
    assert len(ROWS) == 32
    assert [r["id"] for r in ROWS] == [f"ab-{n:02d}" for n in range(1, 33)]


def test_unanswerable_counts():
    assert len(UNANSWERABLE) == 20
    assert Counter(r["language"] for r in UNANSWERABLE) == {"nb": 10, "en": 10}
    assert Counter(r["source"] for r in UNANSWERABLE) == {"anthology": 12, "sn": 8}


def test_answerable_counts():
    assert len(ANSWERABLE) == 12
    assert Counter(r["language"] for r in ANSWERABLE) == {"nb": 6, "en": 6}
    assert Counter(r["source"] for r in ANSWERABLE) == {"anthology": 6, "sn": 6}


def test_rows_are_interleaved():
    # A rule tuned on this set must not be able to key on position.
    kinds = [r["answerable"] for r in ROWS]
    assert kinds != sorted(kinds) and kinds != sorted(kinds, reverse=True)
    assert all(True in kinds[i : i + 8] for i in range(0, 32, 8)), "a control in every block of eight"


def test_questions_do_not_repeat_earlier_sets():
    held_out.test_held_out_questions_do_not_repeat_dev_questions(ROWS, earlier=EARLIER)


def test_questions_are_unique():
    english.check_questions_unique(ROWS)


def test_repeat_check_can_fail():
    # Guards the guard: an english.jsonl question copied into the rows must be caught.
    earlier = held_out._load(EARLIER[-1])[0]["question"]
    copied = [dict(ROWS[0], question=" " + earlier.upper())]
    with pytest.raises(AssertionError):
        held_out.test_held_out_questions_do_not_repeat_dev_questions(copied, earlier=EARLIER)


def test_loads_as_gold_questions():
    english.check_loads_as_gold_questions(GOLD, ROWS)
    assert [len(q.spans) for q in load_gold(GOLD)] == [len(r["gold"]) for r in ROWS]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_row_basics(row):
    assert set(row) == FIELDS
    assert row["language"] in {"nb", "en"}
    assert row["source"] in {"anthology", "sn"}
    assert row["type"] in dev_checks.TYPES
    if not row["answerable"]:
        assert row["type"] == "unanswerable"
        assert row["gold"] == [] and row["chapter"] is None


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["id"])
def test_row_shape(row):
    english.check_row_shape(row)


@pytest.mark.parametrize("row", ANSWERABLE, ids=lambda r: r["id"])
def test_spans_point_at_real_text_and_are_tight(row):
    english.check_spans(row, max_span=7)


def test_span_check_can_fail():
    english.check_span_guard(ROWS, max_span=7)
