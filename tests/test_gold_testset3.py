"""Validates the third held-out gold set (eval/gold/test3.jsonl, ids v-01…v-40).

Written blind from the source texts in session 6. It mixes both sources: 30 answerable
questions about the anthology (every chapter, the Forord at most once), 4 answerable about the
SN sheets and 6 near misses (4 anthology, 2 SN) whose topic is in the texts but whose asked fact
is not. Languages alternate nb/en row by row. The set adds two question types to the dev set's
list, `where` and `why`; the earlier sets' row checks only know the old types, so those rows
are checked with their type read as `factual` after the type itself has been checked here.

Checks are reused, not copied: file, uniqueness and loading checks from test_gold_english.py,
the earlier-set list from test_gold_abstain.py, the chapter coverage and repeat checks from
test_gold_testset.py, anthology span checks from test_gold_set.py and SN row/span checks from
test_gold_practical.py.
"""

from __future__ import annotations

from collections import Counter

import pytest

import test_gold_abstain as abstain
import test_gold_english as english
import test_gold_practical as practical
import test_gold_set as dev_checks
import test_gold_testset as held_out
from rag.goldset import load_gold

GOLD = dev_checks.ROOT / "eval" / "gold" / "test3.jsonl"
EARLIER = abstain.EARLIER + (abstain.GOLD,)  # dev, test, test2, sn, practical, english, abstain
ROWS = held_out._load(GOLD)
TYPES = dev_checks.TYPES | {"where", "why"}
MAX_SPAN = 11

ANSWERABLE = [r for r in ROWS if r["answerable"]]
UNANSWERABLE = [r for r in ROWS if not r["answerable"]]
SN_ROWS = [r for r in ROWS if r["source"] == "sn"]
ANTHOLOGY_ROWS = [r for r in ROWS if r["source"] == "anthology"]
SN_ANSWERABLE = [r for r in SN_ROWS if r["answerable"]]
ANTHOLOGY_ANSWERABLE = [r for r in ANTHOLOGY_ROWS if r["answerable"]]


def _as_known_type(row: dict) -> dict:
    # The older row checks accept only the dev set's types; `where`/`why` are factual questions to them.
    assert row["type"] in TYPES, row["type"]
    return dict(row, type="factual") if row["type"] in {"where", "why"} else row


def test_file_is_utf8_jsonl_with_unescaped_norwegian():
    english.check_jsonl_file(GOLD)


def test_size_ids_and_alternating_languages():
    assert len(ROWS) == 40
    assert [r["id"] for r in ROWS] == [f"v-{n:02d}" for n in range(1, 41)]
    assert [r["language"] for r in ROWS] == ["nb", "en"] * 20
    for start in range(0, 40, 10):
        assert Counter(r["language"] for r in ROWS[start : start + 10]) == {"nb": 5, "en": 5}


def test_counts_by_source_and_answerability():
    assert Counter((r["source"], r["answerable"]) for r in ROWS) == {
        ("anthology", True): 30,
        ("sn", True): 4,
        ("anthology", False): 4,
        ("sn", False): 2,
    }
    assert Counter(r["language"] for r in ANTHOLOGY_ANSWERABLE) == {"nb": 15, "en": 15}
    assert Counter(r["language"] for r in SN_ANSWERABLE) == {"nb": 2, "en": 2}
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
    # Guards the guard: an abstain.jsonl question copied into the rows must be caught.
    earlier = held_out._load(EARLIER[-1])[-1]["question"]
    copied = [dict(ROWS[0], question=earlier.upper() + " ")]
    with pytest.raises(AssertionError):
        held_out.test_held_out_questions_do_not_repeat_dev_questions(copied, earlier=EARLIER)


def test_type_check_can_fail():
    with pytest.raises(AssertionError):
        _as_known_type(dict(ROWS[0], type="opinion"))


def test_loads_as_gold_questions():
    english.check_loads_as_gold_questions(GOLD, ROWS)
    assert [len(q.spans) for q in load_gold(GOLD)] == [len(r["gold"]) for r in ROWS]


@pytest.mark.parametrize("row", SN_ROWS, ids=lambda r: r["id"])
def test_sn_row_shape(row):
    practical.test_row_shape(_as_known_type(row))


@pytest.mark.parametrize("row", SN_ANSWERABLE, ids=lambda r: r["id"])
def test_sn_spans_point_at_sheet_body(row):
    practical.test_gold_spans_point_at_real_sheet_text(row)


@pytest.mark.parametrize("row", ANTHOLOGY_ROWS, ids=lambda r: r["id"])
def test_anthology_row_shape(row):
    english.test_anthology_row_shape(_as_known_type(row))


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
        assert 1 <= last - first + 1 <= MAX_SPAN, span


def test_span_check_can_fail():
    # Guards the guard: a span on a slug line, and one before an SN sheet's body, are rejected.
    bad_anthology = dict(ANTHOLOGY_ANSWERABLE[0], gold=[{"lines": [338, 338]}])
    with pytest.raises(AssertionError):
        dev_checks.test_gold_spans_point_at_real_text(bad_anthology)
    bad_sn = dict(SN_ANSWERABLE[0], gold=[{"lines": [2, 2], "file": SN_ANSWERABLE[0]["gold"][0]["file"]}])
    with pytest.raises(AssertionError):
        practical.test_gold_spans_point_at_real_sheet_text(bad_sn)
