"""SSRF-safe HTTP(S) fetching of hostile URLs.

URLs come from feeds and users we do not trust, so a fetch must never reach
loopback, the private network or a cloud metadata service, and a response
must never exhaust memory. The rules, in the order they are applied:

* only ``http`` and ``https``; the host is taken from the parsed authority
  (``http://example.org@127.0.0.1/`` is judged on ``127.0.0.1``) and numeric
  spellings (``127.1``, ``0x7f000001``, ``0177.0.0.1`` ...) are normalised the
  way ``inet_aton`` and browsers read them;
* the host name is resolved ONCE, every answer is checked (one non-public
  answer refuses the whole fetch), and the socket is connected to a checked
  address, never to the name again: DNS rebinding cannot swap the target;
* redirects are followed by hand, each hop re-parsed, re-resolved and
  re-checked;
* the raw body, each decoding stage and the decoded body are all capped, and
  decompression is incremental with bounded output, so a compression bomb
  costs at most ``max_bytes`` of memory and stops as soon as it passes it.

Only the standard library's ``http.client`` is used (plus ``brotli``): no
proxies from the environment, no cookies, no credentials are ever sent.
"""

from __future__ import annotations

import http.client
import ipaddress
import itertools
import re
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

import brotli

from strikewatch.errors import BlockedAddress, FetchError, TooLarge

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
#: ``(host, port) -> [ip, ...]``; injectable so tests never touch real DNS.
Resolver = Callable[[str, int], list[str]]

_CHUNK = 64 * 1024  # read size and per-call decompression output limit
_MAX_URL_LENGTH = 8192
_MAX_ENCODINGS = 3  # stacked Content-Encodings we agree to undo
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_LINE_BREAKERS = re.compile(r"[\x00-\x1f\x7f]")
_HOST_LABEL = re.compile(r"^[a-z0-9_-]{1,63}$")
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
# Characters left alone when re-quoting a path or query: everything legal in
# RFC 3986 plus '%' so that existing escapes survive.
_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"

_N4 = ipaddress.IPv4Network
_N6 = ipaddress.IPv6Network

#: IPv4 ranges that are never fetched, with the reason given to the user.
#: ``ipaddress.is_global`` is checked as well; this table makes the rules
#: explicit and independent of the Python version's idea of "global".
_BLOCKED_V4: tuple[tuple[ipaddress.IPv4Network, str], ...] = (
    (_N4("0.0.0.0/8"), "in 'this network' 0.0.0.0/8"),
    (_N4("10.0.0.0/8"), "private (10.0.0.0/8)"),
    (_N4("100.64.0.0/10"), "carrier-grade NAT (100.64.0.0/10)"),
    (_N4("127.0.0.0/8"), "loopback"),
    (_N4("169.254.0.0/16"), "link-local (incl. cloud metadata 169.254.169.254)"),
    (_N4("172.16.0.0/12"), "private (172.16.0.0/12)"),
    (_N4("192.0.0.0/24"), "IETF protocol assignments (192.0.0.0/24)"),
    (_N4("192.0.2.0/24"), "documentation (TEST-NET-1)"),
    (_N4("192.88.99.0/24"), "6to4 relay anycast (192.88.99.0/24)"),
    (_N4("192.168.0.0/16"), "private (192.168.0.0/16)"),
    (_N4("198.18.0.0/15"), "benchmarking (198.18.0.0/15)"),
    (_N4("198.51.100.0/24"), "documentation (TEST-NET-2)"),
    (_N4("203.0.113.0/24"), "documentation (TEST-NET-3)"),
    (_N4("224.0.0.0/4"), "multicast"),
    (_N4("240.0.0.0/4"), "reserved or broadcast (240.0.0.0/4)"),
)

