"""Property-based tests of the API against its own OpenAPI document
(schemathesis 4), once per role: anonymous, viewer, analyst, admin.

The schema is loaded from the application's OpenAPI document; the cases are
sent over HTTP to a live server, one per role, each over its own copy of the
test database, authenticated with the role's Bearer token (so no CSRF token
is needed). Every response must not be a server error and must match its
documented schema, status code and media type. The operations that could
lock a role out (revoking a token or an account) run apart, each case with a
throwaway account of the role.

The fast run (few examples) is unmarked; the full run is marked ``slow``.
"""

from __future__ import annotations

import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytest.register_assert_rewrite("tests.web_support")
schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .web_support import LiveServer, World, live_server  # noqa: E402

pytest_plugins = ["tests.web_support"]

ROLES = ("anonymous", "viewer", "analyst", "admin")
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


def openapi_document() -> dict[str, Any]:
    """The application's OpenAPI document, from a throwaway app over an empty database."""
    from strikewatch.web.app import WebConfig, create_app

    with tempfile.TemporaryDirectory(prefix="strikewatch-openapi-") as tmp:
        app = create_app(WebConfig(db_path=Path(tmp) / "schema.db"))
        doc = app.openapi()
        app.state.stores.close()
    return doc


#: operations that end the caller's own access: run with a throwaway principal
LOCKOUTS = (("DELETE", "/api/v1/tokens/{token_id}"), ("POST", "/api/v1/users/{username}/revoke"))

DOC = openapi_document()
#: the quick run leaves out the coverage phase (boundary values of every parameter); the full run has it
QUICK = schemathesis.config.SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})


def schemas(config: Any = None) -> tuple[Any, Any]:
    """(every operation but the lockouts, the lockouts alone)."""
    base = schemathesis.openapi.from_dict(DOC, config=config)
    main = base
    for method, path in LOCKOUTS:
        main = main.exclude(method=method, path=path)
    return main, base.include(path=[p for _, p in LOCKOUTS])


quick_schema, quick_lockouts = schemas(QUICK)
full_schema, full_lockouts = schemas()

COMMON = dict(deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))


@dataclass
class RoleServer:
    role: str
    world: World
    server: LiveServer

    def headers(self) -> dict[str, str]:
        return self.world.auth(self.role)

    def throwaway_headers(self) -> dict[str, str]:
        """A new account of the role with a new token (anonymous: none)."""
        if self.role == "anonymous":
            return {}
        with self.world.store(actor="test:schema") as store:
            name = f"tmp-{secrets.token_hex(6)}"
            uid = store.add_user(name, self.role, "not-a-password-hash")
            token, _ = store.create_token(uid, "throwaway")
        return {"Authorization": f"Bearer {token}"}


def _role_server(request: pytest.FixtureRequest, web_base: World,
                 tmp_path_factory: pytest.TempPathFactory) -> Iterator[RoleServer]:
    world = web_base.copy(tmp_path_factory.mktemp(f"schema-{request.param}"))
    with live_server(world.db) as srv:
        yield RoleServer(request.param, world, srv)
    with world.store() as store:  # whatever the fuzzing did, the audit chain holds
        report = store.verify()
        assert report.ok, report.as_dict()


role_server = pytest.fixture(scope="module", params=ROLES)(_role_server)
lockout_server = pytest.fixture(scope="module", params=ROLES)(_role_server)


def check(case: Any, headers: dict[str, str], srv: RoleServer) -> None:
    case.call_and_validate(base_url=srv.server.url, headers=headers, checks=CHECKS, timeout=60)


@quick_schema.parametrize()
@settings(max_examples=6, **COMMON)
def test_api_conforms_quick(case: Any, role_server: RoleServer) -> None:
    check(case, role_server.headers(), role_server)


@quick_lockouts.parametrize()
@settings(max_examples=6, **COMMON)
def test_lockout_operations_conform_quick(case: Any, lockout_server: RoleServer) -> None:
    check(case, lockout_server.throwaway_headers(), lockout_server)


@pytest.mark.slow
@full_schema.parametrize()
@settings(max_examples=60, **COMMON)
def test_api_conforms_full(case: Any, role_server: RoleServer) -> None:
    check(case, role_server.headers(), role_server)


@pytest.mark.slow
@full_lockouts.parametrize()
@settings(max_examples=60, **COMMON)
def test_lockout_operations_conform_full(case: Any, lockout_server: RoleServer) -> None:
    check(case, lockout_server.throwaway_headers(), lockout_server)


def test_schema_documents_the_api(web_base: World, tmp_path: Path) -> None:
    """The OpenAPI document lists every route, with the error shape and the auth schemes."""
    from strikewatch.web.app import WebConfig, create_app

    doc = create_app(WebConfig(db_path=web_base.copy(tmp_path).db)).openapi()
    paths = doc["paths"]
    for path in ("/api/v1/incidents", "/api/v1/incidents/{ref}", "/api/v1/documents/{ref}", "/api/v1/ingest/text",
                 "/api/v1/ingest/url", "/api/v1/ingest/file", "/api/v1/export/{fmt}", "/api/v1/tokens",
                 "/api/v1/settings", "/api/v1/users", "/api/v1/incidents/{ref}/merge"):
        assert path in paths, path
    assert "ErrorResponse" in doc["components"]["schemas"]
    schemes = doc["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}
    assert not [p for p in paths if not p.startswith("/api/v1/")]  # pages stay out of the API document
