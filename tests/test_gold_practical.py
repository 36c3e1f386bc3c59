"""Validates the practical-questions gold set (eval/gold/practical.jsonl, ids pr-nb-01…pr-en-12).

The set asks first- and second-person questions («Kan jeg …?», "What should we …?") that the
SN fact sheets answer. Its rows have the SN row format (a `source` field and a `file` per span,
as in sn.jsonl), so the dev set's anthology-bound row and span checks do not apply; the file-level
checks (UTF-8 with unescaped Norwegian, no repeated questions) are reused from
test_gold_testset.py.
"""

from __future__ import annotations

import re
from collections import Counter

import pytest

import test_gold_set as dev_checks
import test_gold_testset as held_out
from rag.goldset import load_gold
from rag.qtypes import asks_practical

GOLD = dev_checks.ROOT / "eval" / "gold" / "practical.jsonl"
EARLIER = tuple(dev_checks.ROOT / "eval" / "gold" / f"{name}.jsonl" for name in ("dev", "test", "test2", "sn"))
SN_DIR = dev_checks.ROOT / "corpus" / "sn"
ROWS = held_out._load(GOLD)
FIELDS = dev_checks.FIELDS | {"source"}


def _sheet_lines(file: str) -> list[str]:
    return (dev_checks.ROOT / file).read_text(encoding="utf-8").split("\n")


def _front_matter_end(lines: list[str]) -> int:
    # 1-based line of the closing "---" of the sheet's front matter.
    assert lines[0] == "---"
    return lines.index("---", 1) + 1


def test_file_is_utf8_jsonl_with_unescaped_norwegian():
    held_out.test_file_is_utf8_jsonl_with_unescaped_norwegian(GOLD)


def test_size_and_language_split():
    assert len(ROWS) == 24
    assert Counter(r["language"] for r in ROWS) == {"nb": 12, "en": 12}


def test_ids_are_exactly_pr_01_to_12_per_language():
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids))
    for r in ROWS:
        assert re.fullmatch(rf"pr-{r['language']}-\d{{2}}", r["id"]), r["id"]
    assert set(ids) == {f"pr-{lang}-{n:02d}" for lang in ("nb", "en") for n in range(1, 13)}


def test_four_unanswerable_per_language():
    per_lang = Counter(r["language"] for r in ROWS if not r["answerable"])
    assert per_lang == {"nb": 4, "en": 4}, per_lang


def test_questions_do_not_repeat_earlier_sets():
    held_out.test_held_out_questions_do_not_repeat_dev_questions(ROWS, earlier=EARLIER)


def test_repeat_check_can_fail():
    # Guards the guard: an sn.jsonl question copied into the rows must be caught.
    earlier = held_out._load(EARLIER[-1])[0]["question"]
    copied = [dict(ROWS[0], question="  " + earlier.upper() + " ")]
    with pytest.raises(AssertionError):
        held_out.test_held_out_questions_do_not_repeat_dev_questions(copied, earlier=EARLIER)


def test_practical_check_can_fail():
    # A third-person question, or a person word only inside «quotes», is not practical.
    assert not asks_practical("Hvor mange deltakere anbefaler SN?", "nb")
    assert not asks_practical("Why should participants say «I» rather than «you»?", "en")


def test_loads_as_sn_gold_questions():
    questions = load_gold(GOLD)
    assert [q.id for q in questions] == [r["id"] for r in ROWS]
    assert {q.source for q in questions} == {"sn"}
    assert all(f and f.startswith("corpus/sn/") for q in questions for f in q.span_files)


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_question_is_practical(row):
    assert asks_practical(row["question"], row["language"]), row["question"]


@pytest.mark.parametrize("row", ROWS, ids=[r["id"] for r in ROWS])
def test_row_shape(row):
    assert set(row) == FIELDS
    assert row["source"] == "sn"
    assert row["chapter"] is None
    assert row["type"] in dev_checks.TYPES
    assert isinstance(row["answerable"], bool)
    assert row["question"].strip().endswith("?")
    assert row["answer"] and row["answer"].strip()
    if row["answerable"]:
        assert row["type"] != "unanswerable"
        assert row["gold"], "answerable questions need at least one span"
    else:
        assert row["type"] == "unanswerable"
        assert row["gold"] == []


@pytest.mark.parametrize("row", [r for r in ROWS if r["answerable"]], ids=lambda r: r["id"])
def test_gold_spans_point_at_real_sheet_text(row):
    seen = set()
    for span in row["gold"]:
        assert set(span) == {"lines", "file"}
        file, (first, last) = span["file"], span["lines"]
        assert (file, first, last) not in seen, "duplicate span"
        seen.add((file, first, last))
        path = dev_checks.ROOT / file
        assert path.parent == SN_DIR and path.suffix == ".md" and path.name != "README.md", file
        assert path.is_file(), file
        lines = _sheet_lines(file)
        assert isinstance(first, int) and isinstance(last, int)
        assert _front_matter_end(lines) < first <= last <= len(lines), (file, first, last)
        assert last - first + 1 <= dev_checks.MAX_SPAN, (first, last)
        chunk = lines[first - 1 : last]
        assert chunk[0].strip() and chunk[-1].strip(), "span should not start or end on a blank line"
        assert any(line.strip() and not line.startswith("#") for line in chunk), "span holds no body text"
