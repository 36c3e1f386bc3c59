"""The facade: the one place that builds backends from Settings.

CLI, HTTP API, UI and evaluation all go through ``Assistant``; nothing else constructs a store,
an embedding model or an LLM client.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from .config import Settings
from .errors import IndexMissingError
from .types import Passage

if TYPE_CHECKING:
    from .ingest import IngestReport
    from .retrieval import HybridRetriever, SearchResult


class Assistant:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._lock = threading.RLock()
        self._store = None
        self._embeddings = None
        self._retriever: HybridRetriever | None = None
        self._checked_model = False

    # -- components, built lazily so `selvhjelp --help` stays fast ---------------------------
    @property
    def store(self):
        with self._lock:
            if self._store is None:
                from .store.chroma import open_store

                self._store = open_store(self.settings)
            return self._store

    @property
    def embeddings(self):
        with self._lock:
            if self._embeddings is None:
                from .embeddings.base import make_embeddings

                self._embeddings = make_embeddings(self.settings)
            return self._embeddings

    @property
    def retriever(self) -> "HybridRetriever":
        with self._lock:
            if self._retriever is None:
                from .retrieval import HybridRetriever
                from .translate import default_glossary

                self._retriever = HybridRetriever(self.store, self.embeddings,
                                                  glossary=default_glossary(self.settings))
            return self._retriever

    # -- corpus and index ----------------------------------------------------------------
    def corpus(self, sources: list[str] | None = None) -> list[Passage]:
        from .corpus.loader import load_passages

        return load_passages(self.settings, sources)

    def index_ready(self) -> bool:
        return self.store.count() > 0

    def ingest(self, *, progress: bool = True, rebuild: bool = False) -> "IngestReport":
        from .ingest import ingest

        report = ingest(self.corpus(), self.store, self.embeddings, progress=progress, rebuild=rebuild)
        with self._lock:
            self._retriever = None  # the lexical index follows the store
            self._checked_model = True
        return report

    def _ensure_index(self) -> None:
        if self._checked_model:
            return
        with self._lock:
            if self.store.count() == 0:
                raise IndexMissingError("There is no index yet: run `selvhjelp ingest` (or `make index`).")
            self.store.check_model(self.embeddings.model_id)
            self._checked_model = True

    # -- questions -------------------------------------------------------------------------
    def search(self, query: str, k: int = 10, filters: dict[str, Any] | None = None,
               language: str | None = None) -> "SearchResult":
        from .validation import clean_question

        query = clean_question(query, self.settings.max_question_chars)
        self._ensure_index()
        return self.retriever.search(query, k=k, filters=filters, language=language)

    def passage(self, pid: str) -> Passage | None:
        self._ensure_index()
        return self.retriever.passage(pid)

    def health(self) -> dict[str, Any]:
        info: dict[str, Any] = {"store": self.store.health()}
        try:
            info["embeddings"] = {"model_id": self.embeddings.model_id, "ok": True}
        except Exception as e:  # noqa: BLE001 - health reports, never raises
            info["embeddings"] = {"ok": False, "error": str(e)}
        store = info["store"]
        info["index"] = {
            "ready": bool(store.get("ok") and store.get("count")),
            "passages": store.get("count"),
            "model_matches": store.get("embedding_model") in (None, info["embeddings"].get("model_id")),
        }
        info["llm"] = {"configured": bool(self.settings.llm_base_url)}
        info["ok"] = bool(info["index"]["ready"] and info["index"]["model_matches"] and info["embeddings"]["ok"])
        return info
