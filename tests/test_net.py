"""Tests for strikewatch.ingest.net.

Traffic rule: these tests only ever talk to loopback (127.0.0.0/8, ::1).
An autouse guard makes any other connect(), and any use of the system
resolver for a real name, fail the test loudly. Allowed ("public") servers
run on 127.0.0.2 / 127.0.0.3, exempted through FetchPolicy.allow_networks;
the forbidden target is a recording server on 127.0.0.1 that must never see
a request.
"""

from __future__ import annotations

import gzip
import ipaddress
import shutil
import socket
import ssl
import subprocess
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import brotli
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from strikewatch.errors import BlockedAddress, FetchError, TooLarge
from strikewatch.ingest.net import (
    FetchPolicy,
    FetchResult,
    check_ip,
    decompress_capped,
    fetch,
    parse_host,
)

MB = 1024 * 1024

from .loopback import (
    ALLOW, FORBIDDEN, GOOD, GOOD2, MapResolver, Route, _Handler, _Server,
    redirect, reply, serve, serve_pair, stream,
)

pytestmark = pytest.mark.usefixtures("loopback_only")


def good_policy(**kwargs: object) -> FetchPolicy:
    resolver = kwargs.pop("resolver", None) or MapResolver(
        {"news.test": [GOOD], "news2.test": [GOOD2], "evil.test": [FORBIDDEN]}
    )
    defaults: dict[str, object] = {"allow_networks": ALLOW, "timeout": 5.0, "resolver": resolver}
    defaults.update(kwargs)
    return FetchPolicy(**defaults)  # type: ignore[arg-type]


# --------------------------------------------------------------------------
# Address policy (pure: no traffic).

BLOCKED_IPS = [
    "127.0.0.1", "127.255.255.254", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
    "169.254.169.254", "169.254.0.1", "100.64.0.1", "100.127.255.255", "0.0.0.0", "0.1.2.3",
    "224.0.0.1", "239.255.255.250", "240.0.0.1", "255.255.255.255", "198.18.0.1", "198.19.255.255",
    "192.0.2.1", "198.51.100.7", "203.0.113.9", "192.0.0.8", "192.88.99.1",
    "::1", "::", "fc00::1", "fd12:3456::1", "fd00:ec2::254", "fe80::1", "fe80::1%1", "fec0::1",
    "ff02::1", "ff0e::1", "2001:db8::1", "100::1", "3fff::1",
    "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:169.254.169.254", "::ffff:10.0.0.1",
    "::127.0.0.1", "::ffff:0:7f00:1",
    "64:ff9b::7f00:1", "64:ff9b::a9fe:a9fe", "64:ff9b:1::808:808",
    "2002:7f00:1::1", "2002:a9fe:a9fe::1", "2002:c0a8:101::1",
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "2001::1",
]

PUBLIC_IPS = [
    "8.8.8.8", "1.1.1.1", "11.0.0.1", "172.32.0.1", "100.128.0.1", "198.20.0.1",
    "2606:4700:4700::1111", "2a00:1450:4001:80b::200e",
    "::ffff:8.8.8.8", "64:ff9b::808:808", "2002:808:808::1",
]


@pytest.mark.parametrize("ip", BLOCKED_IPS)
def test_check_ip_blocks_non_public(ip: str) -> None:
    with pytest.raises(BlockedAddress) as info:
        check_ip(ip)
    assert info.value.code == "blocked_address"


@pytest.mark.parametrize("ip", PUBLIC_IPS)
def test_check_ip_allows_public(ip: str) -> None:
    assert check_ip(ip) == ipaddress.ip_address(ip)


def test_check_ip_allow_networks_exempts_only_what_is_listed() -> None:
    policy = FetchPolicy(allow_networks=("127.0.0.2/32", "fd00::/8"))
    assert str(check_ip("127.0.0.2", policy)) == "127.0.0.2"
    assert str(check_ip("fd00::5", policy)) == "fd00::5"
    with pytest.raises(BlockedAddress):
        check_ip("127.0.0.1", policy)
    with pytest.raises(BlockedAddress):
        check_ip("169.254.169.254", policy)


