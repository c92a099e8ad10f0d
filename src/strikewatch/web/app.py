"""The workbench application: FastAPI on uvicorn over one strikewatch database.

``create_app(WebConfig(db_path=…))`` builds it; ``strikewatch serve`` runs it.
Request handlers are plain (synchronous) functions, so FastAPI runs them on
its worker threads; each thread keeps its own SQLite connection (WAL lets
readers and one writer work at once). Every response carries a strict
Content-Security-Policy (no inline script, no third-party origin unless a
tile server is configured) and ``frame-ancestors 'none'``.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import OrderedDict
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, AsyncIterator, Callable
from urllib.parse import quote, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..errors import StrikewatchError
from ..store.repo import Store
from .auth import RateLimiter
from .deps import LENT_KEY

log = logging.getLogger("strikewatch.web")
STATIC = Path(__file__).parent / "static"

#: HTTP status of each error code the application answers with
STATUS = {"not_found": 404, "unauthorized": 401, "forbidden": 403, "csrf_failed": 403, "rate_limited": 429,
          "conflict": 409, "too_large": 413, "internal": 500, "db_error": 503}


@dataclass
class WebConfig:
    db_path: str | Path
    tile_url: str | None = None            # a tile server, e.g. "https://tiles.example/{z}/{x}/{y}.png"
    tile_attribution: str | None = None
    secure_cookies: bool | None = None     # None: when the request came over https
    max_upload_bytes: int = 20 * 1024 * 1024
    session_hours: float = 12.0
    login_limit: int = 5                   # failed logins per account and per address a minute
    extra: dict[str, Any] = field(default_factory=dict)


class StorePool:
    """Open stores, each lent to one request at a time.

    A request's dependencies and its handler may run on different worker
    threads, so a store per thread would be shared by concurrent requests; a
    store is lent to the request instead and returned when the
    response is done (:class:`ReturnStores`, :func:`deps.lend`)."""

    def __init__(self, path: str | Path) -> None:
        self.path = path
        self._free: queue.SimpleQueue[Store] = queue.SimpleQueue()
        self._all: list[Store] = []
        self._lock = threading.Lock()
        Store(path).close()  # create or migrate once, up front

    def acquire(self) -> Store:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            store = Store(self.path)
            store.tune_for_reading()  # reads of the index are the common case
            with self._lock:
                self._all.append(store)
            return store

    def release(self, store: Store) -> None:
        if store.conn.in_transaction:  # pragma: no cover - a handler left one open
            store.conn.execute("ROLLBACK")
        store.actor = "web"
        self._free.put(store)

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                store.close()
            self._all.clear()


class ReturnStores:
    """Pure ASGI middleware: the store lent to a request goes back when it is done."""

    def __init__(self, app: Callable[..., Any], pool: StorePool) -> None:
        self.app, self.pool = app, pool

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        try:
            await self.app(scope, receive, send)
        finally:
            store = scope.pop(LENT_KEY, None)
            if store is not None:
                self.pool.release(store)


class AnswerCache:
    """Recent answers computed from the incident index, each kept with the index
    version it was computed at and served only while that version is current
    (so never stale); the least recently used go first."""

    def __init__(self, entries: int = 64, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.entries, self.max_bytes = entries, max_bytes
        self._items: OrderedDict[Any, tuple[int, bytes]] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Any, version: int) -> bytes | None:
        with self._lock:
            found = self._items.get(key)
            if found is None or found[0] != version:
                return None
            self._items.move_to_end(key)
            return found[1]

    def put(self, key: Any, version: int, body: bytes) -> None:
        with self._lock:
            old = self._items.pop(key, None)
            self._bytes -= len(old[1]) if old else 0
            self._items[key] = (version, body)
            self._bytes += len(body)
            while self._items and (len(self._items) > self.entries or self._bytes > self.max_bytes):
                self._bytes -= len(self._items.popitem(last=False)[1][1])


def csp(config: WebConfig) -> str:
    img = "'self' data:"
    if config.tile_url:
        parts = urlsplit(config.tile_url)
        img += f" {parts.scheme}://{parts.netloc.replace('{s}', '*')}"
    return ("default-src 'none'; script-src 'self'; style-src 'self'; img-src " + img + "; connect-src 'self';"
            " font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every response."""

    def __init__(self, app: Callable[..., Any], policy: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", policy.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"geolocation=(), camera=(), microphone=()"),
        ]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/static/")

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k for k, _ in headers}
                headers += [h for h in self.headers if h[0] not in names]
                if not static and b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


def wants_html(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get("accept", "")


def error_response(request: Request, status: int, code: str, message: str,
                   details: list[Any] | None = None, headers: dict[str, str] | None = None) -> Response:
    if wants_html(request):
        if code == "unauthorized":
            return RedirectResponse("/login?next=" + quote(request.url.path, safe="/"), status_code=303)
        from .pages import error_page

        return error_page(request, status, code, message)
    body: dict[str, Any] = {"error": {"code": code, "message": message, "status": status}}
    if details:
        body["error"]["details"] = details
    return JSONResponse(body, status_code=status, headers=headers)


def create_app(config: WebConfig) -> FastAPI:
    from . import api, pages

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.stores.close()

    app = FastAPI(
        lifespan=lifespan,
        title="strikewatch", version=__version__,
        description="Incidents of attacks on civilians, every figure traceable to its source. "
                    "Authenticate with a session cookie (browser) or `Authorization: Bearer <token>`.",
        docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json",
    )
    app.state.config = config
    app.state.stores = StorePool(config.db_path)
    app.state.login_limiter = RateLimiter(limit=config.login_limit)
    app.state.answers = AnswerCache()

    @app.exception_handler(StrikewatchError)
    def _known(request: Request, exc: StrikewatchError) -> Response:
        status = STATUS.get(exc.code, 400)
        headers = {"Retry-After": str(getattr(exc, "retry_after", 60))} if status in (429, 503) else None
        return error_response(request, status, exc.code, exc.message, headers=headers)

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        details = [{"loc": [str(p) for p in e.get("loc", ())], "message": e.get("msg", "")} for e in exc.errors()]
        return error_response(request, 422, "bad_request", "the request is not valid", details)

    @app.exception_handler(StarletteHTTPException)
    def _http(request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 401: "unauthorized", 403: "forbidden", 413: "too_large"}.get(exc.status_code,
                                                                                              "bad_request")
        return error_response(request, exc.status_code, code, str(exc.detail))

    @app.exception_handler(Exception)
    def _bug(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "internal", "an unexpected error; it has been logged")

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders, policy=csp(config))
    app.add_middleware(ReturnStores, pool=app.state.stores)
    return app


#: the environment ``strikewatch serve --workers N`` hands its worker processes
ENV_CONFIG = {"db_path": "STRIKEWATCH_DB", "tile_url": "STRIKEWATCH_TILE_URL",
              "tile_attribution": "STRIKEWATCH_TILE_ATTRIBUTION", "secure_cookies": "STRIKEWATCH_SECURE_COOKIES"}


def from_environment() -> FastAPI:
    """The app of one worker process (uvicorn's factory), configured by :data:`ENV_CONFIG`."""
    import os

    values: dict[str, Any] = {k: os.environ.get(v) or None for k, v in ENV_CONFIG.items()}
    if values["secure_cookies"] is not None:
        values["secure_cookies"] = values["secure_cookies"] == "1"
    return create_app(WebConfig(**values))
