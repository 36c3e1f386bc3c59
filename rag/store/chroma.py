"""Passages and their vectors in Chroma (embedded PersistentClient, or HttpClient for a server).

Each record: id = passage id, document = passage text, metadata = every other Passage field
(lists as JSON strings, None omitted) plus ``content_hash``. The collection metadata records the
embedding model, so an index is never queried with vectors from another model.
"""
from __future__ import annotations

import hashlib
import json
import uuid
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterator, Mapping, Sequence
from urllib.parse import urlparse

import numpy as np

from ..errors import ConfigError, IndexMismatchError, IndexMissingError, StoreUnavailableError
from ..types import PASSAGE_FIELDS, Passage

if TYPE_CHECKING:
    from ..config import Settings

LIST_FIELDS = ("authors", "pages", "lines")
PAGE = 1000  # rows per get() call when reading the whole collection
MODEL_KEY, DIM_KEY = "embedding_model", "embedding_dim"
REVISION_KEY = "selvhjelp_revision"


# Bumped when what is embedded for a passage changes (2: the section heading is embedded with
# the text), so the next ingest re-embeds an index built the old way.
EMBEDDING_RECIPE = 2


def content_hash(p: Passage, lead: str | None = None) -> str:
    """Hash of the whole passage, so a change in text or any metadata field is an update; and
    of the lead-in embedded with it (``rag.flow``), if any, so a changed lead-in is one too."""
    extra = {"lead": lead} if lead else {}
    blob = json.dumps({"recipe": EMBEDDING_RECIPE, **p.to_dict(), **extra}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def _to_metadata(p: Passage, lead: str | None = None) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key, value in p.to_dict().items():
        if key in ("id", "text") or value is None:
            continue
        meta[key] = json.dumps(value, ensure_ascii=False) if key in LIST_FIELDS else value
    meta["content_hash"] = content_hash(p, lead)
    return meta


def _from_record(pid: str, text: str, meta: dict[str, Any]) -> Passage:
    d: dict[str, Any] = {k: None for k in PASSAGE_FIELDS}
    d.update({k: v for k, v in meta.items() if k in PASSAGE_FIELDS})
    for key in LIST_FIELDS:
        if isinstance(d[key], str):
            d[key] = json.loads(d[key])
    d["id"], d["text"] = pid, text
    return Passage.from_dict(d)


def build_where(where: dict[str, Any] | None) -> dict[str, Any] | None:
    """``{"source": "sn", "kind": ["body", "list"], "chapter": 3}`` -> Chroma's where syntax.

    A list means "any of"; a dict that already uses Chroma operators ($and, ...) passes through.
    """
    if not where:
        return None
    if any(k.startswith("$") for k in where):
        return where
    clauses = []
    for key, value in where.items():
        if isinstance(value, dict):
            clauses.append({key: value})
        elif isinstance(value, (list, tuple, set)):
            clauses.append({key: {"$in": list(value)}})
        else:
            clauses.append({key: {"$eq": value}})
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


class PassageStore:
    def __init__(self, client, collection_name: str, location: str, remote: bool):
        self._client = client
        self.name = collection_name
        self.location = location  # data path or server URL, for messages
        self.remote = remote
        with self._guard():
            self._col = self._open_collection()

    def _open_collection(self):
        return self._client.get_or_create_collection(
            self.name, configuration={"hnsw": {"space": "cosine"}}, embedding_function=None
        )

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """Turn a lost server connection, or Chroma's own failures, into a message a person can act on."""
        try:
            yield
        except Exception as e:  # noqa: BLE001 - transport and Chroma failures are translated
            if self.remote and _is_connection_error(e):
                raise StoreUnavailableError(
                    f"Cannot reach the Chroma server at {self.location}: is it running? "
                    "Start it, or unset SELVHJELP_CHROMA_URL to use the embedded store."
                ) from None
            if type(e).__module__.startswith("chromadb"):
                # e.g. "Error finding id" while another process rewrites the index
                raise StoreUnavailableError(
                    f"The index at {self.location} could not be read ({type(e).__name__}: {e}). "
                    "It may be being updated: try again, or run `selvhjelp ingest`."
                ) from None
            raise

    # --- the embedding model marker -------------------------------------------------------
    def _metadata(self) -> dict[str, Any]:
        """The collection's metadata as stored now (this object's copy may predate another
        process's writes)."""
        with self._guard():
            return dict(self._client.get_collection(self.name, embedding_function=None).metadata or {})

    def model_marker(self) -> tuple[str, int] | None:
        meta = self._metadata()
        if MODEL_KEY not in meta:
            return None
        return str(meta[MODEL_KEY]), int(meta.get(DIM_KEY, 0))

    def set_model(self, model_id: str, dim: int) -> None:
        meta = self._metadata()
        meta.update({MODEL_KEY: model_id, DIM_KEY: int(dim)})
        with self._guard():
            self._col.modify(metadata=meta)

    # --- the revision: which ingest the index is at -----------------------------------------
    def revision(self) -> str | None:
        """A marker that every ingest which changes the index renews. A searcher in another
        process compares it to know when its in-memory copy is stale: a passage whose text
        changed leaves the count as it was."""
        got = self._metadata().get(REVISION_KEY)
        return None if got is None else str(got)

    def bump_revision(self) -> None:
        meta = self._metadata()
        meta[REVISION_KEY] = uuid.uuid4().hex
        with self._guard():
            self._col.modify(metadata=meta)

    def check_model(self, model_id: str) -> None:
        """Before searching: the index must exist and be built with this model."""
        marker = self.model_marker()
        if marker is None or self.count() == 0:
            raise IndexMissingError(
                f"The search index at {self.location} is empty: run `selvhjelp ingest` first."
            )
        if marker[0] != model_id:
            raise IndexMismatchError(
                f"The index was built with {marker[0]}; you configured {model_id}: "
                "run `selvhjelp ingest --rebuild`."
            )

    def reset(self) -> None:
        """Drop every passage and the model marker (for a rebuild)."""
        with self._guard():
            try:
                self._client.delete_collection(self.name)
            except Exception as e:  # noqa: BLE001
                if self.remote and _is_connection_error(e):
                    raise
            self._col = self._open_collection()

    # --- writes ---------------------------------------------------------------------------
    def upsert(self, passages: Sequence[Passage], vectors, leads: Mapping[str, str] | None = None) -> None:
        """Store passages with their vectors; ``leads``: the lead-ins embedded with some of them."""
        vecs = np.asarray(vectors, dtype=np.float32)
        if len(passages) != len(vecs):
            raise ValueError(f"{len(passages)} passages but {len(vecs)} vectors")
        if not passages:
            return
        with self._guard():
            self._col.upsert(
                ids=[p.id for p in passages],
                embeddings=vecs,
                documents=[p.text for p in passages],
                metadatas=[_to_metadata(p, (leads or {}).get(p.id)) for p in passages],
            )

    def delete(self, ids: Sequence[str]) -> None:
        ids = list(ids)
        for start in range(0, len(ids), PAGE):
            with self._guard():
                self._col.delete(ids=ids[start:start + PAGE])

    # --- reads ----------------------------------------------------------------------------
    def count(self) -> int:
        with self._guard():
            return self._col.count()

    def _pages(self, include: list[str]) -> Iterator[dict[str, Any]]:
        offset = 0
        while True:
            with self._guard():
                got = self._col.get(limit=PAGE, offset=offset, include=include)
            if not got["ids"]:
                return
            yield got
            offset += len(got["ids"])

    def ids_and_hashes(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for got in self._pages(["metadatas"]):
            for pid, meta in zip(got["ids"], got["metadatas"]):
                out[pid] = (meta or {}).get("content_hash", "")
        return out

    def get(self, ids: Sequence[str]) -> list[Passage]:
        """Passages for ``ids``, in the order asked; unknown ids are skipped."""
        ids = list(ids)
        if not ids:
            return []
        with self._guard():
            got = self._col.get(ids=ids, include=["documents", "metadatas"])
        by_id = {pid: _from_record(pid, doc, meta or {})
                 for pid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"])}
        return [by_id[i] for i in ids if i in by_id]

    def all_with_vectors(self) -> tuple[list[Passage], np.ndarray]:
        """Every passage with its stored vector (rows in the same order), for exact search."""
        passages: list[Passage] = []
        rows: list[np.ndarray] = []
        for got in self._pages(["documents", "metadatas", "embeddings"]):
            for pid, doc, meta, vec in zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"]):
                passages.append(_from_record(pid, doc, meta or {}))
                rows.append(np.asarray(vec, dtype=np.float32))
        matrix = np.vstack(rows) if rows else np.zeros((0, 0), dtype=np.float32)
        return passages, matrix

    def all_passages(self) -> list[Passage]:
        out: list[Passage] = []
        for got in self._pages(["documents", "metadatas"]):
            out.extend(_from_record(pid, doc, meta or {})
                       for pid, doc, meta in zip(got["ids"], got["documents"], got["metadatas"]))
        return out

    def query(self, vector, k: int, where: dict[str, Any] | None = None) -> list[tuple[Passage, float]]:
        """Nearest passages as (passage, cosine similarity), best first."""
        if k <= 0:
            return []
        q = np.asarray(vector, dtype=np.float32).reshape(1, -1)
        with self._guard():
            got = self._col.query(
                query_embeddings=q, n_results=k, where=build_where(where),
                include=["documents", "metadatas", "distances"],
            )
        rows = zip(got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0])
        # Chroma's cosine space returns distance = 1 - cosine similarity.
        return [(_from_record(pid, doc, meta or {}), 1.0 - float(dist)) for pid, doc, meta, dist in rows]

    def health(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "backend": "chroma-server" if self.remote else "chroma-embedded",
            "location": self.location,
            "collection": self.name,
        }
        try:
            with self._guard():
                if self.remote:
                    self._client.heartbeat()
                marker = self.model_marker()
                info.update(ok=True, count=self.count(),
                            embedding_model=marker[0] if marker else None,
                            embedding_dim=marker[1] if marker else None)
        except StoreUnavailableError as e:
            info.update(ok=False, error=str(e))
        return info


def _is_connection_error(e: BaseException) -> bool:
    import httpx

    if isinstance(e, (httpx.TransportError, ConnectionError)):
        return True
    return "could not connect" in str(e).lower()


def open_store(settings: "Settings") -> PassageStore:
    """Open (creating if needed) the passage collection named by ``settings.collection``."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise ConfigError(
                f"SELVHJELP_CHROMA_URL={settings.chroma_url!r} is not a URL like http://127.0.0.1:8000"
            )
        port = url.port or (443 if url.scheme == "https" else 8000)
        try:
            client = chromadb.HttpClient(host=url.hostname, port=port, ssl=url.scheme == "https",
                                         settings=chroma_settings)
        except Exception as e:  # noqa: BLE001
            if _is_connection_error(e):
                raise StoreUnavailableError(
                    f"Cannot reach the Chroma server at {settings.chroma_url}: is it running? "
                    "Start it, or unset SELVHJELP_CHROMA_URL to use the embedded store."
                ) from None
            raise
        return PassageStore(client, settings.collection, settings.chroma_url, remote=True)
    path = settings.data_dir / "chroma"
    path.mkdir(parents=True, exist_ok=True)
    client = chromadb.PersistentClient(path=str(path), settings=chroma_settings)
    return PassageStore(client, settings.collection, str(path), remote=False)
