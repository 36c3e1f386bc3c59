"""The JSON API under /api: thin routes over the Assistant (docs at /api/docs).

Errors are JSON ``{"error": message}``: 400 for a question that cannot be served, 401/403 for
operator endpoints, 413 for a huge body, 422 for a malformed body, 429 over the rate limit,
503 when the index or store is not there, 504 on timeout, 500 (generic, no trace) otherwise.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import math
import threading
import time
import uuid
from typing import Any, Callable, Literal

from fastapi import APIRouter, Depends, FastAPI, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .api_shapes import search_json
from .errors import (ConfigError, IndexMismatchError, IndexMissingError, InputError, SelvhjelpError,
                     StoreUnavailableError)
from .feedback import save_feedback
from .terms import KEY_TERMS, TermFinder

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
MAX_TEXT = 20_000  # a hard cap before validation; the real question limit is settings.max_question_chars


# ---------------------------------------------------------------- request bodies


class Turn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["user", "assistant"]
    content: str = Field(max_length=MAX_TEXT)


class Filters(BaseModel):
    model_config = ConfigDict(extra="forbid")
    source: Literal["anthology", "sn", "web"] | None = None
    chapter: int | None = Field(None, ge=0, le=99)
    kind: str | None = Field(None, max_length=40)


class AskBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str = Field(max_length=MAX_TEXT)
    history: list[Turn] = Field(default_factory=list, max_length=40)
    filters: Filters | None = None


class FeedbackBody(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question_id: str | int | None = Field(None)
    answer: str = Field(max_length=MAX_TEXT)
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=2000)
    question: str | None = Field(None, max_length=MAX_TEXT)  # stored only if the operator opted in


class ApiError(Exception):
    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.headers = headers


# ---------------------------------------------------------------- rate limit


class RateLimiter:
    """A token bucket per client: ``per_minute`` requests, refilled continuously."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic):
        self.per_minute = per_minute
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str) -> float:
        """0 when allowed, else the seconds to wait."""
        if self.per_minute <= 0:
            return 0.0
        rate = self.per_minute / 60.0
        now = self.clock()
        with self._lock:
            if len(self._buckets) > 10_000:  # forget idle clients
                self._buckets = {k: v for k, v in self._buckets.items() if now - v[1] < 120}
            tokens, last = self._buckets.get(client, (float(self.per_minute), now))
            tokens = min(float(self.per_minute), tokens + (now - last) * rate)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (1.0 - tokens) / rate


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _limit(limiter: RateLimiter):
    def check(request: Request) -> None:
        wait = limiter.take(_client(request))
        if wait > 0:
            raise ApiError(429, "Too many requests; please wait a little. / For mange forespørsler; vent litt.",
                           {"Retry-After": str(max(1, math.ceil(wait)))})
    return check


# ---------------------------------------------------------------- the app


def _filters(source: str | None, chapter: int | None, kind: str | None) -> dict:
    return {k: v for k, v in (("source", source), ("chapter", chapter), ("kind", kind)) if v not in (None, "")}


