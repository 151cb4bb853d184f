"""The FastAPI application: extraction endpoints, model info, health, metrics and the demo page."""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from starlette.exceptions import HTTPException as StarletteHTTPException

from model.extractor import Document, Extractor
from serve.scheduler import BatchScheduler, QueueFull
from serve.schemas import BatchRequest, BatchResponse, DocumentRecord, ErrorBody, ExtractRequest, ModelInfo
from serve.settings import ServeSettings

log = logging.getLogger("zsie.serve")
DEMO_PAGE = Path(__file__).with_name("demo.html")
ERRORS = {
    401: {"model": ErrorBody},
    413: {"model": ErrorBody},
    422: {"model": ErrorBody},
    503: {"model": ErrorBody},
    504: {"model": ErrorBody},
}
DISCONNECT_POLL_S = 0.25  # how often a waiting request checks that its client is still there


def body_limit_message(max_bytes: int, length: int | None = None) -> str:
    size = f"{length} bytes" if length is not None else "more bytes"
    return (
        f"the request body has {size} than the limit of {max_bytes} bytes (ZSIE_MAX_BODY_BYTES); "
        "send fewer or shorter documents per request"
    )


class BodyLimit:
    """413 for a request body over `max_bytes`, before any of it is parsed: at once from Content-Length, or
    as soon as a chunked body passes the limit."""

    def __init__(self, app, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or []).get(b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_bytes:
            return await self._refuse(send, int(length))
        received = 0
        started = refused = False

        async def limited_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:  # answer now; the app sees a client that left
                    refused = True
                    if not started:
                        await self._refuse(send, None)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message):
            nonlocal started
            if refused:
                return  # the 413 is the answer
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not refused:
                raise

    async def _refuse(self, send, length: int | None) -> None:
        body = json.dumps({"detail": body_limit_message(self.max_bytes, length)}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class ExtractorEngine:
    """The scheduler's engine: the service's current extractor, looked up for every step."""

    def __init__(self, state: dict):
        self.state = state

    @property
    def pass_tokens(self) -> int:
        return self.state["extractor"].pass_tokens

    @property
    def min_fill(self) -> float:
        return self.state["extractor"].min_fill

    def prepare(self, document):
        return self.state["extractor"].prepare_document(document)

    def run_pass(self, units) -> None:
        self.state["extractor"].run_pass(units)

    def finish(self, state):
        return self.state["extractor"].finish_document(state)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter("zsie_requests", "HTTP requests", ["path", "status"], registry=self.registry)
        self.latency = Histogram(
            "zsie_request_seconds",
            "request latency",
            ["path"],
            registry=self.registry,
            buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
        )
        self.batch_documents = Histogram(
            "zsie_batch_documents",
            "documents per model batch",
            registry=self.registry,
            buckets=(1, 2, 4, 8, 16, 32, 64, 128, 256),
        )
        self.characters = Counter("zsie_characters", "characters processed", registry=self.registry)
        self.queue_depth = Gauge("zsie_queue_depth", "documents waiting for the model", registry=self.registry)


def create_app(settings: ServeSettings | None = None, extractor: Extractor | None = None) -> FastAPI:
    """The service. `extractor` may be given (tests pass a tiny model); else it is loaded from settings."""
    settings = settings or ServeSettings()
    metrics = Metrics()
    state: dict = {"ready": False}
    keys = [k.encode("utf-8") for k in settings.keys()]

    def on_batch(n_docs: int, n_chars: int) -> None:
        metrics.batch_documents.observe(n_docs)
        metrics.characters.inc(n_chars)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        ex = extractor or Extractor.load(
            settings.model_dir,
            device=settings.device,
            int8=settings.int8,
            threads=settings.torch_threads,
            max_batch_tokens=settings.max_batch_tokens,
        )
        state["extractor"] = ex
        if extractor is not None and settings.max_batch_tokens:
            ex.predictor.max_batch_tokens = settings.max_batch_tokens
        scheduler = BatchScheduler(
            ExtractorEngine(state),
            max_wait_ms=settings.max_wait_ms,
            max_queue=settings.max_queue_documents,
            on_batch=on_batch,
            max_batch_documents=settings.batch_documents,
        )
        scheduler.start()
        state["scheduler"] = scheduler
        await asyncio.get_running_loop().run_in_executor(
            None, ex.extract, "市委书记王建国出席会议，签约50亿元。"
        )  # warm-up
        state["ready"] = True
        log.info("ready: model %s on %s (%s)", ex.name, ex.device, ex.dtype)
        yield
        state["ready"] = False
        await asyncio.get_running_loop().run_in_executor(None, scheduler.stop)  # finish in-flight work
        log.info("stopped")

    app = FastAPI(
        title="zhaoshang-ie",
        version="0.1.0",
        lifespan=lifespan,
        description="Officials, money amounts, project counts, rates and strategies from Chinese investment-promotion news.",
    )
    app.state.settings = settings
    app.state.metrics = metrics
    app.state.runtime = state

    @app.middleware("http")
    async def count_requests(request: Request, call_next):
        started = time.monotonic()
        try:
            response = await call_next(request)
        except Exception:  # never a bare 500 page: log and answer with a message
            log.exception("unhandled error on %s", request.url.path)
            response = JSONResponse(
                {"detail": "internal error while extracting; the service keeps running"}, status_code=503
            )
        path = request.scope.get("route").path if request.scope.get("route") else "other"
        metrics.requests.labels(path, str(response.status_code)).inc()
        metrics.latency.labels(path).observe(time.monotonic() - started)
        return response

    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)
    if settings.origins():
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.origins(),
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )

    def require_key(request: Request) -> None:
        """With API keys set: `Authorization: Bearer <key>` or `X-API-Key: <key>`, compared in constant time."""
        if not keys:
            return
        given = request.headers.get("x-api-key")
        if given is None:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            given = token.strip() if scheme.lower() == "bearer" else None
        if given is not None:
            candidate = given.encode("utf-8", "surrogateescape")
            matched = False
            for key in keys:  # every key compared, so the time does not tell which one nearly matched
                matched |= hmac.compare_digest(candidate, key)
            if matched:
                return
        detail = (
            "an API key is needed: Authorization: Bearer <key> or X-API-Key: <key>"
            if given is None
            else "wrong API key"
        )
        raise HTTPException(401, detail, headers={"WWW-Authenticate": "Bearer"})

    keyed = [Depends(require_key)]

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        cause = exc.__cause__
        if exc.status_code == 400 and isinstance(cause, UnicodeDecodeError):  # FastAPI's "error parsing the body"
            return JSONResponse(
                {
                    "detail": [
                        {
                            "loc": ["body", cause.start],
                            "type": "unicode_decode",
                            "msg": f"the body is not valid UTF-8 (byte {cause.start}); send JSON in UTF-8",
                        }
                    ]
                },
                status_code=422,
            )
        return await http_exception_handler(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError):
        problems = [
            {"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        return JSONResponse({"detail": problems}, status_code=422)

    async def run(request: Request, documents: list[ExtractRequest]) -> list[dict]:
        if not state["ready"]:
            raise HTTPException(503, "the model is still loading")
        for index, doc in enumerate(documents):
            if len(doc.text) > settings.max_chars:
                where = f"document {index}" if len(documents) > 1 else "text"
                raise HTTPException(413, f"{where} has {len(doc.text)} characters; the limit is {settings.max_chars}")
        total = sum(len(doc.text) for doc in documents)
        if total > settings.max_request_chars:
            raise HTTPException(
                413,
                f"the request has {total} characters in all; the limit is {settings.max_request_chars} "
                "per request (ZSIE_MAX_REQUEST_CHARS): split it into several requests",
            )
        scheduler: BatchScheduler = state["scheduler"]
        deadline = time.monotonic() + settings.request_timeout_s
        timeout = HTTPException(
            504, f"extraction took longer than {settings.request_timeout_s:g} s; try a shorter text"
        )
        task = asyncio.ensure_future(
            scheduler.submit([Document(d.text, d.id, d.doc_date) for d in documents], deadline)
        )
        metrics.queue_depth.set(scheduler.depth())
        try:
            while True:  # wait for the result; drop the work when the deadline passes or the client leaves
                left = deadline - time.monotonic()
                if left <= 0:
                    raise timeout
                done, _ = await asyncio.wait({task}, timeout=min(DISCONNECT_POLL_S, left))
                if done:
                    return task.result()
                if await request.is_disconnected():
                    log.info("client left; its queued work is dropped")
                    raise HTTPException(499, "the client closed the connection")
        except TimeoutError:  # the scheduler dropped it at the deadline (scheduler.Expired)
            raise timeout from None
        except QueueFull as err:
            raise HTTPException(503, str(err)) from None
        finally:
            if not task.done():
                task.cancel()  # the scheduler sees the cancelled request and never runs what is left of it
            metrics.queue_depth.set(scheduler.depth())

    @app.post("/v1/extract", response_model=DocumentRecord, responses=ERRORS, dependencies=keyed)
    async def extract(body: ExtractRequest, request: Request):
        return (await run(request, [body]))[0]

    @app.post("/v1/extract/batch", response_model=BatchResponse, responses=ERRORS, dependencies=keyed)
    async def extract_batch(body: BatchRequest, request: Request):
        if len(body.documents) > settings.max_batch_documents:
            raise HTTPException(
                413, f"{len(body.documents)} documents; the limit is {settings.max_batch_documents} per request"
            )
        return {"results": await run(request, body.documents)}

    @app.get("/v1/model", response_model=ModelInfo, responses=ERRORS, dependencies=keyed)
    async def model_info():
        if "extractor" not in state:
            raise HTTPException(503, "the model is still loading")
        ex: Extractor = state["extractor"]
        cfg = ex.model.config
        return {
            "name": cfg.name,
            "version": cfg.version,
            "labels": cfg.labels,
            "relation_types": cfg.relation_types,
            "device": str(ex.device),
            "dtype": ex.dtype,
            "base_model": cfg.base_model,
            "metrics": cfg.metrics,
        }

    @app.get("/healthz")
    async def healthz():
        return {"status": "alive"}

    @app.get("/readyz", responses={503: {"model": ErrorBody}})
    async def readyz():
        if not state["ready"]:
            return JSONResponse({"detail": "loading"}, status_code=503)
        return {"status": "ready"}

    @app.get("/metrics", dependencies=keyed if settings.metrics_need_key else [])
    async def prometheus_metrics():
        if "scheduler" in state:
            metrics.queue_depth.set(state["scheduler"].depth())
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/", response_class=HTMLResponse)
    async def demo():
        return HTMLResponse(DEMO_PAGE.read_text(encoding="utf-8"))

    return app
