"""The REST API (/api/v1) against a live server: access control, sessions,
tokens, CSRF, filters, provenance of figures, ingest, review, exports, the
audit trail and malformed input."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

pytest.register_assert_rewrite("tests.web_support")
from .conftest import BACKENDS
from .web_support import USERS, LiveServer, World, assert_error, database_bytes, live_server, login

pytest_plugins = ["tests.web_support"]

API = "/api/v1"


@pytest.fixture(scope="module", params=BACKENDS)
def web_backend(request: pytest.FixtureRequest) -> str:
    """Every API test runs on SQLite and on PostgreSQL."""
    return request.param


def client_for(srv: LiveServer, world: World | None = None, role: str | None = None) -> httpx.Client:
    headers = world.auth(role) if world is not None else {}
    return httpx.Client(base_url=srv.url, headers=headers, timeout=60, follow_redirects=False)


@pytest.fixture()
def clients(server: LiveServer, world: World) -> Iterator[dict[str, httpx.Client]]:
    """Token clients for every role (and an anonymous one) on this test's own server."""
    made = {role: client_for(server, world, role) for role in (None, "viewer", "analyst", "admin")}
    yield made
    for c in made.values():
        c.close()


@pytest.fixture(scope="module")
def ro(shared_server: LiveServer, shared_world: World) -> Iterator[dict[str, httpx.Client]]:
    """Token clients on the module's read-only server."""
    made = {role: client_for(shared_server, shared_world, role) for role in (None, "viewer", "analyst", "admin")}
    yield made
    for c in made.values():
        c.close()


def operations(app: Any) -> list[tuple[str, str]]:
    """(method, path) of every operation in the OpenAPI document."""
    return [(method.upper(), path) for path, item in app.openapi()["paths"].items() for method in item
            if method in {"get", "post", "put", "delete", "patch"}]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", lambda m: "1" if "id" in m.group(0) or "version" in m.group(0) else "x", path)


# --------------------------------------------------------------------------
# access control


PUBLIC = {("GET", f"{API}/health"), ("POST", f"{API}/auth/login")}


def test_every_data_route_refuses_anonymous(shared_server: LiveServer, ro: dict[str, httpx.Client]) -> None:
    ops = [op for op in operations(shared_server.app) if op not in PUBLIC]
    assert len(ops) >= 25, ops
    anon = ro[None]
    for method, path in ops:
        kwargs: dict[str, Any] = {"json": {}} if method in {"POST", "PUT"} and "file" not in path else {}
        r = anon.request(method, concrete(path), **kwargs)
        assert_error(r, 401, "unauthorized")
    assert anon.get(f"{API}/health").status_code == 200