#: IPv6 ranges that are never fetched. Transition forms that embed an IPv4
#: address (mapped, NAT64, 6to4, Teredo) are judged on that address first.
_BLOCKED_V6: tuple[tuple[ipaddress.IPv6Network, str], ...] = (
    (_N6("::/128"), "the unspecified address"),
    (_N6("::1/128"), "loopback"),
    (_N6("::/96"), "IPv4-compatible (deprecated)"),
    (_N6("::ffff:0:0:0/96"), "IPv4-translated (SIIT)"),
    (_N6("64:ff9b:1::/48"), "local-use NAT64 (64:ff9b:1::/48)"),
    (_N6("100::/64"), "discard-only (100::/64)"),
    (_N6("2001::/23"), "IETF protocol assignments (incl. Teredo 2001::/32)"),
    (_N6("2001:db8::/32"), "documentation (2001:db8::/32)"),
    (_N6("3fff::/20"), "documentation (3fff::/20)"),
    (_N6("5f00::/16"), "SRv6 SIDs (5f00::/16)"),
    (_N6("fc00::/7"), "unique-local (fc00::/7, incl. metadata fd00:ec2::254)"),
    (_N6("fe80::/10"), "link-local"),
    (_N6("fec0::/10"), "site-local (deprecated)"),
    (_N6("ff00::/8"), "multicast"),
)
_GLOBAL_UNICAST_V6 = _N6("2000::/3")
_NAT64_WKP = _N6("64:ff9b::/96")


@dataclass(frozen=True)
class FetchPolicy:
    """Limits and exemptions for one or many fetches (immutable, shareable)."""

    #: Cap on the raw body and on every decoding stage's output.
    max_bytes: int = 20 * 1024 * 1024
    #: Seconds allowed for each connect and each read.
    timeout: float = 20.0
    max_redirects: int = 5
    #: CIDRs exempted from the public-only rule (an internal feed server,
    #: tests on loopback). Empty by default: nothing non-public is reachable.
    allow_networks: tuple[str, ...] = ()
    user_agent: str = "strikewatch/0.1 (+https://example.org/strikewatch)"
    #: ``(host, port) -> [ip, ...]``; default :func:`socket.getaddrinfo`.
    resolver: Resolver | None = None
    #: Wall-clock bound on the whole fetch (all hops), so a server that
    #: trickles one byte per ``timeout`` cannot hold a worker for ever.
    total_timeout: float = 120.0

    def __post_init__(self) -> None:
        if self.max_bytes <= 0:
            raise ValueError("max_bytes must be positive")
        if self.timeout <= 0 or self.total_timeout <= 0:
            raise ValueError("timeouts must be positive")
        if self.max_redirects < 0:
            raise ValueError("max_redirects must be >= 0")
        if isinstance(self.allow_networks, str):
            raise ValueError("allow_networks must be a tuple of CIDR strings")
        for net in self.allow_networks:  # fail at construction, not mid-fetch
            ipaddress.ip_network(net, strict=False)


