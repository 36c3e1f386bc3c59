"""Vector store: Chroma, embedded under the data dir or a Chroma server."""
from .chroma import PassageStore, content_hash, open_store

__all__ = ["PassageStore", "content_hash", "open_store"]
