"""Who is asking: passwords, sessions, API tokens, roles, CSRF and rate limits.

- Passwords: argon2id (argon2-cffi's defaults, RFC 9106's second
  recommendation), rehashed on login when the parameters change.
- Browser sessions: a random cookie (HttpOnly, SameSite=Strict, Secure when
  the request came over TLS); the database keeps only its SHA-256.
- CSRF: every session has a random token. Forms carry it in a hidden
  ``csrf`` field, scripts in the ``X-CSRF-Token`` header; a write that comes
  with the session cookie and without the token is refused. The login form,
  before any session exists, uses a double-submit cookie.
- API tokens: ``Authorization: Bearer swt_…``, hashed at rest, expiring and
  revocable; a request with a token needs no CSRF token (browsers never
  send one by themselves).
- Roles: viewer < analyst < admin. Anonymous requests get nothing but the
  health check, the login page and static files, unless an admin has made
  the deployment public (setting ``public``), when they may read as a viewer.
- Failed logins are limited per account and per client address.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from ..errors import StrikewatchError

ROLE_RANK = {"viewer": 1, "analyst": 2, "admin": 3}
SESSION_COOKIE = "sw_session"
LOGIN_CSRF_COOKIE = "sw_login_csrf"
CSRF_HEADER = "x-csrf-token"
MIN_PASSWORD = 10

_hasher = PasswordHasher()
#: a real hash to verify against when the user does not exist, so that a
#: missing account takes as long to refuse as a wrong password
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise StrikewatchError(f"a password needs at least {MIN_PASSWORD} characters", code="bad_field")
    return _hasher.hash(password)


def check_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _hasher.check_needs_rehash(stored_hash)


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


@dataclass(frozen=True)
class Principal:
    """The account behind a request (``user`` None when anonymous)."""

    user: dict[str, Any] | None
    via: str                      # session | token | anonymous
    csrf: str | None = None       # the session's CSRF token

    @property
    def role(self) -> str | None:
        return self.user["role"] if self.user else ("viewer" if self.via == "public" else None)

    @property
    def name(self) -> str:
        return self.user["username"] if self.user else "anonymous"

    def can(self, role: str) -> bool:
        return ROLE_RANK.get(self.role or "", 0) >= ROLE_RANK[role]

    def public(self) -> dict[str, Any]:
        return {"username": self.user["username"] if self.user else None, "role": self.role, "via": self.via}


class RateLimiter:
    """At most ``limit`` failures per key in a sliding ``window`` of seconds."""

    def __init__(self, limit: int = 5, window: float = 60.0) -> None:
        self.limit, self.window = limit, window
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _live(self, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault(key, deque())
        while hits and hits[0] <= now - self.window:
            hits.popleft()
        return hits

    def retry_after(self, *keys: str) -> int:
        """Seconds until every key may try again (0: go ahead)."""
        now = time.monotonic()
        wait = 0.0
        with self._lock:
            for key in keys:
                hits = self._live(key, now)
                if len(hits) >= self.limit:
                    wait = max(wait, hits[0] + self.window - now)
        return int(wait) + 1 if wait > 0 else 0

    def fail(self, *keys: str) -> None:
        now = time.monotonic()
        with self._lock:
            for key in keys:
                self._live(key, now).append(now)
            if len(self._hits) > 100_000:  # forget idle keys rather than grow without end
                for k in [k for k, v in self._hits.items() if not v]:
                    del self._hits[k]

    def clear(self, key: str) -> None:
        with self._lock:
            self._hits.pop(key, None)


def identify(store: Any, *, cookie: str | None, authorization: str | None) -> Principal:
    """The principal of a request from its session cookie or bearer token."""
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise StrikewatchError("the Authorization header must be 'Bearer <token>'", code="unauthorized")
        user = store.token_user(value.strip())
        if user is None:
            raise StrikewatchError("the API token is unknown, expired or revoked", code="unauthorized")
        return Principal(user, "token")
    if cookie:
        found = store.session(cookie)
        if found:
            return Principal(found[0], "session", found[1])
    if store.setting("public", "false") == "true":
        return Principal(None, "public")
    return Principal(None, "anonymous")


def require(principal: Principal, role: str) -> None:
    if principal.user is None and principal.via != "public":
        raise StrikewatchError("log in or send an API token", code="unauthorized")
    if not principal.can(role):
        raise StrikewatchError(f"this needs the {role} role", code="forbidden")


def check_csrf(principal: Principal, supplied: str | None) -> None:
    """A cookie-authenticated write must carry the session's CSRF token."""
    if principal.via == "session" and not same(principal.csrf, supplied):
        raise StrikewatchError("missing or wrong CSRF token", code="csrf_failed")
