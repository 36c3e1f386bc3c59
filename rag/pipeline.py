"""The facade: the one place that builds backends from Settings.

CLI, HTTP API, UI and evaluation all go through ``Assistant``; nothing else constructs a store,
an embedding model or an LLM client.
"""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

import numpy as np

from .config import Settings
from .errors import IndexMissingError, StoreUnavailableError
from .types import Passage

if TYPE_CHECKING:
    from .ingest import IngestReport
    from .types import Answer
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

    @property
    def answerer(self):
        with self._lock:
            if getattr(self, "_answerer", None) is None:
                from .answering import ExtractiveAnswerer
                from .llm_answers import LLMAnswerer
                from .translate import default_glossary

                emb = self.embeddings
                extractive = ExtractiveAnswerer(
                    self.settings.prompts_dir,
                    glossary=default_glossary(self.settings),
                    embed_query=lambda t: np.asarray(emb.embed_query(t), dtype=np.float32),
                    embed_passages=lambda ts: np.asarray(emb.embed_documents(list(ts)), dtype=np.float32),
                    following=self.retriever.following,
                    preceding=self.retriever.preceding,
                    topics=self.retriever.topics,
                    known=self.retriever.knows,
                )
                self._answerer = (LLMAnswerer(self.settings, extractive) if self.settings.llm_base_url
                                  else extractive)
            return self._answerer

    def _prepare(self, question: str, history: list[dict] | None, filters: dict | None):
        """Clean the question, resolve a follow-up, retrieve. Shared by ask and stream."""
        from .conversation import resolve_followup
        from .language import detect_language
        from .safety import question_part
        from .validation import clean_question

        t0 = time.perf_counter()
        question = clean_question(question, self.settings.max_question_chars)
        standalone = resolve_followup(question, list(history or []))
        language = detect_language(question)
        # A crisis statement with a question: search with the question («… Would a group help me?»).
        result = self.search(question_part(standalone), k=self.settings.answer_passages, filters=filters,
                             language=language)

        def search(text: str, k: int):
            return self.retriever.search(text, k=k, filters=filters, language=language).hits

        self._log_question(question)
        return question, standalone, language, result, search, t0

    def ask(self, question: str, history: list[dict] | None = None,
            filters: dict[str, Any] | None = None, qid: Any = None) -> "Answer":
        """Answer a question from the sources, with citations (or abstain)."""
        question, standalone, language, result, search, t0 = self._prepare(question, history, filters)
        kw = {"query_vector": result.query_vector} if not self.settings.llm_base_url else {}
        ans = self.answerer.answer(standalone, result.hits, language=language, search=search, **kw)
        return self._finish(ans, question, qid, result, t0)

    def stream(self, question: str, history: list[dict] | None = None,
               filters: dict[str, Any] | None = None, qid: Any = None) -> Iterator["str | Answer"]:
        """Yield answer text as it is written, then the final, checked Answer."""
        question, standalone, language, result, search, t0 = self._prepare(question, history, filters)
        answerer = self.answerer
        if hasattr(answerer, "stream"):
            for item in answerer.stream(standalone, result.hits, language=language, search=search):
                if isinstance(item, str):
                    yield item
                else:
                    yield self._finish(item, question, qid, result, t0)
            return
        ans = answerer.answer(standalone, result.hits, language=language, search=search,
                              query_vector=result.query_vector)
        yield self._finish(ans, question, qid, result, t0)

    def _finish(self, ans: "Answer", question: str, qid: Any, result, t0: float) -> "Answer":
        ans.question = question
        ans.id = qid
        ans.timings_ms = {**{f"search_{k}": v for k, v in result.timings_ms.items()}, **ans.timings_ms,
                          "total": (time.perf_counter() - t0) * 1000}
        return ans

    def _log_question(self, question: str) -> None:
        """Only when the operator opted in (SELVHJELP_LOG_QUESTIONS=true)."""
        if not self.settings.log_questions:
            return
        try:
            path = Path(self.settings.data_dir) / "questions.jsonl"
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as f:
                f.write(json.dumps({"at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                                    "question": question}, ensure_ascii=False) + "\n")
        except OSError:
            pass  # logging must never cost the user an answer

    def passage(self, pid: str) -> Passage | None:
        self._ensure_index()
        return self.retriever.passage(pid)

    def warm_up(self) -> None:
        """Load the models and the in-memory index before the first question (server start)."""
        from .errors import SelvhjelpError
        from .language import preload

        try:
            preload()
            self.embeddings.embed_query("selvhjelp")
            if self.index_ready():
                self.retriever.warm_up()
        except SelvhjelpError:
            pass  # health reports it; the first question gets the clear error

    def health(self) -> dict[str, Any]:
        try:
            info: dict[str, Any] = {"store": self.store.health()}
        except StoreUnavailableError as e:  # the server was down when the store was first opened
            info = {"store": {"ok": False, "backend": "chroma-server", "location": self.settings.chroma_url,
                              "error": str(e)}}
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
