"""Validates the fourth held-out gold set (eval/gold/test4.jsonl, ids w-01…w-40).

Written blind from the source texts at the end of session 6, for the next session's unseen
check. It mixes both sources: 28 answerable questions about the anthology (every chapter at
least three times, the Forord at most once), 6 answerable about the SN sheets and 6 near misses
(4 anthology, 2 SN) whose topic is in the texts but whose asked fact is not. Languages alternate
nb/en row by row.

Checks are reused, not copied: the type mapping, row and span checks come from
test_gold_testset3.py (which itself reuses test_gold_english.py, test_gold_set.py and
test_gold_practical.py), the chapter coverage and repeat checks from test_gold_testset.py.
"""

from __future__ import annotations

from collections import Counter

import pytest

import test_gold_english as english
import test_gold_practical as practical
import test_gold_set as dev_checks
import test_gold_testset as held_out
import test_gold_testset3 as third
from rag.goldset import load_gold

GOLD = dev_checks.ROOT / "eval" / "gold" / "test4.jsonl"
EARLIER = third.EARLIER + (third.GOLD,)  # dev, test, test2, sn, practical, english, abstain, test3
ROWS = held_out._load(GOLD)
TYPES = third.TYPES

ANSWERABLE = [r for r in ROWS if r["answerable"]]
UNANSWERABLE = [r for r in ROWS if not r["answerable"]]
SN_ROWS = [r for r in ROWS if r["source"] == "sn"]
ANTHOLOGY_ROWS = [r for r in ROWS if r["source"] == "anthology"]
SN_ANSWERABLE = [r for r in SN_ROWS if r["answerable"]]
ANTHOLOGY_ANSWERABLE = [r for r in ANTHOLOGY_ROWS if r["answerable"]]


def test_file_is_utf8_jsonl_with_unescaped_norwegian():
    english.check_jsonl_file(GOLD)


def test_keys_in_the_order_of_test3():
    keys = ["id", "question", "language", "type", "answerable", "gold", "answer", "chapter", "source"]
    assert all(list(r) == keys for r in ROWS)


def test_size_ids_and_alternating_languages():
    assert len(ROWS) == 40
    assert [r["id"] for r in ROWS] == [f"w-{n:02d}" for n in range(1, 41)]
    assert [r["language"] for r in ROWS] == ["nb", "en"] * 20
    for start in range(0, 40, 10):
        assert Counter(r["language"] for r in ROWS[start : start + 10]) == {"nb": 5, "en": 5}


def test_counts_by_source_and_answerability():
    assert Counter((r["source"], r["answerable"]) for r in ROWS) == {
        ("anthology", True): 28,
        ("sn", True): 6,
        ("anthology", False): 4,
        ("sn", False): 2,
    }
    assert Counter(r["language"] for r in ANTHOLOGY_ANSWERABLE) == {"nb": 14, "en": 14}
    assert Counter(r["language"] for r in SN_ANSWERABLE) == {"nb": 3, "en": 3}
    assert Counter(r["language"] for r in UNANSWERABLE) == {"nb": 3, "en": 3}


def test_type_mix():
    types = Counter(r["type"] for r in ROWS)
    assert set(types) == TYPES, types
    assert types["unanswerable"] == len(UNANSWERABLE) == 6
    assert all((r["type"] == "unanswerable") == (not r["answerable"]) for r in ROWS)


def test_every_chapter_is_covered_and_forord_at_most_once():
    held_out.test_every_chapter_is_covered(ROWS)
    assert Counter(r["chapter"] for r in ANTHOLOGY_ANSWERABLE)[0] == 1


def test_questions_do_not_repeat_earlier_sets():
    held_out.test_held_out_questions_do_not_repeat_dev_questions(ROWS, earlier=EARLIER)


def test_questions_are_unique():
    english.check_questions_unique(ROWS)


def test_repeat_check_can_fail():
    # Guards the guard: a test3.jsonl question copied into the rows must be caught.
    earlier = held_out._load(EARLIER[-1])[-1]["question"]
    copied = [dict(ROWS[0], question=" " + earlier.lower() + "  ")]
    with pytest.raises(AssertionError):
        held_out.test_held_out_questions_do_not_repeat_dev_questions(copied, earlier=EARLIER)


def test_coverage_check_can_fail():
    # Guards the guard: dropping chapter 8's questions must break the coverage check.
    without_eight = [r for r in ROWS if r["chapter"] != 8]
    with pytest.raises(AssertionError):
        held_out.test_every_chapter_is_covered(without_eight)


def test_type_check_can_fail():
    with pytest.raises(AssertionError):
        third._as_known_type(dict(ROWS[0], type="opinion"))


def test_loads_as_gold_questions():
    english.check_loads_as_gold_questions(GOLD, ROWS)
    assert [len(q.spans) for q in load_gold(GOLD)] == [len(r["gold"]) for r in ROWS]


@pytest.mark.parametrize("row", SN_ROWS, ids=lambda r: r["id"])
def test_sn_row_shape(row):
    practical.test_row_shape(third._as_known_type(row))


@pytest.mark.parametrize("row", SN_ANSWERABLE, ids=lambda r: r["id"])
def test_sn_spans_point_at_sheet_body(row):
    practical.test_gold_spans_point_at_real_sheet_text(row)


@pytest.mark.parametrize("row", ANTHOLOGY_ROWS, ids=lambda r: r["id"])
def test_anthology_row_shape(row):
    english.test_anthology_row_shape(third._as_known_type(row))


@pytest.mark.parametrize("row", ANTHOLOGY_ANSWERABLE, ids=lambda r: r["id"])
def test_anthology_spans_point_at_real_text(row):
    # Inside the file, not blank at either end, no slug/header/page-number line, chapter of span 1.
    dev_checks.test_gold_spans_point_at_real_text(row)


@pytest.mark.parametrize("row", ANTHOLOGY_ANSWERABLE, ids=lambda r: r["id"])
def test_chapter_matches_chapters_toml(row):
    english.test_chapter_matches_chapters_toml(row)


@pytest.mark.parametrize("row", ANSWERABLE, ids=lambda r: r["id"])
def test_spans_are_tight(row):
    for span in row["gold"]:
        first, last = span["lines"]
        assert 1 <= last - first + 1 <= third.MAX_SPAN, span


def test_span_check_can_fail():
    # Guards the guard: a span on a slug line, one before an SN sheet's body, and one in the
    # wrong chapter according to chapters.toml are rejected.
    bad_anthology = dict(ANTHOLOGY_ANSWERABLE[0], gold=[{"lines": [338, 338]}])
    with pytest.raises(AssertionError):
        dev_checks.test_gold_spans_point_at_real_text(bad_anthology)
    bad_sn = dict(SN_ANSWERABLE[0], gold=[{"lines": [2, 2], "file": SN_ANSWERABLE[0]["gold"][0]["file"]}])
    with pytest.raises(AssertionError):
        practical.test_gold_spans_point_at_real_sheet_text(bad_sn)
    wrong_chapter = dict(ANTHOLOGY_ANSWERABLE[0], chapter=5)
    with pytest.raises(AssertionError):
        english.test_chapter_matches_chapters_toml(wrong_chapter)
