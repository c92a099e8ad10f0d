"""The two databases strikewatch keeps its store in, behind one connection API.

SQLite is the embedded default (a file path): the store talks to Python's
``sqlite3`` connection directly. PostgreSQL (a ``postgresql://`` URL) is for
teams sharing one server: :class:`PostgresConnection` gives psycopg the same
small surface the store uses (``execute``, ``executemany``, ``in_transaction``,
``close``) and translates the store's SQL, written once in the common subset,
to PostgreSQL's: ``?`` placeholders become ``%s``, ``group_concat`` becomes
``string_agg``, SQLite's ``+column`` planner hints are dropped. What cannot be
translated word for word (full-text search, the write lock, named locks) is a
method of the store that asks :func:`dialect_of`.

Writers are serialised on both: SQLite's ``BEGIN IMMEDIATE`` takes the
database's write lock; on PostgreSQL every write transaction takes one
transaction-level advisory lock first, so the audit chain gets one writer at
a time exactly as on SQLite, and concurrent analysts queue instead of failing.
"""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from typing import Any, Iterable, Iterator
from urllib.parse import urlsplit, urlunsplit

#: advisory-lock namespace of strikewatch on a PostgreSQL server ("swat")
LOCK_SPACE = 0x73776174
#: lock numbers in that namespace (named locks use hashtext of their name)
WRITE_LOCK, MIGRATE_LOCK = 0, 1

URL_SCHEMES = ("postgresql://", "postgres://")


def is_url(target: Any) -> bool:
    """Whether a --db value names a PostgreSQL database rather than a file."""
    return isinstance(target, str) and target.startswith(URL_SCHEMES)


def redact(url: str) -> str:
    """A database URL safe to print: the password replaced by ***."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def _pg_error() -> type[BaseException]:
    try:
        import psycopg
    except ImportError:  # pragma: no cover - the postgres extra is not installed
        class _Never(Exception):
            pass
        return _Never
    return psycopg.Error


#: what a database failure raises, on either backend
ERRORS: tuple[type[BaseException], ...] = (sqlite3.Error, _pg_error())


def dialect_of(conn: Any) -> str:
    """"sqlite" or "postgresql"."""
    return getattr(conn, "dialect", "sqlite")


_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\?|%")
_HINT = re.compile(r"(?<=[\s(])\+(?=[a-z_]+\.)")


@lru_cache(maxsize=4096)
def translate(sql: str) -> str:
    """The store's SQL in PostgreSQL's words (see the module's docstring)."""
    def sub(m: re.Match[str]) -> str:
        token = m.group(0)
        return "%s" if token == "?" else token.replace("%", "%%")

    sql = _PLACEHOLDER.sub(sub, sql)
    sql = sql.replace("group_concat(", "string_agg(")
    return _HINT.sub("", sql)


class PostgresConnection:
    """A psycopg connection in autocommit mode with the store's SQL translated.
    Transactions are explicit (``BEGIN``/``COMMIT`` statements), as on SQLite."""

    dialect = "postgresql"

    def __init__(self, url: str) -> None:
        try:
            import psycopg
        except ImportError as exc:  # pragma: no cover - depends on the install
            raise RuntimeError(
                "a PostgreSQL database needs the postgres extra: pip install 'strikewatch[postgres]'") from exc
        self._psycopg = psycopg
        self.raw = psycopg.connect(url, autocommit=True, connect_timeout=30)
        self.raw.adapters.register_loader("numeric", _NumericLoader)
        self.raw.execute("SET statement_timeout = 0")

    def execute(self, sql: str, params: Iterable[Any] | None = None) -> Any:
        return self.raw.execute(translate(sql), _params(params))

    def executemany(self, sql: str, seq: Iterable[Iterable[Any]]) -> Any:
        cur = self.raw.cursor()
        cur.executemany(translate(sql), [_params(p) for p in seq])
        return cur

    def script(self, sql: str) -> None:
        """Several statements at once (a migration file), no parameters."""
        self.raw.execute(sql.encode("utf-8"))

    def stream(self, sql: str, params: Iterable[Any] | None = None, size: int = 500) -> Iterator[tuple[Any, ...]]:
        """Rows of a query read a batch at a time from a server-side cursor (inside a transaction)."""
        with self.raw.cursor(name="strikewatch_stream") as cur:
            cur.itersize = size
            cur.execute(translate(sql), _params(params))
            yield from cur

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != self._psycopg.pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()


def _params(params: Iterable[Any] | None) -> list[Any]:
    return [] if params is None else list(params)


def _numeric_loader_base() -> type:
    try:
        from psycopg.adapt import Loader
    except ImportError:  # pragma: no cover
        return object
    return Loader


class _NumericLoader(_numeric_loader_base()):  # type: ignore[misc]
    """``sum()`` of integers is ``numeric`` in PostgreSQL; the store wants
    Python ints (and floats for fractions), as SQLite gives."""

    def load(self, data: Any) -> int | float:
        text = bytes(data).decode("ascii")
        return float(text) if ("." in text or "e" in text.lower() or text in ("NaN", "Infinity", "-Infinity")) \
            else int(text)
