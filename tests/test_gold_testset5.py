"""Validates the fifth held-out gold set (eval/gold/test5.jsonl, ids x-01…x-40).

Written blind from the source texts, for an unseen check. Like the fourth set it mixes both
sources: 28 answerable questions about the anthology (every chapter at least three times, the
Forord exactly once), 6 answerable about the SN sheets and 6 near misses (4 anthology, 2 SN)
whose topic is in the texts but whose asked fact is not. Languages alternate nb/en row by row.

The checks are test_gold_testset3.py's, run on these rows (same format and composition rules;
they in turn reuse test_gold_english.py, test_gold_set.py, test_gold_practical.py and
test_gold_testset.py). Questions must not repeat any earlier set, test4.jsonl included.
"""

from __future__ import annotations

import pytest

import test_gold_english as english
import test_gold_set as dev_checks
import test_gold_testset as held_out
import test_gold_testset3 as third
from rag.goldset import load_gold

GOLD = dev_checks.ROOT / "eval" / "gold" / "test5.jsonl"
TEST4 = dev_checks.ROOT / "eval" / "gold" / "test4.jsonl"
EARLIER = third.EARLIER + (third.GOLD, TEST4)  # dev, test, test2, sn, practical, english, abstain, test3, test4
ROWS = held_out._load(GOLD)
ANSWERABLE = [r for r in ROWS if r["answerable"]]


def test_file_is_utf8_jsonl_with_unescaped_norwegian():
    english.check_jsonl_file(GOLD)


def test_size_ids_keys_and_alternating_languages():
    third.check_keys(ROWS)
    third.check_ids_and_alternation(ROWS, "x")


def test_counts_by_source_and_answerability():
    third.check_counts(ROWS, anthology=28, sn=6)


def test_type_mix():
    third.check_type_mix(ROWS)
    assert {r["type"] for r in ROWS} == third.TYPES  # every type is used


def test_every_chapter_is_covered_and_forord_at_most_once():
    third.check_coverage(ROWS)
    third.check_coverage_guard(ROWS)


def test_questions_do_not_repeat_earlier_sets():
    held_out.test_held_out_questions_do_not_repeat_dev_questions(ROWS, earlier=EARLIER)
    third.check_repeat_guard(ROWS, EARLIER)


def test_questions_are_unique():
    english.check_questions_unique(ROWS)


def test_loads_as_gold_questions():
    english.check_loads_as_gold_questions(GOLD, ROWS)
    assert [len(q.spans) for q in load_gold(GOLD)] == [len(r["gold"]) for r in ROWS]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["id"])
def test_row_shape(row):
    third.check_row_shape(row)


@pytest.mark.parametrize("row", ANSWERABLE, ids=lambda r: r["id"])
def test_spans_point_at_real_text_and_are_tight(row):
    third.check_spans(row)


def test_span_check_can_fail():
    third.check_span_guard(ROWS)
