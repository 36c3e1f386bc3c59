"""Build or update the vector index from a list of passages.

Idempotent and keyed by passage id. Safe against ``kill -9``: the model marker is written before
the first upsert, upserts are keyed by id (a re-run overwrites, never duplicates), vectors are
cached on disk as they are made, and stale passages are deleted only at the very end.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Iterator

from .errors import ConfigError, CorpusError, IndexMismatchError
from .flow import index_text, lead_ins
from .store.chroma import content_hash

if TYPE_CHECKING:
    from langchain_core.embeddings import Embeddings

    from .store.chroma import PassageStore
    from .types import Passage

BATCH = 64


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    embedded_texts: int = 0  # texts the model actually embedded (cache misses)
    embedded_tokens: int = 0  # their tokens, when the backend can count them
    cache_hits: int = 0
    seconds: float = 0.0
    model_id: str = ""

    def to_dict(self) -> dict:
        return asdict(self)


def ingest(
    passages: list["Passage"],
    store: "PassageStore",
    embeddings: "Embeddings",
    *,
    progress: bool = True,
    rebuild: bool = False,
    batch_size: int = BATCH,
) -> IngestReport:
    """Make the store hold exactly ``passages``, embedding only what is new or changed."""
    started = time.perf_counter()
    model_id = getattr(embeddings, "model_id", None)
    dim = getattr(embeddings, "dim", None)
    if not model_id or not dim:
        raise ConfigError("The embeddings backend must expose `model_id` and `dim` to build an index.")

    dupes = [pid for pid, n in Counter(p.id for p in passages).items() if n > 1]
    if dupes:
        raise CorpusError(f"{len(dupes)} passage ids occur more than once, e.g. {dupes[:3]}")

    if rebuild:
        store.reset()
    marker = store.model_marker()
    if marker is None and store.count() > 0:
        raise IndexMismatchError(
            "The index has passages but no record of its embedding model: run `selvhjelp ingest --rebuild`."
        )
    if marker is not None and marker[0] != model_id:
        raise IndexMismatchError(
            f"The index was built with {marker[0]}; you configured {model_id}: "
            "run `selvhjelp ingest --rebuild`."
        )
    if marker is None:
        store.set_model(model_id, int(dim))  # before any upsert, so a partial index is labelled

    report = IngestReport(model_id=model_id)
    existing = store.ids_and_hashes()
    leads = lead_ins(passages)  # a block quote is embedded with the sentence introducing it
    todo: list[Passage] = []
    for p in passages:
        old = existing.get(p.id)
        if old is None:
            report.added += 1
            todo.append(p)
        elif old != content_hash(p, leads.get(p.id)):
            report.updated += 1
            todo.append(p)
        else:
            report.unchanged += 1

    stats = getattr(embeddings, "stats", None)
    before = (stats.hits, stats.misses, stats.tokens) if stats else None
    counter = getattr(embeddings, "token_count", None)

    with _progress(progress, len(todo)) as advance:
        for batch in _chunks(todo, batch_size):
            texts = [index_text(p, leads.get(p.id)) for p in batch]
            vectors = embeddings.embed_documents(texts)
            if stats is None:
                report.embedded_texts += len(texts)
                if counter is not None:
                    report.embedded_tokens += sum(counter(t) for t in texts)
            store.upsert(batch, vectors, leads)
            advance(len(batch))

    if stats is not None:
        report.cache_hits = stats.hits - before[0]
        report.embedded_texts = stats.misses - before[1]
        report.embedded_tokens = stats.tokens - before[2]

    # Deletions last: an interrupted run never loses a passage that is still in the corpus.
    wanted = {p.id for p in passages}
    stale = [pid for pid in existing if pid not in wanted]
    store.delete(stale)
    report.deleted = len(stale)
    if (report.added or report.updated or report.deleted) and hasattr(store, "bump_revision"):
        store.bump_revision()  # searchers in other processes reload (a changed text keeps the count)
    report.seconds = time.perf_counter() - started
    return report


def _chunks(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), max(1, size)):
        yield items[start:start + size]


class _progress:
    """A rich progress bar with ETA on stderr; a no-op when disabled."""

    def __init__(self, enabled: bool, total: int):
        self.enabled = enabled and total > 0
        self.total = total
        self._bar = None

    def __enter__(self):
        if not self.enabled:
            return lambda n: None
        from rich.console import Console
        from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn,
                                   TimeElapsedColumn, TimeRemainingColumn)

        self._bar = Progress(
            TextColumn("Embedding passages"), BarColumn(), MofNCompleteColumn(),
            TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
            console=Console(stderr=True),
        )
        self._bar.start()
        task = self._bar.add_task("embed", total=self.total)
        return lambda n: self._bar.advance(task, n)

    def __exit__(self, *exc):
        if self._bar is not None:
            self._bar.stop()
        return False
