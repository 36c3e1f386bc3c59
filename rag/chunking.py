"""Sentence splitting and sentence-aligned packing, for Norwegian (and English) prose.

Sentences are returned as character spans into the text they came from, so a quote is
always a verbatim substring of its passage.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# Lower-cased tokens that end with a period without ending a sentence.
ABBREVIATIONS = frozenset(
    """
    f.eks eks bl.a jf jfr dvs osv mv m.v m.fl mfl ca s ss nr red kap pst evt etc e.g i.e vs cf
    ibid dr prof st.meld meld ot.prp prp ph.d mht m.h.t pga p.g.a o.l ol m.m mm inkl ekskl
    jan feb mar apr jun jul aug sep sept okt nov des tlf eds ed al vol no pp p kl årh mill mrd
    vedr iht i.h.t hhv ift i.f.t bd utg opplag sst ff fig tab avd adm dir stud mr mrs ms jr sr
    mao m.a.o o.a oa s.k sk b.la
    """.split()
)

_END = re.compile(r"[.!?…]+[»”\"')\]]*")
_WORD_BEFORE = re.compile(r"(\S+)$")
_NEXT_START = re.compile(r"\s+([«\"“(\[]?)(\S)")


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start:self.end]


def _is_abbreviation(text: str, dot: int) -> bool:
    """True if the period at ``dot`` belongs to an abbreviation or an initial."""
    m = _WORD_BEFORE.search(text, 0, dot)
    if not m:
        return False
    word = m.group(1).lstrip("«(\"“[").lower()
    if word in ABBREVIATIONS:
        return True
    # Single-letter initials: "Å. Brottveit", "H. H. Zeiner".
    if len(word) == 1 and word.isalpha():
        return True
    return False


def sentence_spans(text: str) -> list[Span]:
    """Split ``text`` into sentence spans (whitespace between sentences is left out)."""
    spans: list[Span] = []
    start = 0
    n = len(text)
    while start < n and text[start].isspace():
        start += 1
    for m in _END.finditer(text):
        end = m.end()
        if end >= n:
            break
        nxt = _NEXT_START.match(text, end)
        if not nxt:
            continue  # no whitespace after: "12.5", "s.12", "www.x.no"
        first = nxt.group(2)
        if not (first.isupper() or first.isdigit() or nxt.group(1)):
            continue
        punct = m.group(0)
        if punct.startswith(".") and len(punct.rstrip("»”\"')]")) == 1 and _is_abbreviation(text, m.start()):
            continue
        if end > start:
            spans.append(Span(start, end))
        start = nxt.start(1) if nxt.group(1) else nxt.start(2)
    tail_end = len(text.rstrip())
    if tail_end > start:
        spans.append(Span(start, tail_end))
    return spans


def split_sentences(text: str) -> list[str]:
    return [s.of(text) for s in sentence_spans(text)]


def word_count(text: str) -> int:
    return len(text.split())


def pack(sizes: list[int], target: int, maximum: int) -> list[tuple[int, int]]:
    """Group consecutive units (sentences) into chunks of about ``target`` words.

    ``sizes`` are the units' word counts. Returns half-open index ranges. A chunk closes
    once it reaches ``target``, or before a unit that would push it past ``maximum``; a
    single unit longer than ``maximum`` stays whole (sentences are never cut). A short
    last chunk is merged into the one before when that stays within ``maximum``.
    """
    chunks: list[tuple[int, int]] = []
    i0, words = 0, 0
    for i, size in enumerate(sizes):
        if words and words + size > maximum:
            chunks.append((i0, i))
            i0, words = i, 0
        words += size
        if words >= target:
            chunks.append((i0, i + 1))
            i0, words = i + 1, 0
    if i0 < len(sizes):
        if chunks and words < target // 3 and sum(sizes[chunks[-1][0]:]) <= maximum:
            chunks[-1] = (chunks[-1][0], len(sizes))
        else:
            chunks.append((i0, len(sizes)))
    return chunks
