"""Validates the third held-out gold set (eval/gold/test3.jsonl, ids v-01…v-40).

Written blind from the source texts in session 6. It mixes both sources: 30 answerable
questions about the anthology (every chapter, the Forord at most once), 4 answerable about the
SN sheets and 6 near misses (4 anthology, 2 SN) whose topic is in the texts but whose asked fact
is not. Languages alternate nb/en row by row. The set adds two question types to the dev set's
list, `where` and `why`; the earlier sets' row checks only know the old types, so those rows
are checked with their type read as `factual` after the type itself has been checked here.

Checks are reused, not copied: file, uniqueness, loading, row-shape and span checks from
test_gold_english.py, the earlier-set list from test_gold_abstain.py, and the chapter coverage
and repeat checks from test_gold_testset.py.
"""

from __future__ import annotations

from collections import Counter

import pytest

import test_gold_abstain as abstain
import test_gold_english as english
import test_gold_set as dev_checks
import test_gold_testset as held_out
from rag.goldset import load_gold

GOLD = dev_checks.ROOT / "eval" / "gold" / "test3.jsonl"
EARLIER = abstain.EARLIER + (abstain.GOLD,)  # dev, test, test2, sn, practical, english, abstain
ROWS = held_out._load(GOLD)
TYPES = dev_checks.TYPES | {"where", "why"}
MAX_SPAN = 11

ANSWERABLE = [r for r in ROWS if r["answerable"]]
KEYS = ["id", "question", "language", "type", "answerable", "gold", "answer", "chapter", "source"]


def _as_known_type(row: dict) -> dict:
    # The older row checks accept only the dev set's types; `where`/`why` are factual questions to them.
    assert row["type"] in TYPES, row["type"]
    return dict(row, type="factual") if row["type"] in {"where", "why"} else row


def split(rows: list[dict]) -> dict[str, list[dict]]:
    """The rows by answerability and source, as the checks below take them."""
    return {
        "answerable": [r for r in rows if r["answerable"]],
        "unanswerable": [r for r in rows if not r["answerable"]],
        "sn_answerable": [r for r in rows if r["answerable"] and r["source"] == "sn"],
        "anthology_answerable": [r for r in rows if r["answerable"] and r["source"] == "anthology"],
    }


# -- checks shared with test_gold_blind_sets.py (same format and composition rules)

def check_keys(rows: list[dict]) -> None:
    assert all(list(r) == KEYS for r in rows)


def check_ids_and_alternation(rows: list[dict], prefix: str) -> None:
    assert len(rows) == 40
    assert [r["id"] for r in rows] == [f"{prefix}-{n:02d}" for n in range(1, 41)]
    assert [r["language"] for r in rows] == ["nb", "en"] * 20
    for start in range(0, 40, 10):
        assert Counter(r["language"] for r in rows[start : start + 10]) == {"nb": 5, "en": 5}


def check_counts(rows: list[dict], anthology: int, sn: int) -> None:
    """``anthology``/``sn`` answerable rows, split evenly by language, and 4 + 2 near misses."""
    parts = split(rows)
    assert Counter((r["source"], r["answerable"]) for r in rows) == {
        ("anthology", True): anthology, ("sn", True): sn, ("anthology", False): 4, ("sn", False): 2}
    assert Counter(r["language"] for r in parts["anthology_answerable"]) == {"nb": anthology // 2, "en": anthology // 2}
    assert Counter(r["language"] for r in parts["sn_answerable"]) == {"nb": sn // 2, "en": sn // 2}
    assert Counter(r["language"] for r in parts["unanswerable"]) == {"nb": 3, "en": 3}


def check_type_mix(rows: list[dict]) -> None:
    types = Counter(r["type"] for r in rows)
    assert set(types) <= TYPES, types
    assert types["unanswerable"] == len(split(rows)["unanswerable"]) == 6
    assert all((r["type"] == "unanswerable") == (not r["answerable"]) for r in rows)


def check_coverage(rows: list[dict]) -> None:
    held_out.test_every_chapter_is_covered(rows)
    assert Counter(r["chapter"] for r in split(rows)["anthology_answerable"])[0] == 1


def check_coverage_guard(rows: list[dict]) -> None:
    # Guards the guard: without chapter 8's questions the coverage check must fail.
    with pytest.raises(AssertionError):
        held_out.test_every_chapter_is_covered([r for r in rows if r["chapter"] != 8])


def check_repeat_guard(rows: list[dict], earlier: tuple) -> None:
    # Guards the guard: the last earlier set's last question, copied in, must be caught.
    question = held_out._load(earlier[-1])[-1]["question"]
    copied = [dict(rows[0], question=" " + question.upper() + "  ")]
    with pytest.raises(AssertionError):
        held_out.test_held_out_questions_do_not_repeat_dev_questions(copied, earlier=earlier)


def check_row_shape(row: dict) -> None:
    english.check_row_shape(_as_known_type(row))


def check_spans(row: dict) -> None:
    english.check_spans(row, MAX_SPAN)


def check_span_guard(rows: list[dict]) -> None:
    english.check_span_guard(rows, MAX_SPAN)


# -- this set

def test_file_is_utf8_jsonl_with_unescaped_norwegian():
    english.check_jsonl_file(GOLD)


def test_size_ids_keys_and_alternating_languages():
    check_keys(ROWS)
    check_ids_and_alternation(ROWS, "v")


def test_counts_by_source_and_answerability():
    check_counts(ROWS, anthology=30, sn=4)


def test_type_mix():
    check_type_mix(ROWS)
    assert set(Counter(r["type"] for r in ROWS)) == TYPES


def test_every_chapter_is_covered_and_forord_at_most_once():
    check_coverage(ROWS)
    check_coverage_guard(ROWS)


def test_questions_do_not_repeat_earlier_sets():
    held_out.test_held_out_questions_do_not_repeat_dev_questions(ROWS, earlier=EARLIER)


def test_questions_are_unique():
    english.check_questions_unique(ROWS)


def test_repeat_check_can_fail():
    check_repeat_guard(ROWS, EARLIER)


def test_type_check_can_fail():
    with pytest.raises(AssertionError):
        _as_known_type(dict(ROWS[0], type="opinion"))


def test_loads_as_gold_questions():
    english.check_loads_as_gold_questions(GOLD, ROWS)
    assert [len(q.spans) for q in load_gold(GOLD)] == [len(r["gold"]) for r in ROWS]


@pytest.mark.parametrize("row", ROWS, ids=lambda r: r["id"])
def test_row_shape(row):
    check_row_shape(row)


@pytest.mark.parametrize("row", ANSWERABLE, ids=lambda r: r["id"])
def test_spans_point_at_real_text_and_are_tight(row):
    check_spans(row)


def test_span_check_can_fail():
    check_span_guard(ROWS)