def test_check_ip_rejects_garbage() -> None:
    with pytest.raises(BlockedAddress):
        check_ip("not-an-ip")


def test_policy_validates_networks() -> None:
    with pytest.raises(ValueError):
        FetchPolicy(allow_networks=("not-a-cidr",))
    with pytest.raises(ValueError):
        FetchPolicy(allow_networks="127.0.0.2/32")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "spelling",
    ["127.1", "0x7f000001", "2130706433", "0177.0.0.1", "0x7f.1", "0x7F.0.0.1", "127.0.0.1.",
     "017700000001", "127.0.1", "[::ffff:7f00:1]", "[::ffff:127.0.0.1]"],
)
def test_parse_host_normalises_numeric_spellings(spelling: str) -> None:
    addr = parse_host(spelling)
    assert not isinstance(addr, str)
    if addr.version == 6:
        assert addr.ipv4_mapped == ipaddress.IPv4Address("127.0.0.1")
    else:
        assert addr == ipaddress.IPv4Address("127.0.0.1")


def test_parse_host_names() -> None:
    assert parse_host("News.Test.") == "news.test"
    assert parse_host("bücher.example") == "xn--bcher-kva.example"
    assert parse_host("0") == ipaddress.IPv4Address("0.0.0.0")


@pytest.mark.parametrize("bad", ["1.2.3.4.5", "08.0.0.1", "256.0.0.1", "foo.123", "a..b", "", "[1.2.3.4]", "[::zz]", "a b"])
def test_parse_host_rejects_invalid(bad: str) -> None:
    with pytest.raises(FetchError) as info:
        parse_host(bad)
    assert info.value.code == "bad_url"


# --------------------------------------------------------------------------
# URL validation (refused before any resolution or connection).


@pytest.mark.parametrize(
    "url",
    ["file:///etc/passwd", "FILE:///etc/passwd", "ftp://127.0.0.1/", "gopher://127.0.0.1:70/_x",
     "data:text/plain,hi", "javascript:alert(1)", "dict://127.0.0.1:11211/", "ldap://x/",
     "news.test/feed", "//news.test/feed", "jar:http://x/!/", "view-source:http://news.test/"],
)
def test_bad_scheme(url: str, recorder: _Server) -> None:
    resolver = MapResolver({})
    with pytest.raises(FetchError) as info:
        fetch(url, FetchPolicy(resolver=resolver))
    assert info.value.code == "bad_scheme"
    assert resolver.calls == [] and recorder.requests == []


@pytest.mark.parametrize(
    "url",
    ["http://", "http:///path", "http://[::1", "http://news.test:99999/", "http://news.test:0/",
     "http://news.test:x/", "http://ne ws.test/", "http://news.test/\r\nX-Injected: 1",
     "http://news.test\\@127.0.0.1/", "http://foo.123/", "http://a..b/", 42],
)
def test_bad_url(url: object) -> None:
    resolver = MapResolver({"news.test": [GOOD]})
    with pytest.raises(FetchError) as info:
        fetch(url, good_policy(resolver=resolver))  # type: ignore[arg-type]
    assert info.value.code == "bad_url"
    assert resolver.calls == []


# --------------------------------------------------------------------------
# Blocked before connecting: the recorder on 127.0.0.1 sees nothing.


