"""Validates the second held-out gold set (eval/gold/test2.jsonl, ids nb-u01…en-u20).

It runs exactly the checks of test_gold_testset.py (which in turn runs the dev set's row and
span checks) on this file, and also requires that no question repeats one from dev.jsonl or
test.jsonl.
"""

from __future__ import annotations

import pytest

import test_gold_set as dev_checks
import test_gold_testset as held_out

GOLD = dev_checks.ROOT / "eval" / "gold" / "test2.jsonl"
ROWS = held_out._load(GOLD)


def test_file_is_utf8_jsonl_with_unescaped_norwegian():
    held_out.test_file_is_utf8_jsonl_with_unescaped_norwegian(GOLD)


def test_size_and_language_split():
    held_out.test_size_and_language_split(ROWS)


def test_ids_are_exactly_u01_to_u20_per_language():
    held_out.test_ids_are_exactly_t01_to_t20_per_language(ROWS, letter="u")


def test_type_mix():
    held_out.test_type_mix(ROWS)


def test_every_chapter_is_covered():
    held_out.test_every_chapter_is_covered(ROWS)


def test_questions_do_not_repeat_dev_or_first_held_out_questions():
    held_out.test_held_out_questions_do_not_repeat_dev_questions(ROWS, earlier=(held_out.DEV, held_out.GOLD))


def test_repeat_check_can_fail():
    # Guards the guard: a test.jsonl question copied into the rows must be caught.
    copied = [dict(ROWS[0], question=held_out.ROWS[0]["question"].upper() + " ?")]
    with pytest.raises(AssertionError):
        held_out.test_held_out_questions_do_not_repeat_dev_questions(copied, earlier=(held_out.DEV, held_out.GOLD))


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_row_shape(row):
    dev_checks.test_row_shape(row)


@pytest.mark.parametrize("row", [r for r in ROWS if r["answerable"]], ids=lambda r: r["id"])
def test_gold_spans_point_at_real_text(row):
    dev_checks.test_gold_spans_point_at_real_text(row)
