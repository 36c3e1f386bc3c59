"""Feedback thumbs, appended as JSONL under the data dir. Shared by the API and the UI.

The question text is only stored when the operator opted in (Settings.log_questions).
Writing may fail (read-only or full disk): the caller gets False, never an exception.
"""
from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path
from typing import Any

from .config import Settings

log = logging.getLogger(__name__)
_lock = threading.Lock()
RATINGS = ("up", "down")


def feedback_path(settings: Settings) -> Path:
    return Path(settings.data_dir) / "feedback" / "feedback.jsonl"


def save_feedback(settings: Settings, *, answer: str, rating: str, question_id: Any = None,
                  comment: str | None = None, question: str | None = None) -> bool:
    """Append one feedback record; True when it was written."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {RATINGS}")
    record = {
        "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "question_id": question_id,
        "rating": rating,
        "answer": answer,
        "comment": comment or None,
    }
    if settings.log_questions and question:
        record["question"] = question
    line = json.dumps(record, ensure_ascii=False) + "\n"
    path = feedback_path(settings)
    with _lock:
        size = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as f:
                size = f.tell()
                f.write(line)
            return True
        except OSError as e:
            log.warning("feedback not saved: %s", e.strerror or e)
            if size is not None:  # a full disk can leave half a line: cut it off so the JSONL stays whole
                try:
                    with path.open("r+b") as f:
                        f.truncate(size)
                except OSError:
                    pass
            return False