@pytest.mark.parametrize(
    "netloc",
    ["127.0.0.1:{p}", "127.1:{p}", "0x7f000001:{p}", "2130706433:{p}", "0177.0.0.1:{p}",
     "0x7f.1:{p}", "127.0.0.1.:{p}", "[::ffff:7f00:1]:{p}", "[::ffff:127.0.0.1]:{p}",
     "[::1]:{p}", "example.org@127.0.0.1:{p}", "news.test:443@127.0.0.1:{p}",
     "evil.test:{p}", "EVIL.test.:{p}", "localhost:{p}", "mixed.test:{p}", "mapped.test:{p}",
     "meta.test:{p}"],
)
def test_blocked_hosts_never_reach_the_server(netloc: str, recorder: _Server) -> None:
    resolver = MapResolver({
        "evil.test": [FORBIDDEN],
        "localhost": [FORBIDDEN, "::1"],
        "mixed.test": ["8.8.8.8", FORBIDDEN],  # one bad answer refuses all
        "mapped.test": ["::ffff:127.0.0.1"],
        "meta.test": ["169.254.169.254"],
    })
    url = f"http://{netloc.format(p=recorder.port)}/"
    for policy in (FetchPolicy(resolver=resolver), good_policy(resolver=resolver)):
        with pytest.raises(BlockedAddress) as info:
            fetch(url, policy)
        assert info.value.code == "blocked_address"
    assert recorder.requests == []


def test_any_non_public_answer_refuses_even_if_first_is_allowed() -> None:
    # 127.0.0.2 stands in for a public address: a fetch that only checked the
    # first answer would reach it, and the server would see a request.
    with serve_pair({"/": reply(200, b"ok")}) as (good, bad):
        resolver = MapResolver({"news.test": [GOOD, FORBIDDEN]})
        with pytest.raises(BlockedAddress):
            fetch(f"http://news.test:{good.port}/", good_policy(resolver=resolver))
        assert good.requests == [] and bad.requests == []


