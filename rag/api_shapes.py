"""JSON shapes shared by the CLI and the HTTP API (one definition, so they cannot drift)."""
from __future__ import annotations

from typing import Any


def search_json(a, qid: Any, query: str, k: int, filters: dict) -> dict:
    """The stable JSON shape of `selvhjelp search --json` and `GET /api/search`."""
    res = a.search(query, k=k, filters=filters)
    return {
        "id": qid,
        "query": query,
        "results": [{"rank": h.rank, "score": round(h.score, 4), "passage": h.passage.to_dict()} for h in res.hits],
        "timings_ms": {k2: round(v, 2) for k2, v in res.timings_ms.items()},
    }
