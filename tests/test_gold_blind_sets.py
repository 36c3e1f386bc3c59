"""Validates the blind held-out gold sets written after test3 with its format and composition:
eval/gold/test4.jsonl (ids w-01…w-40, end of session 6) and eval/gold/test5.jsonl (ids
x-01…x-40, end of session 7).

Each was written blind from the source texts, for a later session's unseen check. Each mixes both
sources: 28 answerable questions about the anthology (every chapter at least three times, the
Forord at most once), 6 answerable about the SN sheets and 6 near misses (4 anthology, 2 SN)
whose topic is in the texts but whose asked fact is not. Languages alternate nb/en row by row.
A set's questions must not repeat any earlier set (dev, test, test2, sn, practical, english,
abstain, test3, and the blind sets before it).

The checks are test_gold_testset3.py's (which in turn reuse test_gold_english.py,
test_gold_set.py, test_gold_practical.py and test_gold_testset.py).
"""

from __future__ import annotations

import pytest

import test_gold_english as english
import test_gold_set as dev_checks
import test_gold_testset as held_out
import test_gold_testset3 as third
from rag.goldset import load_gold

_DIR = dev_checks.ROOT / "eval" / "gold"
# (file, id prefix), oldest first: each set is checked against all the sets before it.
BLIND = [(_DIR / "test4.jsonl", "w"), (_DIR / "test5.jsonl", "x")]
SETS = [(gold, prefix, third.EARLIER + (third.GOLD,) + tuple(g for g, _ in BLIND[:i]), held_out._load(gold))
        for i, (gold, prefix) in enumerate(BLIND)]
by_set = pytest.mark.parametrize("gold, prefix, earlier, rows", SETS, ids=[g.stem for g, *_ in SETS])
ROW_CASES = [pytest.param(r, id=r["id"]) for *_, rows in SETS for r in rows]
ANSWERABLE_CASES = [pytest.param(r, id=r["id"]) for *_, rows in SETS for r in rows if r["answerable"]]


@by_set
def test_file_is_utf8_jsonl_with_unescaped_norwegian(gold, prefix, earlier, rows):
    english.check_jsonl_file(gold)


@by_set
def test_size_ids_keys_and_alternating_languages(gold, prefix, earlier, rows):
    third.check_keys(rows)
    third.check_ids_and_alternation(rows, prefix)


@by_set
def test_counts_by_source_and_answerability(gold, prefix, earlier, rows):
    third.check_counts(rows, anthology=28, sn=6)


@by_set
def test_type_mix(gold, prefix, earlier, rows):
    third.check_type_mix(rows)
    assert {r["type"] for r in rows} == third.TYPES  # every type is used


@by_set
def test_every_chapter_is_covered_and_forord_at_most_once(gold, prefix, earlier, rows):
    third.check_coverage(rows)
    third.check_coverage_guard(rows)


@by_set
def test_questions_do_not_repeat_earlier_sets(gold, prefix, earlier, rows):
    held_out.test_held_out_questions_do_not_repeat_dev_questions(rows, earlier=earlier)
    third.check_repeat_guard(rows, earlier)


@by_set
def test_questions_are_unique(gold, prefix, earlier, rows):
    english.check_questions_unique(rows)


@by_set
def test_loads_as_gold_questions(gold, prefix, earlier, rows):
    english.check_loads_as_gold_questions(gold, rows)
    assert [len(q.spans) for q in load_gold(gold)] == [len(r["gold"]) for r in rows]


@pytest.mark.parametrize("row", ROW_CASES)
def test_row_shape(row):
    third.check_row_shape(row)


@pytest.mark.parametrize("row", ANSWERABLE_CASES)
def test_spans_point_at_real_text_and_are_tight(row):
    third.check_spans(row)


@by_set
def test_span_check_can_fail(gold, prefix, earlier, rows):
    third.check_span_guard(rows)
