"""Formula-injection-safe CSV cells.

A spreadsheet opening our CSV treats a cell that starts with ``=``, ``+``,
``-`` or ``@`` (and, in some programs, a tab or carriage return) as a formula.
Report text is attacker-controlled (anyone can publish an article), so a
place name like ``=HYPERLINK("http://evil",...)`` must reach an analyst's
spreadsheet as text. Following OWASP's advice we prefix such cells with a
single quote, which spreadsheets show as text.

Real numbers stay numbers: a longitude of ``-3.7`` is written as ``-3.7``,
not ``'-3.7`` (a plain decimal cannot run anything). Values we write as
Python numbers are never quoted; strings are kept as-is only when they are a
plain decimal (``-12``, ``-3.75``).

The prefix is reversible: a value that itself begins with a quote gets one
more, so :func:`unescape_cell` gives back exactly what was written.
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = ["DANGEROUS_PREFIXES", "is_dangerous", "safe_cell", "safe_row", "unescape_cell"]

#: First characters that make spreadsheets evaluate a cell. The full-width
#: forms are included because some spreadsheet programs fold them to ASCII.
DANGEROUS_PREFIXES: frozenset[str] = frozenset("=+-@\t\r\n＝＋－＠")

_PLAIN_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def is_dangerous(text: str) -> bool:
    """Whether a spreadsheet might read ``text`` as a formula.

    Leading spaces are skipped, since some importers trim them before
    deciding; plain decimals such as ``-3.7`` are safe.
    """
    stripped = text.lstrip(" ")
    if not stripped:
        return False
    if _PLAIN_NUMBER.fullmatch(stripped):
        return False
    return stripped[0] in DANGEROUS_PREFIXES


def safe_cell(value: Any) -> str:
    """One cell as text: ``None`` is empty, numbers as numbers, text neutralised."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return repr(value)
    text = str(value)
    if text.startswith("'") or is_dangerous(text):
        return "'" + text
    return text


def safe_row(values: list[Any]) -> list[str]:
    """:func:`safe_cell` over a row."""
    return [safe_cell(v) for v in values]


def unescape_cell(text: str) -> str:
    """Undo :func:`safe_cell`'s prefix (for reading our own CSV back)."""
    return text.removeprefix("'")
