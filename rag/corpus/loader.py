"""The whole corpus as passages: the anthology, SN fact sheets, and pages an operator fetched."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..config import Settings
from ..errors import ConfigError
from ..types import Passage

SOURCES = ("anthology", "sn", "web")


@lru_cache(maxsize=4)
def _anthology(corpus_dir: Path) -> tuple[Passage, ...]:
    from .anthology import parse_anthology

    return tuple(parse_anthology(corpus_dir).passages)


def load_passages(settings: Settings, sources: list[str] | None = None) -> list[Passage]:
    wanted = list(sources) if sources else list(SOURCES)
    unknown = [s for s in wanted if s not in SOURCES]
    if unknown:
        raise ConfigError(f"Unknown source {', '.join(unknown)}; choose from {', '.join(SOURCES)}")
    out: list[Passage] = []
    if "anthology" in wanted:
        out.extend(_anthology(Path(settings.corpus_dir).resolve()))
    if "sn" in wanted:
        sn_dir = Path(settings.corpus_dir) / "sn"
        if sn_dir.is_dir():
            from .sn import load_sn_passages

            out.extend(load_sn_passages(sn_dir))
    if "web" in wanted or "sn" in wanted:
        web_file = Path(settings.data_dir) / "web" / "pages.jsonl"
        if web_file.exists():
            from .web import load_web_passages

            out.extend(p for p in load_web_passages(Path(settings.data_dir)) if p.source in wanted)
    return out
