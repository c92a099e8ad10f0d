"""Export incidents in the field's formats, by versioned name.

Every format is a *writer*: ``write(incidents, out) -> count``. It takes an
iterable of :class:`strikewatch.model.Incident` and a text stream and writes
one incident at a time, so an export of a million incidents never holds them
all in memory.

Formats are looked up in a registry, spaCy-style: each registers under a
versioned name (``"acled-csv.v1"``) and the bare name (``"acled-csv"``) means
its newest version, so a script can pin the shape it was written against.
Built-in formats register with :func:`register` exactly as a plug-in does; a
plug-in package declares an entry point in the group
``strikewatch.exporters`` that names a module (or callable) which calls
:func:`register` when loaded.

Command line (thin shell over :func:`write`)::

    strikewatch export --format acled-csv [--output FILE]
"""

from __future__ import annotations

import importlib
import re
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import TextIO

from strikewatch.errors import UsageError
from strikewatch.model import Incident

__all__ = ["ExportFormat", "Writer", "formats", "get", "names", "register", "write"]

#: A writer: streams incidents to ``out``; returns how many it wrote.
Writer = Callable[[Iterable[Incident], TextIO], int]

#: Entry-point group through which plug-ins add formats.
ENTRY_POINT_GROUP = "strikewatch.exporters"

#: Modules of the built-in formats, loaded on first use like plug-ins.
BUILTIN_MODULES: tuple[str, ...] = (
    "strikewatch.export.jsonl",
    "strikewatch.export.acled",
    "strikewatch.export.ucdp",
    "strikewatch.export.geojson",
    "strikewatch.export.hxl",
)

_NAME = re.compile(r"[a-z][a-z0-9-]*")


@dataclass(frozen=True, slots=True)
class ExportFormat:
    """A registered format: its names, what it writes and how to call it."""

    name: str  # bare name, e.g. "acled-csv"
    version: int
    write: Writer
    media_type: str  # for HTTP responses and --output suffix checks
    extension: str  # suggested file suffix, without the dot
    description: str  # one line for `strikewatch export --help` and the docs

    @property
    def versioned_name(self) -> str:
        return f"{self.name}.v{self.version}"


_registry: dict[str, ExportFormat] = {}
_loaded = False


def register(
    name: str,
    *,
    version: int = 1,
    media_type: str,
    extension: str,
    description: str,
) -> Callable[[Writer], Writer]:
    """Decorator: register ``func`` as the writer of ``name.v{version}``.

    Registering the same versioned name twice replaces the earlier writer, so
    a plug-in can override a built-in deliberately.
    """
    if not _NAME.fullmatch(name):
        raise ValueError(f"invalid export format name {name!r}")
    if version < 1:
        raise ValueError("version must be >= 1")

    def decorator(func: Writer) -> Writer:
        fmt = ExportFormat(name, version, func, media_type, extension, description)
        _registry[fmt.versioned_name] = fmt
        return func

    return decorator


def _load() -> None:
    """Import built-ins and plug-ins once; a broken plug-in is reported, not hidden."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_MODULES:
        importlib.import_module(module)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        loaded = ep.load()  # importing the module registers its formats
        if callable(loaded) and not isinstance(loaded, types.ModuleType):
            loaded()


def _latest() -> dict[str, ExportFormat]:
    latest: dict[str, ExportFormat] = {}
    for fmt in _registry.values():
        if fmt.name not in latest or fmt.version > latest[fmt.name].version:
            latest[fmt.name] = fmt
    return latest


def names() -> list[str]:
    """Bare names of every format (the newest version of each), sorted."""
    _load()
    return sorted(_latest())


def formats() -> list[ExportFormat]:
    """Every registered format and version, sorted by versioned name."""
    _load()
    return [_registry[k] for k in sorted(_registry)]


def get(name: str) -> ExportFormat:
    """The format called ``name`` (bare = newest version, or ``name.vN``)."""
    _load()
    fmt = _registry.get(name) or _latest().get(name)
    if fmt is None:
        known = ", ".join(names())
        raise UsageError(f"unknown export format {name!r} (known: {known})")
    return fmt


def write(name: str, incidents: Iterable[Incident], out: TextIO) -> int:
    """Write ``incidents`` to ``out`` in format ``name``; returns the count."""
    return get(name).write(incidents, out)
