"""Request dependencies shared by the API and the pages: the store, the
principal and the role a route needs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from fastapi import Request, Security
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from ..store.repo import Store
from .auth import CSRF_HEADER, SESSION_COOKIE, Principal, check_csrf, identify, require

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
# documented in the OpenAPI description; the checks themselves are in auth.identify
bearer = HTTPBearer(auto_error=False, description="An API token: `strikewatch user token NAME`.")
session_cookie = APIKeyCookie(name=SESSION_COOKIE, auto_error=False,
                              description="A browser session (POST /api/v1/auth/login); writes also need X-CSRF-Token.")


@dataclass
class Ctx:
    """What a handler works with: the store (its audit actor set), who asks, the request."""

    store: Store
    who: Principal
    request: Request

    def audit_read(self, entity: str, entity_id: Any, fields: list[str]) -> None:
        """Record a read of sensitive fields in the audit chain."""
        self.store.audit_event("read", entity, entity_id, fields=fields, via=self.who.via)


LENT_KEY = "strikewatch.store"


def lend(request: Request) -> Store:
    """The store lent to this request: borrowed from the app's pool on first use,
    returned by the app's ReturnStores middleware when the response is done."""
    store = request.scope.get(LENT_KEY)
    if store is None:
        store = request.scope[LENT_KEY] = request.app.state.stores.acquire()
    return store


def principal_of(request: Request) -> tuple[Store, Principal]:
    store = lend(request)
    who = identify(store, cookie=request.cookies.get(SESSION_COOKIE),
                   authorization=request.headers.get("authorization"))
    store.actor = f"web:{who.name}"
    return store, who


def needs(role: str, *, csrf_from_header: bool = True) -> Callable[..., Ctx]:
    """A dependency: the request's context, refused unless its principal has ``role``.
    Writes authenticated by the session cookie must carry the CSRF token in the
    ``X-CSRF-Token`` header (API) or, for forms, be checked by the handler."""

    def dependency(request: Request,
                   _b: HTTPAuthorizationCredentials | None = Security(bearer),
                   _c: str | None = Security(session_cookie)) -> Ctx:
        store, who = principal_of(request)
        require(who, role)
        if csrf_from_header and request.method not in SAFE_METHODS:
            check_csrf(who, request.headers.get(CSRF_HEADER))
        return Ctx(store, who, request)

    return dependency


viewer = needs("viewer")
analyst = needs("analyst")
admin = needs("admin")
