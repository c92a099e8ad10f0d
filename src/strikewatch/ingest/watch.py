"""Poll feeds on an interval, politely and resumably.

Each feed's validators (ETag, Last-Modified) and last poll time live in the
database, so a restarted watch sends conditional requests and waits until a
feed is due instead of hammering it. Items already stored are skipped by
their content key, so overlapping polls add nothing twice.
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Callable

from ..config import IngestSettings
from ..errors import StrikewatchError
from ..store import Store
from .pipeline import IngestSummary, Ingester, Outcome, is_url


def _parse_ts(ts: str | None) -> float | None:
    if not ts:
        return None
    try:
        return datetime.fromisoformat(ts.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _now_iso() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def watch_feeds(
    store: Store, refs: list[str], *, settings: IngestSettings, interval: float,
    max_rounds: int | None = None,
    on_poll: Callable[[str, str, int], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
    on_round: Callable[[], None] | None = None,
    resolver: Callable[[str, int], list[str]] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
) -> IngestSummary:
    """Poll every feed when due; ``max_rounds`` None means forever.

    A round polls each feed whose last poll is at least ``interval`` seconds
    old, calls ``on_round`` (the CLI extracts the new documents there), then
    sleeps until the next one is due.
    """
    ingester = Ingester(store, settings, on_outcome=on_outcome, resolver=resolver)
    rounds = 0
    while max_rounds is None or rounds < max_rounds:
        rounds += 1
        for ref in refs:
            state = store.feed_state(ref) or {}
            last = _parse_ts(state.get("last_polled"))
            if last is not None and clock() - last < interval:
                continue
            before = ingester.summary.added
            try:
                result = ingester.ingest_feed(ref, state=state)
                status = "not modified" if result is not None and result.not_modified else "ok"
                validators = {
                    "etag": result.etag if result is not None and result.etag else state.get("etag"),
                    "last_modified": (result.last_modified if result is not None and result.last_modified
                                      else state.get("last_modified")),
                }
            except StrikewatchError as exc:  # already quarantined by the ingester
                status, validators = f"error [{exc.code}]", {}
            added = ingester.summary.added - before
            store.save_feed_state(
                ref, last_polled=_now_iso(), last_status=status,
                items_added=(state.get("items_added") or 0) + added,
                **(validators if is_url(ref) else {}),
            )
            if on_poll:
                on_poll(ref, status, added)
        if on_round:
            on_round()
        if max_rounds is not None and rounds >= max_rounds:
            break
        due = []
        for ref in refs:
            last = _parse_ts((store.feed_state(ref) or {}).get("last_polled"))
            due.append(0.0 if last is None else max(0.0, last + interval - clock()))
        sleep(min(due) if due else interval)
    return ingester.summary
