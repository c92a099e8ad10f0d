"""Shared fixtures for the workbench tests (API, schema fuzzing, browser).

A small corpus of our own short reports is ingested, extracted and linked
once per session into a template database, with a viewer, an analyst and an
admin and an API token for each. Tests take a fresh copy of that database
(a file copy: cheap) and, when they need one, a live uvicorn server on
127.0.0.1 over it. Nothing here talks to any host but loopback: URL ingestion
is cut off from DNS and from non-loopback connections for the whole session.

Test modules load this file as a plugin: ``pytest_plugins = ["tests.web_support"]``.
"""

from __future__ import annotations

import json
import shutil
import socket
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import pytest

# --------------------------------------------------------------------------
# The corpus: short reports written for these tests (not taken from any outlet).
# Two reports describe the Saraqib market strike (so they link into one
# incident); the two Kherson strikes are separate incidents an analyst might merge.

CORPUS: list[dict[str, Any]] = [
    {"id": "t-saraqib-a", "title": "Airstrike on Saraqib market", "source": "North Syria Wire",
     "published": "2021-03-04", "language": "en", "url": "https://wire.example/saraqib-a",
     "text": "Warplanes struck the main vegetable market in Saraqib, in Idlib province, on Wednesday morning, "
             "killing 9 civilians and wounding 21 others, the local civil defence said.\n\n"
             "Residents said the aircraft belonged to the Russian air force. Rescue crews worked until dusk "
             "to clear the rubble."},
    {"id": "t-saraqib-b", "title": "Nine dead as jets hit Saraqib", "source": "Levant Observer",
     "published": "2021-03-04", "language": "en", "url": "https://observer.example/saraqib-b",
     "text": "At least nine civilians were killed and about 20 injured when Russian jets bombed a crowded "
             "market in the town of Saraqib in Idlib on Wednesday, according to medics at the scene.\n\n"
             "A monitoring group said two children were among the dead."},
    {"id": "t-aleppo-hosp", "title": "Shelling damages hospital in Aleppo", "source": "Aleppo Health Bulletin",
     "published": "2021-05-11", "language": "en",
     "text": "Artillery shelling hit Al-Razi Hospital in Aleppo on Monday, killing 3 patients and injuring "
             "7 medical staff, the hospital director said.\n\n"
             "The director blamed Syrian government forces for the attack, which damaged the emergency ward."},
    {"id": "t-kherson-1", "title": "Shelling kills four in Kherson", "source": "Dnipro Daily",
     "published": "2022-11-20", "language": "en",
     "text": "Russian artillery shelled a residential district of Kherson on Saturday, killing 4 civilians "
             "and injuring 11, the regional governor said."},
    {"id": "t-kherson-2", "title": "Strike on Kherson bus stop", "source": "Black Sea Courier",
     "published": "2022-11-22", "language": "en",
     "text": "A Russian strike hit a bus stop in Kherson on Monday, killing 2 people and wounding 5, "
             "regional officials said."},
    {"id": "t-ariha-ar", "title": "غارة جوية على أريحا", "source": "مرصد الشمال", "published": "2021-06-10",
     "language": "ar",
     "text": "قتل خمسة مدنيين وأصيب اثنا عشر آخرون بغارة جوية روسية استهدفت سوقا شعبيا في مدينة أريحا "
             "بريف إدلب يوم الخميس، بحسب الدفاع المدني."},
]

#: the incident each corpus report ends up in, by label
LABELS = {"t-saraqib-a": "saraqib", "t-saraqib-b": "saraqib", "t-aleppo-hosp": "aleppo",
          "t-kherson-1": "kherson1", "t-kherson-2": "kherson2", "t-ariha-ar": "ariha"}

#: role -> (user name, password)
USERS = {"viewer": ("vera", "viewer-password-1"), "analyst": ("ali", "analyst-password-1"),
         "admin": ("ada", "admin-password-1")}