@dataclass
class FetchResult:
    """A successful (2xx) or not-modified (304) response."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    content_type: str | None
    charset: str | None
    etag: str | None
    last_modified: str | None

    @property
    def not_modified(self) -> bool:
        """True when a conditional request found the resource unchanged."""
        return self.status == 304


@dataclass(frozen=True)
class _Target:
    """One parsed, normalised request target."""

    url: str  # normalised: no userinfo, no fragment, host normalised
    scheme: str
    host: str  # for Host header, SNI and certificate check
    literal: IPAddress | None  # set when the host is an IP address
    port: int
    request_target: str  # path + query sent on the request line


# --------------------------------------------------------------------------
# Address policy


def _embedded_ipv4(addr: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """IPv4 addresses a packet to ``addr`` may end up at (NAT64, 6to4, Teredo)."""
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    if addr in _NAT64_WKP:
        found.append(("NAT64", ipaddress.IPv4Address(int(addr) & 0xFFFFFFFF)))
    if addr.sixtofour is not None:
        found.append(("6to4", addr.sixtofour))
    if addr.teredo is not None:
        server, client = addr.teredo
        found += [("Teredo server", server), ("Teredo client", client)]
    return found


def _non_public_reason(addr: IPAddress) -> str | None:
    """Why ``addr`` must not be fetched, or None when it is public."""
    if isinstance(addr, ipaddress.IPv6Address):
        if addr.ipv4_mapped is not None:
            # The kernel sends ::ffff:a.b.c.d to a.b.c.d: judge that address.
            inner = _non_public_reason(addr.ipv4_mapped)
            return f"IPv4-mapped {addr.ipv4_mapped}, {inner}" if inner else None
        for kind, v4 in _embedded_ipv4(addr):
            inner = _non_public_reason(v4)
            if inner:
                return f"{kind} address embedding {v4}, {inner}"
        if addr in _NAT64_WKP:
            return None  # embedded address is public: DNS64 networks need this
        for net, why in _BLOCKED_V6:
            if addr in net:
                return why
        if addr not in _GLOBAL_UNICAST_V6:
            return "outside global unicast space (2000::/3)"
    else:
        for net, why in _BLOCKED_V4:
            if addr in net:
                return why
    if not addr.is_global or addr.is_multicast or addr.is_reserved:
        return "not globally routable"
    return None


def _is_exempt(addr: IPAddress, policy: FetchPolicy) -> bool:
    for cidr in policy.allow_networks:
        net = ipaddress.ip_network(cidr, strict=False)
        if net.version == addr.version and addr in net:
            return True
    return False


def check_ip(ip: str | IPAddress, policy: FetchPolicy | None = None) -> IPAddress:
    """Return ``ip`` as an address if it may be fetched, else raise BlockedAddress.

    Public means globally routable unicast; ``policy.allow_networks`` exempts
    chosen ranges. Addresses that embed an IPv4 address are judged on it.
    """
    policy = policy or FetchPolicy()
    if isinstance(ip, (ipaddress.IPv4Address, ipaddress.IPv6Address)):
        addr: IPAddress = ip
    else:
        try:
            addr = ipaddress.ip_address(str(ip).strip())
        except ValueError:
            raise BlockedAddress(f"not an IP address: {ip!r}") from None
    if _is_exempt(addr, policy):
        return addr
    reason = _non_public_reason(addr)
    if reason is not None:
        raise BlockedAddress(f"address {addr} is not public: {reason}")
    return addr


# --------------------------------------------------------------------------
# URL and host parsing


def _parse_ipv4_part(part: str) -> int:
    """One inet_aton component: decimal, 0x-hex or 0-prefixed octal."""
    if part.startswith("0x"):
        return int(part[2:], 16) if part[2:] else 0
    if len(part) > 1 and part.startswith("0"):
        return int(part[1:], 8)  # ValueError on 8 or 9: not an address
    return int(part, 10)


def _parse_ipv4_like(host: str) -> ipaddress.IPv4Address:
    """Read ``host`` as inet_aton does (``127.1``, ``0x7f.1``, ``2130706433``)."""
    parts = host.split(".")
    if len(parts) > 4 or any(not p for p in parts):
        raise ValueError(host)
    nums = [_parse_ipv4_part(p) for p in parts]
    if any(n > 255 for n in nums[:-1]) or nums[-1] >= 256 ** (5 - len(parts)):
        raise ValueError(host)
    value = nums[-1]
    for i, n in enumerate(nums[:-1]):
        value += n << (8 * (3 - i))
    return ipaddress.IPv4Address(value)


def parse_host(host: str) -> str | IPAddress:
    """Normalise a URL host: an IP address for any numeric spelling, else a
    lower-case ASCII (IDNA) name without trailing dot.

    Any host whose last label is numeric is read as IPv4 the way inet_aton
    and browsers do, so ``0177.0.0.1`` cannot slip past as a "name" and then
    be resolved by the C library to loopback. Raises FetchError(bad_url).
    """
    h = host.strip()
    if h.startswith("[") and h.endswith("]"):
        h = h[1:-1]
        if ":" not in h:
            raise FetchError(f"invalid IPv6 literal: {host!r}", code="bad_url")
    if ":" in h:
        try:
            return ipaddress.IPv6Address(h)
        except ValueError:
            raise FetchError(f"invalid IPv6 literal: {host!r}", code="bad_url") from None
    if h.endswith("."):
        h = h[:-1]
    h = h.lower()
    if not h:
        raise FetchError("URL has no host", code="bad_url")
    if _NUMERIC_LABEL.match(h.rsplit(".", 1)[-1]):
        try:
            return _parse_ipv4_like(h)
        except ValueError:
            raise FetchError(f"invalid numeric host: {host!r}", code="bad_url") from None
    if not h.isascii():
        try:
            h = h.encode("idna").decode("ascii")
        except UnicodeError:
            raise FetchError(f"invalid international host name: {host!r}", code="bad_url") from None
    if len(h) > 253 or not all(_HOST_LABEL.match(label) for label in h.split(".")):
        raise FetchError(f"invalid host name: {host!r}", code="bad_url")
    return h


def _parse_url(url: str) -> _Target:
    """Validate and normalise one URL (raises bad_url / bad_scheme)."""
    if not isinstance(url, str):
        raise FetchError(f"URL must be a string, not {type(url).__name__}", code="bad_url")
    url = url.strip()
    if len(url) > _MAX_URL_LENGTH:
        raise FetchError("URL is too long", code="bad_url")
    if _LINE_BREAKERS.search(url):
        # Control characters are where parsers disagree (and where header
        # injection starts); urllib silently drops some. Spaces are allowed
        # in path and query (re-quoted below), never in the host.
        raise FetchError("URL contains control characters", code="bad_url")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise FetchError(f"cannot parse URL: {exc}", code="bad_url") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchError(f"scheme {scheme or '(none)'!r} is not http or https", code="bad_scheme")
    if "\\" in parts.netloc:
        raise FetchError("backslash in URL authority", code="bad_url")
    if not parts.hostname:
        raise FetchError("URL has no host", code="bad_url")
    if port == 0:
        raise FetchError("port 0 is not valid", code="bad_url")
    parsed = parse_host(parts.hostname)
    if isinstance(parsed, str):
        host, literal = parsed, None
        authority = host
    else:
        host, literal = str(parsed), parsed
        authority = f"[{host}]" if parsed.version == 6 else host
    default_port = 443 if scheme == "https" else 80
    if port is not None and port != default_port:
        authority += f":{port}"
    request_target = quote(parts.path or "/", safe=_SAFE_PATH)
    if parts.query:
        request_target += "?" + quote(parts.query, safe=_SAFE_QUERY)
    return _Target(
        url=f"{scheme}://{authority}{request_target}",
        scheme=scheme,
        host=host,
        literal=literal,
        port=port or default_port,
        request_target=request_target,
    )


# --------------------------------------------------------------------------
# Resolution and pinned connections


def _default_resolver(host: str, port: int) -> list[str]:
    """System resolver: every TCP address ``host`` resolves to."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    return [str(info[4][0]) for info in infos]


