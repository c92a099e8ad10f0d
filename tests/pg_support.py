"""A private PostgreSQL server for the tests, from Debian's packages.

The test command (``make test``) installs Debian's ``postgresql`` when it is
missing; the first test that asks for a PostgreSQL database starts a
throwaway cluster (``initdb`` into a temporary folder, listening on a free
loopback port and a private socket folder) and stops it at the end of the
session. Every test gets a database of its own (``CREATE DATABASE``, from a
template when it needs data). Set ``STRIKEWATCH_TEST_PG_URL`` to the URL of
an existing server's maintenance database (one that may create databases)
to use that instead.

The cluster runs with ``fsync=off``: the tests kill clients, never the
server, and speed matters more here than surviving a power cut.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def _binary(name: str) -> str | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0)
    return found[-1] if found else shutil.which(name)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """A running PostgreSQL server the tests may create databases on."""

    _names = itertools.count(1)

    def __init__(self, admin_url: str, *, folder: Path | None = None, as_user: list[str] | None = None) -> None:
        self.admin_url = admin_url
        self.folder = folder
        self._as = as_user or []

    @classmethod
    def start(cls, *, durable: bool = False) -> "PgServer":
        """A throwaway cluster; ``durable`` keeps fsync on (benchmarks)."""
        initdb, pg_ctl = _binary("initdb"), _binary("pg_ctl")
        if not initdb or not pg_ctl:
            raise RuntimeError("PostgreSQL's server programs are not installed: `make test` installs "
                               "Debian's postgresql (or set STRIKEWATCH_TEST_PG_URL)")
        folder = Path(tempfile.mkdtemp(prefix="strikewatch-pg-"))
        as_user: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root: run it as Debian's postgres user
            shutil.chown(folder, "postgres", "postgres")
            as_user = ["runuser", "-u", "postgres", "--"]
        data, port = folder / "data", _free_port()
        subprocess.run([*as_user, initdb, "-D", str(data), "-A", "trust", "-U", "postgres",
                        "-E", "UTF8", "--no-locale", "--no-sync"], check=True, capture_output=True)
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run([*as_user, pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "server.log"),
                        "-w", "-t", "60", "start"], check=True, capture_output=True)
        return cls(f"postgresql://postgres@127.0.0.1:{port}/postgres", folder=folder, as_user=as_user)

    def stop(self) -> None:
        if self.folder is None:
            return
        pg_ctl = _binary("pg_ctl")
        subprocess.run([*self._as, pg_ctl, "-D", str(self.folder / "data"), "-m", "immediate", "stop"],
                       capture_output=True)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _admin(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(sql)

    def url(self, name: str) -> str:
        return self.admin_url.rsplit("/", 1)[0] + "/" + name

    def new_database(self, template: str | None = None) -> str:
        """A new empty database (or a copy of ``template``'s); its URL."""
        name = f"sw_test_{os.getpid()}_{next(self._names)}"
        source = template or "template0"
        self._admin(f'CREATE DATABASE "{name}" TEMPLATE "{source}" ENCODING \'UTF8\'')
        return self.url(name)

    def drop_database(self, url: str) -> None:
        self._admin(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def raw_execute(target: str | Path, sql: str, params: tuple = ()) -> None:
    """Run one statement behind strikewatch's back (for tampering tests), on
    a SQLite file or a PostgreSQL URL; ``?`` placeholders on both."""
    if isinstance(target, str) and target.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(target, autocommit=True) as conn:
            conn.execute(sql.replace("?", "%s"), params)
        return
    import sqlite3

    conn = sqlite3.connect(str(target), isolation_level=None)
    try:
        conn.execute(sql, params)
    finally:
        conn.close()
