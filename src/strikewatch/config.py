"""Settings from arguments and the environment, never from module globals."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_MAX_DOCUMENT_BYTES = 20 * 1024 * 1024


def database_target(value: str | os.PathLike[str]) -> str | Path:
    """A --db value: a PostgreSQL URL stays a string, anything else is a file path."""
    text = os.fspath(value)
    return text if text.startswith(("postgresql://", "postgres://")) else Path(text)


def default_db_path() -> str | Path:
    """$STRIKEWATCH_DB (a file or a postgresql:// URL), else
    $XDG_DATA_HOME/strikewatch/strikewatch.db (~/.local/share/strikewatch/strikewatch.db)."""
    explicit = os.environ.get("STRIKEWATCH_DB")
    if explicit:
        return database_target(explicit)
    base = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(base) / "strikewatch" / "strikewatch.db"


def env_allow_networks() -> tuple[str, ...]:
    """CIDRs exempted from the public-address rule, from $STRIKEWATCH_ALLOW_NETWORKS
    (comma-separated). Empty by default: only public addresses are fetched."""
    raw = os.environ.get("STRIKEWATCH_ALLOW_NETWORKS", "")
    return tuple(part.strip() for part in raw.split(",") if part.strip())


@dataclass(frozen=True)
class IngestSettings:
    max_document_bytes: int = DEFAULT_MAX_DOCUMENT_BYTES
    allow_networks: tuple[str, ...] = field(default_factory=tuple)
    fetch_timeout: float = 20.0