def _resolve_checked(target: _Target, policy: FetchPolicy) -> list[IPAddress]:
    """Resolve once and check EVERY answer; return the addresses to connect to."""
    if target.literal is not None:
        return [check_ip(target.literal, policy)]
    resolver = policy.resolver or _default_resolver
    try:
        answers = list(resolver(target.host, target.port))
    except (OSError, UnicodeError) as exc:
        raise FetchError(f"cannot resolve {target.host}: {exc}", code="dns_failed") from None
    if not answers:
        raise FetchError(f"cannot resolve {target.host}: no addresses", code="dns_failed")
    addrs: list[IPAddress] = []
    for answer in answers:
        try:
            addr = ipaddress.ip_address(str(answer).strip())
        except ValueError:
            raise FetchError(
                f"resolver gave a non-address for {target.host}: {answer!r}", code="dns_failed"
            ) from None
        try:
            check_ip(addr, policy)
        except BlockedAddress as exc:
            raise BlockedAddress(f"{target.host} resolves to a blocked address: {exc}") from None
        if addr not in addrs:
            addrs.append(addr)
    return addrs


def _connect_pinned(addrs: list[IPAddress], port: int, timeout: float) -> socket.socket:
    """Open a TCP connection to the first reachable pre-checked address.

    Never takes a host name: AI_NUMERICHOST makes the lookup purely
    syntactic, so nothing can be re-resolved between check and connect.
    """
    last: OSError | None = None
    for addr in addrs:
        family = socket.AF_INET6 if addr.version == 6 else socket.AF_INET
        sockaddr = socket.getaddrinfo(
            str(addr), port, family, socket.SOCK_STREAM, 0, socket.AI_NUMERICHOST
        )[0][4]
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(sockaddr)
            return sock
        except OSError as exc:
            sock.close()
            last = exc
    assert last is not None
    raise last


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """HTTPConnection that connects to checked IPs instead of resolving ``host``."""

    def __init__(self, host: str, port: int, addrs: list[IPAddress], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self._addrs = addrs

    def connect(self) -> None:
        self.sock = _connect_pinned(self._addrs, self.port, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """HTTPSConnection pinned to checked IPs; the certificate is verified
    against the URL's host name (SNI and check_hostname)."""

    def __init__(
        self,
        host: str,
        port: int,
        addrs: list[IPAddress],
        timeout: float,
        context: ssl.SSLContext,
    ) -> None:
        super().__init__(host, port, timeout=timeout, context=context)
        self._addrs = addrs
        self._tls_context = context

    def connect(self) -> None:
        sock = _connect_pinned(self._addrs, self.port, self.timeout)
        try:
            self.sock = self._tls_context.wrap_socket(sock, server_hostname=self.host)
        except BaseException:
            sock.close()
            raise


# --------------------------------------------------------------------------
# Bounded decompression


class _Budget:
    """Counts bytes produced by one stage and raises TooLarge past the cap."""

    def __init__(self, cap: int, what: str) -> None:
        self.cap = cap
        self.what = what
        self.used = 0

    def take(self, data: bytes) -> bytes:
        self.used += len(data)
        if self.used > self.cap:
            raise TooLarge(f"{self.what} exceeds the cap of {self.cap} bytes")
        return data


def _capped(chunks: Iterable[bytes], cap: int, what: str) -> Iterator[bytes]:
    budget = _Budget(cap, what)
    for chunk in chunks:
        if chunk:
            yield budget.take(chunk)


def _inflate(chunks: Iterable[bytes], cap: int, wbits: int, *, multi_member: bool) -> Iterator[bytes]:
    """zlib/gzip/raw-deflate decoding producing at most _CHUNK per call."""
    budget = _Budget(cap, "decompressed body")
    dec = zlib.decompressobj(wbits)
    started = False
    try:
        for chunk in chunks:
            data = chunk
            while data:
                if dec.eof:
                    if not multi_member:
                        break  # trailing bytes after a zlib/deflate stream: ignore
                    dec = zlib.decompressobj(wbits)  # next gzip member
                started = True
                out = dec.decompress(data, _CHUNK)
                if out:
                    yield budget.take(out)
                data = dec.unused_data if dec.eof else dec.unconsumed_tail
                # A full output buffer may leave output pending inside zlib
                # even with all input consumed: drain it before moving on.
                while not data and not dec.eof and len(out) == _CHUNK:
                    out = dec.decompress(b"", _CHUNK)
                    if out:
                        yield budget.take(out)
                    data = dec.unused_data if dec.eof else dec.unconsumed_tail
    except zlib.error as exc:
        raise FetchError(f"corrupt compressed body: {exc}", code="bad_encoding") from None
    if started and not dec.eof:
        raise FetchError("compressed body is truncated", code="bad_encoding")


def _looks_like_zlib(head: bytes) -> bool:
    """RFC 1950 header check: HTTP 'deflate' is meant to be zlib-wrapped, but
    many servers send raw deflate."""
    return (
        len(head) >= 2
        and head[0] & 0x0F == 8
        and head[0] >> 4 <= 7
        and ((head[0] << 8) | head[1]) % 31 == 0
    )


def _deflate(chunks: Iterable[bytes], cap: int) -> Iterator[bytes]:
    it = iter(chunks)
    head = b""
    for chunk in it:
        head += chunk
        if len(head) >= 2:
            break
    if not head:
        return
    wbits = zlib.MAX_WBITS if _looks_like_zlib(head) else -zlib.MAX_WBITS
    yield from _inflate(itertools.chain([head], it), cap, wbits, multi_member=False)


def _gunzip(chunks: Iterable[bytes], cap: int) -> Iterator[bytes]:
    return _inflate(chunks, cap, 16 + zlib.MAX_WBITS, multi_member=True)


def _unbrotli(chunks: Iterable[bytes], cap: int) -> Iterator[bytes]:
    """Brotli decoding with bounded output per call.

    brotli 1.2's can_accept_more_data() only says whether *input* is still
    buffered; output can remain pending after it turns True, so we drain
    with empty input until a call yields nothing AND input is accepted.
    """
    budget = _Budget(cap, "decompressed body")
    dec = brotli.Decompressor()
    started = False
    try:
        for chunk in chunks:
            if not chunk:
                continue
            started = True
            out = dec.process(chunk, output_buffer_limit=_CHUNK)
            if out:
                yield budget.take(out)
            while True:
                out = dec.process(b"", output_buffer_limit=_CHUNK)
                if out:
                    yield budget.take(out)
                elif dec.can_accept_more_data():
                    break
    except brotli.error as exc:
        raise FetchError(f"corrupt brotli body: {exc}", code="bad_encoding") from None
    if started and not dec.is_finished():
        raise FetchError("brotli body is truncated", code="bad_encoding")


_DECODERS: dict[str, Callable[[Iterable[bytes], int], Iterator[bytes]]] = {
    "gzip": _gunzip,
    "x-gzip": _gunzip,
    "deflate": _deflate,
    "br": _unbrotli,
}


def _parse_encodings(encoding: str | None) -> list[str]:
    """Content-Encoding codings in the order they were applied."""
    codings = [c.strip().lower() for c in (encoding or "").split(",")]
    codings = [c for c in codings if c and c != "identity"]
    if len(codings) > _MAX_ENCODINGS:
        raise FetchError(f"too many stacked content encodings: {encoding!r}", code="bad_encoding")
    for coding in codings:
        if coding not in _DECODERS:
            raise FetchError(f"unsupported content encoding {coding!r}", code="bad_encoding")
    return codings


def decompress_capped(chunks: Iterable[bytes], encoding: str | None, cap: int) -> bytes:
    """Undo ``encoding`` (a Content-Encoding value) on a stream of chunks.

    The input, every intermediate stage and the output are each capped at
    ``cap`` bytes; decoding is lazy, so TooLarge is raised as soon as any
    stage passes the cap, having consumed only as much input as needed.
    Raises FetchError(bad_encoding) for unknown, stacked-too-deep or corrupt
    encodings.
    """
    codings = _parse_encodings(encoding)
    stream: Iterator[bytes] = _capped(chunks, cap, "raw body")
    for coding in reversed(codings):
        stream = _DECODERS[coding](stream, cap)
    out = bytearray()
    for piece in stream:
        out += piece
        if len(out) > cap:  # pragma: no cover - every stage is capped already
            raise TooLarge(f"decompressed body exceeds the cap of {cap} bytes")
    return bytes(out)


# --------------------------------------------------------------------------
# Fetching


def _request_headers(policy: FetchPolicy, etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, "
        "text/xml;q=0.9, text/html;q=0.8, */*;q=0.5",
        "Accept-Encoding": "gzip, deflate, br",
        "Connection": "close",
    }
    # Validators come from earlier responses (hostile servers): never let one
    # carry a line break into our request; drop it instead.
    if etag and not _LINE_BREAKERS.search(etag):
        headers["If-None-Match"] = etag
    if last_modified and not _LINE_BREAKERS.search(last_modified):
        headers["If-Modified-Since"] = last_modified
    return headers


def _remaining(deadline: float, policy: FetchPolicy) -> float:
    left = deadline - time.monotonic()
    if left <= 0:
        raise FetchError(f"fetch took longer than {policy.total_timeout} s", code="fetch_failed")
    return min(policy.timeout, left)


def _failed(target: _Target, exc: BaseException) -> FetchError:
    detail = _printable(str(exc) or type(exc).__name__, 200)
    if isinstance(exc, TimeoutError):
        detail = f"timed out ({detail})"
    return FetchError(f"fetching {target.url} failed: {detail}", code="fetch_failed")


def _printable(text: str, limit: int = 120) -> str:
    """Server-chosen text for a one-line error message: no escapes, bounded."""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in text[:limit])
    return cleaned + ("..." if len(text) > limit else "")


def _header_dict(resp: http.client.HTTPResponse) -> dict[str, str]:
    headers: dict[str, str] = {}
    for name, value in resp.getheaders():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _decode_location(value: str) -> str:
    """http.client decodes headers as latin-1; most servers mean UTF-8."""
    try:
        return value.encode("latin-1").decode("utf-8").strip()
    except UnicodeError:
        return value.strip()


def _read_body(
    resp: http.client.HTTPResponse,
    sock: socket.socket,
    target: _Target,
    policy: FetchPolicy,
    deadline: float,
) -> bytes:
    cap = policy.max_bytes
    length = resp.getheader("Content-Length")
    if length is not None:
        try:
            declared = int(length.strip())
        except ValueError:
            declared = -1
        if declared > cap:
            raise TooLarge(f"Content-Length {declared} exceeds the cap of {cap} bytes")

    def chunks() -> Iterator[bytes]:
        while not resp.isclosed():  # closed once a delimited body is complete
            timeout = _remaining(deadline, policy)
            try:
                sock.settimeout(timeout)
                # read1: one recv's worth, so the deadline is checked between
                # recvs (read() would block until 64 KiB or EOF arrived).
                chunk = resp.read1(_CHUNK)
            except (OSError, http.client.HTTPException) as exc:
                raise _failed(target, exc) from None
            if not chunk:
                return
            yield chunk

    return decompress_capped(chunks(), resp.getheader("Content-Encoding"), cap)


def _open(target: _Target, addrs: list[IPAddress], timeout: float) -> http.client.HTTPConnection:
    if target.scheme == "https":
        return _PinnedHTTPSConnection(
            target.host, target.port, addrs, timeout, ssl.create_default_context()
        )
    return _PinnedHTTPConnection(target.host, target.port, addrs, timeout)


def fetch(
    url: str,
    policy: FetchPolicy | None = None,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
) -> FetchResult:
    """GET ``url`` under ``policy``, following redirects safely.

    ``etag``/``last_modified`` make the request conditional; an unchanged
    resource comes back as ``status == 304`` with an empty body. Raises
    FetchError (bad_scheme, bad_url, dns_failed, fetch_failed, http_status,
    too_many_redirects, bad_encoding), BlockedAddress or TooLarge.
    """
    policy = policy or FetchPolicy()
    deadline = time.monotonic() + policy.total_timeout
    headers = _request_headers(policy, etag, last_modified)
    conditional = "If-None-Match" in headers or "If-Modified-Since" in headers
    current = url
    for _hop in range(policy.max_redirects + 1):
        target = _parse_url(current)
        addrs = _resolve_checked(target, policy)  # before any connection
        conn = _open(target, addrs, _remaining(deadline, policy))
        resp: http.client.HTTPResponse | None = None
        try:
            try:
                conn.connect()
                sock = conn.sock
                conn.request("GET", target.request_target, headers=headers)
                sock.settimeout(_remaining(deadline, policy))
                resp = conn.getresponse()
            except (OSError, http.client.HTTPException, ValueError) as exc:
                raise _failed(target, exc) from None
            status = resp.status
            if status in _REDIRECT_STATUSES:
                location = resp.getheader("Location")
                if not location:
                    raise FetchError(
                        f"HTTP {status} redirect without Location from {target.url}",
                        code="http_status",
                    )
                current = urljoin(target.url, _decode_location(location))
                continue
            if status == 304 and conditional:
                body = b""
            elif 200 <= status < 300:
                body = _read_body(resp, sock, target, policy, deadline)
            else:
                raise FetchError(
                    f"HTTP {status} {_printable(resp.reason)} from {target.url}", code="http_status"
                )
            content_type: str | None = None
            charset: str | None = None
            if resp.msg.get("Content-Type") is not None:
                content_type = resp.msg.get_content_type()
                charset = resp.msg.get_content_charset()
            return FetchResult(
                url=target.url,
                status=status,
                headers=_header_dict(resp),
                body=body,
                content_type=content_type,
                charset=charset,
                etag=resp.getheader("ETag"),
                last_modified=resp.getheader("Last-Modified"),
            )
        finally:
            if resp is not None:
                resp.close()
            conn.close()
    raise FetchError(
        f"more than {policy.max_redirects} redirects starting at {url}", code="too_many_redirects"
    )
