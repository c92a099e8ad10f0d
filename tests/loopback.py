"""Loopback-only HTTP test servers and a guard against any other traffic.

Tests talk only to loopback (127.0.0.0/8, ::1). "Allowed" servers run on
127.0.0.2 / 127.0.0.3 (exempted through FetchPolicy.allow_networks); the
forbidden target is a recording server on 127.0.0.1 that must never see a
request. The `loopback_only` and `recorder` fixtures live in conftest.py.
"""

from __future__ import annotations

import ipaddress
import socket
import socketserver
import ssl
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

GOOD = "127.0.0.2"
GOOD2 = "127.0.0.3"
FORBIDDEN = "127.0.0.1"
ALLOW = (f"{GOOD}/32", f"{GOOD2}/32")


# --------------------------------------------------------------------------
# Safety net: loopback only, no real DNS.


def _is_loopback(host: object) -> bool:
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return False


def _is_numeric(host: object) -> bool:
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    try:
        ipaddress.ip_address(str(host).split("%")[0])
        return True
    except ValueError:
        return False


def guard_loopback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt to connect off loopback or to resolve a real name."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo

    def connect(self: socket.socket, address: object) -> None:
        if not (isinstance(address, tuple) and _is_loopback(address[0])):
            raise AssertionError(f"test tried to connect to non-loopback {address!r}")
        return real_connect(self, address)

    def connect_ex(self: socket.socket, address: object) -> int:
        if not (isinstance(address, tuple) and _is_loopback(address[0])):
            raise AssertionError(f"test tried to connect to non-loopback {address!r}")
        return real_connect_ex(self, address)

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
        if not _is_numeric(host):
            raise AssertionError(f"test tried to resolve {host!r} with the system resolver")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    def no_lookup(*args: object, **kwargs: object) -> None:
        raise AssertionError("test tried a system DNS lookup")

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    for name in ("gethostbyname", "gethostbyname_ex", "gethostbyaddr"):
        monkeypatch.setattr(socket, name, no_lookup)


# --------------------------------------------------------------------------
# Recording loopback HTTP servers.


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


Route = Callable[["_Handler"], None]


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self, address: tuple[str, int], routes: dict[str, Route], family: int) -> None:
        self.address_family = family
        self.routes = routes
        self.requests: list[Seen] = []
        super().__init__(address, _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind calls socket.getfqdn(): a reverse DNS lookup.
        socketserver.TCPServer.server_bind(self)
        self.server_name = "localhost"
        self.server_port = self.server_address[1]

    @property
    def port(self) -> int:
        return int(self.server_address[1])


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self.server.requests.append(
            Seen(self.path, {k.lower(): v for k, v in self.headers.items()})
        )
        self.close_connection = True
        route = self.server.routes.get(urlsplit(self.path).path, reply(404, b"not here"))
        try:
            route(self)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            pass  # the client gave up (on purpose, in the cap tests)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass


def reply(status: int, body: bytes = b"", headers: Iterable[tuple[str, str]] = ()) -> Route:
    def route(h: _Handler) -> None:
        h.send_response(status)
        for name, value in headers:
            h.send_header(name, value)
        h.send_header("Content-Length", str(len(body)))
        h.send_header("Connection", "close")
        h.end_headers()
        h.wfile.write(body)

    return route


def stream(make_chunks: Callable[[], Iterable[bytes]], headers: Iterable[tuple[str, str]] = ()) -> Route:
    """A body without Content-Length, ended by closing the connection."""

    def route(h: _Handler) -> None:
        h.send_response(200)
        for name, value in headers:
            h.send_header(name, value)
        h.send_header("Connection", "close")
        h.end_headers()
        for chunk in make_chunks():
            h.wfile.write(chunk)
            h.wfile.flush()

    return route


def redirect(status: int, location: str) -> Route:
    return reply(status, b"", [("Location", location)])


@contextmanager
def serve(
    host: str,
    routes: dict[str, Route] | None = None,
    port: int = 0,
    wrap: Callable[[socket.socket], socket.socket] | None = None,
) -> Iterator[_Server]:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    server = _Server((host, port), routes or {}, family)
    if wrap is not None:
        server.socket = wrap(server.socket)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def forbidden_recorder() -> Iterator[_Server]:
    """The forbidden target on 127.0.0.1: it must never see a request."""
    with serve(FORBIDDEN, {"/": reply(200, b"SECRET"), "/latest/meta-data/": reply(200, b"SECRET")}) as srv:
        yield srv


@contextmanager
def serve_pair(good_routes: dict[str, Route]) -> Iterator[tuple[_Server, _Server]]:
    """A good server on 127.0.0.2 and a recorder on 127.0.0.1, SAME port."""
    for _ in range(20):
        with serve(GOOD, good_routes) as good:
            try:
                bad_cm = serve(FORBIDDEN, {"/": reply(200, b"SECRET")}, port=good.port)
                bad = bad_cm.__enter__()
            except OSError:
                continue  # port taken on 127.0.0.1: try another
            try:
                yield good, bad
            finally:
                bad_cm.__exit__(None, None, None)
            return
    raise RuntimeError("could not find a port free on both addresses")


class MapResolver:
    """Resolver over a fixed table; records calls; unknown names fail like DNS."""

    def __init__(self, table: dict[str, list[str]]) -> None:
        self.table = table
        self.calls: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.calls.append(host)
        if host not in self.table:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return list(self.table[host])
