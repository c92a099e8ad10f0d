"""The dashboard in a real browser (Playwright, Debian's Chromium): the page
contract, a filter-and-inspect session, a merge through the form, stored and
reflected XSS, the request log (loopback only) and the Content-Security-Policy.

One browser per module, a fresh context per test. Skipped when Chromium or
Playwright is missing.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest

pytest.register_assert_rewrite("tests.web_support")
from .web_support import USERS, LiveServer, World, ingest_documents, live_server  # noqa: E402

pytest_plugins = ["tests.web_support"]

CHROMIUM = Path("/usr/bin/chromium")
if not CHROMIUM.exists():
    pytest.skip(f"no Chromium at {CHROMIUM}", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright (Python) is not installed")
expect = sync_api.expect

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
TIMEOUT_MS = 15_000


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@dataclass
class Session:
    """A browser context and page with everything they asked for and said."""

    base: str
    context: Any
    page: Any
    requests: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def go(self, path: str, *, status: int | tuple[int, ...] = 200) -> Any:
        response = self.page.goto(self.base + path, wait_until="load")
        assert response is not None, path
        statuses = (status,) if isinstance(status, int) else status
        assert response.status in statuses, (path, response.status)
        return response

    def login(self, role: str) -> None:
        name, password = USERS[role]
        self.go("/login")
        form = self.page.locator("form#login")
        form.locator("input[name=username]").fill(name)
        form.locator("input[name=password]").fill(password)
        with self.page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert urlsplit(self.page.url).path == "/", self.page.url

    def foreign_requests(self) -> list[str]:
        """Requests to anything but the loopback server (data: and blob: URLs are local)."""
        origin = urlsplit(self.base)
        bad = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in ("data", "blob", "about"):
                continue
            if (parts.scheme, parts.netloc) != (origin.scheme, origin.netloc):
                bad.append(url)
        return bad

    def csp_violations(self) -> list[str]:
        return [m for m in self.console if "Content Security Policy" in m or "Content-Security-Policy" in m]


def new_session(browser: Any, srv: LiveServer) -> Session:
    context = browser.new_context(base_url=srv.url, java_script_enabled=True, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    s = Session(srv.url, context, page)
    context.on("request", lambda r: s.requests.append(r.url))
    page.on("request", lambda r: s.requests.append(r.url))
    page.on("console", lambda m: s.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: s.page_errors.append(str(e)))

    def on_dialog(d: Any) -> None:
        s.dialogs.append(f"{d.type}: {d.message}")
        d.dismiss()

    page.on("dialog", on_dialog)
    return s


@pytest.fixture()
def session_factory(browser: Any) -> Iterator[Any]:
    made: list[Session] = []

    def make(srv: LiveServer) -> Session:
        s = new_session(browser, srv)
        made.append(s)
        return s

    yield make
    for s in made:
        s.context.close()


def rows(page: Any) -> list[str]:
    return page.locator("table#incidents tr[data-incident]").evaluate_all(
        "rs => rs.map(r => r.getAttribute('data-incident'))")


# --------------------------------------------------------------------------
# (e) the Content-Security-Policy, and the page contract


def test_csp_header(shared_server: LiveServer, shared_world: World) -> None:
    import httpx

    with httpx.Client(base_url=shared_server.url) as c:
        for path in ("/login", "/static/app.js"):
            r = c.get(path)
            assert r.status_code == 200, path
            csp = r.headers.get("content-security-policy")
            assert csp, path
            directives = {d.split()[0]: d.split()[1:] for d in csp.split(";") if d.strip()}
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, csp
            assert directives["default-src"] == ["'none'"]
            assert directives["script-src"] == ["'self'"]
            assert directives["frame-ancestors"] == ["'none'"]
            assert directives["object-src"] == ["'none'"]
            assert "base-uri" in directives and "form-action" in directives
        r = c.get("/", headers={"Authorization": f"Bearer {shared_world.tokens['viewer']}", "Accept": "text/html"})
        assert r.status_code == 200 and "unsafe-inline" not in r.headers["content-security-policy"]
        assert r.headers["x-frame-options"] == "DENY"


def test_page_contract(session_factory: Any, shared_server: LiveServer, shared_world: World) -> None:
    s = session_factory(shared_server)
    p = s.page
    s.go("/login")
    for sel in ("form#login", "form#login input[name=username]", "form#login input[name=password]",
                "form#login button[type=submit]"):
        assert p.locator(sel).count() == 1, sel
    s.login("analyst")
    s.go("/")
    for sel in ("form#filters", "button#apply", "div#map", "p#map-status", "div.timeline svg", "table#incidents",
                "input[type=checkbox][name=health]"):
        assert p.locator(sel).count() >= 1, sel
    for name in ("date_from", "date_to", "place", "actor", "q"):
        assert p.locator(f"form#filters input[name={name}]").count() == 1, name
    for name in ("event_type", "target_type", "grade"):
        assert p.locator(f"form#filters select[name={name}]").count() == 1, name
    assert len(rows(p)) == 5
    assert p.locator("table#incidents tr[data-incident] a.incident-link").count() == 5
    expect(p.locator("div#map .leaflet-interactive").first).to_be_visible()
    assert p.locator("div#map .leaflet-interactive").count() == 5
    key = shared_world.incidents["saraqib"]
    s.go(f"/incidents/{key}")
    for sel in ("dl.facts", "table#figures", "section#documents", "section#documents pre.source-text",
                "section#documents pre.source-text mark.figure", "a#history-link", "form#merge-form",
                "form#merge-form input[name=other]", "form#merge-form textarea[name=reason]",
                "form#merge-form [type=submit]", "form#split-form", "form#edit-form", "form#grade-form",
                "form#note-form"):
        assert p.locator(sel).count() >= 1, sel
    assert p.locator("table#figures tr[data-span-target]").count() >= 4
    with p.expect_navigation():
        p.locator("a#history-link").click()
    assert p.locator("ul.history li").count() >= 1
    s.go("/health-care")
    assert p.locator("table#facilities").count() == 1
    s.go("/review")
    assert p.locator("table#queue").count() == 1
    s.go("/admin", status=403)
    # a viewer has no review forms
    v = session_factory(shared_server)
    v.login("viewer")
    v.go(f"/incidents/{key}")
    assert v.page.locator("form#merge-form, form#note-form, form#grade-form").count() == 0
    v.go("/review", status=403)
    a = session_factory(shared_server)
    a.login("admin")
    a.go("/admin")
    assert a.page.locator("table#users").count() == 1
    assert not s.dialogs + v.dialogs + a.dialogs


# --------------------------------------------------------------------------
# (a) log in, filter, open an incident, flash a figure's span


def test_filter_open_and_flash(session_factory: Any, shared_server: LiveServer, shared_world: World) -> None:
    s = session_factory(shared_server)
    p = s.page
    s.go("/")  # not logged in: sent to the login form
    assert urlsplit(p.url).path == "/login"
    s.login("viewer")
    everything = rows(p)
    assert len(everything) == 5
    form = p.locator("form#filters")
    form.locator("input[name=place]").fill("Kherson")
    with p.expect_navigation():
        p.locator("button#apply").click()
    kherson = rows(p)
    assert set(kherson) == {shared_world.incidents["kherson1"], shared_world.incidents["kherson2"]}
    assert "place=Kherson" in p.url
    assert p.locator("form#filters input[name=place]").input_value() == "Kherson"
    # a select submits the form by itself (app.js); the table narrows again
    with p.expect_navigation():
        p.locator("form#filters select[name=event_type]").select_option("shelling")
    assert rows(p) == [shared_world.incidents["kherson1"]]
    # the map shows what the table shows
    expect(p.locator("div#map .leaflet-interactive")).to_have_count(1)
    # clear, then the health care checkbox
    s.go("/")
    p.locator("form#filters input[name=health]").check()
    with p.expect_navigation():
        p.locator("button#apply").click()
    assert rows(p) == [shared_world.incidents["aleppo"]]
    # open the Saraqib incident from the list
    s.go("/?" + urlencode({"place": "Saraqib"}))
    assert rows(p) == [shared_world.incidents["saraqib"]]
    with p.expect_navigation():
        p.locator("table#incidents tr[data-incident] a.incident-link").first.click()
    assert urlsplit(p.url).path == f"/incidents/{shared_world.incidents['saraqib']}"
    assert "Saraqib" in p.locator("dl.facts").inner_text()
    figure_rows = p.locator("table#figures tr[data-span-target]")
    assert figure_rows.count() >= 4
    for i in range(figure_rows.count()):
        row = figure_rows.nth(i)
        target = row.get_attribute("data-span-target")
        mark = p.locator(f"mark[id='{target}']")
        assert mark.count() == 1, target
        # the quote in the row is the marked text
        quote_text = row.locator("q").inner_text().strip()
        assert mark.inner_text().strip() == quote_text, (target, quote_text)
        row.locator("td").nth(1).click()
        expect(mark).to_have_class(re.compile(r"\bflash\b"), timeout=1500)
    assert not s.dialogs and not s.page_errors, (s.dialogs, s.page_errors)


# --------------------------------------------------------------------------
# (b) merge two incidents through the form


def test_merge_through_the_form(session_factory: Any, server: LiveServer, world: World) -> None:
    pytest.importorskip("strikewatch.review")
    s = session_factory(server)
    p = s.page
    s.login("analyst")
    keep, other = world.incidents["kherson1"], world.incidents["kherson2"]
    reason = "Same shelling of Kherson, reported on two dates"
    s.go(f"/incidents/{keep}")
    form = p.locator("form#merge-form")
    form.locator("input[name=other]").fill(other)
    form.locator("textarea[name=reason]").fill(reason)
    with p.expect_navigation():
        form.locator("[type=submit]").click()
    assert urlsplit(p.url).path == f"/incidents/{keep}", p.url
    docs = p.locator("section#documents").inner_text()
    assert "Dnipro Daily" in docs and "Black Sea Courier" in docs
    with p.expect_navigation():
        p.locator("a#history-link").click()
    items = p.locator("ul.history li")
    texts = [items.nth(i).inner_text() for i in range(items.count())]
    joined = "\n".join(texts)
    assert re.search(r"version 1\b", joined) and re.search(r"version 2\b", joined), joined
    assert any(reason in t for t in texts), joined
    s.go(f"/incidents/{other}")
    body = p.locator("main").inner_text()
    assert "merged" in body.lower() and keep in body, body[:500]
    assert p.locator(f"a[href='/incidents/{keep}']").count() >= 1
    assert p.locator("form#merge-form").count() == 0  # a retired incident takes no more merges
    # the overview no longer lists the merged incident
    s.go("/")
    assert other not in rows(p) and keep in rows(p)
    # a failed merge shows the error and keeps what was typed
    s.go(f"/incidents/{keep}")
    form = p.locator("form#merge-form")
    form.locator("input[name=other]").fill("inc-does-not-exist")
    form.locator("textarea[name=reason]").fill("typo")
    with p.expect_navigation():
        form.locator("[type=submit]").click()
    assert p.locator(".error").count() >= 1
    assert p.locator("form#merge-form input[name=other]").input_value() == "inc-does-not-exist"
    with world.store() as store:
        assert store.verify().ok
    assert not s.dialogs and not s.page_errors


# --------------------------------------------------------------------------
# (c) stored and reflected XSS


def xss_payloads() -> list[str]:
    js = "window.__xss=1;alert(1)"
    base = [
        f"<script>{js}</script>",
        f"<SCRIPT>{js}</SCRIPT>",
        f"<ScRiPt>{js}</sCrIpT>",
        f"<script src=data:,{js}></script>",
        f"<script/src=\"data:text/javascript,{js}\"></script>",
        f"<scr<script>ipt>{js}</scr</script>ipt>",
        f"<img src=x onerror=\"{js}\" data-xss>",
        f"<img src=x onerror={js} data-xss>",
        f"<img/src/onerror={js} data-xss>",
        f"<svg onload=\"{js}\" data-xss>",
        f"<svg><script>{js}</script></svg>",
        f"<svg><animate onbegin=\"{js}\" attributeName=x dur=1s data-xss>",
        f"<body onload=\"{js}\" data-xss>",
        f"<iframe src=\"javascript:{js}\" data-xss></iframe>",
        f"<iframe srcdoc=\"<script>parent.{js}</script>\" data-xss></iframe>",
        f"<a href=\"javascript:{js}\" data-xss>click</a>",
        f"javascript:{js}",
        f"JaVaScRiPt:{js}",
        f"data:text/html,<script>{js}</script>",
        f"<details open ontoggle=\"{js}\" data-xss>",
        f"<input autofocus onfocus=\"{js}\" data-xss>",
        f"<video><source onerror=\"{js}\" data-xss></video>",
        f"<object data=\"javascript:{js}\" data-xss></object>",
        f"<embed src=\"javascript:{js}\" data-xss>",
        f"<form action=\"javascript:{js}\" data-xss><button>go</button></form>",
        f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:{js}\" data-xss>",
        "<base href=\"http://evil.example/\" data-xss>",
        "<link rel=stylesheet href=\"http://evil.example/x.css\" data-xss>",
        "<style>@import 'http://evil.example/x.css';</style>",
        f"<math><mtext><table><mglyph><style><img src=x onerror=\"{js}\" data-xss>",
        f"\"><script>{js}</script>",
        f"'><script>{js}</script>",
        f"\" onmouseover=\"{js}\" data-xss=\"",
        f"' onfocus='{js}' autofocus data-xss='",
        f"\" autofocus onfocus=\"{js}\" data-xss x=\"",
        f"</textarea><script>{js}</script>",
        f"</title><script>{js}</script>",
        f"</pre><script>{js}</script>",
        f"</q><img src=x onerror=\"{js}\" data-xss>",
        f"</bdi></td></tr></table><img src=x onerror=\"{js}\" data-xss>",
        f"</mark><img src=x onerror=\"{js}\" data-xss>",
        f"<!--<img src=\"--><img src=x onerror={js} data-xss>",
        f"<noscript><p title=\"</noscript><img src=x onerror={js} data-xss>\">",
        "{{7*7}}",
        "{{ constructor.constructor('window.__xss=1;alert(1)')() }}",
        "${7*7}",
        "{% raw %}{{7*7}}{% endraw %}",
        "{{config}}{{request.application}}",
        "<%= 7*7 %>",
        "#{7*7}",
        f"&lt;script&gt;{js}&lt;/script&gt;",
        f"&#60;script&#62;{js}&#60;/script&#62;",
        f"%3Cscript%3E{js}%3C%2Fscript%3E",
        f"\\u003cscript\\u003e{js}\\u003c/script\\u003e",
        "<img src=x onerror=&#119;&#105;&#110;&#100;&#111;&#119;.__xss=1 data-xss>",
        "<img src=x onerror=\"&#x77;indow.__xss=1;alert(1)\" data-xss>",
        f"<a href=\"&#106;avascript:{js}\" data-xss>x</a>",
        f"<a href=\"java\tscript:{js}\" data-xss>x</a>",
        f"＜script＞{js}＜/script＞",
    ]
    wrapped = []
    for p in base:
        wrapped.append(p)
        wrapped.append(f"غارة على إدلب {p} قتل خمسة مدنيين")  # Arabic-wrapped
        wrapped.append(f"\u202e{p}\u202c\u2066{p}\u2069")     # RTL override and isolates
    wrapped.append("A" * 1500 + f"<script>{js}</script>")
    wrapped.append(("<b>" * 300) + f"<img src=x onerror=\"{js}\" data-xss>")
    wrapped.append("\u200f\u200e\u061c" + f"<svg onload=\"{js}\" data-xss>" + "\ufeff")
    out = list(dict.fromkeys(wrapped))
    assert len(out) >= 100
    return out


PLACES = ["Saraqib", "Ariha", "Idlib", "Aleppo", "Kherson", "Kharkiv", "Homs", "Hama", "Mykolaiv", "Sumy",
          "Zaporizhzhia", "Jisr al-Shughur", "Maarat al-Numan", "Deir ez-Zor", "Raqqa", "Daraa"]


def xss_documents(payloads: list[str]) -> list[dict[str, Any]]:
    """Documents carrying the payloads in the title, outlet, address, id and text;
    each also describes a strike, so it becomes an incident."""
    docs = []
    n = len(payloads)
    per_doc = 4
    for i in range(0, n, per_doc):
        k = i // per_doc
        p = [payloads[(i + j) % n] for j in range(per_doc)]
        place = PLACES[k % len(PLACES)]
        day = 1 + k % 27
        month = 1 + (k // 27) % 12
        docs.append({
            "id": p[0][:400] if k % 3 == 0 else f"xss-{k}",
            "title": p[0][:1900],
            "source": p[1][:450],
            "url": p[2][:3000] if k % 2 else f"https://news.example/{quote(p[2][:200])}",
            "published": f"2023-{month:02d}-{day:02d}",
            "language": "en",
            "text": f"{p[2]}\n\nWarplanes struck a market in {place} on Monday, killing {3 + k % 9} civilians and "
                    f"wounding {10 + k % 7} others, the civil defence said. {p[3]}\n\n"
                    f"Residents said the jets belonged to the {p[1]} air force.",
        })
    return docs


@pytest.fixture(scope="module")
def xss_world(web_base: World, tmp_path_factory: pytest.TempPathFactory) -> tuple[World, list[str]]:
    from strikewatch import review

    payloads = xss_payloads()
    world = web_base.copy(tmp_path_factory.mktemp("xss-world"))
    ingest_documents(world.db, xss_documents(payloads), actor="test:xss")
    with world.store(actor="web:ali") as store:
        keys = [data["incident_id"] for data in store.iter_incidents()]
        assert len(keys) >= 20, len(keys)
        for i, key in enumerate(keys):
            p = payloads[(i * 7) % len(payloads)]
            review.add_note(store, key, p[:2000])
            review.set_grade(store, key, "contested", reason=payloads[(i * 7 + 1) % len(payloads)][:2000])
            review.edit(store, key, "casualties.killed", {"low": 1, "best": 2, "high": 3},
                        reason=payloads[(i * 7 + 2) % len(payloads)][:2000])
        for a, b in zip(keys[0:6:2], keys[1:6:2]):
            review.merge(store, a, b, reason=payloads[(keys.index(a) * 5 + 3) % len(payloads)][:2000])
        for role, uid in world.user_ids.items():
            store.create_token(uid, payloads[world.token_ids[role] % len(payloads)][:200])
    return world, payloads


DANGEROUS_DOM = """() => ({
  marked: document.querySelectorAll('[data-xss]').length,
  inlineScripts: Array.from(document.scripts).filter(s => !s.src).length,
  foreignScripts: Array.from(document.scripts).filter(s => s.src && !s.src.startsWith(location.origin + '/static/')).length,
  jsLinks: Array.from(document.querySelectorAll('[href],[src],[action],[formaction],[data]')).filter(e =>
      ['href', 'src', 'action', 'formaction', 'data'].some(a => /^\\s*(javascript|data:text\\/html)/i.test(e.getAttribute(a) || ''))).length,
  frames: document.querySelectorAll('iframe, object, embed, base, meta[http-equiv]').length,
  handlers: Array.from(document.querySelectorAll('*')).filter(e =>
      Array.from(e.attributes).some(a => a.name.startsWith('on'))).length,
  xss: window.__xss === undefined ? null : window.__xss,
})"""


def assert_clean(s: Session, where: str) -> None:
    found = s.page.evaluate(DANGEROUS_DOM)
    bad = {k: v for k, v in found.items() if v}
    assert not bad, f"{where}: {bad}"
    assert not s.dialogs, f"{where}: dialogs {s.dialogs}"


def test_xss_smoke(session_factory: Any, xss_world: tuple[World, list[str]]) -> None:
    """A few pages of the XSS world, for the quick run (the full sweep is marked slow)."""
    world, payloads = xss_world
    with live_server(world.db) as srv:
        s = session_factory(srv)
        s.login("analyst")
        with world.store() as store:
            keys = [r[0] for r in store.conn.execute("SELECT incident_key FROM incidents ORDER BY id DESC LIMIT 3")]
            docs = [d.id for d in store.list_documents(limit=3)]
        paths = ["/", "/review"] + [f"/incidents/{quote(k, safe='')}" for k in keys]
        paths += [f"/incidents/{quote(k, safe='')}/history" for k in keys] + [f"/documents/{d}" for d in docs]
        paths += ["/?" + urlencode({"q": payloads[0], "place": payloads[6]}), "/login?next=" + quote(payloads[9])]
        shown = 0
        for path in paths:
            s.go(path, status=(200, 400))
            assert_clean(s, path)
            shown += "window.__xss=1" in s.page.locator("body").inner_text()
        assert shown >= 5  # the payloads are on the pages, as text
        assert not s.foreign_requests(), s.foreign_requests()


@pytest.mark.slow
def test_stored_and_reflected_xss(session_factory: Any, xss_world: tuple[World, list[str]]) -> None:
    world, payloads = xss_world
    started = time.monotonic()
    with live_server(world.db) as srv:
        s = session_factory(srv)
        p = s.page
        s.login("admin")
        visited = 0
        with world.store() as store:
            incident_keys = [r[0] for r in store.conn.execute("SELECT incident_key FROM incidents ORDER BY id")]
            doc_ids = [d.id for d in store.list_documents(limit=500)]
        pages = ["/", "/?page=2", "/health-care", "/review", "/admin"]
        pages += [f"/incidents/{quote(k, safe='')}" for k in incident_keys]
        pages += [f"/incidents/{quote(k, safe='')}/history" for k in incident_keys]
        pages += [f"/incidents/{quote(incident_keys[0], safe='')}/versions/{n}" for n in (1, 2, 3)]
        pages += [f"/documents/{d}" for d in doc_ids]
        # reflected: search results and filters echo what was typed
        for i, payload in enumerate(payloads[::8]):
            pages.append("/?" + urlencode({"q": payload[:400], "place": payload[:150], "actor": payload[:150]}))
            if i % 3 == 0:
                pages.append("/?" + urlencode({"date_from": payload[:50], "event_type": payload[:40]}))
                pages.append("/health-care?" + urlencode({"q": payload[:400]}))
        for path in pages:
            s.go(path, status=(200, 400, 404))
            assert_clean(s, path)
            visited += 1
        # the payloads reached the pages as text (so the test tests something)
        s.go(f"/documents/{max(doc_ids)}")
        assert "window.__xss=1" in p.locator("main").inner_text()
        s.go("/?" + urlencode({"q": "{{7*7}}"}))
        assert p.locator("form#filters input[name=q]").input_value() == "{{7*7}}"
        # forms that fail re-render what was typed
        key = incident_keys[-1]
        for payload in payloads[:30:3]:
            s.go(f"/incidents/{quote(key, safe='')}")
            form = p.locator("form#merge-form")
            form.locator("input[name=other]").fill(payload[:200])
            form.locator("textarea[name=reason]").fill(payload[:2000])
            with p.expect_navigation():
                form.locator("[type=submit]").click()
            assert_clean(s, f"merge form error with {payload[:40]!r}")
            visited += 1
        s.go("/login?next=" + quote(payloads[0]), status=(200,))  # logged in: redirected away
        # a fresh context (not logged in) sees the login page with the reflected next
        anon = session_factory(srv)
        for payload in payloads[::5]:
            anon.go("/login?" + urlencode({"next": payload}))
            assert_clean(anon, f"/login?next={payload[:40]!r}")
            visited += 1
        assert not s.foreign_requests() and not anon.foreign_requests(), s.foreign_requests()
        assert not s.page_errors, s.page_errors[:5]
    elapsed = time.monotonic() - started
    print(f"\nXSS: {len(payloads)} payloads, {visited} page loads, {elapsed:.1f} s")


# --------------------------------------------------------------------------
# (d) nothing but the loopback server is ever asked for anything


def test_requests_stay_on_loopback(session_factory: Any, shared_server: LiveServer, shared_world: World) -> None:
    s = session_factory(shared_server)
    s.go("/login")
    s.login("admin")
    paths = ["/", "/?place=Idlib", "/health-care", "/review", "/admin"]
    for key in shared_world.incidents.values():
        paths += [f"/incidents/{key}", f"/incidents/{key}/history", f"/incidents/{key}/versions/1"]
    paths += [f"/documents/{d}" for d in shared_world.documents.values()]
    for path in paths:
        s.go(path)
        if path in ("/", "/?place=Idlib", "/health-care"):
            s.page.wait_for_load_state("networkidle")
            expect(s.page.locator("div#map .leaflet-interactive").first).to_be_attached()
    s.page.wait_for_load_state("networkidle")
    assert len(s.requests) >= len(paths)
    assert not s.foreign_requests(), s.foreign_requests()
    violations = s.csp_violations()
    assert not violations, "CSP violations:\n" + "\n".join(violations)
    assert not s.page_errors, s.page_errors
    errors = [m for m in s.console if m.startswith("error")]
    assert not errors, errors
