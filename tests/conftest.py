"""Shared fixtures: run the CLI in-process, and locate the sample corpus."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from strikewatch.cli import main

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"


@dataclass
class Result:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


@pytest.fixture()
def db(tmp_path: Path) -> Path:
    return tmp_path / "strikewatch.db"


@pytest.fixture()
def sw(db: Path, capsys: pytest.CaptureFixture[str]):
    """Run `strikewatch --db <tmp> ARGS…` in-process; returns a Result."""

    def run(*args: str, use_db: bool = True) -> Result:
        argv = (["--db", str(db)] if use_db else []) + [str(a) for a in args]
        capsys.readouterr()
        code = 0
        try:
            main(argv)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture()
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail any attempt to connect off loopback or to resolve a real name."""
    from .loopback import guard_loopback

    guard_loopback(monkeypatch)


@pytest.fixture()
def recorder():
    """The forbidden target on 127.0.0.1: it must never see a request."""
    from .loopback import forbidden_recorder

    with forbidden_recorder() as srv:
        yield srv


# --------------------------------------------------------------------------
# Both backends: tests that take `db_target` run once on a SQLite file and
# once on a PostgreSQL database of their own (tests/pg_support.py).


@pytest.fixture(scope="session")
def pg_server():
    import os

    from .pg_support import PgServer

    explicit = os.environ.get("STRIKEWATCH_TEST_PG_URL")
    if explicit:
        yield PgServer(explicit)
        return
    server = PgServer.start()
    try:
        yield server
    finally:
        server.stop()


BACKENDS = [pytest.param("sqlite", id="sqlite"),
            pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture()
def db_target(backend: str, tmp_path: Path, request: pytest.FixtureRequest):
    """A new, empty database: a SQLite file path, or a PostgreSQL URL."""
    if backend == "sqlite":
        yield tmp_path / "strikewatch.db"
        return
    server = request.getfixturevalue("pg_server")
    url = server.new_database()
    try:
        yield url
    finally:
        server.drop_database(url)


def local_spark(tmp_path_factory: pytest.TempPathFactory, app_name: str, partitions: int):
    """A local[2] Spark session for one test module, its scratch under pytest's
    temporary folder; a generator for a module fixture to yield from."""
    from strikewatch.spark.extract import build_session, stop_session

    tmp = tmp_path_factory.mktemp("spark")
    session = build_session("local[2]", app_name=app_name, conf=[
        ("spark.sql.warehouse.dir", str(tmp / "warehouse")),
        ("spark.local.dir", str(tmp / "local")),
        ("spark.driver.memory", "1g"),
        ("spark.sql.shuffle.partitions", str(partitions)),
    ])
    yield session
    stop_session(session)
