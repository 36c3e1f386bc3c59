"""Real passages for the embeddings/store/ingest tests, cut from the anthology text itself.

The real parser lives in rag.corpus; these tests only need stable ids and real Norwegian text.
"""
from __future__ import annotations

from pathlib import Path

from rag.types import Passage

ANTHOLOGY = Path(__file__).resolve().parent.parent / "corpus" / "anthology" / "samarbeid-om-selvhjelp.txt"


def anthology_lines() -> list[str]:
    return ANTHOLOGY.read_text(encoding="utf-8").splitlines()


def paragraph_passages(limit: int | None = None, start_line: int = 1) -> list[Passage]:
    """Blank-line separated paragraphs as passages (id = first line number)."""
    lines = anthology_lines()
    out: list[Passage] = []
    block: list[tuple[int, str]] = []

    def flush():
        if block:
            text = " ".join(t.strip() for _, t in block)
            first, last = block[0][0], block[-1][0]
            out.append(Passage(id=f"test-{first}", source="anthology", kind="body", language="nb",
                               text=text, lines=(first, last)))
            block.clear()

    for n, line in enumerate(lines, 1):
        if n < start_line:
            continue
        if line.strip():
            block.append((n, line))
        else:
            flush()
        if limit and len(out) >= limit:
            return out[:limit]
    flush()
    return out[:limit] if limit else out


def line_passages(count: int, width: int = 2, start_line: int = 60) -> list[Passage]:
    """Many short passages (``width`` non-empty lines each), for quick bulk ingests."""
    lines = anthology_lines()
    out: list[Passage] = []
    n = start_line
    while len(out) < count and n <= len(lines):
        chunk = [(i, lines[i - 1].strip()) for i in range(n, min(n + width, len(lines) + 1))]
        chunk = [(i, t) for i, t in chunk if t]
        if chunk:
            out.append(Passage(id=f"line-{chunk[0][0]}", source="anthology", kind="body", language="nb",
                               text=" ".join(t for _, t in chunk), lines=(chunk[0][0], chunk[-1][0]),
                               chapter=1, chapter_title="Den nye selvhjelpsbevegelsen"))
        n += width
    return out
