"""Selvhjelp RAG: grounded, cited answers about self-help in Norway."""
from .config import Settings, load_settings
from .errors import SelvhjelpError
from .types import PASSAGE_FIELDS, Answer, Citation, Passage, ScoredPassage

__version__ = "0.1.0"
__all__ = [
    "PASSAGE_FIELDS", "Answer", "Citation", "Passage", "ScoredPassage", "SelvhjelpError",
    "Settings", "load_settings", "__version__",
]
