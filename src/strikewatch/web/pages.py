"""Server-rendered dashboard pages (Jinja2, autoescaped).

Every page extends ``templates/base.html``. Data reaches the HTML only through
Jinja's autoescaping (the ``safe`` filter is removed from the environment), so
document text, titles, names, quotes, notes and reasons are always text.
The pages run under the application's strict Content-Security-Policy: no
inline script, no ``style=`` attribute, no event-handler attribute; the
timeline is an SVG drawn here with presentation attributes only.

Forms post with a hidden ``csrf`` field (the session's token, checked with
:func:`auth.check_csrf`); the login form, before any session exists, uses a
double-submit cookie. Reading a document's text goes through
:func:`api.document_detail`, which audits the read.
"""

from __future__ import annotations

import json
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from .. import review, vocab
from ..errors import StrikewatchError
from ..store.queries import IncidentFilter
from . import api
from .auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, Principal, check_csrf, hash_password, same
from .deps import Ctx, admin, analyst, lend, needs, principal_of, viewer

router = APIRouter(include_in_schema=False)

TEMPLATES = Path(__file__).parent / "templates"
PAGE_SIZE = 50
#: the fields the edit form offers (review.CHECKS has them all)
EDIT_FIELDS = ("event_type", "date", "location", "grade", "casualties.killed", "casualties.injured",
               "casualties.civilians_killed", "casualties.children_killed", "attribution.actor")
#: fixed notices shown after a successful form post (``?done=KEY``); never user text
NOTICES = {
    "merged": "Merged: the other incident's reports now belong to this one.",
    "split": "Split: this incident was made from the reports you chose.",
    "edited": "The field was corrected; the incident was rebuilt as a new version.",
    "graded": "The grade was set; the incident was rebuilt as a new version.",
    "noted": "The note was added.",
    "user-added": "The user was added.",
    "user-revoked": "The user was revoked: their sessions and tokens no longer work.",
    "settings": "The settings were saved.",
}
#: HTTP status of an error code (app.STATUS, plus the review's own)
_STATUS = {"not_found": 404, "unauthorized": 401, "forbidden": 403, "csrf_failed": 403, "rate_limited": 429,
           "conflict": 409, "too_large": 413, "review_invalid": 400, "bad_field": 400, "bad_request": 400}

form_viewer = needs("viewer", csrf_from_header=False)
form_analyst = needs("analyst", csrf_from_header=False)
form_admin = needs("admin", csrf_from_header=False)


# --------------------------------------------------------------------------
# rendering


def inc_url(key: Any, suffix: str = "") -> str:
    return "/incidents/" + quote(str(key), safe="") + suffix


def doc_url(ref: Any) -> str:
    return "/documents/" + quote(str(ref), safe="")


def label(value: Any) -> str:
    """A vocabulary label for reading: ``air_strike`` → "air strike"."""
    return "" if value is None else str(value).replace("_", " ")


def grade_class(grade: Any) -> str:
    return f"grade grade-{grade}" if grade in vocab.GRADES else "grade grade-unknown"


def as_json(value: Any, indent: int | None = None) -> str:
    return json.dumps(value, ensure_ascii=False, indent=indent, sort_keys=indent is not None)


def percent(p: Any) -> str:
    return f"{p * 100:.0f}%" if isinstance(p, (int, float)) and not isinstance(p, bool) else "—"


def count(n: Any) -> str:
    return f"{n:,}" if isinstance(n, int) and not isinstance(n, bool) else "—"


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"], default=True),
                      trim_blocks=True, lstrip_blocks=True, auto_reload=False)
    env.filters.pop("safe", None)  # data is never markup: a template using |safe fails to compile
    env.globals.update(inc_url=inc_url, doc_url=doc_url, label=label, grade_class=grade_class, as_json=as_json,
                       percent=percent, count=count, GRADES=vocab.GRADES)
    return env


ENV = _env()


def render(request: Request, name: str, who: Principal | None, status: int = 200, *,
           headers: dict[str, str] | None = None, **values: Any) -> HTMLResponse:
    html = ENV.get_template(name).render(who=who, path=request.url.path, **values)
    return HTMLResponse(html, status_code=status, headers=headers)


def _status(exc: StrikewatchError) -> int:
    return _STATUS.get(exc.code, 400)


def error_page(request: Request, status: int, code: str, message: str) -> Response:
    """The error page; the nav shows when the visitor is known."""
    who = None
    try:
        _, who = principal_of(request)
    except Exception:  # noqa: BLE001 - the error may be the store itself; the page shows without a nav
        who = None
    try:
        return render(request, "error.html", who, status, status_code=status, code=code, message=message)
    except Exception:  # noqa: BLE001 # pragma: no cover - a broken template must not hide the first error
        from html import escape

        return HTMLResponse(f"<!doctype html><title>error</title><p>{escape(code)}: {escape(message)}</p>",
                            status_code=status)


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _notice(request: Request) -> str | None:
    return NOTICES.get(request.query_params.get("done", ""))


# --------------------------------------------------------------------------
# login and logout


