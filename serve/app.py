"""The FastAPI application: extraction endpoints, model info, health, metrics and the demo page."""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from model.extractor import Document, Extractor
from serve.scheduler import BatchScheduler, QueueFull
from serve.schemas import BatchRequest, BatchResponse, DocumentRecord, ErrorBody, ExtractRequest, ModelInfo
from serve.settings import ServeSettings

log = logging.getLogger("zsie.serve")
DEMO_PAGE = Path(__file__).with_name("demo.html")
ERRORS = {413: {"model": ErrorBody}, 422: {"model": ErrorBody}, 503: {"model": ErrorBody}, 504: {"model": ErrorBody}}


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

    def run_batch(documents: list[Document]) -> list[dict]:
        return state["extractor"].extract_many(documents, batch_size=len(documents))

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
            run_batch,
            max_batch_chars=settings.batch_chars,
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

    @app.exception_handler(RequestValidationError)
    async def invalid_body(request: Request, exc: RequestValidationError):
        problems = [
            {"loc": list(e.get("loc", [])), "msg": e.get("msg", ""), "type": e.get("type", "")} for e in exc.errors()
        ]
        return JSONResponse({"detail": problems}, status_code=422)

    async def run(documents: list[ExtractRequest]) -> list[dict]:
        if not state["ready"]:
            raise HTTPException(503, "the model is still loading")
        for index, doc in enumerate(documents):
            if len(doc.text) > settings.max_chars:
                where = f"document {index}" if len(documents) > 1 else "text"
                raise HTTPException(413, f"{where} has {len(doc.text)} characters; the limit is {settings.max_chars}")
        scheduler: BatchScheduler = state["scheduler"]
        metrics.queue_depth.set(scheduler.depth() + len(documents))
        try:
            return await asyncio.wait_for(
                scheduler.submit([Document(d.text, d.id, d.doc_date) for d in documents]), settings.request_timeout_s
            )
        except TimeoutError:
            raise HTTPException(
                504, f"extraction took longer than {settings.request_timeout_s:g} s; try a shorter text"
            ) from None
        except QueueFull as err:
            raise HTTPException(503, str(err)) from None
        finally:
            metrics.queue_depth.set(scheduler.depth())

    @app.post("/v1/extract", response_model=DocumentRecord, responses=ERRORS)
    async def extract(body: ExtractRequest):
        return (await run([body]))[0]

    @app.post("/v1/extract/batch", response_model=BatchResponse, responses=ERRORS)
    async def extract_batch(body: BatchRequest):
        if len(body.documents) > settings.max_batch_documents:
            raise HTTPException(
                413, f"{len(body.documents)} documents; the limit is {settings.max_batch_documents} per request"
            )
        return {"results": await run(body.documents)}

    @app.get("/v1/model", response_model=ModelInfo, responses=ERRORS)
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

    @app.get("/metrics")
    async def prometheus_metrics():
        if "scheduler" in state:
            metrics.queue_depth.set(state["scheduler"].depth())
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/", response_class=HTMLResponse)
    async def demo():
        return HTMLResponse(DEMO_PAGE.read_text(encoding="utf-8"))

    return app
