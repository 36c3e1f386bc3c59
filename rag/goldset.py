"""Gold questions (eval/gold/*.jsonl) and the rule for when a passage answers one."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .types import Passage


@dataclass(frozen=True)
class GoldQuestion:
    id: str
    question: str
    language: str
    type: str
    answerable: bool
    spans: tuple[tuple[int, int], ...]
    answer: str | None = None
    chapter: int | None = None
    source: str = "anthology"
    # Per span: the file it points into (SN sheets: "corpus/sn/<slug>.md"), or None.
    span_files: tuple[str | None, ...] = ()

    def is_hit(self, p: Passage) -> bool:
        """A passage is relevant when it comes from the gold source, from the span's file (SN:
        the sheet whose slug is the file stem, as in the id "sn:<slug>:<n>") and its lines
        overlap the span."""
        if p.source != self.source or not p.lines:
            return False
        files = self.span_files or (None,) * len(self.spans)
        return any(p.lines[0] <= b and a <= p.lines[1] and (f is None or _sheet(p) == Path(f).stem)
                   for (a, b), f in zip(self.spans, files))


def _sheet(p: Passage) -> str | None:
    parts = p.id.split(":")
    return parts[1] if p.source == "sn" and len(parts) >= 3 else None


def load_gold(path: Path) -> list[GoldQuestion]:
    out = []
    try:
        rows = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as e:
        raise InputError(f"Cannot read gold set {path}: {e.strerror}") from None
    for n, line in enumerate(rows, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            out.append(GoldQuestion(
                id=str(d["id"]), question=d["question"], language=d.get("language", "nb"),
                type=d.get("type", "factual"), answerable=bool(d.get("answerable", True)),
                spans=tuple(tuple(g["lines"]) for g in d.get("gold", [])),
                span_files=tuple(g.get("file") for g in d.get("gold", [])),
                answer=d.get("answer"), chapter=d.get("chapter"), source=d.get("source", "anthology"),
            ))
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(f"{path}:{n}: not a gold question ({e})") from None
    return out
