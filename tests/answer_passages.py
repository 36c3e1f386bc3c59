"""Real passages for the answer-layer tests, built from the anthology text.

A deliberately small stand-in for the parser (which is tested elsewhere): paragraphs of
chapters 1–3 with PDF line breaks and hyphenation undone, plus a BM25 ``search`` over them
(bm25s with Norwegian stems) so the answerer's sub-queries hit real text.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from rag.chunking import pack, sentence_spans
from rag.citations import content_stems
from rag.types import Passage, ScoredPassage

ROOT = Path(__file__).resolve().parent.parent
ANTHOLOGY = ROOT / "corpus" / "anthology" / "samarbeid-om-selvhjelp.txt"
DOI = "10.23865/noasp.68.ch{}"

CHAPTERS = {
    1: dict(lines=(74, 1198), pages=(9, 42), title="Den nye selvhjelpsbevegelsen",
            authors=("Ånund Brottveit", "Nora Gotaas", "Hilde Hatleskog Zeiner", "Marte Feiring")),
    2: dict(lines=(1347, 2113), pages=(47, 66),
            title="Selvhjelpsgrupper og behandlingsgruppers tilnærming til personlig endring – hva er likt og ulikt?",
            authors=("Ånund Brottveit",)),
    3: dict(lines=(2136, 2894), pages=(69, 88),
            title="Fra frivillig arbeid til folkehelsearbeid – om politisering av selvhjelpssaken",
            authors=("Marte Feiring",)),
}
_SLUG = re.compile(r"^Samarbeid om selvhjelp\.indd\s+\d+")


def _clean_join(lines: list[str]) -> str:
    text = ""
    for line in lines:
        line = line.strip()
        if not text:
            text = line
        elif text.endswith("-") and line[:1].islower() and not re.match(r"(og|eller)\b", line):
            text = text[:-1] + line
        else:
            text += " " + line
    return re.sub(r"\s+", " ", text).strip()


def _paragraphs(first: int, last: int) -> list[tuple[int, int, str]]:
    raw = ANTHOLOGY.read_text(encoding="utf-8").split("\n")
    paras, cur, start, skip = [], [], None, 0
    for no in range(first, last + 1):
        line = raw[no - 1]
        if _SLUG.match(line):
            skip = 1  # skip the footer block up to and including the page number
            continue
        if skip:
            if line.strip().isdigit():
                skip = 0
            continue
        if not line.strip() or line.strip().isdigit():
            if cur:
                paras.append((start, no - 1, _clean_join(cur)))
                cur = []
            continue
        if not cur:
            start = no
        cur.append(line)
    if cur:
        paras.append((start, last, _clean_join(cur)))
    return [p for p in paras if len(p[2].split()) >= 12]


@lru_cache(maxsize=1)
def corpus_passages() -> tuple[Passage, ...]:
    out = []
    for ch, meta in CHAPTERS.items():
        (l0, l1), (p0, p1) = meta["lines"], meta["pages"]
        for a, b, text in _paragraphs(l0, l1):
            spans = sentence_spans(text)
            sizes = [len(text[s.start:s.end].split()) for s in spans]
            for i, j in pack(sizes, 110, 170):
                chunk = text[spans[i].start:spans[j - 1].end]
                page = p0 + round((a - l0) / (l1 - l0) * (p1 - p0))
                out.append(Passage(
                    id=f"ch{ch}-l{a}-{i}", source="anthology", kind="body", language="nb", text=chunk,
                    chapter=ch, chapter_title=meta["title"], authors=meta["authors"],
                    pages=(page, page), lines=(a, b), doi=DOI.format(ch),
                ))
    return tuple(out)


@lru_cache(maxsize=1)
def _index():
    import bm25s

    passages = corpus_passages()
    retriever = bm25s.BM25()
    retriever.index([content_stems(p.text, "nb") for p in passages], show_progress=False)
    return retriever, passages


def search(query: str, k: int = 8) -> list[ScoredPassage]:
    """BM25 over the fixture passages; English words go through the answer layer's glossary."""
    from rag.language import detect_language

    retriever, passages = _index()
    q = content_stems(query, detect_language(query)) or ["selvhjelp"]
    docs, scores = retriever.retrieve([q], k=k, show_progress=False)
    out = []
    for rank, (d, s) in enumerate(zip(docs[0], scores[0]), 1):
        if s > 0:
            out.append(ScoredPassage(passages[int(d)], float(s), rank, {"bm25": float(s)}))
    return out


def passages_with(*needles: str) -> list[Passage]:
    return [p for p in corpus_passages() if all(n in p.text for n in needles)]


def scored(passages: list[Passage], start: float = 1.0, step: float = 0.1) -> list[ScoredPassage]:
    return [ScoredPassage(p, max(start - i * step, 0.01), i + 1) for i, p in enumerate(passages)]
