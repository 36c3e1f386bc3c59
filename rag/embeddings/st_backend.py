"""Optional backend: any sentence-transformers model from a local folder or the local HF cache.

Nothing is downloaded: this machine only reaches package registries, so a model must already be
on disk (a folder, or a model id already in the Hugging Face cache).
"""
from __future__ import annotations

import os
import re
import threading
from pathlib import Path

import numpy as np

from ..errors import ConfigError
from .base import EmbeddingBackend

# E5-family models were trained with these prefixes and lose accuracy without them.
E5_NAME = re.compile(r"(^|[/_-])e5([/_-]|$)", re.IGNORECASE)
GENERIC_DIRS = {"model", "models", "snapshot", "default"}


def _display_name(spec: str) -> str:
    path = Path(spec).expanduser()
    if not path.exists():
        return spec
    path = path.resolve()
    # A folder called "model" says nothing; keep its parent so two models stay distinguishable.
    return f"{path.parent.name}/{path.name}" if path.name.lower() in GENERIC_DIRS else path.name


class SentenceTransformerEmbeddings(EmbeddingBackend):
    def __init__(self, spec: str, batch_size: int = 32, device: str | None = None):
        # Forced, not defaulted: no code path may reach the Hugging Face Hub.
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ["TRANSFORMERS_OFFLINE"] = "1"
        from sentence_transformers import SentenceTransformer

        self._spec = spec
        self._name = _display_name(spec)
        path = Path(spec).expanduser()
        source = str(path.resolve()) if path.exists() else spec
        try:
            self._model = SentenceTransformer(source, device=device or "cpu", local_files_only=True)
        except Exception as e:  # noqa: BLE001 - any load failure means the same thing to a user
            raise ConfigError(
                f"Could not load the sentence-transformers model {spec!r} from disk ({type(e).__name__}). "
                "Give a local model folder, or a model id already in the Hugging Face cache: "
                "nothing is downloaded."
            ) from None
        self._e5 = bool(E5_NAME.search(spec))
        self.batch_size = batch_size
        self._lock = threading.Lock()

    @property
    def model_id(self) -> str:
        return f"sentence-transformers:{self._name}"

    @property
    def dim(self) -> int:
        get_dim = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        return int(get_dim())

    def embed_array(self, texts: list[str], *, is_query: bool = False) -> np.ndarray:
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        if self._e5:
            prefix = "query: " if is_query else "passage: "
            texts = [prefix + t for t in texts]
        with self._lock:
            vecs = self._model.encode(
                list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                convert_to_numpy=True, show_progress_bar=False,
            )
        return np.asarray(vecs, dtype=np.float32)

    def token_count(self, text: str) -> int:
        prefix = "passage: " if self._e5 else ""
        return len(self._model.tokenizer(prefix + text, truncation=True)["input_ids"])
