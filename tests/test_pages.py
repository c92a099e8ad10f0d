"""The server-rendered pages, through FastAPI's TestClient on a real database.

The documents below are written for these tests (no news text): two reports
of one hospital strike, a market shelling, and a hostile document whose
title, outlet and text carry markup.
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("jinja2")
from fastapi.testclient import TestClient

from strikewatch.ingest.pipeline import Ingester
from strikewatch.jobs import extract_stored, link_stored
from strikewatch.store import Store
from strikewatch.web import auth
from strikewatch.web.app import WebConfig, create_app
from strikewatch.web.pages import SpanSet, safe_next, timeline_chart

PASSWORD = "correct horse battery"
XSS_TITLE = '<script>alert(1)</script> "><img src=x onerror=alert(1)>'
DOCS = [
    {"id": "pg-hosp-1", "source": "Test Wire", "published": "2024-03-12", "language": "en",
     "title": "Hospital hit in Idlib",
     "text": "Russian warplanes struck the National Hospital in Idlib on Monday, killing at least 7 civilians and "
             "wounding 15 others, according to the Idlib Health Directorate. Rescue workers said the hospital "
             "was out of service."},
    {"id": "pg-hosp-2", "source": "Other Desk", "published": "2024-03-12", "language": "en",
     "title": "Air strike on Idlib hospital",
     "text": "An air strike on the National Hospital in Idlib on Monday killed 9 people, the White Helmets said. "
             "Activists blamed Russian aircraft for the raid."},
    {"id": "pg-market-1", "source": "Test Wire", "published": "2024-05-02", "language": "en",
     "title": "Shelling in Aleppo market",
     "text": "Government shelling hit a market in Aleppo on Wednesday, killing 4 civilians, including 2 children, "
             "according to the Syrian Observatory for Human Rights."},
    {"id": "pg-xss", "source": "Evil <b>Outlet</b>", "published": "2024-06-20", "language": "en",
     "url": "javascript:alert(1)", "title": XSS_TITLE,
     "text": XSS_TITLE + " A drone strike on a car near Raqqa on Tuesday killed 3 people, local activists said."},
]
USERS = {"ana": "analyst", "adm": "admin", "vie": "viewer"}


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("pages")
    src = root / "docs.jsonl"
    src.write_text("".join(json.dumps(d) + "\n" for d in DOCS), encoding="utf-8")
    path = root / "template.db"
    with Store(path) as store:
        Ingester(store).ingest_file(str(src))
        extract_stored(store)
        link_stored(store)
        for name, role in USERS.items():
            store.add_user(name, role, auth.hash_password(PASSWORD))
    return path


@pytest.fixture()
def db(template_db: Path, tmp_path: Path) -> Path:
    path = tmp_path / "pages.db"
    shutil.copy(template_db, path)
    return path


@pytest.fixture()
def app(db: Path):
    return create_app(WebConfig(db_path=db))


def client(app) -> TestClient:
    return TestClient(app, headers={"accept": "text/html,application/xhtml+xml"})


def form_token(page: str, form_id: str | None = None) -> str:
    if form_id:
        page = page[page.index(f'id="{form_id}"'):]
    return html.unescape(re.search(r'name="csrf" value="([^"]*)"', page).group(1))


def login(app, name: str, password: str = PASSWORD) -> TestClient:
    c = client(app)
    page = c.get("/login").text
    r = c.post("/login", data={"username": name, "password": password, "csrf": form_token(page, "login"),
                               "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def rows(page: str) -> list[str]:
    return re.findall(r'<tr data-incident="([^"]+)"', page)


def incident_of(c: TestClient, doc_id: str) -> str:
    page = c.get("/").text
    for key in rows(page):
        if doc_id in c.get(f"/incidents/{key}").text:
            return key
    raise AssertionError(f"no incident for {doc_id}")


def version_of(db: Path, key: str) -> int:
    with Store(db) as store:
        return store.incident_row(key)["version"]


# --------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_login(app):
    c = client(app)
    for path in ("/", "/health-care", "/review", "/admin", "/incidents/inc-0", "/documents/1"):
        r = c.get(path, follow_redirects=False)
        assert r.status_code == 303, path
        assert r.headers["location"] == "/login?next=" + path
    page = c.get("/login?next=/health-care")
    assert page.status_code == 200
    for needle in ('<form id="login" method="post" action="/login"', 'name="username"', 'name="password"',
                   'type="hidden" name="csrf"', 'name="next" value="/health-care"', 'type="submit"',
                   '<link rel="icon" href="data:,">'):
        assert needle in page.text
    assert "content-security-policy" in page.headers
    # a form post without a session is sent to log in, and changes nothing
    r = c.post("/incidents/inc-0/grade", data={"grade": "weak", "reason": "x"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_login_sets_a_strict_httponly_cookie_and_a_wrong_password_fails(app):
    c = client(app)
    page = c.get("/login")
    assert "sw_login_csrf=" in page.headers["set-cookie"]
    assert "httponly" in page.headers["set-cookie"].lower() and "samesite=strict" in page.headers["set-cookie"].lower()
    token = form_token(page.text, "login")
    bad = c.post("/login", data={"username": "ana", "password": "wrong password!", "csrf": token, "next": "/"},
                 follow_redirects=False)
    assert bad.status_code == 401 and 'class="error"' in bad.text and "sw_session" not in bad.headers.get("set-cookie", "")
    token = form_token(bad.text, "login")
    # the double-submit check: a field that does not match the cookie is refused
    forged = c.post("/login", data={"username": "ana", "password": PASSWORD, "csrf": "x" * 43, "next": "/"},
                    follow_redirects=False)
    assert forged.status_code == 403 and "sw_session" not in forged.headers.get("set-cookie", "")
    token = form_token(forged.text, "login")
    ok = c.post("/login", data={"username": "ana", "password": PASSWORD, "csrf": token, "next": "//evil.example/x"},
                follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"] == "/"
    cookie = next(h for h in ok.headers.get_list("set-cookie") if h.startswith("sw_session=")).lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert c.get("/login", follow_redirects=False).headers["location"] == "/"
    assert c.get("/").status_code == 200
    # logging out needs the form's token, then ends the session
    page = c.get("/").text
    assert c.post("/logout", data={"csrf": "nope"}, follow_redirects=False).status_code == 403
    out = c.post("/logout", data={"csrf": form_token(page)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/login"
    assert c.get("/", follow_redirects=False).status_code == 303


def test_login_keeps_a_same_site_next_and_is_rate_limited(db):
    app = create_app(WebConfig(db_path=db, login_limit=2))
    c = client(app)
    for _ in range(2):
        token = form_token(c.get("/login").text, "login")
        c.post("/login", data={"username": "vie", "password": "not it at all", "csrf": token})
    token = form_token(c.get("/login").text, "login")
    r = c.post("/login", data={"username": "vie", "password": PASSWORD, "csrf": token, "next": "/health-care"},
               follow_redirects=False)
    assert r.status_code == 429 and "Retry-After" in r.headers and 'class="error"' in r.text
    assert safe_next("/incidents/inc-1?x=1") == "/incidents/inc-1?x=1"
    for bad in ("//evil.example", "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "", "/login",
                "/ok\r\nx"):
        assert safe_next(bad) == "/"


def test_a_form_post_without_csrf_is_refused_and_changes_nothing(app, db):
    c = login(app, "ana")
    key = rows(c.get("/").text)[0]
    before = version_of(db, key)
    for token in (None, "", "wrong"):
        data = {"grade": "confirmed", "reason": "checked with the field team"}
        if token is not None:
            data["csrf"] = token
        r = c.post(f"/incidents/{key}/grade", data=data, follow_redirects=False)
        assert r.status_code == 403
        assert "csrf_failed" in r.text
    r = c.post(f"/incidents/{key}/merge", data={"other": rows(c.get("/").text)[1], "reason": "same"},
               follow_redirects=False)
    assert r.status_code == 403
    assert version_of(db, key) == before
    assert len(rows(c.get("/").text)) == 3


def test_overview_filters_narrow_the_table(app):
    c = login(app, "vie")
    page = c.get("/").text
    assert len(rows(page)) == 3
    for needle in ('<form id="filters" method="get" action="/"', 'name="date_from"', 'name="date_to"',
                   'name="place"', 'name="actor"', 'name="q"', 'name="event_type"', 'name="target_type"',
                   'name="grade"', 'name="health"', 'id="apply"', 'id="map" data-src="/api/v1/incidents/map"',
                   'id="map-status"', '<div class="timeline">', "<svg", "<title", 'class="pager"',
                   'class="incident-link" href="/incidents/inc-', "/static/map.js", "/static/app.js"):
        assert needle in page, needle
    assert "3</strong> incidents" in page and "16</strong> killed" in page  # 9 + 4 + 3
    assert len(rows(c.get("/?event_type=shelling").text)) == 1
    assert len(rows(c.get("/?place=Idlib").text)) == 1
    assert len(rows(c.get("/?date_from=2024-05-01").text)) == 2
    assert len(rows(c.get("/?health=1").text)) == 1
    narrowed = c.get("/?date_from=2024-05-01&date_to=2024-05-31&grade=weak").text
    assert len(rows(narrowed)) == 1
    assert 'data-src="/api/v1/incidents/map?date_from=2024-05-01&amp;date_to=2024-05-31&amp;grade=weak"' in narrowed
    bad = c.get("/?date_from=2024-13-45&event_type=<b>")
    assert bad.status_code == 400 and 'class="error"' in bad.text and "<b>" not in bad.text.split("<main>")[1]
    assert len(rows(bad.text)) == 0


def test_incident_page_marks_the_figures_quotes(app):
    c = login(app, "vie")
    key = incident_of(c, "pg-hosp-1")
    page = c.get(f"/incidents/{key}").text
    for needle in ('<dl class="facts">', 'id="casualties"', 'id="figures"', 'id="attribution"',
                   'id="documents"', 'id="history-link"', 'class="document" id="doc-pg-hosp-1"',
                   'class="document" id="doc-pg-hosp-2"', 'class="source-text" dir="auto" lang="en"',
                   "according to <bdi>Idlib Health Directorate</bdi>", 'class="grade grade-fair"'):
        assert needle in page, needle
    marks = {m: html.unescape(t) for m, t in re.findall(r'<mark id="([^"]+)"[^>]*>([^<]*)</mark>', page)}
    figure_rows = re.findall(r'<tr data-span-target="([^"]+)" data-figure="\d+">\s*<td><q><bdi>([^<]*)</bdi>', page)
    assert len(figure_rows) == 3
    for target, quote in figure_rows:
        assert marks[target] == html.unescape(quote)
    assert {"killing at least 7 civilians", "wounding 15 others", "killed 9 people"} <= set(marks.values())
    assert re.search(r'<mark id="[^"]+" class="actor"[^>]*>Russian</mark>', page)
    assert len(marks) == len(set(marks))
    # no script, style or handler attribute anywhere in the page
    assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    assert not re.search(r"\sstyle=|\son[a-z]+=", page)


def test_span_cutting_survives_bad_spans():
    text = "abc killed 3 people def"
    spans = SpanSet(text)
    spans.add([4, 19], "figure", quote_="killed 3 people", figure=0)
    spans.add([6, 30], "actor")          # overlaps the figure: left out
    spans.add([-5, 2], "date")           # clamped to [0, 2]
    spans.add([50, 60], "place")         # past the end: nothing
    spans.add(["a", None], "place")      # not numbers: nothing
    spans.add([True, 3], "place")        # a bool is not an offset
    spans.add([0, 3], "figure", quote_="killed 3 people", figure=1)  # drifted: found by its quote
    segments = spans.segments("d0")
    assert "".join(t for t, _ in segments) == text
    marked = [(t, s.kind) for t, s in segments if s]
    assert marked == [("ab", "date"), ("killed 3 people", "figure")]
    assert spans.figure_targets() == {0: "d0-s1", 1: "d0-s1"}


def test_a_hostile_document_is_shown_escaped(app):
    c = login(app, "vie")
    key = incident_of(c, "pg-xss")
    for path in (f"/incidents/{key}", "/documents/pg-xss"):
        page = c.get(path).text
        assert "<script>alert(1)</script>" not in page
        assert "<img src=x" not in page and "<b>Outlet" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt;" in page
        assert "Evil &lt;b&gt;Outlet&lt;/b&gt;" in page
        assert "javascript:" not in page  # a URL that is not http(s) is not shown at all
        assert not re.search(r"<script(?![^>]*\bsrc=)", page)
    # the read of a document's text is audited
    with Store(app.state.config.db_path) as store:
        reads = [e for e in store.audit_entries(entity="documents") if e.get("action") == "read"]
    assert reads


def test_error_pages_escape_what_they_echo(app):
    c = login(app, "vie")
    r = c.get("/incidents/%3Cscript%3Ealert(1)%3Cb%3E")
    assert r.status_code == 404 and "<script>alert" not in r.text and "&lt;script&gt;" in r.text
    assert '<nav class="top"' in r.text


def test_merge_and_split_through_the_forms_with_history(app, db):
    c = login(app, "ana")
    hospital, market = incident_of(c, "pg-hosp-1"), incident_of(c, "pg-market-1")
    page = c.get(f"/incidents/{hospital}").text
    r = c.post(f"/incidents/{hospital}/merge", data={"csrf": form_token(page, "merge-form"), "other": market,
                                                     "reason": "one strike <per> the field team"},
               follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/incidents/{hospital}")
    merged = c.get(f"/incidents/{market}").text
    assert 'class="notice"' in merged and f'merged into <a href="/incidents/{hospital}">' in merged
    assert market not in rows(c.get("/").text)
    history = c.get(f"/incidents/{hospital}/history").text
    assert '<ul class="history">' in history
    assert f'href="/incidents/{hospital}/versions/1"' in history and f'href="/incidents/{hospital}/versions/2"' in history
    assert "one strike &lt;per&gt; the field team" in history
    version = c.get(f"/incidents/{hospital}/versions/1")
    assert version.status_code == 200 and "<pre" in version.text and f'href="/incidents/{hospital}/history"' in version.text

    page = c.get(f"/incidents/{hospital}").text
    ids = re.findall(r'name="report_ids" value="(\d+)"', page)
    assert len(ids) == 3
    market_report = [i for i in ids if f'report {i}: <bdi>Test Wire</bdi>, pg-market-1' in page]
    r = c.post(f"/incidents/{hospital}/split", data={"csrf": form_token(page, "split-form"),
                                                     "report_ids": market_report, "reason": "different day"},
               follow_redirects=False)
    assert r.status_code == 303
    new = r.headers["location"].split("?")[0].rsplit("/", 1)[1]
    assert new not in (hospital, market)
    assert "pg-market-1" in c.get(f"/incidents/{new}").text
    history = c.get(f"/incidents/{hospital}/history").text
    assert "different day" in history and "one strike &lt;per&gt; the field team" in history
    assert f"/incidents/{hospital}/versions/3" in history
    # an error is shown on the incident page, with a 4xx status
    page = c.get(f"/incidents/{hospital}").text
    r = c.post(f"/incidents/{hospital}/merge", data={"csrf": form_token(page), "other": hospital, "reason": "x"})
    assert r.status_code == 409 and 'class="error"' in r.text and 'id="merge-form"' in r.text
    r = c.post(f"/incidents/{hospital}/split", data={"csrf": form_token(page), "reason": "none ticked"})
    assert r.status_code == 400 and 'class="error"' in r.text


def test_edit_grade_and_note_forms(app, db):
    c = login(app, "ana")
    key = incident_of(c, "pg-market-1")
    page = c.get(f"/incidents/{key}").text
    token = form_token(page, "edit-form")
    r = c.post(f"/incidents/{key}/edit", data={"csrf": token, "field": "casualties.killed", "value": "12",
                                               "reason": "hospital records"}, follow_redirects=False)
    assert r.status_code == 303
    page = c.get(f"/incidents/{key}").text
    killed = re.search(r'data-measure="killed">.*?</tr>', page, re.DOTALL).group(0)
    assert killed.count('<td class="num">12</td>') == 3 and "hospital records" in killed
    r = c.post(f"/incidents/{key}/grade", data={"csrf": token, "grade": "confirmed", "reason": "admitted"},
               follow_redirects=False)
    assert r.status_code == 303 and 'class="grade grade-confirmed"' in c.get(f"/incidents/{key}").text
    r = c.post(f"/incidents/{key}/notes", data={"csrf": token, "text": "ask <the> clinic"}, follow_redirects=False)
    assert r.status_code == 303 and "ask &lt;the&gt; clinic" in c.get(f"/incidents/{key}").text
    bad = c.post(f"/incidents/{key}/edit", data={"csrf": token, "field": "casualties.killed", "value": "-3",
                                                 "reason": "typo"})
    assert bad.status_code == 400 and 'class="error"' in bad.text
    no_reason = c.post(f"/incidents/{key}/grade", data={"csrf": token, "grade": "weak", "reason": "  "})
    assert no_reason.status_code == 400 and 'class="grade grade-confirmed"' in no_reason.text


def test_a_viewer_sees_no_review_forms_and_cannot_post_them(app, db):
    c = login(app, "vie")
    key = rows(c.get("/").text)[0]
    page = c.get(f"/incidents/{key}").text
    for form in ("merge-form", "split-form", "edit-form", "grade-form", "note-form"):
        assert f'id="{form}"' not in page
    assert 'href="/review"' not in page and 'href="/admin"' not in page
    before = version_of(db, key)
    r = c.post(f"/incidents/{key}/grade", data={"csrf": form_token(page), "grade": "confirmed", "reason": "x"})
    assert r.status_code == 403
    assert c.get("/review").status_code == 403 and c.get("/admin").status_code == 403
    assert version_of(db, key) == before


def test_health_care_review_and_document_pages(app):
    c = login(app, "ana")
    health = c.get("/health-care?health=")
    assert health.status_code == 200
    assert 'id="facilities"' in health.text and "national hospital" in health.text.lower()
    assert len(rows(health.text)) == 1 and 'id="filters"' in health.text
    queue = c.get("/review").text
    assert '<table id="queue"' in queue and len(rows(queue)) == 3
    doc = c.get("/documents/pg-hosp-2").text
    assert 'class="source-text" dir="auto"' in doc and "killed 9 people</mark>" in doc


def test_admin_adds_and_revokes_a_user_and_makes_the_site_public(app):
    c = login(app, "adm")
    page = c.get("/admin").text
    assert '<table id="users"' in page and '<form id="user-form"' in page and 'id="settings-form"' in page
    assert 'class="revoke-user"' in page
    token = form_token(page, "user-form")
    r = c.post("/admin/users", data={"csrf": token, "username": "newbie", "role": "analyst",
                                     "password": "long enough secret"}, follow_redirects=False)
    assert r.status_code == 303
    assert 'data-user="newbie"' in c.get("/admin").text
    dup = c.post("/admin/users", data={"csrf": token, "username": "newbie", "role": "viewer",
                                       "password": "long enough secret"})
    assert dup.status_code == 409 and 'class="error"' in dup.text
    short = c.post("/admin/users", data={"csrf": token, "username": "x2", "role": "viewer", "password": "short"})
    assert short.status_code == 400
    assert c.post("/admin/users", data={"username": "x3", "role": "viewer",
                                        "password": "long enough secret"}).status_code == 403
    assert login(app, "newbie", "long enough secret").get("/review").status_code == 200
    r = c.post("/admin/users/newbie/revoke", data={"csrf": token}, follow_redirects=False)
    assert r.status_code == 303
    gone = client(app)
    t = form_token(gone.get("/login").text, "login")
    assert gone.post("/login", data={"username": "newbie", "password": "long enough secret",
                                     "csrf": t}).status_code == 401
    assert client(app).get("/", follow_redirects=False).status_code == 303
    r = c.post("/admin/settings", data={"csrf": token, "public": "1"}, follow_redirects=False)
    assert r.status_code == 303
    anonymous = client(app).get("/")
    assert anonymous.status_code == 200 and len(rows(anonymous.text)) == 3


def test_the_timeline_aggregates_long_spans():
    days = [{"day": "2020-01-01", "incidents": 2, "killed": 5}, {"day": "2024-12-30", "incidents": 1, "killed": 0}]
    chart = timeline_chart(days)
    assert chart["unit"] == "month" and len(chart["bins"]) == 60
    assert "2020-01: 2 incidents, 5 killed" in [b["title"] for b in chart["bins"]]
    weekly = timeline_chart([{"day": "2024-01-01", "incidents": 1, "killed": 1},
                             {"day": "2024-08-01", "incidents": 3, "killed": 9}])
    assert weekly["unit"] == "week"
    assert timeline_chart([]) is None and timeline_chart([{"day": "junk", "incidents": 1, "killed": 1}]) is None
    one = timeline_chart([{"day": "2024-01-01", "incidents": 1, "killed": 2}])
    assert one["unit"] == "day" and len(one["bins"]) == 1 and one["dots"]