def test_default_resolver_is_checked_too(monkeypatch: pytest.MonkeyPatch, recorder: _Server) -> None:
    guarded = socket.getaddrinfo

    def fake_getaddrinfo(host: str, port: object, *args: object, **kwargs: object) -> list:
        if host == "sneaky.test":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (FORBIDDEN, port))]
        return guarded(host, port, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", fake_getaddrinfo)
    with pytest.raises(BlockedAddress):
        fetch(f"http://sneaky.test:{recorder.port}/")
    assert recorder.requests == []


# --------------------------------------------------------------------------
# Successful fetches, pinned to the checked address.

FEED = b'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title></channel></rss>'


def test_fetch_ok_sends_original_host_and_returns_metadata() -> None:
    headers = [
        ("Content-Type", "application/rss+xml; charset=UTF-8"),
        ("ETag", '"v1"'),
        ("Last-Modified", "Tue, 07 May 2024 10:00:00 GMT"),
        ("X-Dup", "a"),
        ("X-Dup", "b"),
    ]
    with serve(GOOD, {"/feed.xml": reply(200, FEED, headers)}) as good:
        resolver = MapResolver({"news.test": [GOOD]})
        result = fetch(
            f"http://user:pw@News.Test.:{good.port}/feed.xml?a=1#frag",
            good_policy(resolver=resolver),
        )
    assert isinstance(result, FetchResult)
    assert result.status == 200 and not result.not_modified
    assert result.body == FEED
    assert result.url == f"http://news.test:{good.port}/feed.xml?a=1"
    assert result.content_type == "application/rss+xml"
    assert result.charset == "utf-8"
    assert result.etag == '"v1"'
    assert result.last_modified == "Tue, 07 May 2024 10:00:00 GMT"
    assert result.headers["x-dup"] == "a, b"
    assert all(k == k.lower() for k in result.headers)
    assert resolver.calls == ["news.test"]
    [seen] = good.requests
    assert seen.path == "/feed.xml?a=1"
    assert seen.headers["host"] == f"news.test:{good.port}"
    assert seen.headers["user-agent"].startswith("strikewatch/")
    assert "gzip" in seen.headers["accept-encoding"] and "br" in seen.headers["accept-encoding"]
    assert "authorization" not in seen.headers  # userinfo is never sent


def test_spaces_and_non_ascii_in_path_are_quoted() -> None:
    with serve(GOOD, {"/a%20b/%C3%A9": reply(200, b"ok")}) as good:
        result = fetch(f"http://news.test:{good.port}/a b/é?q=x y", good_policy())
    assert result.body == b"ok"
    assert good.requests[0].path == "/a%20b/%C3%A9?q=x%20y"


def test_fetch_without_content_type() -> None:
    def bare(h: _Handler) -> None:
        h.send_response_only(200)
        h.send_header("Content-Length", "2")
        h.end_headers()
        h.wfile.write(b"hi")

    with serve(GOOD, {"/": bare}) as good:
        result = fetch(f"http://news.test:{good.port}/", good_policy())
    assert result.body == b"hi" and result.content_type is None and result.charset is None


@pytest.mark.parametrize("encoding", ["gzip", "x-gzip", "deflate", "br", "gzip, br"])
def test_fetch_decodes_content_encoding(encoding: str) -> None:
    body = FEED * 50
    with serve(GOOD, {"/": reply(200, _encode(body, encoding), [("Content-Encoding", encoding)])}) as good:
        result = fetch(f"http://news.test:{good.port}/", good_policy())
    assert result.body == body


def test_fetch_ipv6_loopback_when_allowed() -> None:
    try:
        ctx = serve("::1", {"/": reply(200, b"v6")})
        server = ctx.__enter__()
    except OSError:
        pytest.skip("no IPv6 loopback")
    try:
        result = fetch(f"http://[::1]:{server.port}/", FetchPolicy(allow_networks=("::1/128",)))
        assert result.body == b"v6"
        assert server.requests[0].headers["host"] == f"[::1]:{server.port}"
    finally:
        ctx.__exit__(None, None, None)


def test_dns_rebinding_connects_to_the_checked_address() -> None:
    """First answer 127.0.0.2 (allowed), every later one 127.0.0.1: a fetch
    that resolved again at connect time would hit the recorder."""
    calls: list[str] = []

    def rebinding(host: str, port: int) -> list[str]:
        calls.append(host)
        return [GOOD] if len(calls) == 1 else [FORBIDDEN]

    with serve_pair({"/": reply(200, b"good")}) as (good, bad):
        result = fetch(f"http://rebind.test:{good.port}/", good_policy(resolver=rebinding))
        assert result.body == b"good"
        assert len(good.requests) == 1 and good.requests[0].headers["host"] == f"rebind.test:{good.port}"
        assert bad.requests == []
    assert calls == ["rebind.test"]


# --------------------------------------------------------------------------
# Redirects.


def test_redirects_relative_and_absolute_each_hop_resolved() -> None:
    with serve(GOOD2, {"/end": reply(200, b"done")}) as second:
        routes = {
            "/start": redirect(301, "/step"),
            "/step": redirect(302, "next?x=1"),
            "/next": redirect(303, f"http://news2.test:{second.port}/end"),
        }
        with serve(GOOD, routes) as first:
            resolver = MapResolver({"news.test": [GOOD], "news2.test": [GOOD2]})
            result = fetch(f"http://news.test:{first.port}/start", good_policy(resolver=resolver))
    assert result.body == b"done"
    assert result.url == f"http://news2.test:{second.port}/end"
    assert [r.path for r in first.requests] == ["/start", "/step", "/next?x=1"]
    assert resolver.calls == ["news.test"] * 3 + ["news2.test"]


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_each_redirect_status_is_followed(status: int) -> None:
    with serve(GOOD, {"/a": redirect(status, "/b"), "/b": reply(200, b"b")}) as good:
        assert fetch(f"http://news.test:{good.port}/a", good_policy()).body == b"b"


@pytest.mark.parametrize(
    ("location", "code"),
    [
        ("http://127.0.0.1:{p}/", "blocked_address"),
        ("http://127.1:{p}/", "blocked_address"),
        ("http://[::ffff:127.0.0.1]:{p}/", "blocked_address"),
        ("http://evil.test:{p}/", "blocked_address"),
        ("//evil.test:{p}/", "blocked_address"),
        ("http://169.254.169.254/latest/meta-data/", "blocked_address"),
        ("http://[fd00:ec2::254]/latest/meta-data/", "blocked_address"),
        ("file:///etc/passwd", "bad_scheme"),
        ("gopher://127.0.0.1:{p}/_SECRET", "bad_scheme"),
        ("http://unknown.test/", "dns_failed"),
    ],
)
def test_redirect_to_forbidden_target_is_refused(location: str, code: str, recorder: _Server) -> None:
    with serve(GOOD, {"/": redirect(302, location.format(p=recorder.port))}) as good:
        with pytest.raises(FetchError) as info:
            fetch(f"http://news.test:{good.port}/", good_policy())
    assert info.value.code == code
    assert recorder.requests == []
    assert len(good.requests) == 1


def test_redirect_limit() -> None:
    routes = {"/0": redirect(302, "/1"), "/1": redirect(302, "/2"), "/2": reply(200, b"ok"),
              "/loop": redirect(307, "/loop")}
    with serve(GOOD, routes) as good:
        base = f"http://news.test:{good.port}"
        assert fetch(f"{base}/0", good_policy(max_redirects=2)).body == b"ok"
        with pytest.raises(FetchError) as info:
            fetch(f"{base}/0", good_policy(max_redirects=1))
        assert info.value.code == "too_many_redirects"
        with pytest.raises(FetchError) as info:
            fetch(f"{base}/loop", good_policy(max_redirects=3))
        assert info.value.code == "too_many_redirects"
        assert sum(r.path == "/loop" for r in good.requests) == 4


def test_redirect_without_location_is_an_http_error() -> None:
    with serve(GOOD, {"/": reply(302, b"")}) as good:
        with pytest.raises(FetchError) as info:
            fetch(f"http://news.test:{good.port}/", good_policy())
    assert info.value.code == "http_status"


# --------------------------------------------------------------------------
# Statuses and conditional requests.


@pytest.mark.parametrize("status", [400, 403, 404, 410, 500, 503])
def test_error_status(status: int) -> None:
    with serve(GOOD, {"/": reply(status, b"nope")}) as good:
        with pytest.raises(FetchError) as info:
            fetch(f"http://news.test:{good.port}/", good_policy())
    assert info.value.code == "http_status"
    assert str(status) in str(info.value)


def test_conditional_request_and_304() -> None:
    def conditional(h: _Handler) -> None:
        if h.headers.get("If-None-Match") == '"v1"':
            reply(304, b"", [("ETag", '"v1"')])(h)
        else:
            reply(200, b"fresh", [("ETag", '"v1"')])(h)

    with serve(GOOD, {"/": conditional}) as good:
        url = f"http://news.test:{good.port}/"
        first = fetch(url, good_policy())
        again = fetch(url, good_policy(), etag=first.etag, last_modified="Tue, 07 May 2024 10:00:00 GMT")
        # A validator carrying a line break must not reach the request.
        fetch(url, good_policy(), etag='"x"\r\nX-Injected: 1')
    assert first.status == 200 and first.body == b"fresh" and first.etag == '"v1"'
    assert again.status == 304 and again.not_modified and again.body == b""
    assert again.etag == '"v1"'
    plain, conditional_seen, injected = good.requests
    assert "if-none-match" not in plain.headers
    assert conditional_seen.headers["if-none-match"] == '"v1"'
    assert conditional_seen.headers["if-modified-since"] == "Tue, 07 May 2024 10:00:00 GMT"
    assert "if-none-match" not in injected.headers and "x-injected" not in injected.headers


def test_unsolicited_304_is_an_error() -> None:
    with serve(GOOD, {"/": reply(304)}) as good:
        with pytest.raises(FetchError) as info:
            fetch(f"http://news.test:{good.port}/", good_policy())
    assert info.value.code == "http_status"


# --------------------------------------------------------------------------
# Failures.


def test_unresolvable_is_dns_failed() -> None:
    with pytest.raises(FetchError) as info:
        fetch("http://nowhere.test/", good_policy())
    assert info.value.code == "dns_failed"
    with pytest.raises(FetchError) as info:
        fetch("http://empty.test/", good_policy(resolver=MapResolver({"empty.test": []})))
    assert info.value.code == "dns_failed"
    with pytest.raises(FetchError) as info:
        fetch("http://junk.test/", good_policy(resolver=MapResolver({"junk.test": ["not-an-ip"]})))
    assert info.value.code == "dns_failed"


def test_default_resolver_failure_is_dns_failed(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*args: object, **kwargs: object) -> list:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", failing)
    with pytest.raises(FetchError) as info:
        fetch("http://nowhere.test/")
    assert info.value.code == "dns_failed"


def test_connection_refused_is_fetch_failed() -> None:
    probe = socket.socket()
    probe.bind((GOOD, 0))
    port = probe.getsockname()[1]
    probe.close()  # nothing listens there now
    with pytest.raises(FetchError) as info:
        fetch(f"http://news.test:{port}/", good_policy())
    assert info.value.code == "fetch_failed"


def test_silent_server_times_out() -> None:
    listener = socket.socket()
    listener.bind((GOOD, 0))
    listener.listen(1)  # accepts into the backlog, never answers
    try:
        start = time.perf_counter()
        with pytest.raises(FetchError) as info:
            fetch(f"http://news.test:{listener.getsockname()[1]}/", good_policy(timeout=0.3))
        assert time.perf_counter() - start < 3
    finally:
        listener.close()
    assert info.value.code == "fetch_failed"
    assert "timed out" in str(info.value)


def test_trickling_server_hits_total_timeout() -> None:
    def trickle() -> Iterator[bytes]:
        for _ in range(200):
            time.sleep(0.05)
            yield b"x"

    with serve(GOOD, {"/": stream(trickle)}) as good:
        start = time.perf_counter()
        with pytest.raises(FetchError) as info:
            fetch(f"http://news.test:{good.port}/", good_policy(timeout=1.0, total_timeout=0.5))
        assert time.perf_counter() - start < 3
    assert info.value.code == "fetch_failed"


def test_garbage_response_is_fetch_failed() -> None:
    def garbage(h: _Handler) -> None:
        h.wfile.write(b"SSH-2.0-OpenSSH\r\n\r\n")

    with serve(GOOD, {"/": garbage}) as good:
        with pytest.raises(FetchError) as info:
            fetch(f"http://news.test:{good.port}/", good_policy())
    assert info.value.code == "fetch_failed"


# --------------------------------------------------------------------------
# Size caps and compression bombs.


def _encode(body: bytes, encoding: str) -> bytes:
    for coding in (c.strip().lower() for c in encoding.split(",")):
        if coding in ("gzip", "x-gzip"):
            body = gzip.compress(body)
        elif coding == "deflate":
            body = zlib.compress(body)
        elif coding == "deflate-raw":
            co = zlib.compressobj(wbits=-15)
            body = co.compress(body) + co.flush()
        elif coding == "br":
            body = brotli.compress(body)
    return body


def gzip_bomb(total: int = 1 << 30, block: int = MB) -> Iterator[bytes]:
    """A real gzip stream of ``total`` zero bytes, produced lazily (~1 KB/MB)."""
    co = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(block)
    for _ in range(total // block):
        out = co.compress(zeros)
        if out:
            yield out
    yield co.flush()


def brotli_bomb(total: int = 1 << 30, block: int = MB) -> Iterator[bytes]:
    co = brotli.Compressor(quality=5, lgwin=24)
    zeros = bytes(block)
    for _ in range(total // block):
        out = co.process(zeros)
        if out:
            yield out
    yield co.finish()


def brotli_of(chunks: Iterable[bytes]) -> Iterator[bytes]:
    co = brotli.Compressor(quality=1)
    for chunk in chunks:
        out = co.process(chunk) + co.flush()
        if out:
            yield out
    yield co.finish()


class Counted:
    """Wraps a chunk iterator and counts what the consumer actually pulled."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._it = iter(chunks)
        self.pulled = 0

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._it:
            self.pulled += len(chunk)
            yield chunk


@contextmanager
def peak_memory() -> Iterator[list[int]]:
    result: list[int] = []
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        yield result
    finally:
        result.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()


@pytest.mark.parametrize(
    ("encoding", "make"),
    [
        ("gzip", lambda: gzip_bomb()),
        ("br", lambda: brotli_bomb()),
        ("gzip, br", lambda: brotli_of(gzip_bomb())),
    ],
    ids=["gzip", "br", "gzip+br"],
)
def test_decompression_bomb_stopped_at_cap(encoding: str, make: Callable[[], Iterable[bytes]]) -> None:
    source = Counted(make())
    start = time.perf_counter()
    with peak_memory() as peak:
        with pytest.raises(TooLarge) as info:
            decompress_capped(source, encoding, MB)
    assert info.value.code == "too_large"
    assert time.perf_counter() - start < 5
    assert peak[0] < 32 * MB
    assert source.pulled < 64 * 1024  # stopped early, nowhere near the 1 GB


def test_deflate_bomb_both_framings_stopped() -> None:
    zeros = bytes(16 * MB)
    for framing in ("deflate", "deflate-raw"):
        bomb = _encode(zeros, framing)
        chunks = [bomb[i : i + 4096] for i in range(0, len(bomb), 4096)]
        with pytest.raises(TooLarge):
            decompress_capped(chunks, "deflate", MB)


def test_bomb_over_the_network_is_stopped() -> None:
    with serve(GOOD, {"/gz": stream(gzip_bomb, [("Content-Encoding", "gzip")]),
                      "/br": stream(brotli_bomb, [("Content-Encoding", "br")])}) as good:
        for path in ("/gz", "/br"):
            start = time.perf_counter()
            with peak_memory() as peak:
                with pytest.raises(TooLarge):
                    fetch(f"http://news.test:{good.port}{path}", good_policy(max_bytes=MB))
            assert time.perf_counter() - start < 10
            assert peak[0] < 32 * MB


def test_declared_content_length_over_cap_refused_before_reading() -> None:
    release = threading.Event()

    def huge(h: _Handler) -> None:
        h.send_response(200)
        h.send_header("Content-Length", str(10**12))
        h.end_headers()
        h.wfile.write(b"x" * 1000)
        h.wfile.flush()
        release.wait(10)  # would stall a client that tried to read the body

    with serve(GOOD, {"/": huge}) as good:
        try:
            start = time.perf_counter()
            with pytest.raises(TooLarge) as info:
                fetch(f"http://news.test:{good.port}/", good_policy(max_bytes=MB))
            assert time.perf_counter() - start < 2
        finally:
            release.set()
    assert "Content-Length" in str(info.value)


def test_raw_body_over_cap_is_stopped() -> None:
    with serve(GOOD, {"/": stream(lambda: (bytes(64 * 1024) for _ in range(64)))}) as good:
        with pytest.raises(TooLarge):
            fetch(f"http://news.test:{good.port}/", good_policy(max_bytes=MB))


def test_body_exactly_at_cap_is_fine() -> None:
    with serve(GOOD, {"/": reply(200, bytes(MB))}) as good:
        assert len(fetch(f"http://news.test:{good.port}/", good_policy(max_bytes=MB)).body) == MB


# --------------------------------------------------------------------------
# decompress_capped unit behaviour.


@pytest.mark.parametrize("encoding", [None, "", "identity", "gzip", "x-gzip", "GZIP", "deflate", "deflate-raw", "br", "gzip, br", "br, gzip"])
def test_decompress_roundtrip(encoding: str | None) -> None:
    body = b"strikewatch " * 5000
    encoded = _encode(body, encoding or "")
    header = "deflate" if encoding == "deflate-raw" else encoding
    chunks = [encoded[i : i + 777] for i in range(0, len(encoded), 777)]
    assert decompress_capped(chunks, header, MB) == body


@settings(max_examples=60, deadline=None)
@given(
    body=st.binary(max_size=20_000),
    encoding=st.sampled_from(["gzip", "deflate", "deflate-raw", "br", "gzip, br"]),
    cut=st.integers(min_value=1, max_value=300),
)
def test_decompress_any_chunking(body: bytes, encoding: str, cut: int) -> None:
    encoded = _encode(body, encoding)
    header = "deflate" if encoding == "deflate-raw" else encoding
    chunks = [encoded[i : i + cut] for i in range(0, len(encoded), cut)]
    assert decompress_capped(chunks, header, 20_000) == body


def test_decompress_multi_member_gzip() -> None:
    body = gzip.compress(b"first ") + gzip.compress(b"second")
    assert decompress_capped([body], "gzip", 100) == b"first second"


def test_decompress_empty_body() -> None:
    for encoding in ("gzip", "deflate", "br"):
        assert decompress_capped([], encoding, 100) == b""


@pytest.mark.parametrize(
    ("chunks", "encoding"),
    [
        ([b"not gzip at all"], "gzip"),
        ([gzip.compress(b"x" * 1000)[:-12]], "gzip"),  # truncated
        ([brotli.compress(b"x" * 100_000)[:-3]], "br"),  # truncated
        ([b"\x00\x01garbage"], "br"),
        ([b"abc"], "compress"),
        ([b"abc"], "zstd"),
        ([b"abc"], "gzip, gzip, gzip, gzip"),
    ],
)
def test_decompress_bad_encoding(chunks: list[bytes], encoding: str) -> None:
    with pytest.raises(FetchError) as info:
        decompress_capped(chunks, encoding, MB)
    assert info.value.code == "bad_encoding"


def test_identity_over_cap() -> None:
    with pytest.raises(TooLarge):
        decompress_capped([b"x" * 60, b"x" * 60], None, 100)
    assert decompress_capped([b"x" * 50, b"x" * 50], None, 100) == b"x" * 100


def test_bad_encoding_over_the_network() -> None:
    with serve(GOOD, {"/": reply(200, b"plain", [("Content-Encoding", "gzip")])}) as good:
        with pytest.raises(FetchError) as info:
            fetch(f"http://news.test:{good.port}/", good_policy())
    assert info.value.code == "bad_encoding"


# --------------------------------------------------------------------------
# HTTPS (self-signed certificate; skipped without the openssl CLI).


@pytest.fixture(scope="module")
def tls_cert(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("openssl CLI not available")
    d = tmp_path_factory.mktemp("tls")
    cert, key = d / "cert.pem", d / "key.pem"
    done = subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=news.test",
         "-addext", "subjectAltName=DNS:news.test"],
        capture_output=True, timeout=30, check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"openssl failed: {done.stderr.decode(errors='replace')[:200]}")
    return cert, key


@contextmanager
def serve_tls(cert: Path, key: Path, routes: dict[str, Route]) -> Iterator[tuple[_Server, list[str | None]]]:
    sni: list[str | None] = []
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ctx.sni_callback = lambda sock, name, c: sni.append(name)  # type: ignore[assignment]
    with serve(GOOD, routes, wrap=lambda sock: ctx.wrap_socket(sock, server_side=True)) as server:
        yield server, sni


def test_https_pinned_with_sni_and_certificate_check(
    tls_cert: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    cert, key = tls_cert
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust our self-signed cert
    with serve_tls(cert, key, {"/": reply(200, b"secure")}) as (server, sni):
        result = fetch(f"https://news.test:{server.port}/", good_policy())
        assert result.body == b"secure"
        assert server.requests[0].headers["host"] == f"news.test:{server.port}"
        assert sni == ["news.test"]
        # Same server, but the URL names a host the certificate does not cover.
        resolver = MapResolver({"other.test": [GOOD]})
        with pytest.raises(FetchError) as info:
            fetch(f"https://other.test:{server.port}/", good_policy(resolver=resolver))
        assert info.value.code == "fetch_failed"
        assert len(server.requests) == 1


def test_https_untrusted_certificate_fails(tls_cert: tuple[Path, Path]) -> None:
    cert, key = tls_cert
    with serve_tls(cert, key, {"/": reply(200, b"secure")}) as (server, _sni):
        with pytest.raises(FetchError) as info:
            fetch(f"https://news.test:{server.port}/", good_policy())
    assert info.value.code == "fetch_failed"
    assert server.requests == []
