"""The hash-chained audit log and the digests that tie it to the rows.

Each audit row holds ``hash = SHA-256(prev_hash, seq, ts, actor, action,
entity, entity_id, payload)``, so editing, deleting, inserting or reordering
audit rows breaks the chain at that point. Each write's payload carries the
digest of the row as written, so a row edited behind strikewatch's back no
longer matches its last audit record. Together they let ``verify`` name the
first broken link.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Iterable

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def chain_hash(
    prev_hash: str, seq: int, ts: str, actor: str, action: str,
    entity: str, entity_id: str, payload: str,
) -> str:
    material = canonical_json([prev_hash, seq, ts, actor, action, entity, entity_id, payload])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def row_digest(columns: Iterable[str], values: Iterable[Any]) -> str:
    """A stable digest of one table row (bytes hashed, not embedded)."""
    norm = {}
    for name, value in zip(columns, values):
        if isinstance(value, (bytes, bytearray, memoryview)):
            value = {"sha256": hashlib.sha256(bytes(value)).hexdigest()}
        elif isinstance(value, float):
            value = repr(value)
        norm[name] = value
    return hashlib.sha256(canonical_json(norm).encode("utf-8")).hexdigest()