def safe_next(value: str | None) -> str:
    """``value`` if it is a path on this site ("/…", not "//…"), else "/"."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    if any(ord(c) < 0x21 or ord(c) == 0x7F for c in value):
        return "/"
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or parts.path.startswith(("/login", "/logout")):
        return "/"
    return value


def _login_page(request: Request, *, next_url: str, error: str | None = None, status: int = 200,
                username: str = "", headers: dict[str, str] | None = None) -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", None, status, headers=headers, csrf_token=token, next_url=next_url,
                      error=error, username=username)
    config = request.app.state.config
    secure = config.secure_cookies if config.secure_cookies is not None else request.url.scheme == "https"
    response.set_cookie(LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/",
                        max_age=3600)
    return response


def _known(request: Request) -> Principal | None:
    try:
        return principal_of(request)[1]
    except StrikewatchError:
        return None


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> Response:
    who = _known(request)
    if who is not None and who.user is not None:
        return _redirect("/")
    return _login_page(request, next_url=safe_next(request.query_params.get("next")))


@router.post("/login", response_class=HTMLResponse)
def login_post(request: Request, username: str = Form(""), password: str = Form(""), csrf: str = Form(""),
               next: str = Form("/")) -> Response:
    next_url = safe_next(next)
    username = username.strip()[:200]
    if not same(request.cookies.get(LOGIN_CSRF_COOKIE), csrf):
        return _login_page(request, next_url=next_url, status=403, username=username,
                           error="The login form expired or your browser refused its cookie; please try again.")
    if not username or not password or len(password) > 1000:
        return _login_page(request, next_url=next_url, status=401, username=username,
                           error="Wrong user name or password.")
    try:
        _, cookie, _ = api.login_user(request, username, password)
    except StrikewatchError as exc:
        if exc.code == "rate_limited":
            wait = str(getattr(exc, "retry_after", 60))
            return _login_page(request, next_url=next_url, status=429, username=username, error=exc.message,
                               headers={"Retry-After": wait})
        return _login_page(request, next_url=next_url, status=401, username=username,
                           error="Wrong user name or password.")
    response = _redirect(next_url)
    api.set_session_cookie(request, response, cookie)
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form("")) -> Response:
    response = _redirect("/login")
    who = _known(request)
    cookie = request.cookies.get(SESSION_COOKIE)
    if who is not None and who.via == "session" and cookie:
        check_csrf(who, csrf)
        lend(request).end_session(cookie)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --------------------------------------------------------------------------
# filters, lists and pages of results

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TEXT_LIMITS = {"place": 200, "actor": 200, "q": 500, "bbox": 200}
_CHOICES = {"event_type": vocab.EVENT_TYPES, "target_type": vocab.TARGET_TYPES, "grade": vocab.GRADES}
FILTER_KEYS = ("date_from", "date_to", "place", "actor", "q", "event_type", "target_type", "grade", "health", "bbox")


@dataclass
class Filters:
    """The filter form as submitted, the filter it makes (None if invalid) and what was wrong."""

    values: dict[str, str]
    flt: IncidentFilter | None
    errors: list[str] = field(default_factory=list)
    typed: dict[str, str] = field(default_factory=dict)

    @property
    def query(self) -> str:
        """The filter as a URL query (the valid filter's, else what was typed)."""
        if self.flt is not None:
            return urlencode(self.flt.query_args())
        return urlencode({k: v for k, v in self.typed.items() if v})


def read_filters(request: Request, *, health: bool = False) -> Filters:
    qp = request.query_params
    values = {k: (qp.get(k) or "").strip() for k in FILTER_KEYS}
    values["health"] = "1" if health or values["health"].lower() in ("1", "on", "true", "yes") else ""
    typed = dict(values)
    errors = []
    for key in ("date_from", "date_to"):
        v = values[key]
        if v:
            try:
                ok = bool(_DAY.fullmatch(v)) and date.fromisoformat(v) is not None
            except ValueError:
                ok = False
            if not ok:
                errors.append(f"{key.replace('_', ' ')}: {v!r} is not a date (YYYY-MM-DD)")
                values[key] = ""  # a date input cannot show it anyway
    if values["date_from"] and values["date_to"] and not errors and values["date_from"] > values["date_to"]:
        errors.append("date from is after date to")
    for key, allowed in _CHOICES.items():
        if values[key] and values[key] not in allowed:
            errors.append(f"{key.replace('_', ' ')}: {values[key]!r} is not one of {', '.join(allowed)}")
    for key, limit in _TEXT_LIMITS.items():
        if len(values[key]) > limit:
            errors.append(f"{key}: at most {limit} characters")
    if errors:
        return Filters(values, None, errors, typed)
    try:
        flt = api.incident_filter(
            date_from=values["date_from"] or None, date_to=values["date_to"] or None,
            place=values["place"] or None, bbox=values["bbox"] or None, event_type=values["event_type"] or None,
            target_type=values["target_type"] or None, actor=values["actor"] or None, grade=values["grade"] or None,
            q=values["q"] or None, health=bool(values["health"]))
    except StrikewatchError as exc:
        return Filters(values, None, [exc.message], typed)
    return Filters(values, flt)


def read_page(request: Request) -> int:
    raw = request.query_params.get("page", "1")
    return int(raw) if re.fullmatch(r"[0-9]{1,6}", raw) and 1 <= int(raw) <= 200_000 else 1


def pager(base: str, query: str, page: int, total: int, size: int = PAGE_SIZE) -> dict[str, Any]:
    def url(n: int) -> str:
        args = "&".join(a for a in (query, f"page={n}" if n > 1 else "") if a)
        return base + ("?" + args if args else "")

    last = max(1, -(-total // size))
    return {"page": page, "pages": last, "total": total, "first": min(total, (page - 1) * size + 1),
            "last_item": min(total, page * size),
            "prev": url(page - 1) if page > 1 else None, "next": url(page + 1) if page < last else None}


def _tile(request: Request) -> dict[str, str | None]:
    config = request.app.state.config
    return {"url": config.tile_url, "attribution": config.tile_attribution}


def _list_page(request: Request, ctx: Ctx, filters: Filters, base: str) -> dict[str, Any]:
    """What the overview and health care pages share: a page of incidents and the figures."""
    page = read_page(request)
    out: dict[str, Any] = {"items": [], "total": 0, "killed": 0, "pager": None, "flt": filters.flt}
    errors = list(filters.errors)
    if filters.flt is not None:
        try:
            items, total = ctx.store.search_incidents(filters.flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
            out["total"], out["killed"] = ctx.store.incident_totals(filters.flt)
            out["items"] = items
            out["pager"] = pager(base, filters.query, page, total)
        except StrikewatchError as exc:
            errors.append(exc.message)
    out["errors"] = errors
    out["map_src"] = "/api/v1/incidents/map" + ("?" + filters.query if filters.query else "")
    out["tile"] = _tile(request)
    out["values"] = filters.values
    out["vocab"] = api.vocabularies()
    return out


# --------------------------------------------------------------------------
# the timeline: an SVG drawn here (no script, no style attribute)

TL_W, TL_H = 820, 190
TL_LEFT, TL_RIGHT, TL_TOP, TL_BOTTOM = 44, 48, 22, 30


def _nice_max(value: int) -> int:
    if value <= 5:
        return max(value, 1)
    magnitude = 10 ** (len(str(value)) - 1)
    for m in (1, 2, 2.5, 5, 10):
        top = int(m * magnitude)
        if top >= value:
            return top
    return value


def _bin_start(d: date, unit: str) -> date:
    if unit == "week":
        return d - timedelta(days=d.weekday())
    if unit == "month":
        return d.replace(day=1)
    if unit == "year":
        return d.replace(month=1, day=1)
    return d


def _next_bin(d: date, unit: str) -> date:
    if unit == "day":
        return d + timedelta(days=1)
    if unit == "week":
        return d + timedelta(days=7)
    if unit == "month":
        return date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return date(d.year + 1, 1, 1)


def _bin_label(d: date, unit: str) -> str:
    return {"day": d.isoformat(), "week": d.isoformat(), "month": d.strftime("%Y-%m"), "year": str(d.year)}[unit]


def timeline_chart(days: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    """Bars of incidents and a line of deaths per day, week, month or year
    (whichever keeps the chart to ~120 bars at most), with axes and hover titles."""
    parsed: list[tuple[date, int, int]] = []
    for row in days:
        try:
            parsed.append((date.fromisoformat(str(row["day"])[:10]), int(row["incidents"]), int(row["killed"] or 0)))
        except (KeyError, TypeError, ValueError):
            continue
    if not parsed:
        return None
    first, last = min(p[0] for p in parsed), max(p[0] for p in parsed)
    span = (last - first).days + 1
    unit = "day" if span <= 62 else "week" if span <= 730 else "month" if span <= 3660 else "year"
    sums: dict[date, list[int]] = {}
    for d, n, k in parsed:
        s = sums.setdefault(_bin_start(d, unit), [0, 0])
        s[0] += n
        s[1] += k
    bins = []
    d = _bin_start(first, unit)
    while d <= last:
        n, k = sums.get(d, [0, 0])
        bins.append((d, n, k))
        d = _next_bin(d, unit)
    top_n = _nice_max(max(b[1] for b in bins))
    top_k = _nice_max(max(b[2] for b in bins)) if any(b[2] for b in bins) else 0
    plot_w, plot_h = TL_W - TL_LEFT - TL_RIGHT, TL_H - TL_TOP - TL_BOTTOM
    bw = plot_w / len(bins)
    base_y = TL_TOP + plot_h
    gap = min(2.0, bw * 0.15)
    out_bins, points = [], []
    for i, (d, n, k) in enumerate(bins):
        x = TL_LEFT + i * bw
        h = plot_h * n / top_n
        when = ("week of " if unit == "week" else "") + _bin_label(d, unit)
        out_bins.append({
            "x": f"{x:.1f}", "w": f"{bw:.1f}", "bx": f"{x + gap / 2:.1f}", "bw": f"{max(bw - gap, 0.5):.1f}",
            "y": f"{base_y - h:.1f}", "h": f"{h:.1f}", "has": n > 0,
            "title": f"{when}: {n} incident{'s' if n != 1 else ''}, {k} killed",
        })
        if top_k:
            points.append(f"{x + bw / 2:.1f},{base_y - plot_h * k / top_k:.1f}")
    step = max(1, round(len(bins) / 6))
    xlabels = [{"x": f"{TL_LEFT + i * bw + bw / 2:.1f}", "text": _bin_label(bins[i][0], unit)}
               for i in range(0, len(bins), step)]
    yticks = []
    for frac in (0, 0.5, 1):
        y = base_y - plot_h * frac
        yticks.append({"y": f"{y:.1f}", "ty": f"{y + 4:.1f}",
                       "left": _tick(top_n * frac) if float(top_n * frac).is_integer() else None,
                       "right": _tick(top_k * frac) if top_k and float(top_k * frac).is_integer() else None})
    per = {"day": "day", "week": "week", "month": "month", "year": "year"}[unit]
    return {
        "width": TL_W, "height": TL_H, "unit": per, "bins": out_bins, "line": " ".join(points) if len(points) > 1
        else None, "dots": [p.split(",") for p in points] if len(points) == 1 else [],
        "xlabels": xlabels, "yticks": yticks, "left": TL_LEFT, "right": TL_W - TL_RIGHT, "top": TL_TOP,
        "base": f"{base_y:.1f}", "plot_h": f"{plot_h:.1f}", "label_y": TL_H - 8, "killed": bool(top_k),
        "title": f"Incidents (bars) and people killed (line, best figures) per {per}, "
                 f"{_bin_label(bins[0][0], unit)} to {_bin_label(bins[-1][0], unit)}",
    }


def _tick(v: float) -> str:
    return f"{int(v):,}"


# --------------------------------------------------------------------------
# source text with marks around the spans a report used


_KIND_ORDER = {"figure": 0, "actor": 1, "place": 2, "date": 3, "target": 4}
_KIND_TITLE = {"figure": "casualty figure", "actor": "perpetrator named", "place": "place",
               "date": "date", "target": "target"}


@dataclass
class Span:
    start: int
    end: int
    kind: str
    figures: set[int] = field(default_factory=set)
    approx: bool = False
    id: str | None = None
    covered_by: Span | None = None

    @property
    def css(self) -> str:
        return self.kind

    @property
    def figure_attr(self) -> str:
        return " ".join(str(k) for k in sorted(self.figures))

    @property
    def title(self) -> str:
        t = _KIND_TITLE.get(self.kind, self.kind)
        return t + (" (found by searching the text; the report kept no position)" if self.approx else "")


def _as_span(raw: Any) -> tuple[int, int] | None:
    if not isinstance(raw, (list, tuple)) or len(raw) != 2:
        return None
    a, b = raw
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (a, b)):
        return None
    return a, b


def _locate(text: str, quote_: str | None, near: int) -> tuple[int, int] | None:
    """Where ``quote_`` stands in ``text``, the occurrence nearest ``near``."""
    if not quote_:
        return None
    best, pos = None, text.find(quote_)
    while pos >= 0:
        if best is None or abs(pos - near) < abs(best - near):
            best = pos
        pos = text.find(quote_, pos + 1)
    return None if best is None else (best, best + len(quote_))


class SpanSet:
    """The spans to mark in one document's text."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.spans: dict[tuple[int, int], Span] = {}

    def add(self, raw: Any, kind: str, *, quote_: str | None = None, figure: int | None = None,
            search: bool = False) -> None:
        n = len(self.text)
        span = _as_span(raw)
        approx = False
        if span is not None:
            a, b = max(0, min(span[0], n)), max(0, min(span[1], n))
            if quote_ and self.text[a:b] != quote_:  # an offset that drifted: the quote's nearest place, if any
                found = _locate(self.text, quote_, a)
                if found:
                    a, b = found
        elif search:
            found = _locate(self.text, quote_, 0)
            if not found:
                return
            (a, b), approx = found, True
        else:
            return
        if b <= a:
            return
        s = self.spans.get((a, b))
        if s is None:
            s = self.spans[(a, b)] = Span(a, b, kind, approx=approx)
        elif _KIND_ORDER.get(kind, 9) < _KIND_ORDER.get(s.kind, 9):
            s.kind = kind
        if figure is not None:
            s.figures.add(figure)

    def add_report(self, report: dict[str, Any]) -> None:
        """The spans a REPORT (spec §2) used: figures, perpetrators, place, date, targets."""
        if not isinstance(report, dict):
            return
        for f in report.get("figures") or []:
            if isinstance(f, dict):
                self.add(f.get("span"), "figure", quote_=f.get("text"))
        for p in report.get("perpetrators") or []:
            if isinstance(p, dict):
                self.add(p.get("span"), "actor", quote_=p.get("text"))
        for key, kind in (("location", "place"), ("date", "date")):
            v = report.get(key)
            if isinstance(v, dict):
                self.add(v.get("span"), kind, quote_=v.get("text") if isinstance(v.get("text"), str) else None,
                         search=True)
        for t in report.get("targets") or []:
            if isinstance(t, dict) and t.get("span") is not None:
                self.add(t.get("span"), "target", quote_=t.get("name"))

    def segments(self, prefix: str) -> list[tuple[str, Span | None]]:
        """The text cut at the marks (figures first; a span overlapping one
        already placed is left out), each mark with its page-unique id."""
        placed: list[Span] = []
        for s in sorted(self.spans.values(), key=lambda s: (_KIND_ORDER.get(s.kind, 9), s.start, -s.end)):
            hit = next((p for p in placed if s.start < p.end and p.start < s.end), None)
            if hit is not None:
                s.covered_by = hit
                continue
            placed.append(s)
        placed.sort(key=lambda s: s.start)
        out: list[tuple[str, Span | None]] = []
        pos = 0
        for i, s in enumerate(placed):
            s.id = f"{prefix}-s{i}"
            if s.start > pos:
                out.append((self.text[pos:s.start], None))
            out.append((self.text[s.start:s.end], s))
            pos = s.end
        if pos < len(self.text):
            out.append((self.text[pos:], None))
        return out

    def figure_targets(self) -> dict[int, str]:
        """Figure index → the id of its mark (or of the mark that covers it)."""
        out: dict[int, str] = {}
        for s in self.spans.values():
            mark = s if s.id else s.covered_by
            for k in s.figures:
                if mark is not None and mark.id and k not in out:
                    out[k] = mark.id
        return out


_LANG = re.compile(r"[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*")


def safe_lang(value: Any) -> str | None:
    return value if isinstance(value, str) and _LANG.fullmatch(value) else None


def http_url(value: Any) -> str | None:
    """A document's URL when it is http(s); shown as text only."""
    if not isinstance(value, str):
        return None
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return None
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def _html_id(value: str, taken: set[str]) -> str:
    base = "doc-" + (re.sub(r"[^A-Za-z0-9_-]+", "-", value).strip("-") or "x")[:80]
    out, n = base, 1
    while out in taken:
        n += 1
        out = f"{base}-{n}"
    taken.add(out)
    return out


def _doc_number(ctx: Ctx, *, report_id: int | None = None, source_id: str | None = None) -> int | None:
    if report_id is not None:
        row = ctx.store.conn.execute("SELECT document_id FROM reports WHERE id = ?", (report_id,)).fetchone()
    else:
        row = ctx.store.conn.execute("SELECT id FROM documents WHERE source_id = ? ORDER BY id LIMIT 1",
                                     (source_id,)).fetchone()
    return row[0] if row else None


def _document_view(ctx: Ctx, number: int, source_id: str, index: int, taken: set[str],
                   reports: list[dict[str, Any]], extra: Callable[[SpanSet], None] | None = None,
                   outlet: str | None = None) -> dict[str, Any]:
    """One document with its marked text (an audited read)."""
    d = api.document_detail(ctx, str(number))
    spans = SpanSet(d["text"] or "")
    for r in reports:
        spans.add_report(r)
    if extra:
        extra(spans)
    segments = spans.segments(f"d{index}")
    return {"number": number, "source_id": source_id, "html_id": _html_id(source_id, taken),
            "title": d.get("title"), "outlet": outlet or d.get("source"), "published": d.get("published"),
            "language": safe_lang(d.get("language")), "url": http_url(d.get("url")), "segments": segments,
            "spans": spans, "chars": len(d["text"] or "")}


# --------------------------------------------------------------------------
# the incident page


def _reason_of(rng: Any) -> str | None:
    if not isinstance(rng, dict):
        return None
    for key in ("reason", "reasons", "explain", "note"):
        v = rng.get(key)
        if isinstance(v, str) and v:
            return v
        if isinstance(v, list) and v:
            return "; ".join(str(x) for x in v)
    return None


def figure_range(low: Any, high: Any, qualifier: Any) -> str:
    """A figure's numbers for reading: "7", "≥ 7", "≤ 30", "20–30", "—"."""
    if low is None and high is None:
        return "—"
    if low == high or (high is None and qualifier == "exact"):
        return str(low)
    if high is None:
        return f"≥ {low}"
    if low is None:
        return f"≤ {high}"
    return f"{low}–{high}"


def incident_context(ctx: Ctx, ref: str) -> dict[str, Any]:
    detail = api.incident_detail(ctx, ref)
    data = detail["incident"]
    key = data.get("incident_id") or ref
    reports = detail["reports"]
    figures = [f for f in (data.get("figures") or []) if isinstance(f, dict)]
    perpetrators = [p for p in (data.get("perpetrators") or []) if isinstance(p, dict)]

    # the documents: those of linked reports first, then any the incident's data names
    order: dict[str, dict[str, Any]] = {}
    for r in reports:
        entry = order.setdefault(r["document_id"], {"number": None, "reports": [], "outlet": r.get("outlet")})
        entry["reports"].append(r["report"])
        if entry["number"] is None:
            entry["number"] = _doc_number(ctx, report_id=r["report_id"])
    for sid in list(data.get("document_ids") or []) + [f.get("document_id") for f in figures]:
        if isinstance(sid, str) and sid not in order:
            order[sid] = {"number": _doc_number(ctx, source_id=sid), "reports": [], "outlet": None}

    taken: set[str] = set()
    documents, missing = [], []
    targets: dict[int, str] = {}
    for i, (sid, entry) in enumerate(order.items()):
        if entry["number"] is None:
            missing.append(sid)
            continue

        def extra(spans: SpanSet, sid: str = sid) -> None:
            for k, f in enumerate(figures):
                if f.get("document_id") == sid:
                    spans.add(f.get("span"), "figure", quote_=f.get("text"), figure=k)
            for p in perpetrators:
                if p.get("document_id") == sid:
                    spans.add(p.get("span"), "actor", quote_=p.get("text"))

        try:
            doc = _document_view(ctx, entry["number"], sid, i, taken, entry["reports"], extra, entry["outlet"])
        except StrikewatchError:
            missing.append(sid)
            continue
        targets.update(doc["spans"].figure_targets())
        documents.append(doc)
    outlets = {d["source_id"]: d for d in documents}

    figure_rows = []
    for k, f in enumerate(figures):
        doc = outlets.get(f.get("document_id"))
        rng = figure_range(f.get("low"), f.get("high"), f.get("qualifier"))
        figure_rows.append({
            "index": k, "target": targets.get(k), "text": f.get("text"), "measure": f.get("measure"),
            "group": f.get("group") or "all", "range": rng, "qualifier": f.get("qualifier"),
            "source": f.get("source"), "outlet": doc["outlet"] if doc else None,
            "document_id": f.get("document_id"), "doc_number": doc["number"] if doc else None,
            "doc_html_id": doc["html_id"] if doc else None, "part": f.get("part") is True,
        })

    casualties = []
    overrides = {o.get("field"): o for o in data.get("overrides") or [] if isinstance(o, dict)}
    cas = data.get("casualties") or {}
    keys = [k for k in review.CASUALTY_FIELDS if k in cas] + [k for k in cas if k not in review.CASUALTY_FIELDS]
    for k in keys:
        r = cas.get(k) or {}
        if not isinstance(r, dict):
            continue
        casualties.append({"measure": k, "low": r.get("low"), "best": r.get("best"), "high": r.get("high"),
                           "reason": _reason_of(r), "override": overrides.get(f"casualties.{k}")})

    history = detail["history"]
    notes = [e for e in history if e["kind"] == "review" and e["action"] == "note"]
    location = data.get("location") or {}
    when = data.get("date") or {}
    place = ", ".join(dict.fromkeys(x for x in (location.get("name") or location.get("text"), location.get("admin1"),
                                                location.get("country")) if isinstance(x, str) and x))
    title = " — ".join((label(data.get("event_type")) or "incident", place or "place unknown",
                        str(when.get("start") or "date unknown")[:10]))
    return {
        "key": key, "data": data, "version": detail["version"], "created_at": detail["created_at"],
        "updated_at": detail["updated_at"], "reports": reports, "documents": documents, "missing": missing,
        "figures": figure_rows, "casualties": casualties, "notes": notes, "title": title,
        "location": location, "when": when, "attribution": data.get("attribution") or {},
        "perpetrators": perpetrators, "merged_into": data.get("merged_into"),
        "overrides": list(overrides.values()), "edit_fields": EDIT_FIELDS,
    }


def _incident_page(request: Request, ctx: Ctx, ref: str, *, status: int = 200, error: str | None = None,
                   form: dict[str, Any] | None = None) -> HTMLResponse:
    values = incident_context(ctx, ref)
    return render(request, "incident.html", ctx.who, status, error=error, form=form or {},
                  notice=None if error else _notice(request), analyst=ctx.who.can("analyst"), **values)


@router.get("/incidents/{ref}", response_class=HTMLResponse)
def incident_page(ref: str, request: Request, ctx: Ctx = Depends(viewer)) -> Response:
    return _incident_page(request, ctx, ref)


def _review_action(request: Request, ctx: Ctx, ref: str, csrf: str | None, action: Callable[[], str],
                   done: str, form: dict[str, Any]) -> Response:
    """Check the form's CSRF token, run a review action; 303 to the incident it
    names, or the incident page again with the error."""
    check_csrf(ctx.who, csrf)
    ctx.store.incident_row(ref)  # 404 before anything else when there is no such incident
    try:
        key = action()
    except StrikewatchError as exc:
        if exc.code in ("csrf_failed", "forbidden", "unauthorized"):
            raise
        return _incident_page(request, ctx, ref, status=_status(exc), error=exc.message, form=form)
    return _redirect(inc_url(key) + f"?done={done}")


def _reason(value: str | None) -> str:
    return (value or "").strip()


@router.post("/incidents/{ref}/merge")
def merge_form(ref: str, request: Request, ctx: Ctx = Depends(form_analyst), csrf: str = Form(""),
               other: str = Form(""), reason: str = Form("")) -> Response:
    def act() -> str:
        if not other.strip():
            raise StrikewatchError("name the incident to merge into this one (inc-…)", code="review_invalid")
        kept, _ = review.merge(ctx.store, ref, other.strip()[:200], reason=_reason(reason))
        return kept["incident_id"]

    return _review_action(request, ctx, ref, csrf, act, "merged", {"form": "merge", "other": other, "reason": reason})


@router.post("/incidents/{ref}/split")
def split_form(ref: str, request: Request, ctx: Ctx = Depends(form_analyst), csrf: str = Form(""),
               report_ids: list[str] = Form([]), reason: str = Form("")) -> Response:
    def act() -> str:
        ids = [int(r) for r in report_ids if re.fullmatch(r"[0-9]{1,18}", r.strip())]
        if not ids or len(ids) != len(report_ids):
            raise StrikewatchError("tick the reports to move to a new incident", code="review_invalid")
        _, new = review.split(ctx.store, ref, ids, reason=_reason(reason))
        return new["incident_id"]

    return _review_action(request, ctx, ref, csrf, act, "split", {"form": "split", "reason": reason})


def parse_value(field_name: str, raw: str) -> Any:
    """The edit form's value: JSON if it parses, else the text; a bare number
    for a casualty count means low = best = high, a bare name for a location its name."""
    text = raw.strip()
    if not text:
        raise StrikewatchError("a value is required", code="review_invalid")
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    if field_name.startswith("casualties.") and isinstance(value, int) and not isinstance(value, bool):
        value = {"low": value, "best": value, "high": value}
    if field_name.startswith("casualties.") and value is None:
        value = {"low": None, "best": None, "high": None}
    if field_name == "location" and isinstance(value, str):
        value = {"name": value}
    return value


@router.post("/incidents/{ref}/edit")
def edit_form(ref: str, request: Request, ctx: Ctx = Depends(form_analyst), csrf: str = Form(""),
              field: str = Form(""), value: str = Form(""), reason: str = Form("")) -> Response:
    def act() -> str:
        if field not in EDIT_FIELDS and field not in review.CHECKS:
            raise StrikewatchError(f"{field!r} cannot be edited", code="review_invalid")
        data = review.edit(ctx.store, ref, field, parse_value(field, value), reason=_reason(reason))
        return data["incident_id"]

    return _review_action(request, ctx, ref, csrf, act, "edited",
                          {"form": "edit", "field": field, "value": value, "reason": reason})


@router.post("/incidents/{ref}/grade")
def grade_form(ref: str, request: Request, ctx: Ctx = Depends(form_analyst), csrf: str = Form(""),
               grade: str = Form(""), reason: str = Form("")) -> Response:
    def act() -> str:
        return review.set_grade(ctx.store, ref, grade, reason=_reason(reason))["incident_id"]

    return _review_action(request, ctx, ref, csrf, act, "graded", {"form": "grade", "grade": grade, "reason": reason})


@router.post("/incidents/{ref}/notes")
def note_form(ref: str, request: Request, ctx: Ctx = Depends(form_analyst), csrf: str = Form(""),
              text: str = Form(""), reason: str = Form("")) -> Response:
    def act() -> str:
        body = text.strip()
        if body and reason.strip():
            body += "\n\nReason: " + reason.strip()
        review.add_note(ctx.store, ref, body)
        return ctx.store.incident_row(ref)["incident_id"]

    return _review_action(request, ctx, ref, csrf, act, "noted", {"form": "note", "text": text, "reason": reason})


# --------------------------------------------------------------------------
# history and versions


def _short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else as_json(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


@router.get("/incidents/{ref}/history", response_class=HTMLResponse)
def history_page(ref: str, request: Request, ctx: Ctx = Depends(viewer)) -> Response:
    row = ctx.store.incident_row(ref)
    entries = []
    for e in reversed(review.history(ctx.store, row["id"])):
        if e["kind"] == "version":
            changed = (e.get("changes") or {}).get("summary") if e.get("changes") else "first version"
        elif e.get("field"):
            changed = f"{e['field']}: {_short(e.get('old_value'))} → {_short(e.get('new_value'))}"
        elif isinstance(e.get("new_value"), dict):
            changed = "; ".join(f"{k.replace('_', ' ')} " + (", ".join(map(str, v)) if isinstance(v, list) else _short(v))
                                for k, v in e["new_value"].items())
        elif e.get("new_value") is not None:
            changed = _short(e.get("new_value"))
        else:
            changed = None
        entries.append({**e, "changed": changed})
    return render(request, "history.html", ctx.who, key=row["incident_id"], entries=entries,
                  merged_into=row["data"].get("merged_into"), version=row["version"])


@router.get("/incidents/{ref}/versions/{number}", response_class=HTMLResponse)
def version_page(ref: str, number: int, request: Request, ctx: Ctx = Depends(viewer)) -> Response:
    row = ctx.store.incident_row(ref)
    for v in ctx.store.incident_versions(row["id"]):
        if v["version"] == number:
            return render(request, "version.html", ctx.who, key=row["incident_id"], v=v,
                          body=as_json(v["data"], indent=2), latest=row["version"])
    raise StrikewatchError(f"incident {row['incident_id']} has no version {number}", code="not_found")


# --------------------------------------------------------------------------
# documents


def report_summary(report: dict[str, Any]) -> dict[str, Any]:
    loc = report.get("location") or {}
    when = report.get("date") or {}
    cas = report.get("casualties") or {}
    return {
        "event_type": report.get("event_type"), "date": when.get("start"), "date_text": when.get("text"),
        "place": loc.get("name") or loc.get("text"), "admin1": loc.get("admin1"), "country": loc.get("country"),
        "killed": (cas.get("killed") or {}).get("best"), "injured": (cas.get("injured") or {}).get("best"),
        "figures": len(report.get("figures") or []),
        "actors": sorted({p.get("actor") for p in report.get("perpetrators") or [] if p.get("actor")}),
        "targets": [t for t in report.get("targets") or [] if isinstance(t, dict)],
        "sources": report.get("sources") or [],
    }


@router.get("/documents/{ref}", response_class=HTMLResponse)
def document_page(ref: str, request: Request, ctx: Ctx = Depends(viewer)) -> Response:
    found = ctx.store.get_document(ref)
    doc = _document_view(ctx, found.id, found.source_id, 0, set(), ctx.store.reports_for(found.id))
    incidents = ctx.store.incidents_of_document(found.id)
    return render(request, "document.html", ctx.who, doc=doc, found=found, incidents=incidents,
                  reports=[report_summary(r) for r in ctx.store.reports_for(found.id)])


# --------------------------------------------------------------------------
# overview, health care, review queue


@router.get("/", response_class=HTMLResponse)
def overview(request: Request, ctx: Ctx = Depends(viewer)) -> Response:
    filters = read_filters(request)
    values = _list_page(request, ctx, filters, "/")
    chart = None
    if filters.flt is not None and not values["errors"]:
        chart = timeline_chart(ctx.store.incident_timeline(filters.flt))
    return render(request, "overview.html", ctx.who, 400 if values["errors"] else 200, section="overview",
                  chart=chart, map_page=True, form_action="/", **values)


@router.get("/health-care", response_class=HTMLResponse)
def health_care(request: Request, ctx: Ctx = Depends(viewer)) -> Response:
    filters = read_filters(request, health=True)
    values = _list_page(request, ctx, filters, "/health-care")
    facilities = []
    if filters.flt is not None and not values["errors"]:
        facilities = ctx.store.health_facilities(filters.flt)
    return render(request, "health.html", ctx.who, 400 if values["errors"] else 200, section="health",
                  facilities=facilities, map_page=True, form_action="/health-care", health_forced=True, **values)


@router.get("/review", response_class=HTMLResponse)
def review_page(request: Request, ctx: Ctx = Depends(analyst)) -> Response:
    page = read_page(request)
    items, total = ctx.store.search_incidents(IncidentFilter(), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE,
                                              order="uncertainty")
    return render(request, "review.html", ctx.who, section="review", items=items,
                  pager=pager("/review", "", page, total), total=total)


# --------------------------------------------------------------------------
# administration

_USERNAME = re.compile(r"[A-Za-z0-9_.@-]{1,100}")
ROLES = ("viewer", "analyst", "admin")


def _admin_page(request: Request, ctx: Ctx, *, status: int = 200, error: str | None = None,
                form: dict[str, Any] | None = None) -> HTMLResponse:
    ctx.audit_read("users", "*", ["username", "role"])
    return render(request, "admin.html", ctx.who, status, section="admin", users=ctx.store.list_users(),
                  public=ctx.store.setting("public", "false") == "true", roles=ROLES, error=error,
                  notice=None if error else _notice(request), form=form or {})


@router.get("/admin", response_class=HTMLResponse)
def admin_page(request: Request, ctx: Ctx = Depends(admin)) -> Response:
    return _admin_page(request, ctx)


def _admin_action(request: Request, ctx: Ctx, csrf: str, action: Callable[[], None], done: str,
                  form: dict[str, Any] | None = None) -> Response:
    check_csrf(ctx.who, csrf)
    try:
        action()
    except StrikewatchError as exc:
        if exc.code in ("csrf_failed", "forbidden", "unauthorized"):
            raise
        return _admin_page(request, ctx, status=_status(exc), error=exc.message, form=form)
    return _redirect(f"/admin?done={done}")


@router.post("/admin/users")
def add_user_form(request: Request, ctx: Ctx = Depends(form_admin), csrf: str = Form(""),
                  username: str = Form(""), role: str = Form(""), password: str = Form("")) -> Response:
    name = username.strip()

    def act() -> None:
        if not _USERNAME.fullmatch(name):
            raise StrikewatchError("a user name is 1-100 letters, digits or _ . @ -", code="bad_field")
        if role not in ROLES:
            raise StrikewatchError(f"role must be one of {', '.join(ROLES)}", code="bad_field")
        if len(password) > 1000:
            raise StrikewatchError("the password is longer than 1000 characters", code="bad_field")
        ctx.store.add_user(name, role, hash_password(password))

    return _admin_action(request, ctx, csrf, act, "user-added", {"username": name, "role": role})


@router.post("/admin/users/{username}/revoke")
def revoke_user_form(username: str, request: Request, ctx: Ctx = Depends(form_admin),
                     csrf: str = Form("")) -> Response:
    def act() -> None:
        if ctx.who.user is not None and username == ctx.who.user["username"]:
            raise StrikewatchError("you cannot revoke your own account", code="conflict")
        ctx.store.revoke_user(username)

    return _admin_action(request, ctx, csrf, act, "user-revoked")


@router.post("/admin/settings")
def settings_form(request: Request, ctx: Ctx = Depends(form_admin), csrf: str = Form(""),
                  public: str = Form("")) -> Response:
    def act() -> None:
        ctx.store.set_setting("public", "true" if public.lower() in ("1", "on", "true", "yes") else "false")

    return _admin_action(request, ctx, csrf, act, "settings")