@dataclass
class World:
    """A database with the corpus, the users and their tokens."""

    db: Any                                 # a SQLite file (Path) or a PostgreSQL URL
    tokens: dict[str, str]                  # role -> API token
    token_ids: dict[str, int]
    user_ids: dict[str, int]
    incidents: dict[str, str] = field(default_factory=dict)   # label -> incident key
    documents: dict[str, int] = field(default_factory=dict)   # source id -> document number
    pg: Any = None                                             # the PgServer of a PostgreSQL world

    def store(self, actor: str = "test"):
        from strikewatch.store import Store

        return Store(self.db, actor=actor)

    def auth(self, role: str | None) -> dict[str, str]:
        """The Authorization header of a role (none for anonymous)."""
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role in self.tokens else {}

    def copy(self, dest: Path) -> "World":
        """The same world in a new database (a file copy, or a PostgreSQL
        database made from this one as its template)."""
        if self.pg is not None:
            target: Any = self.pg.new_database(template=self.db.rsplit("/", 1)[1])
        else:
            dest.mkdir(parents=True, exist_ok=True)
            target = dest / "strikewatch.db"
            shutil.copyfile(self.db, target)
        return replace(self, db=target, tokens=dict(self.tokens), token_ids=dict(self.token_ids),
                       user_ids=dict(self.user_ids), incidents=dict(self.incidents), documents=dict(self.documents))


def ingest_documents(db: Path, docs: list[dict[str, Any]], actor: str = "test:corpus") -> None:
    """Ingest documents (spec §1 dicts) with the library, then extract and link them."""
    from strikewatch.ingest.pipeline import Ingester
    from strikewatch.jobs import extract_stored, link_stored
    from strikewatch.store import Store

    with Store(db, actor=actor) as store:
        ingester = Ingester(store)
        for doc in docs:
            raw = json.dumps(doc, ensure_ascii=False).encode("utf-8")
            ingester.ingest_json(raw, f"{doc.get('id', 'doc')}.json")
        assert ingester.summary.quarantined == 0, ingester.summary.as_dict()
        extract_stored(store)
        link_stored(store)


def checkpoint(db: Path) -> None:
    """Fold the write-ahead log into the database file, so a plain copy is complete."""
    conn = sqlite3.connect(str(db))
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def database_bytes(world: World) -> bytes:
    """Everything a world's database holds, as bytes to search for secrets."""
    if world.pg is None:
        return b"".join(p.read_bytes() for p in world.db.parent.glob(world.db.name + "*"))
    import psycopg

    out = []
    with psycopg.connect(world.db) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):
                out.append(repr(row).encode("utf-8"))
    return b"\n".join(out)


def build_world(db: Any, pg: Any = None) -> World:
    from strikewatch.store import Store
    from strikewatch.web.auth import hash_password

    ingest_documents(db, CORPUS)
    tokens, token_ids, user_ids = {}, {}, {}
    with Store(db, actor="test:setup") as store:
        for role, (name, password) in USERS.items():
            user_ids[role] = store.add_user(name, role, hash_password(password))
            tokens[role], record = store.create_token(user_ids[role], f"{role} test token")
            token_ids[role] = record["id"]
        documents = {d.source_id: d.id for d in store.list_documents(limit=500)}
        incidents: dict[str, str] = {}
        for data in store.iter_incidents():
            for source_id in data["document_ids"]:
                incidents[LABELS[source_id]] = data["incident_id"]
    assert set(incidents) == set(LABELS.values()), f"the corpus did not link as planned: {incidents}"
    if pg is None:
        checkpoint(db)
    return World(db=db, tokens=tokens, token_ids=token_ids, user_ids=user_ids, incidents=incidents,
                 documents=documents, pg=pg)


# --------------------------------------------------------------------------
# No network: URL ingestion never resolves a name nor leaves loopback.


def cut_network(mp: pytest.MonkeyPatch) -> None:
    from strikewatch.ingest import net

    def no_dns(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, f"no DNS in tests ({host})")

    real_connect = net._connect_pinned

    def loopback_only(addrs: list[Any], port: int, timeout: float) -> socket.socket:
        if not all(a.is_loopback for a in addrs):
            raise OSError(f"no network in tests ({', '.join(map(str, addrs))})")
        return real_connect(addrs, port, timeout)

    mp.setattr(net, "_default_resolver", no_dns)
    mp.setattr(net, "_connect_pinned", loopback_only)


