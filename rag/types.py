"""Plain data shared by every layer. Imports nothing from the package."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

# The passage fields, in the order the JSON interface promises. Pinned by a test.
PASSAGE_FIELDS = (
    "id", "source", "kind", "language", "chapter", "chapter_title", "authors", "section",
    "pages", "lines", "doi", "url", "title", "text",
)


@dataclass(frozen=True)
class Passage:
    """One retrievable, quotable unit of text with its exact provenance.

    ``lines`` are 1-based, inclusive line numbers in the source file (the anthology text
    in ``corpus/anthology`` or an SN sheet); ``pages`` are book pages, inclusive.
    """

    id: str
    source: str  # "anthology" | "sn" | "web"
    kind: str  # "body" | "abstract" | "footnote" | "quote" | "reference" | "list" | "table" | "heading" | "sheet"
    language: str  # "nb" | "en"
    text: str
    chapter: int | None = None  # 0 = Forord
    chapter_title: str | None = None
    authors: tuple[str, ...] | None = None
    section: str | None = None
    pages: tuple[int, int] | None = None
    lines: tuple[int, int] | None = None
    doi: str | None = None
    url: str | None = None
    title: str | None = None

    @property
    def indexed_text(self) -> str:
        """What is embedded and BM25-indexed: the section heading, then the text. The heading
        says what the passage is about («Hvordan fikk Selvhjelpshuset LINK gjennomslag …»);
        measured in session 3 over the dev, held-out and SN sets, R@5 0.915 -> 0.931 and
        MRR@10 0.788 -> 0.800 with it in the embedding."""
        return f"{self.section}\n{self.text}" if self.section else self.text

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        for key in ("authors", "pages", "lines"):
            if d[key] is not None:
                d[key] = list(d[key])
        return {k: d[k] for k in PASSAGE_FIELDS}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Passage":
        names = {f.name for f in fields(cls)}
        kw = {k: v for k, v in d.items() if k in names}
        for key in ("authors", "pages", "lines"):
            if kw.get(key) is not None:
                kw[key] = tuple(kw[key])
        return cls(**kw)


@dataclass(frozen=True)
class ScoredPassage:
    passage: Passage
    score: float
    rank: int = 0
    # Per-signal details (dense cosine, bm25, ranks) for debugging and the JSON output.
    signals: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Citation:
    n: int
    passage: Passage
    quote: str  # the verbatim sentence(s) from the passage that the answer relies on


@dataclass
class Answer:
    question: str
    language: str  # "nb" | "en"
    answer: str
    citations: list[Citation]
    abstained: bool
    notice: str | None = None
    backend: str = "extractive"
    timings_ms: dict[str, float] = field(default_factory=dict)
    related: list[ScoredPassage] = field(default_factory=list)
    id: Any = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "question": self.question,
            "language": self.language,
            "answer": self.answer,
            "citations": [
                {"n": c.n, "quote": c.quote, "passage": c.passage.to_dict()} for c in self.citations
            ],
            "abstained": self.abstained,
            "notice": self.notice,
            "backend": self.backend,
            "timings_ms": {k: round(v, 2) for k, v in self.timings_ms.items()},
            "related": [
                {"rank": r.rank, "score": round(r.score, 4), "passage": r.passage.to_dict()}
                for r in self.related
            ],
        }