def create_app(assistant) -> FastAPI:
    """The FastAPI app with every route under /api. The UI is mounted on it by ui/server.py."""
    settings = assistant.settings
    app = FastAPI(title="Selvhjelp RAG API", version="1", docs_url="/api/docs", redoc_url=None,
                  openapi_url="/api/openapi.json",
                  description="Answers about self-help in Norway, with citations to the sources.")
    app.state.assistant = assistant
    asks = RateLimiter(settings.rate_limit_per_minute)
    reads = RateLimiter(settings.rate_limit_per_minute * 4)
    limit_ask, limit_read = Depends(_limit(asks)), Depends(_limit(reads))
    terms = TermFinder(lambda q, k: assistant.search(q, k=k).hits)
    ingest_lock = threading.Lock()
    timeout = settings.request_timeout

    async def call(fn, *args, **kw):
        """Run a blocking Assistant call in the threadpool, bounded by the request timeout."""
        try:
            return await asyncio.wait_for(run_in_threadpool(fn, *args, **kw), timeout)
        except asyncio.TimeoutError:
            raise ApiError(504, "The request took too long. / Forespørselen tok for lang tid.") from None

    # -- errors ------------------------------------------------------------------------
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, e: ApiError):
        return JSONResponse({"error": str(e)}, status_code=e.status, headers=e.headers)

    @app.exception_handler(SelvhjelpError)
    async def _selvhjelp_error(request: Request, e: SelvhjelpError):
        if isinstance(e, InputError):
            status = 400
        elif isinstance(e, (IndexMissingError, IndexMismatchError, StoreUnavailableError)):
            status = 503
        else:
            status = 500 if isinstance(e, ConfigError) else 503
        return JSONResponse({"error": str(e)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, e: RequestValidationError):
        # No echo of the input: it may be huge, and questions are private.
        detail = [{"loc": list(err.get("loc", ())), "msg": err.get("msg", ""), "type": err.get("type", "")}
                  for err in e.errors()[:20]]
        return JSONResponse({"error": "The request is not valid. / Forespørselen er ikke gyldig.",
                             "detail": detail}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, e: StarletteHTTPException):
        return JSONResponse({"error": str(e.detail)}, status_code=e.status_code, headers=e.headers)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, e: Exception):
        log.exception("unexpected error in %s", request.url.path)
        return JSONResponse({"error": "Something went wrong on our side. / Noe gikk galt hos oss."},
                            status_code=500)

    @app.middleware("http")
    async def _body_limit(request: Request, call_next):
        if request.url.path.startswith("/api/"):
            try:
                size = int(request.headers.get("content-length") or 0)
            except ValueError:
                size = 0
            if size > MAX_BODY_BYTES:
                return JSONResponse({"error": f"The request body is too large (limit {MAX_BODY_BYTES} bytes)."},
                                    status_code=413)
        return await call_next(request)

    api = APIRouter(prefix="/api")

    # -- questions -----------------------------------------------------------------------
    @api.post("/ask", dependencies=[limit_ask], summary="Answer a question with citations")
    async def ask(body: AskBody) -> dict[str, Any]:
        """The same JSON as `selvhjelp ask --json`."""
        history = [t.model_dump() for t in body.history]
        filters = body.filters.model_dump(exclude_none=True) if body.filters else None
        answer = await call(assistant.ask, body.question, history, filters, str(uuid.uuid4()))
        return answer.to_dict()

    @api.post("/ask/stream", dependencies=[limit_ask], summary="Answer as a stream (NDJSON)",
              response_class=StreamingResponse)
    async def ask_stream(body: AskBody):
        """NDJSON lines: `{"type": "chunk", "text": …}` while the answer is written, then
        `{"type": "answer", "answer": <the ask JSON>}`, or `{"type": "error", "error": …}`."""
        from .validation import clean_question

        clean_question(body.question, settings.max_question_chars)  # a 400 before the stream starts
        history = [t.model_dump() for t in body.history]
        filters = body.filters.model_dump(exclude_none=True) if body.filters else None
        gen = assistant.stream(body.question, history, filters, str(uuid.uuid4()))
        done = object()

        def step():
            try:
                return next(gen)
            except StopIteration:
                return done

        async def lines():
            deadline = time.monotonic() + timeout
            try:
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        raise asyncio.TimeoutError
                    item = await asyncio.wait_for(run_in_threadpool(step), left)
                    if item is done:
                        return
                    if isinstance(item, str):
                        yield json.dumps({"type": "chunk", "text": item}, ensure_ascii=False) + "\n"
                    else:
                        yield json.dumps({"type": "answer", "answer": item.to_dict()}, ensure_ascii=False) + "\n"
            except asyncio.TimeoutError:
                yield json.dumps({"type": "error", "error": "The answer took too long."}) + "\n"
            except SelvhjelpError as e:
                yield json.dumps({"type": "error", "error": str(e)}, ensure_ascii=False) + "\n"
            except Exception:  # noqa: BLE001 - the status line is already sent
                log.exception("stream failed")
                yield json.dumps({"type": "error", "error": "Something went wrong on our side."}) + "\n"

        return StreamingResponse(lines(), media_type="application/x-ndjson")

    @api.get("/search", dependencies=[limit_read], summary="Find passages")
    async def search(q: str = Query(..., max_length=MAX_TEXT), k: int = Query(10, ge=1, le=100),
                     source: Literal["anthology", "sn", "web"] | None = None,
                     chapter: int | None = Query(None, ge=0, le=99),
                     kind: str | None = Query(None, max_length=40)) -> dict[str, Any]:
        """The same JSON as `selvhjelp search --json`."""
        return await call(search_json, assistant, None, q, k, _filters(source, chapter, kind))

    @api.get("/passages/{pid}", dependencies=[limit_read], summary="One passage by id")
    async def passage(pid: str) -> dict[str, Any]:
        if len(pid) > 200:
            raise ApiError(404, "No such passage.")
        p = await call(assistant.passage, pid)
        if p is None:
            raise ApiError(404, f"No passage with id {pid!r}.")
        return p.to_dict()

    # -- terms ------------------------------------------------------------------------
    @api.get("/terms", dependencies=[limit_read], summary="Key terms for professionals")
    async def term_list() -> dict[str, Any]:
        return {"terms": list(KEY_TERMS)}

    @api.get("/terms/{term}", dependencies=[limit_read], summary="Passages that define a term")
    async def term(term: str, k: int = Query(5, ge=1, le=20)) -> dict[str, Any]:
        if not term.strip() or len(term) > 80:
            raise ApiError(400, "Give a term of 1–80 characters.")
        hits = await call(terms.definitions, term, k)
        return {"term": term, "results": [h.to_dict() for h in hits]}

    # -- feedback and state -------------------------------------------------------------
    @api.post("/feedback", dependencies=[limit_read], summary="Thumbs up or down on an answer")
    async def feedback(body: FeedbackBody):
        ok = await call(save_feedback, settings, answer=body.answer, rating=body.rating,
                        question_id=body.question_id, comment=body.comment, question=body.question)
        if not ok:
            return JSONResponse({"saved": False, "error": "Feedback could not be saved right now."},
                                status_code=503)
        return {"saved": True}

    @api.get("/health", summary="Index, model and store state (503 when not ready)")
    async def health():
        try:
            info = await call(assistant.health)
        except SelvhjelpError as e:
            info = {"ok": False, "error": str(e)}
        return JSONResponse(info, status_code=200 if info.get("ok") else 503)

    # -- operator ----------------------------------------------------------------------
    def operator(request: Request) -> None:
        token = settings.api_token
        if not token:
            raise ApiError(403, "Operator endpoints are off: set SELVHJELP_API_TOKEN to enable them.")
        auth = request.headers.get("authorization", "")
        if not auth.lower().startswith("bearer "):
            raise ApiError(401, "A bearer token is required.", {"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(auth[7:].strip().encode(), token.encode()):
            raise ApiError(403, "The token is not valid.")

    @api.post("/ingest", dependencies=[Depends(operator)], summary="Update the index (operator)")
    def ingest() -> dict[str, Any]:
        """Incremental: only new or changed passages are embedded. Needs the bearer token."""
        if not ingest_lock.acquire(blocking=False):
            raise ApiError(409, "An ingest is already running.")
        try:
            report = assistant.ingest(progress=False)
        finally:
            ingest_lock.release()
        terms.clear()
        return report.to_dict()

    app.include_router(api)
    return app