# --------------------------------------------------------------------------
# A live server.


class LiveServer:
    """uvicorn serving ``create_app(WebConfig(db_path=…))`` on 127.0.0.1, in a thread."""

    def __init__(self, db: Path, **config: Any) -> None:
        import uvicorn

        from strikewatch.web.app import WebConfig, create_app

        self.app = create_app(WebConfig(db_path=db, **config))
        self.server = uvicorn.Server(uvicorn.Config(self.app, host="127.0.0.1", port=0, log_level="warning",
                                                    access_log=False, lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, name="uvicorn-test", daemon=True)
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "LiveServer":
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)


@contextmanager
def live_server(db: Path, **config: Any) -> Iterator[LiveServer]:
    srv = LiveServer(db, **config).start()
    try:
        yield srv
    finally:
        srv.stop()


def login(client: Any, role: str) -> str:
    """Log an httpx client in with a password (session cookie); the CSRF token."""
    name, password = USERS[role]
    r = client.post("/api/v1/auth/login", json={"username": name, "password": password})
    assert r.status_code == 200, r.text
    return r.json()["csrf_token"]


def assert_error(response: Any, status: int | tuple[int, ...], code: str | None = None) -> dict[str, Any]:
    """The response is an error of the documented shape; its ``error`` object."""
    statuses = (status,) if isinstance(status, int) else status
    assert response.status_code in statuses, (response.status_code, response.text[:500])
    body = response.json()
    assert set(body) == {"error"}, body
    err = body["error"]
    assert {"code", "message", "status"} <= set(err), err
    assert err["status"] == response.status_code, err
    assert isinstance(err["code"], str) and isinstance(err["message"], str)
    if code is not None:
        assert err["code"] == code, err
    return err


# --------------------------------------------------------------------------
# Fixtures.


@pytest.fixture(scope="module")
def offline() -> Iterator[None]:
    """No network for one test module (undone after it, so other modules' own
    network tests see the real resolver)."""
    mp = pytest.MonkeyPatch()
    cut_network(mp)
    yield
    mp.undo()


@pytest.fixture(scope="session")
def web_base(tmp_path_factory: pytest.TempPathFactory) -> World:
    """The template world; never written to (tests take copies)."""
    return build_world(tmp_path_factory.mktemp("web-base") / "strikewatch.db")


@pytest.fixture(scope="session")
def pg_web_base(pg_server: Any) -> World:
    """The template world in a PostgreSQL database."""
    return build_world(pg_server.new_database(), pg=pg_server)


@pytest.fixture(scope="module")
def web_backend() -> str:
    """The backend of a module's worlds: SQLite, unless a module asks for both
    (test_api.py overrides this fixture with both backends as parameters)."""
    return "sqlite"


@pytest.fixture(scope="module")
def web_template(web_backend: str, request: pytest.FixtureRequest) -> World:
    """The template world of this module's backend."""
    return request.getfixturevalue("pg_web_base" if web_backend == "postgresql" else "web_base")


@pytest.fixture()
def world(web_template: World, tmp_path: Path, offline: None) -> World:
    """A fresh copy of the template world, for one test."""
    return web_template.copy(tmp_path / "world")


@pytest.fixture()
def server(world: World) -> Iterator[LiveServer]:
    """A live server over this test's own world."""
    with live_server(world.db) as srv:
        yield srv


@pytest.fixture(scope="module")
def shared_world(web_template: World, tmp_path_factory: pytest.TempPathFactory, offline: None) -> World:
    """One copy of the template world for a module's read-only tests."""
    return web_template.copy(tmp_path_factory.mktemp("shared-world"))


@pytest.fixture(scope="module")
def shared_server(shared_world: World) -> Iterator[LiveServer]:
    with live_server(shared_world.db) as srv:
        yield srv
