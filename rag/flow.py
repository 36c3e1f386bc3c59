"""Passages in reading order, and the lead-in a block quote or list continues.

A block quote is often only intelligible with the sentence that introduces it: «(1) I nasjonal
plan for selvhjelp (…, 2004) står denne beskrivelsen av selvhjelp:» followed by «Selvhjelp er å
ta tak i egne muligheter …». That lead-in is indexed with the quote (contextual chunk
embedding) and counts as the quote's context when answering.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from .chunking import sentence_spans
from .types import Passage

FLOW_KINDS = ("body", "quote", "list", "sheet")
# A sentence that introduces what follows: «… fra Yalom:», «… av selvhjelp:20» (a footnote mark).
INTRODUCES = re.compile(r":\s*\d{0,3}\s*$")


def work(p: Passage) -> tuple:
    """The chapter or SN sheet a passage belongs to. A sheet is told by its title too: two SN
    sheets can cite the same web page, and their line numbers (each in its own file) must not be
    read as one text."""
    return (p.source, p.chapter, p.url, p.title)


def reading_order(passages: Sequence[Passage], gap: int = 3) -> dict[str, str]:
    """Passage id -> the passage that starts within ``gap`` lines after it ends, in the same
    chapter or SN sheet (``work``; footnotes, abstracts and references are not part of the flow)."""
    flows: dict[tuple, list[Passage]] = {}
    for p in passages:
        if p.kind in FLOW_KINDS and p.lines:
            flows.setdefault(work(p), []).append(p)
    out = {}
    for flow in flows.values():
        flow.sort(key=lambda p: (p.lines[0], p.lines[1]))
        for a, b in zip(flow, flow[1:]):
            if a.lines[1] <= b.lines[0] <= a.lines[1] + gap:
                out[a.id] = b.id
    return out


def lead_in(previous: Passage | None, p: Passage) -> str | None:
    """The sentence of ``previous`` that introduces the quote or list ``p``, if it does."""
    if previous is None or p.kind not in ("quote", "list") or not INTRODUCES.search(previous.text):
        return None
    spans = sentence_spans(previous.text)
    return previous.text[spans[-1].start:spans[-1].end] if spans else previous.text.strip()


def lead_ins(passages: Sequence[Passage]) -> dict[str, str]:
    """Passage id -> its lead-in, for the quotes and lists that have one."""
    by_id = {p.id: p for p in passages}
    out = {}
    for a, b in reading_order(passages).items():
        lead = lead_in(by_id[a], by_id[b])
        if lead:
            out[b] = lead
    return out


def index_text(p: Passage, lead: str | None = None) -> str:
    """What is embedded and BM25-indexed: the section heading, the lead-in, then the text
    (``Passage.indexed_text`` when there is no lead-in)."""
    return "\n".join([x for x in (p.section, lead) if x] + [p.text])