def test_public_setting_opens_reads_not_writes(clients: dict[str, httpx.Client], world: World,
                                               server: LiveServer) -> None:
    anon, admin = clients[None], clients["admin"]
    doc = world.documents["t-aleppo-hosp"]
    assert_error(anon.get(f"{API}/incidents"), 401)
    assert admin.get(f"{API}/settings").json() == {"public": False}
    # through a browser session: the CSRF token is required, then it works
    with client_for(server) as session:
        csrf = login(session, "admin")
        assert_error(session.put(f"{API}/settings", json={"public": True}), 403, "csrf_failed")
        r = session.put(f"{API}/settings", json={"public": True}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 200 and r.json() == {"public": True}
    r = anon.get(f"{API}/incidents")
    assert r.status_code == 200 and r.json()["total"] >= 5
    assert anon.get(f"{API}/documents/{doc}").status_code == 200
    assert anon.get(f"{API}/me").json()["via"] == "public"
    # writes and admin reads stay closed
    assert_error(anon.post(f"{API}/ingest/text", json={"text": "Shelling hit Homs on Monday."}), (401, 403))
    key = world.incidents["aleppo"]
    assert_error(anon.post(f"{API}/incidents/{key}/notes", json={"text": "anonymous note"}), (401, 403))
    assert_error(anon.post(f"{API}/tokens", json={"name": "anon"}), (401, 403))
    assert_error(anon.put(f"{API}/settings", json={"public": False}), (401, 403))
    assert_error(anon.get(f"{API}/users"), (401, 403))
    assert_error(anon.get(f"{API}/review/queue"), (401, 403))
    # and closing again (with a token: no CSRF needed) shuts anonymous readers out
    assert admin.put(f"{API}/settings", json={"public": False}).status_code == 200
    assert_error(anon.get(f"{API}/incidents"), 401)
    assert_error(anon.get(f"{API}/documents/{doc}"), 401)


def test_roles(clients: dict[str, httpx.Client], world: World) -> None:
    viewer, analyst, admin = clients["viewer"], clients["analyst"], clients["admin"]
    key = world.incidents["aleppo"]
    text = {"text": "Rockets hit a bakery in Homs on Tuesday, killing 6 civilians, the civil defence said.",
            "title": "Bakery hit in Homs", "source": "Orontes Post", "published": "2023-02-08"}
    assert viewer.get(f"{API}/incidents").status_code == 200
    assert_error(viewer.post(f"{API}/ingest/text", json=text), 403, "forbidden")
    assert_error(viewer.post(f"{API}/incidents/{key}/notes", json={"text": "a note"}), 403, "forbidden")
    assert_error(viewer.post(f"{API}/incidents/{key}/grade", json={"grade": "fair", "reason": "r"}), 403)
    assert_error(viewer.get(f"{API}/review/queue"), 403, "forbidden")
    assert_error(viewer.get(f"{API}/users"), 403, "forbidden")
    assert_error(analyst.get(f"{API}/users"), 403, "forbidden")
    assert_error(analyst.put(f"{API}/settings", json={"public": True}), 403, "forbidden")
    r = analyst.post(f"{API}/ingest/text", json=text)
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 1
    assert analyst.post(f"{API}/incidents/{key}/notes", json={"text": "checked"}).status_code == 201
    assert analyst.get(f"{API}/review/queue").status_code == 200
    assert admin.get(f"{API}/users").status_code == 200
    assert {u["username"] for u in admin.get(f"{API}/users").json()} == {n for n, _ in USERS.values()}
    assert "password_hash" not in admin.get(f"{API}/users").text


# --------------------------------------------------------------------------
# sessions, rate limits, tokens, CSRF


def test_login_rate_limit(web_template: World, tmp_path: Path) -> None:
    world = web_template.copy(tmp_path / "w")
    with live_server(world.db) as srv, client_for(srv) as c:
        name, password = USERS["viewer"]
        for _ in range(5):
            assert_error(c.post(f"{API}/auth/login", json={"username": name, "password": "wrong-password!"}),
                         401, "unauthorized")
        r = c.post(f"{API}/auth/login", json={"username": name, "password": "wrong-password!"})
        assert_error(r, 429, "rate_limited")
        assert int(r.headers["Retry-After"]) > 0
        # the right password is refused too while the limit holds
        r = c.post(f"{API}/auth/login", json={"username": name, "password": password})
        assert_error(r, 429, "rate_limited")
        assert "Retry-After" in r.headers
    with world.store() as store:
        failed = [e for e in store.audit_entries(limit=1000) if e["action"] == "login_failed"]
        assert len(failed) == 5
        assert store.verify().ok


def test_session_login_logout_and_csrf(server: LiveServer, world: World) -> None:
    key = world.incidents["saraqib"]
    with client_for(server) as c:
        assert_error(c.post(f"{API}/auth/login", json={"username": "vera", "password": "nope-nope-nope"}), 401)
        csrf = login(c, "analyst")
        me = c.get(f"{API}/me").json()
        assert me["username"] == "ali" and me["via"] == "session" and me["csrf_token"] == csrf
        # a cookie-authenticated write needs the CSRF header
        assert_error(c.post(f"{API}/incidents/{key}/notes", json={"text": "no csrf"}), 403, "csrf_failed")
        assert_error(c.post(f"{API}/incidents/{key}/notes", json={"text": "bad csrf"},
                            headers={"X-CSRF-Token": "x" + csrf}), 403, "csrf_failed")
        assert_error(c.post(f"{API}/ingest/text", json={"text": "Shelling in Homs."}), 403, "csrf_failed")
        assert_error(c.post(f"{API}/tokens", json={"name": "t"}), 403, "csrf_failed")
        assert_error(c.post(f"{API}/auth/logout"), 403, "csrf_failed")
        r = c.post(f"{API}/incidents/{key}/notes", json={"text": "with csrf"}, headers={"X-CSRF-Token": csrf})
        assert r.status_code == 201, r.text
        assert c.post(f"{API}/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
        assert_error(c.get(f"{API}/me"), 401)
    # the session cookie has the promised attributes
    with client_for(server) as c:
        r = c.post(f"{API}/auth/login", json={"username": "vera", "password": USERS["viewer"][1]})
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie


def test_tokens_create_use_revoke_expire(clients: dict[str, httpx.Client], server: LiveServer,
                                         world: World) -> None:
    viewer, admin = clients["viewer"], clients["admin"]
    r = viewer.post(f"{API}/tokens", json={"name": "laptop", "days": 30})
    assert r.status_code == 201, r.text
    made = r.json()
    token = made["token"]
    assert token.startswith("swt_") and made["username"] == "vera"
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {token}"}) as c:
        assert c.get(f"{API}/me").json()["username"] == "vera"
        listed = viewer.get(f"{API}/tokens").json()
        assert made["id"] in [t["id"] for t in listed] and token not in json.dumps(listed)
        # someone else's token is not found for a viewer; the owner revokes it
        assert_error(clients["analyst"].delete(f"{API}/tokens/{made['id']}"), 404)
        r = viewer.delete(f"{API}/tokens/{made['id']}")
        assert r.status_code == 200 and r.json()["revoked_at"]
        assert_error(c.get(f"{API}/me"), 401, "unauthorized")
    # a malformed Authorization header
    with httpx.Client(base_url=server.url, headers={"Authorization": "Basic dmVyYTp4"}) as c:
        assert_error(c.get(f"{API}/me"), 401, "unauthorized")
    with httpx.Client(base_url=server.url, headers={"Authorization": "Bearer swt_not-a-token"}) as c:
        assert_error(c.get(f"{API}/me"), 401, "unauthorized")
    # an expired token
    with world.store() as store:
        short, _ = store.create_token(world.user_ids["viewer"], "short-lived", days=1e-6)  # ~0.09 s
    time.sleep(0.3)
    with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {short}"}) as c:
        assert_error(c.get(f"{API}/incidents"), 401, "unauthorized")
    # an admin may revoke anyone's token; a revoked user's tokens stop working
    assert admin.delete(f"{API}/tokens/{world.token_ids['analyst']}").status_code == 200
    assert_error(clients["analyst"].get(f"{API}/me"), 401)
    assert admin.post(f"{API}/users/vera/revoke").status_code == 200
    assert_error(viewer.get(f"{API}/me"), 401)
    assert_error(admin.post(f"{API}/users/nobody/revoke"), 404, "not_found")


def test_secrets_are_stored_hashed(clients: dict[str, httpx.Client], server: LiveServer, world: World) -> None:
    made = clients["analyst"].post(f"{API}/tokens", json={"name": "ci"}).json()["token"]
    with client_for(server) as c:
        login(c, "viewer")
        cookie = c.cookies.get("sw_session")
    assert cookie
    secrets = [made, cookie, *world.tokens.values(), *(pw for _, pw in USERS.values())]
    blob = database_bytes(world)
    assert len(blob) > 10_000
    for secret in secrets:
        assert secret.encode() not in blob, f"a secret is stored in plain text: {secret[:8]}…"
    import hashlib

    assert hashlib.sha256(made.encode()).hexdigest().encode() in blob  # the digest is what is kept


# --------------------------------------------------------------------------
# incident lists


def all_incidents(c: httpx.Client, **params: Any) -> dict[str, Any]:
    r = c.get(f"{API}/incidents", params={"limit": 500, **params})
    assert r.status_code == 200, r.text
    return r.json()


def keys(page: dict[str, Any]) -> set[str]:
    return {i["incident_id"] for i in page["items"]}


def test_filters_narrow(ro: dict[str, httpx.Client], shared_world: World) -> None:
    c, inc = ro["viewer"], shared_world.incidents
    everything = all_incidents(c)
    assert everything["total"] == len(everything["items"]) == 5
    assert keys(everything) == set(inc.values())
    by_key = {i["incident_id"]: i for i in everything["items"]}

    def check(params: dict[str, Any], expected: set[str]) -> dict[str, Any]:
        page = all_incidents(c, **params)
        got = keys(page)
        assert got == {inc[label] for label in expected}, (params, got)
        assert page["total"] == len(got) < everything["total"]
        return page

    check({"date_from": "2022-01-01"}, {"kherson1", "kherson2"})
    check({"date_to": "2021-12-31"}, {"saraqib", "aleppo", "ariha"})
    check({"date_from": "2021-03-01", "date_to": "2021-05-31"}, {"saraqib", "aleppo"})
    check({"date_from": "2022-11-21", "date_to": "2022-11-21"}, {"kherson2"})  # one whole day
    check({"place": "Saraqib"}, {"saraqib"})
    check({"place": "Idlib"}, {"saraqib", "ariha"})
    check({"place": "kherson"}, {"kherson1", "kherson2"})
    check({"place": "أريحا"}, {"ariha"})
    check({"bbox": "32,46,33.5,47.5"}, {"kherson1", "kherson2"})
    check({"bbox": "36.7,35.5,37.5,36.5"}, {"saraqib", "aleppo"})
    page = check({"event_type": "shelling"}, {"aleppo", "kherson1"})
    assert all(i["event_type"] == "shelling" for i in page["items"])
    check({"event_type": "air_strike"}, {"saraqib", "ariha", "kherson2"})
    check({"target_type": "health_facility"}, {"aleppo"})
    check({"target_type": "market"}, {"saraqib", "ariha"})
    check({"actor": "Syrian government"}, {"aleppo"})
    page = check({"actor": "Russia"}, {"saraqib", "ariha", "kherson1", "kherson2"})
    assert all(i["actor"] == "Russia" for i in page["items"])
    check({"grade": "fair"}, {"saraqib"})
    assert all(by_key[k]["grade"] == "weak" for k in keys(all_incidents(c, grade="weak")))
    check({"q": "Saraqib"}, {"saraqib"})
    check({"health": "true"}, {"aleppo"})
    check({"health": "true", "place": "Idlib"}, set())
    check({"event_type": "shelling", "place": "Kherson"}, {"kherson1"})
    # nothing matches: empty, not an error
    assert all_incidents(c, place="Atlantis")["total"] == 0
    assert all_incidents(c, event_type="no_such_type")["total"] == 0
    # the map, timeline and health care views take the same filter
    geo = c.get(f"{API}/incidents/map", params={"place": "Kherson"}).json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == 2 and not geo["truncated"]
    for f in geo["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 32 < lon < 34 and 46 < lat < 47.5
    days = c.get(f"{API}/incidents/timeline", params={"date_to": "2021-12-31"}).json()
    assert sum(d["incidents"] for d in days) == 3
    hc = c.get(f"{API}/health-care").json()
    assert [i["incident_id"] for i in hc["incidents"]] == [inc["aleppo"]]
    assert [f["facility"].casefold() for f in hc["facilities"]] == ["al-razi hospital"], hc["facilities"]


def test_pagination_is_consistent(ro: dict[str, httpx.Client]) -> None:
    c = ro["viewer"]
    everything = all_incidents(c)
    for limit in (1, 2, 3, 5, 7):
        seen: list[str] = []
        offset: int | None = 0
        pages = 0
        while offset is not None:
            page = c.get(f"{API}/incidents", params={"limit": limit, "offset": offset}).json()
            assert page["total"] == everything["total"] and page["limit"] == limit and page["offset"] == offset
            assert len(page["items"]) == min(limit, everything["total"] - offset)
            seen += [i["incident_id"] for i in page["items"]]
            nxt = page["next_offset"]
            assert nxt is None or nxt == offset + limit
            offset = nxt
            pages += 1
        assert seen == [i["incident_id"] for i in everything["items"]], limit  # same order, no gaps or repeats
        assert pages == -(-everything["total"] // limit)
    beyond = c.get(f"{API}/incidents", params={"offset": 100}).json()
    assert beyond["items"] == [] and beyond["next_offset"] is None and beyond["total"] == everything["total"]
    # the filter applies before paging
    page = c.get(f"{API}/incidents", params={"place": "Idlib", "limit": 1}).json()
    assert page["total"] == 2 and page["next_offset"] == 1
    # documents page too
    docs1 = c.get(f"{API}/documents", params={"limit": 4}).json()
    docs2 = c.get(f"{API}/documents", params={"limit": 4, "offset": 4}).json()
    assert len(docs1) == 4 and len(docs2) == 2 and not {d["id"] for d in docs1} & {d["id"] for d in docs2}


# --------------------------------------------------------------------------
# provenance


def test_incident_detail_figures_trace_to_text(ro: dict[str, httpx.Client], shared_world: World) -> None:
    c = ro["viewer"]
    texts: dict[str, str] = {}

    def text_of(ref: Any) -> str:
        if str(ref) not in texts:
            r = c.get(f"{API}/documents/{ref}")
            assert r.status_code == 200, r.text
            texts[str(ref)] = r.json()["text"]
        return texts[str(ref)]

    checked = 0
    for label, key in shared_world.incidents.items():
        r = c.get(f"{API}/incidents/{key}")
        assert r.status_code == 200, r.text
        body = r.json()
        data = body["incident"]
        assert data["incident_id"] == key and body["version"] >= 1 and body["reports"]
        assert body["history"] and body["history"][0]["action"] == "created"
        for fig in data["figures"]:
            start, end = fig["span"]
            assert text_of(fig["document_id"])[start:end] == fig["text"], (label, fig)
            checked += 1
        for rep in body["reports"]:
            doc_text = text_of(rep["document_id"])
            for fig in rep["report"].get("figures", []):
                if fig.get("span"):
                    assert doc_text[fig["span"][0]:fig["span"][1]] == fig["text"], (label, fig)
                    checked += 1
    assert checked >= 10
    saraqib = c.get(f"{API}/incidents/{shared_world.incidents['saraqib']}").json()
    outlets = {r["outlet"] for r in saraqib["reports"]}
    assert len(saraqib["reports"]) == 2 and len(outlets) == 2, outlets
    assert {f["document_id"] for f in saraqib["incident"]["figures"]} == {"t-saraqib-a", "t-saraqib-b"}
    assert_error(c.get(f"{API}/incidents/inc-0000000000000000"), 404, "not_found")
    assert_error(c.get(f"{API}/documents/no-such-document"), 404, "not_found")
    v1 = c.get(f"{API}/incidents/{shared_world.incidents['saraqib']}/versions/1")
    assert v1.status_code == 200 and v1.json()["version"] == 1
    assert_error(c.get(f"{API}/incidents/{shared_world.incidents['saraqib']}/versions/99"), 404)


# --------------------------------------------------------------------------
# ingest


def test_ingest_text_url_file(clients: dict[str, httpx.Client], world: World) -> None:
    c = clients["analyst"]
    before = all_incidents(c)["total"]
    map_before = c.get(f"{API}/incidents/map").json()
    assert c.get(f"{API}/incidents/map").json() == map_before  # an answer from the cache is the same
    r = c.post(f"{API}/ingest/text", json={
        "text": "A missile struck a school in Kharkiv on Thursday, killing 3 teachers and injuring 8 pupils, "
                "the regional administration said.", "title": "School hit in Kharkiv", "source": "Slobozhansky News",
        "published": "2023-03-10", "language": "en", "id": "api-kharkiv-school"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["added"] == 1 and out["reports"] == 1 and out["incidents_created"] == 1
    assert out["outcomes"][0]["status"] == "added"
    # the same document again is skipped
    again = c.post(f"{API}/ingest/text", json={
        "text": "A missile struck a school in Kharkiv on Thursday, killing 3 teachers and injuring 8 pupils, "
                "the regional administration said.", "title": "School hit in Kharkiv", "source": "Slobozhansky News",
        "published": "2023-03-10", "language": "en", "id": "api-kharkiv-school"}).json()
    assert again["added"] == 0 and again["skipped"] == 1
    assert all_incidents(c)["total"] == before + 1
    assert all_incidents(c, place="Kharkiv")["total"] == 1
    # the map's cached answer is not served once the index has moved
    assert c.get(f"{API}/incidents/map").json()["total"] == map_before["total"] + 1
    # URLs to private, loopback and link-local addresses are refused and quarantined, never fetched
    for url in ("http://127.0.0.1:9/report", "http://10.20.30.40/x", "http://169.254.169.254/latest/meta-data/",
                "http://[::1]/x", "http://0x7f000001/", "http://192.168.1.1/"):
        r = c.post(f"{API}/ingest/url", json={"url": url})
        assert r.status_code == 200, (url, r.text)
        out = r.json()
        assert out["added"] == 0 and out["quarantined"] == 1, (url, out)
        assert out["outcomes"][0]["code"] == "blocked_address", (url, out)
    for url in ("not a url", "ftp://files.example/x", "file:///etc/passwd", "https://news.example/x"):
        r = c.post(f"{API}/ingest/url", json={"url": url})
        assert r.status_code < 500, (url, r.text)
        if r.status_code == 200:
            assert r.json()["added"] == 0
    # file uploads: text, JSON, and a kind that is not ingested
    txt = ("Shelling hit the central hospital in Kherson on Friday, killing 2 patients, "
           "hospital staff said.").encode()
    r = c.post(f"{API}/ingest/file", files={"file": ("kherson-hospital.txt", txt, "text/plain")})
    assert r.status_code == 200, r.text
    assert r.json()["added"] == 1
    doc = {"id": "upload-json-1", "title": "Drone strike near Aleppo", "source": "Halab Today",
           "published": "2023-04-02", "language": "en",
           "text": "A drone strike hit a car near Aleppo on Sunday, killing 2 men, local sources said."}
    r = c.post(f"{API}/ingest/file", files={"file": ("doc.json", json.dumps(doc).encode(), "application/json")})
    assert r.status_code == 200 and r.json()["added"] == 1, r.text
    r = c.post(f"{API}/ingest/file", files={"file": ("evil.exe", b"MZ\x90\x00binary", "application/octet-stream")})
    assert r.status_code < 500, r.text
    r = c.post(f"{API}/ingest/file", files={"file": ("broken.json", b"{not json", "application/json")})
    assert r.status_code == 200 and r.json()["quarantined"] == 1, r.text
    assert_error(c.post(f"{API}/ingest/file"), 422)
    with world.store() as store:
        q = store.list_quarantine()
        assert any(row["code"] == "blocked_address" for row in q)
        assert store.verify().ok


def test_upload_cap(web_template: World, tmp_path: Path) -> None:
    world = web_template.copy(tmp_path / "w")
    with live_server(world.db, max_upload_bytes=1000) as srv, client_for(srv, world, "analyst") as c:
        r = c.post(f"{API}/ingest/file", files={"file": ("big.txt", b"x" * 5000, "text/plain")})
        assert_error(r, 413, "too_large")


# --------------------------------------------------------------------------
# review


def history_of(c: httpx.Client, key: str) -> list[dict[str, Any]]:
    r = c.get(f"{API}/incidents/{key}")
    assert r.status_code == 200, r.text
    return r.json()["history"]


def test_review_actions_make_versions_and_history(clients: dict[str, httpx.Client], world: World) -> None:
    pytest.importorskip("strikewatch.review")
    c = clients["analyst"]
    k1, k2, sar = world.incidents["kherson1"], world.incidents["kherson2"], world.incidents["saraqib"]
    v1 = c.get(f"{API}/incidents/{k1}").json()["version"]

    # merge: the other's reports move here, it is retired, both histories say so
    r = c.post(f"{API}/incidents/{k1}/merge", json={"other": k2, "reason": "same shelling, two dates reported"})
    assert r.status_code == 200, r.text
    merged = r.json()
    assert merged["version"] == v1 + 1 and len(merged["reports"]) == 2
    assert {f["document_id"] for f in merged["incident"]["figures"]} == {"t-kherson-1", "t-kherson-2"}
    other = c.get(f"{API}/incidents/{k2}").json()
    assert other["incident"]["merged_into"] == k1
    assert any(h["action"] == "merge" and h["reason"] == "same shelling, two dates reported"
               for h in other["history"])
    hist = history_of(c, k1)
    assert [h["version"] for h in hist if h["kind"] == "version"] == [1, 2]
    assert any(h["kind"] == "review" and h["action"] == "merge" and "two dates" in h["reason"] for h in hist)
    assert k2 not in keys(all_incidents(c))  # retired incidents leave the lists
    assert_error(c.post(f"{API}/incidents/{k1}/merge", json={"other": k2, "reason": "again"}), 409, "conflict")
    assert_error(c.post(f"{API}/incidents/{k1}/merge", json={"other": k1, "reason": "self"}), 409, "conflict")

    # split: one report moves to a new incident
    detail = c.get(f"{API}/incidents/{sar}").json()
    moving = [r["report_id"] for r in detail["reports"] if r["document_id"] == world.documents["t-saraqib-b"]]
    if not moving:  # document_id may be the input id
        moving = [r["report_id"] for r in detail["reports"]][1:]
    r = c.post(f"{API}/incidents/{sar}/split", json={"report_ids": moving, "reason": "different market"})
    assert r.status_code == 200, r.text
    out = r.json()
    assert len(out["incident"]["reports"]) == 1 and len(out["new"]["reports"]) == 1
    new_key = out["new"]["incident"]["incident_id"]
    assert new_key in keys(all_incidents(c))
    assert any(h["action"] == "split" and h["reason"] == "different market" for h in history_of(c, new_key))
    assert_error(c.post(f"{API}/incidents/{sar}/split",
                        json={"report_ids": [r["report_id"] for r in out["incident"]["reports"]],
                              "reason": "all of them"}), 400)

    # edit, grade, note
    ver = c.get(f"{API}/incidents/{sar}").json()["version"]
    r = c.post(f"{API}/incidents/{sar}/edit", json={"field": "casualties.killed",
                                                    "value": {"low": 9, "best": 10, "high": 12},
                                                    "reason": "hospital list names ten"})
    assert r.status_code == 200, r.text
    edited = r.json()
    assert edited["version"] == ver + 1
    assert edited["incident"]["casualties"]["killed"] == {"low": 9, "best": 10, "high": 12}
    assert edited["incident"]["overrides"][0]["reason"] == "hospital list names ten"
    assert_error(c.post(f"{API}/incidents/{sar}/edit", json={"field": "casualties.killed",
                                                             "value": {"low": 5, "best": 3}, "reason": "x"}), 400)
    assert_error(c.post(f"{API}/incidents/{sar}/edit", json={"field": "sources", "value": [], "reason": "x"}), 400)
    r = c.post(f"{API}/incidents/{sar}/grade", json={"grade": "confirmed", "reason": "video verified"})
    assert r.status_code == 200 and r.json()["incident"]["grade"] == "confirmed", r.text
    assert r.json()["version"] == ver + 2
    assert_error(c.post(f"{API}/incidents/{sar}/grade", json={"grade": "excellent", "reason": "x"}), (400, 422))
    r = c.post(f"{API}/incidents/{sar}/notes", json={"text": "ask the civil defence for names"})
    assert r.status_code == 201 and r.json()["version"] == ver + 2  # a note makes no new version
    hist = history_of(c, sar)
    actions = [(h["kind"], h["action"]) for h in hist]
    assert ("review", "edit") in actions and ("review", "note") in actions and ("review", "split") in actions
    assert any(h["reason"] == "ask the civil defence for names" for h in hist)
    assert all(h["actor"] in ("web:ali", "test:corpus") for h in hist), {h["actor"] for h in hist}
    assert c.get(f"{API}/incidents", params={"grade": "confirmed"}).json()["total"] == 1
    versions = [c.get(f"{API}/incidents/{sar}/versions/{n}").json()["version"] for n in range(1, ver + 3)]
    assert versions == list(range(1, ver + 3))
    # a reason is required
    assert_error(c.post(f"{API}/incidents/{sar}/grade", json={"grade": "fair"}), 422)
    assert_error(c.post(f"{API}/incidents/{sar}/grade", json={"grade": "fair", "reason": "   "}), 400)
    with world.store() as store:
        assert store.verify().ok


# --------------------------------------------------------------------------
# exports


def test_exports(ro: dict[str, httpx.Client]) -> None:
    from strikewatch import export as exporters

    c = ro["viewer"]
    media = {"incidents-jsonl": "application/x-ndjson", "geojson": "application/geo+json"}
    names = exporters.names()
    assert len(names) >= 5
    for name in names:
        r = c.get(f"{API}/export/{name}")
        assert r.status_code == 200, (name, r.text)
        assert r.headers["content-type"].split(";")[0] == media.get(name, "text/csv"), name
        assert "attachment" in r.headers["content-disposition"]
        assert r.text.strip(), name
    lines = c.get(f"{API}/export/incidents-jsonl", params={"place": "Kherson"}).text.strip().splitlines()
    assert len(lines) == 2 and all(json.loads(line)["incident_id"] for line in lines)
    geo = c.get(f"{API}/export/geojson").json()
    assert len(geo["features"]) == 5
    assert_error(c.get(f"{API}/export/pdf"), 404, "not_found")
    assert_error(ro[None].get(f"{API}/export/geojson"), 401)


# --------------------------------------------------------------------------
# the audit trail


def test_writes_and_text_reads_are_audited(clients: dict[str, httpx.Client], world: World) -> None:
    viewer, analyst, admin = clients["viewer"], clients["analyst"], clients["admin"]

    def new_entries(since: int) -> list[dict[str, Any]]:
        with world.store() as store:
            return [e for e in store.audit_entries(limit=100_000) if e["seq"] > since]

    def head() -> int:
        with world.store() as store:
            got = store.audit_entries(limit=1)
            return got[0]["seq"] if got else 0

    doc = world.documents["t-kherson-1"]
    seq = head()
    assert viewer.get(f"{API}/documents/{doc}").status_code == 200
    reads = [e for e in new_entries(seq) if e["action"] == "read"]
    assert len(reads) == 1 and reads[0]["entity"] == "documents" and reads[0]["entity_id"] == str(doc)
    assert reads[0]["actor"] == "web:vera" and "text" in reads[0]["payload"]
    # by content key prefix and by input id, too
    for ref in ("t-kherson-2",):
        seq = head()
        assert viewer.get(f"{API}/documents/{ref}").status_code == 200
        assert [e["entity_id"] for e in new_entries(seq) if e["action"] == "read"] == [
            str(world.documents["t-kherson-2"])]
    # lists of documents return no text, and are not reads of it
    seq = head()
    listed = viewer.get(f"{API}/documents").json()
    assert listed and all("text" not in d for d in listed)
    # the user list is an audited read too
    seq = head()
    assert admin.get(f"{API}/users").status_code == 200
    assert any(e["action"] == "read" and e["entity"] == "users" for e in new_entries(seq))

    writes = [
        (analyst, "POST", f"{API}/ingest/text", {"json": {
            "text": "Jets bombed a bakery in Maarat al-Numan on Friday, killing 7 civilians, rescuers said.",
            "title": "Bakery bombed", "published": "2023-05-05"}}, "documents"),
        (analyst, "POST", f"{API}/incidents/{world.incidents['aleppo']}/notes", {"json": {"text": "n"}}, "reviews"),
        (analyst, "POST", f"{API}/incidents/{world.incidents['aleppo']}/grade",
         {"json": {"grade": "fair", "reason": "a second source"}}, "incidents"),
        (analyst, "POST", f"{API}/incidents/{world.incidents['kherson1']}/merge",
         {"json": {"other": world.incidents["kherson2"], "reason": "same"}}, "incidents"),
        (viewer, "POST", f"{API}/tokens", {"json": {"name": "audited"}}, "api_tokens"),
        (admin, "PUT", f"{API}/settings", {"json": {"public": True}}, "settings"),
        (admin, "POST", f"{API}/users", {"json": {"username": "newbie", "role": "viewer",
                                                   "password": "a-long-password"}}, "users"),
        (admin, "POST", f"{API}/users/newbie/revoke", {}, "users"),
        (analyst, "POST", f"{API}/ingest/url", {"json": {"url": "http://10.0.0.1/"}}, "quarantine"),
    ]
    for client, method, path, kwargs, entity in writes:
        seq = head()
        r = client.request(method, path, **kwargs)
        assert r.status_code < 300, (path, r.text)
        got = new_entries(seq)
        assert any(e["entity"] == entity and e["action"] in ("insert", "update") for e in got), (path, got)
        who = {viewer: "web:vera", analyst: "web:ali", admin: "web:ada"}[client]
        assert all(e["actor"] == who for e in got), (path, {e["actor"] for e in got})
    token_id = viewer.get(f"{API}/tokens").json()[-1]["id"]
    seq = head()
    assert viewer.delete(f"{API}/tokens/{token_id}").status_code == 200
    assert any(e["entity"] == "api_tokens" and e["action"] == "update" for e in new_entries(seq))
    # a refused write changes nothing
    seq = head()
    assert viewer.post(f"{API}/ingest/text", json={"text": "x"}).status_code == 403
    assert not [e for e in new_entries(seq) if e["action"] in ("insert", "update", "delete")]
    with world.store() as store:
        report = store.verify()
        assert report.ok, report.as_dict()


# --------------------------------------------------------------------------
# malformed input


def test_malformed_input_is_a_4xx_with_the_error_shape(ro: dict[str, httpx.Client], shared_world: World) -> None:
    c = ro["analyst"]
    key = shared_world.incidents["aleppo"]
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("POST", f"{API}/ingest/text", {"content": b"{not json", "headers": {"content-type": "application/json"}}),
        ("POST", f"{API}/ingest/text", {"content": b"[1, 2]", "headers": {"content-type": "application/json"}}),
        ("POST", f"{API}/ingest/text", {"json": {"text": ""}}),
        ("POST", f"{API}/ingest/text", {"json": {"text": "x", "unknown": 1}}),
        ("POST", f"{API}/ingest/text", {"content": b"text=1", "headers": {"content-type": "text/plain"}}),
        ("POST", f"{API}/ingest/text", {"content": "\ud800".encode("utf-8", "surrogatepass"),
                                        "headers": {"content-type": "application/json"}}),
        ("POST", f"{API}/auth/login", {"json": {"username": "", "password": ""}}),
        ("POST", f"{API}/auth/login", {"content": b"null", "headers": {"content-type": "application/json"}}),
        ("POST", f"{API}/incidents/{key}/notes", {"json": {"text": 12}}),
        ("POST", f"{API}/incidents/{key}/split", {"json": {"report_ids": "all", "reason": "x"}}),
        ("POST", f"{API}/incidents/{key}/split", {"json": {"report_ids": [10 ** 30], "reason": "x"}}),
        ("POST", f"{API}/incidents/{key}/merge", {"json": {"other": "inc-nope", "reason": "x"}}),
        ("POST", f"{API}/incidents/{key}/edit", {"json": {"field": "date", "value": "2021-02-30", "reason": "x"}}),
        ("POST", f"{API}/incidents/{key}/edit", {"json": {"field": "location", "value": {"name": "X", "lat": 91,
                                                                                          "lon": 0}, "reason": "x"}}),
        ("GET", f"{API}/incidents?date_from=2021-13-45", {}),
        ("GET", f"{API}/incidents?date_from=yesterday", {}),
        ("GET", f"{API}/incidents?date_to=2021-02-30", {}),
        ("GET", f"{API}/incidents?limit=1000000000", {}),
        ("GET", f"{API}/incidents?limit=0", {}),
        ("GET", f"{API}/incidents?limit=ten", {}),
        ("GET", f"{API}/incidents?offset=-1", {}),
        ("GET", f"{API}/incidents?offset=99999999999999999999", {}),
        ("GET", f"{API}/incidents?bbox=0,0,200,10", {}),
        ("GET", f"{API}/incidents?bbox=0,50,10,40", {}),
        ("GET", f"{API}/incidents?bbox=1,2,3", {}),
        ("GET", f"{API}/incidents?bbox=a,b,c,d", {}),
        ("GET", f"{API}/incidents?bbox=nan,nan,nan,nan", {}),
        ("GET", f"{API}/incidents?health=maybe", {}),
        ("GET", f"{API}/incidents?order=random", {}),
        ("GET", f"{API}/incidents?q=%22%22%22", {}),
        ("GET", f"{API}/incidents?q=" + "x" * 600, {}),
        ("GET", f"{API}/incidents/map?limit=-5", {}),
        ("GET", f"{API}/documents?q=*", {}),
        ("GET", f"{API}/documents?limit=501", {}),
        ("GET", f"{API}/incidents/{key}/versions/abc", {}),
        ("DELETE", f"{API}/tokens/99999999999999999999999", {}),
        ("DELETE", f"{API}/tokens/0", {}),
        ("DELETE", f"{API}/tokens/abc", {}),
        ("GET", f"{API}/no/such/route", {}),
        ("GET", "/api/v2/incidents", {}),
        ("DELETE", f"{API}/incidents", {}),
        ("PUT", f"{API}/incidents/{key}", {}),
        ("GET", f"{API}/ingest/text", {}),
        ("PATCH", f"{API}/settings", {"json": {"public": True}}),
    ]
    failures = []
    for method, path, kwargs in cases:
        try:
            r = c.request(method, path, **kwargs)
            assert 400 <= r.status_code < 500, f"{r.status_code}: {r.text[:300]}"
            assert_error(r, r.status_code)
        except (AssertionError, ValueError, httpx.HTTPError) as exc:
            failures.append(f"{method} {path}: {type(exc).__name__}: {exc}")
    assert not failures, "\n".join(failures)
    # q values that are fine, even if odd, answer 200
    for q in ("NEAR(a b)", "a OR b", "-x", "صاروخ", "Saraqib*", "' OR 1=1 --"):
        r = c.get(f"{API}/incidents", params={"q": q})
        assert r.status_code in (200, 400), (q, r.text)
        r = c.get(f"{API}/documents", params={"q": q})
        assert r.status_code in (200, 400), (q, r.text)


@pytest.mark.parametrize("ref", ["99999999999999999999999", "9223372036854775808", "%C2%B2", "%D9%A3"])
def test_numeric_looking_refs_are_not_found(ro: dict[str, httpx.Client], shared_world: World, ref: str) -> None:
    """A reference that looks like a number but is no SQLite integer (too big, or
    digits of another script: "²", Arabic-Indic "٣") is simply not found.
    The lookups are ``Store.incident_row`` and ``Store.get_document``, which test
    ``str.isdigit()`` (true for "²" and "٣", where ``int()`` then fails) and pass
    numbers past 2**63 - 1 to SQLite (OverflowError)."""
    c = ro["analyst"]
    for path in (f"{API}/incidents/{ref}", f"{API}/documents/{ref}", f"{API}/incidents/{ref}/versions/1"):
        assert_error(c.get(path), 404, "not_found")
    assert_error(c.post(f"{API}/incidents/{ref}/notes", json={"text": "n"}), 404, "not_found")
    key = shared_world.incidents["aleppo"]
    r = c.post(f"{API}/incidents/{key}/merge", json={"other": ref.replace("%C2%B2", "²").replace("%D9%A3", "٣"),
                                                     "reason": "x"})
    assert_error(r, 404, "not_found")
    # the pages use the same lookups
    r = c.get(f"/incidents/{ref}", headers={"Accept": "text/html"})
    assert r.status_code == 404, r.status_code


def test_security_headers(ro: dict[str, httpx.Client]) -> None:
    r = ro["viewer"].get(f"{API}/incidents")
    csp = r.headers["content-security-policy"]
    assert "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["cache-control"] == "no-store"


def test_concurrent_requests_each_use_their_own_store(clients: dict[str, httpx.Client], server: LiveServer,
                                                      world: World) -> None:
    """Readers in parallel, as three different users: every audited read carries the
    right reader, and every store lent to a request comes back to the pool."""
    from concurrent.futures import ThreadPoolExecutor

    doc = next(iter(world.documents.values()))
    roles = ["viewer", "analyst", "admin"] * 12

    def read(role: str) -> int:
        return clients[role].get(f"{API}/documents/{doc}").status_code

    with ThreadPoolExecutor(max_workers=12) as pool:
        assert set(pool.map(read, roles)) == {200}
    with world.store() as store:
        reads = [e for e in store.audit_entries(entity="documents", entity_id=doc, limit=100) if e["action"] == "read"]
        names = {world_role: f"web:{store.user_by_id(world.user_ids[world_role])['username']}"
                 for world_role in ("viewer", "analyst", "admin")}
        assert sorted(e["actor"] for e in reads) == sorted(names[r] for r in roles)
        assert store.verify().ok
    pool_ = server.app.state.stores
    deadline = time.monotonic() + 5  # a store goes back just after its response is sent
    while pool_._free.qsize() != len(pool_._all) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert pool_._free.qsize() == len(pool_._all) > 0  # all returned, none leaked


def test_concurrent_analysts_writing_lose_nothing(clients: dict[str, httpx.Client], world: World) -> None:
    """Two analysts' worth of writers at once, through the API: notes on one
    incident and new reports ingested (which extract and link), in parallel.
    Every write is answered, every one is kept, and the chain verifies."""
    from concurrent.futures import ThreadPoolExecutor

    key = world.incidents["saraqib"]
    towns = ["Ariha", "Binnish", "Atarib", "Sarmin"]

    def write(n: int) -> int:
        c = clients["analyst" if n % 2 else "admin"]
        if n % 3 == 0:
            doc = {"id": f"par-{n}", "published": "2021-07-0%d" % (n % 9 + 1),
                   "text": f"An air strike hit a bakery in {towns[n % 4]} on Monday, killing {n % 5 + 1} people."}
            return c.post(f"{API}/ingest/text", json=doc).status_code
        return c.post(f"{API}/incidents/{key}/notes", json={"text": f"parallel note {n}"}).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(write, range(24)))
    assert all(code in (200, 201) for code in codes), codes
    with world.store() as store:
        notes = [n for n in store.conn.execute("SELECT note FROM reviews WHERE action = 'note'").fetchall()
                 if n[0] and n[0].startswith("parallel note")]
        assert len(notes) == 16
        ids = {d.source_id for d in store.list_documents(limit=500)}
        assert {f"par-{n}" for n in range(0, 24, 3)} <= ids
        linked = store.conn.execute("SELECT count(*) FROM reports r WHERE NOT EXISTS"
                                    " (SELECT 1 FROM links l WHERE l.report_id = r.id)").fetchone()[0]
        assert linked == 0, "a report ingested in parallel was left unlinked"
        assert store.verify().ok
