"""Accounts, sessions, tokens and the workbench's store additions (migration 0005)."""

from __future__ import annotations

import json
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from strikewatch.store.index import index_entry, uncertainty
from strikewatch.store.queries import IncidentFilter
from strikewatch.store.repo import Store
from strikewatch.store.schema import migrations
from strikewatch.web.auth import RateLimiter, check_password, hash_password

from .conftest import SAMPLES

PASSWORD = "a long enough secret"


def _incident(key: str, **over: object) -> dict:
    base = {
        "incident_id": key, "format_version": 1, "document_ids": ["d1"], "event_type": "air_strike",
        "date": {"start": "2020-02-03", "end": "2020-02-03", "precision": "day"},
        "location": {"name": "Saraqib", "admin1": "Idlib", "country": "SY", "lat": 35.86, "lon": 36.8},
        "targets": [{"type": "health_facility", "name": "Saraqib Surgical Hospital", "protected": True}],
        "casualties": {"killed": {"low": 3, "best": 3, "high": 5}},
        "figures": [], "perpetrators": [{"actor": "Russia", "role": "alleged"}],
        "attribution": {"actor": "Russia", "probability": 0.7}, "grade": "weak", "sources": ["SOHR"],
    }
    base.update(over)
    return base


def test_passwords_are_argon2id_and_checked() -> None:
    h = hash_password(PASSWORD)
    assert h.startswith("$argon2id$") and PASSWORD not in h
    assert check_password(h, PASSWORD)
    assert not check_password(h, PASSWORD + "x")
    assert not check_password(None, PASSWORD)  # no such user: refused, after the same work
    assert not check_password("not a hash", PASSWORD)
    with pytest.raises(Exception) as err:
        hash_password("short")
    assert getattr(err.value, "code", None) == "bad_field"


def test_sessions_tokens_and_revocation(db: Path) -> None:
    with Store(db, actor="admin") as store:
        uid = store.add_user("ann", "analyst", hash_password(PASSWORD))
        cookie, csrf = store.create_session(uid)
        assert store.session(cookie)[0]["username"] == "ann" and store.session(cookie)[1] == csrf
        assert store.session(cookie + "x") is None
        token, record = store.create_token(uid, "script", days=30)
        assert token.startswith("swt_") and store.token_user(token)["username"] == "ann"
        # only digests at rest
        raw = b"".join(bytes(str(r), "utf-8") for r in store.conn.execute("SELECT * FROM sessions"))
        raw += b"".join(bytes(str(r), "utf-8") for r in store.conn.execute("SELECT * FROM api_tokens"))
        assert cookie.encode() not in raw and token.encode() not in raw
        store.revoke_token(record["id"])
        assert store.token_user(token) is None
        token2, _ = store.create_token(uid, "other")
        store.revoke_user("ann")
        assert store.session(cookie) is None and store.token_user(token2) is None
        # an expired token is refused
        token3, rec3 = store.create_token(store.add_user("bob", "viewer", hash_password(PASSWORD)), "old")
        store.conn.execute("UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00Z' WHERE id = ?", (rec3["id"],))
        assert store.token_user(token3) is None
        with pytest.raises(Exception) as err:
            store.add_user("bob", "viewer", hash_password(PASSWORD))
        assert err.value.code == "conflict"
        with pytest.raises(Exception) as err:
            store.add_user("eve", "root", hash_password(PASSWORD))
        assert err.value.code == "bad_field"


def test_events_and_reads_keep_the_chain_verifiable(db: Path) -> None:
    with Store(db, actor="admin") as store:
        uid = store.add_user("ann", "viewer", hash_password(PASSWORD))
        store.create_session(uid)
        store.audit_event("read", "documents", 1, fields=["text"])
        store.set_setting("public", "true")
        store.set_setting("public", "false")
        actions = [e["action"] for e in store.audit_entries(limit=10)]
        assert {"login", "read", "insert", "update"} <= set(actions)
        assert store.verify().ok
        # an account row edited behind strikewatch's back is caught
        store.conn.execute("UPDATE users SET role = 'admin' WHERE id = ?", (uid,))
        assert any("users" in p.where for p in store.verify().problems)


def test_rate_limiter_window() -> None:
    limiter = RateLimiter(limit=3, window=0.3)
    for _ in range(3):
        assert limiter.retry_after("user:ann") == 0
        limiter.fail("user:ann", "addr:1")
    assert limiter.retry_after("user:ann") >= 1 and limiter.retry_after("addr:1") >= 1
    assert limiter.retry_after("user:bob") == 0
    time.sleep(0.35)
    assert limiter.retry_after("user:ann") == 0


def test_index_terms_and_uncertainty() -> None:
    entry = index_entry(_incident("inc-1"))
    assert entry.row["health"] == 1 and entry.row["killed"] == 3 and entry.row["status"] == "active"
    assert ("place", "saraqib") in entry.terms and ("actor", "russia") in entry.terms
    assert ("facility", "saraqib surgical hospital@saraqib") in entry.terms
    assert index_entry(_incident("inc-2", merged_into="inc-1")).row["status"] == "merged"
    sure = _incident("inc-3", grade="confirmed", document_ids=["a", "b"],
                     casualties={"killed": {"low": 3, "best": 3, "high": 3}},
                     attribution={"actor": "Russia", "probability": 0.95})
    assert uncertainty(_incident("inc-4", grade="contested")) > uncertainty(sure)


def test_filters_over_the_index(db: Path) -> None:
    with Store(db) as store:
        store.save_incident(_incident("inc-a"))
        store.save_incident(_incident(
            "inc-b", event_type="shelling", date={"start": "2021-05-01", "end": "2021-05-01", "precision": "day"},
            location={"name": "Kherson", "admin1": "Kherson", "country": "UA", "lat": 46.6, "lon": 32.6},
            targets=[{"type": "residential", "name": None, "protected": False}], grade="fair",
            perpetrators=[], attribution={"actor": "unknown", "probability": 0.4}))
        store.save_incident(_incident("inc-c", date={"start": "2020-03-09", "end": "2020-03-09", "precision": "day"}))

        def keys(**kw: object) -> list[str]:
            return [r["incident_id"] for r in store.search_incidents(IncidentFilter(**kw))[0]]

        assert keys() == ["inc-b", "inc-c", "inc-a"]
        assert keys(event_type="shelling") == ["inc-b"]
        assert keys(place="idl") == ["inc-c", "inc-a"]  # prefix of a province
        assert keys(place="خ") == []
        assert keys(bbox=(30.0, 44.0, 35.0, 48.0)) == ["inc-b"]
        assert keys(date_from="2020-03-01", date_to="2020-03-09") == ["inc-c"]
        assert keys(target_type="health_facility", actor="russia") == ["inc-c", "inc-a"]
        assert keys(grade="fair") == ["inc-b"]
        assert keys(q="kherson") == ["inc-b"]
        assert keys(health=True) == ["inc-c", "inc-a"]
        facilities = store.health_facilities(IncidentFilter())
        assert facilities[0]["attacks"] == 2 and facilities[0]["facility"] == "saraqib surgical hospital"
        timeline = store.incident_timeline(IncidentFilter())
        assert [d["day"] for d in timeline] == ["2020-02-03", "2020-03-09", "2021-05-01"]
        text, n, total = store.incident_features(IncidentFilter(), limit=2)
        features = json.loads(text)
        assert n == len(features) == 2 and total == 3
        assert features[0]["properties"]["incident_id"] == "inc-b" and features[0]["properties"]["health"] is False
        assert features[0]["geometry"]["coordinates"] == [32.6, 46.6]
        assert json.loads(store.incident_features(IncidentFilter(place="nowhere"))[0]) == []
        with pytest.raises(Exception) as err:
            store.search_incidents(IncidentFilter(q='"*'))
        assert err.value.code == "bad_request"


def test_versions_kept_and_unchanged_saves_write_nothing(db: Path) -> None:
    with Store(db, actor="linker") as store:
        iid = store.save_incident(_incident("inc-v"))
        store.save_incident(_incident("inc-v", updated="later"), incident_id=iid)  # same content
        store.save_incident(_incident("inc-v", grade="fair"), incident_id=iid, reason="a second source")
        versions = store.incident_versions(iid)
        assert [v["version"] for v in versions] == [1, 2]
        assert versions[0]["data"]["grade"] == "weak" and versions[1]["reason"] == "a second source"
        assert store.verify().ok


def test_migration_indexes_existing_incidents(tmp_path: Path) -> None:
    """A database made before migration 0005 gets its incidents indexed on upgrade."""
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
                 " applied_at TEXT NOT NULL)")
    from strikewatch.store.schema import _split_sql

    for version, name, sql in migrations():
        if version >= 5:
            break
        for statement in _split_sql(sql):
            conn.execute(statement)
        conn.execute("INSERT INTO schema_migrations VALUES (?, ?, 'then')", (version, name))
    conn.execute("INSERT INTO incidents (incident_key, data, created_at, updated_at) VALUES (?, ?, 'then', 'then')",
                 ("inc-old", json.dumps(_incident("inc-old"))))
    conn.commit()
    conn.close()
    with Store(path) as store:
        rows, total = store.search_incidents(IncidentFilter(place="saraqib"))
        assert total == 1 and rows[0]["incident_id"] == "inc-old"


def test_user_commands(sw, db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = sw("user", "add", "ann", "--role", "analyst", "--generate-password")
    assert out.code == 0
    password = out.out.split("password:")[1].split()[0]
    with Store(db) as store:
        assert check_password(store.user("ann")["password_hash"], password)
    token = sw("user", "token", "ann", "--name", "ci", "--days", "1")
    assert token.code == 0 and token.out.strip().startswith("swt_")
    listing = sw("user", "list", "--json").json()
    assert listing["users"][0]["username"] == "ann" and "password_hash" not in listing["users"][0]
    assert sw("user", "add", "ann", "--generate-password").code == 1  # exists: conflict
    assert sw("user", "token", "nobody").code == 1
    assert sw("user", "token", "ann", "--revoke", "99").code == 1
    assert sw("user", "revoke", "ann").code == 0
    with Store(db) as store:
        assert store.token_user(token.out.strip()) is None
    assert sw("user", "add", "bad name", "--generate-password").code == 2


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_runs_on_loopback_and_guards_data(sw, db: Path, workers: str) -> None:
    """`strikewatch serve` for real: a process (or two workers) on loopback answering the API."""
    assert sw("ingest", str(SAMPLES / "corpus")).code == 0
    assert sw("link").code == 0
    token = sw("user", "add", "vi", "--generate-password").code == 0 and sw("user", "token", "vi").out.strip()
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "strikewatch", "--db", str(db), "serve", "--port", str(port),
                             "--workers", workers],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        assert httpx.get(base + "/api/v1/incidents").status_code == 401
        page = httpx.get(base + "/api/v1/incidents", headers={"Authorization": f"Bearer {token}"}).json()
        assert page["total"] > 0 and page["items"][0]["incident_id"].startswith("inc-")
        openapi = httpx.get(base + "/api/v1/openapi.json").json()
        assert "/api/v1/incidents" in openapi["paths"]
    finally:
        proc.terminate()
        proc.wait(timeout=20)
