"""The REST API, ``/api/v1``: documents, incidents, ingest, review, exports,
accounts. Every error answers ``{"error": {"code", "message", "status"}}``
with a stable code (docs/errors.md)."""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, File, Query, Request, Response, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from .. import vocab
from ..errors import StrikewatchError
from ..store.queries import IncidentFilter
from .auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, check_password, hash_password, needs_rehash
from .deps import Ctx, admin, analyst, principal_of, viewer


class ErrorBody(BaseModel):
    code: str
    message: str
    status: int
    details: list[dict[str, Any]] | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


router = APIRouter(prefix="/api/v1", responses={"4XX": {"model": ErrorResponse, "description": "An error"}})

# -- models --------------------------------------------------------------------------


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Login(Strict):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


class Me(BaseModel):
    username: str | None
    role: str | None
    via: str
    csrf_token: str | None = None


class IncidentSummary(BaseModel):
    incident_id: str
    event_type: str | None
    event_date: str | None
    lat: float | None
    lon: float | None
    grade: str | None
    killed: int | None
    injured: int | None
    country: str | None
    admin1: str | None
    place: str | None
    actor: str | None
    health: bool
    documents: int
    uncertainty: float


class IncidentPage(BaseModel):
    items: list[IncidentSummary]
    total: int
    limit: int
    offset: int
    next_offset: int | None


class DocumentSummary(BaseModel):
    id: int
    source_id: str
    title: str | None
    source: str | None
    language: str | None
    published: str | None
    url: str | None
    raw_sha256: str


class TimelineDay(BaseModel):
    day: str
    incidents: int
    killed: int


class IngestText(Strict):
    text: str = Field(min_length=1, max_length=2_000_000)
    title: str | None = Field(None, max_length=2000)
    id: str | None = Field(None, max_length=500)
    source: str | None = Field(None, max_length=500)
    url: str | None = Field(None, max_length=4000)
    language: str | None = Field(None, max_length=20)
    published: str | None = Field(None, max_length=40)


class IngestURL(Strict):
    url: str = Field(min_length=1, max_length=4000)


class IngestResult(BaseModel):
    added: int
    skipped: int
    quarantined: int
    outcomes: list[dict[str, Any]]
    reports: int
    incidents_created: int
    incidents_updated: int


class Reason(Strict):
    reason: str = Field(min_length=1, max_length=2000)


class Merge(Reason):
    other: str = Field(min_length=1, max_length=100)


class Split(Reason):
    report_ids: list[int] = Field(min_length=1, max_length=10_000)


class Edit(Reason):
    field: str = Field(min_length=1, max_length=100)
    value: Any = None


class Grade(Reason):
    grade: str


class Note(Strict):
    text: str = Field(min_length=1, max_length=20_000)


class NewUser(Strict):
    username: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9_.@-]+$")
    role: Literal["viewer", "analyst", "admin"]
    password: str = Field(min_length=10, max_length=1000)


class NewToken(Strict):
    name: str = Field(min_length=1, max_length=200)
    days: float = Field(90, gt=0, le=3650)


class Settings(Strict):
    public: bool


# -- filters ---------------------------------------------------------------------------

_DAY = r"^\d{4}-\d{2}-\d{2}$"


def _bbox(value: str | None) -> tuple[float, float, float, float] | None:
    if not value:
        return None
    try:
        west, south, east, north = (float(v) for v in value.split(","))
    except ValueError:
        raise StrikewatchError("bbox is four numbers: west,south,east,north", code="bad_request") from None
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= north <= 90):
        raise StrikewatchError("bbox is out of range: west,south,east,north in degrees", code="bad_request")
    return west, south, east, north


def incident_filter(
    date_from: Annotated[str | None, Query(pattern=_DAY, description="First day, YYYY-MM-DD")] = None,
    date_to: Annotated[str | None, Query(pattern=_DAY, description="Last day, YYYY-MM-DD")] = None,
    place: Annotated[str | None, Query(max_length=200, description="Place, district, province or country")] = None,
    bbox: Annotated[str | None, Query(max_length=200, description="west,south,east,north")] = None,
    event_type: Annotated[str | None, Query(max_length=50)] = None,
    target_type: Annotated[str | None, Query(max_length=50)] = None,
    actor: Annotated[str | None, Query(max_length=200)] = None,
    grade: Annotated[str | None, Query(max_length=20)] = None,
    q: Annotated[str | None, Query(max_length=500, description="Words in the incident's names")] = None,
    health: Annotated[bool, Query(description="Only attacks on health care")] = False,
) -> IncidentFilter:
    for value in (date_from, date_to):
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise StrikewatchError(f"{value!r} is not a date", code="bad_request") from None
    return IncidentFilter(date_from=date_from, date_to=date_to, place=place, bbox=_bbox(bbox),
                          event_type=event_type or None, target_type=target_type or None, actor=actor or None,
                          grade=grade or None, q=q, health=health)


Filter = Annotated[IncidentFilter, Depends(incident_filter)]

# -- session -----------------------------------------------------------------------------


@router.get("/health", tags=["meta"])
def health() -> dict[str, str]:
    return {"status": "ok"}


def login_user(request: Request, username: str, password: str) -> tuple[dict[str, Any], str, str]:
    """Check a password under the rate limit; (user, session cookie, CSRF token)."""
    store, _ = principal_of(request)
    limiter = request.app.state.login_limiter
    client = request.client.host if request.client else "unknown"
    keys = (f"user:{username.casefold()}", f"addr:{client}")
    wait = limiter.retry_after(*keys)
    if wait:
        err = StrikewatchError(f"too many failed logins; try again in {wait} s", code="rate_limited")
        err.retry_after = wait  # type: ignore[attr-defined]
        raise err
    user = store.user(username)
    if not check_password(user["password_hash"] if user else None, password) or user["revoked_at"]:
        limiter.fail(*keys)
        store.actor = "web:anonymous"
        store.audit_event("login_failed", "users", user["id"] if user else username, reason="bad credentials")
        raise StrikewatchError("wrong user name or password", code="unauthorized")
    limiter.clear(keys[0])
    store.actor = f"web:{user['username']}"
    if needs_rehash(user["password_hash"]):
        store.set_password_hash(user["id"], hash_password(password))
    cookie, csrf = store.create_session(user["id"], hours=request.app.state.config.session_hours)
    return user, cookie, csrf


def set_session_cookie(request: Request, response: Response, cookie: str) -> None:
    config = request.app.state.config
    secure = config.secure_cookies if config.secure_cookies is not None else request.url.scheme == "https"
    response.set_cookie(SESSION_COOKIE, cookie, httponly=True, samesite="strict", secure=secure, path="/",
                        max_age=int(config.session_hours * 3600))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")


@router.post("/auth/login", tags=["session"], response_model=Me)
def login(body: Login, request: Request, response: Response) -> Me:
    """Log in with a password: sets the session cookie; returns the CSRF token for writes."""
    user, cookie, csrf = login_user(request, body.username, body.password)
    set_session_cookie(request, response, cookie)
    return Me(username=user["username"], role=user["role"], via="session", csrf_token=csrf)


@router.post("/auth/logout", tags=["session"], status_code=204)
def logout(request: Request, ctx: Ctx = Depends(viewer)) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        ctx.store.end_session(cookie)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/me", tags=["session"], response_model=Me)
def me(ctx: Ctx = Depends(viewer)) -> Me:
    return Me(**ctx.who.public(), csrf_token=ctx.who.csrf)


# -- documents ---------------------------------------------------------------------------


@router.get("/documents", tags=["documents"], response_model=list[DocumentSummary])
def documents(ctx: Ctx = Depends(viewer), q: Annotated[str | None, Query(max_length=500)] = None,
              language: Annotated[str | None, Query(max_length=20)] = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 50,
              offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> list[DocumentSummary]:
    try:
        docs = ctx.store.list_documents(search=q or None, language=language, limit=limit, offset=offset)
    except StrikewatchError as exc:
        raise StrikewatchError(exc.message, code="bad_request") from exc
    return [DocumentSummary(**{k: getattr(d, k) for k in DocumentSummary.model_fields}) for d in docs]


def document_detail(ctx: Ctx, ref: str) -> dict[str, Any]:
    """A document with its text and reports; the read of its text is audited."""
    doc = ctx.store.get_document(ref)
    ctx.audit_read("documents", doc.id, ["text"])
    out = doc.summary() | {"text": doc.text, "reports": ctx.store.reports_for(doc.id)}
    return out


@router.get("/documents/{ref}", tags=["documents"])
def document(ref: Annotated[str, Field(max_length=200)], ctx: Ctx = Depends(viewer)) -> dict[str, Any]:
    """One document by number, input id or content hash, with its text (an audited read) and reports."""
    return document_detail(ctx, ref)


# -- incidents ---------------------------------------------------------------------------


@router.get("/incidents", tags=["incidents"], response_model=IncidentPage)
def incidents(flt: Filter, ctx: Ctx = Depends(viewer), limit: Annotated[int, Query(ge=1, le=500)] = 50,
              offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
              order: Annotated[Literal["date", "uncertainty"], Query()] = "date") -> IncidentPage:
    items, total = ctx.store.search_incidents(flt, limit=limit, offset=offset, order=order)
    return IncidentPage(items=items, total=total, limit=limit, offset=offset,
                        next_offset=offset + limit if offset + limit < total else None)


_FEATURES = {"200": {"description": "A GeoJSON FeatureCollection", "content": {"application/json": {"schema": {
    "type": "object", "required": ["type", "features", "total", "truncated"],
    "properties": {"type": {"const": "FeatureCollection"}, "features": {"type": "array", "items": {"type": "object"}},
                   "total": {"type": "integer"}, "truncated": {"type": "boolean"}}}}}}}


@router.get("/incidents/map", tags=["incidents"], responses=_FEATURES)
def incident_map(flt: Filter, ctx: Ctx = Depends(viewer),
                 limit: Annotated[int, Query(ge=1, le=20_000)] = 5000) -> Response:
    """The placed incidents as a GeoJSON FeatureCollection, newest first (``truncated`` past ``limit``)."""
    cache, version, key = ctx.request.app.state.answers, ctx.store.index_version(), ("map", flt, limit)
    body = cache.get(key, version)
    if body is None:
        text, n, total = ctx.store.incident_features(flt, limit=limit)
        body = (f'{{"type":"FeatureCollection","features":{text},"total":{total},'
                f'"truncated":{"true" if total > n else "false"}}}').encode("utf-8")
        cache.put(key, version, body)
    return Response(body, media_type="application/json")


@router.get("/incidents/timeline", tags=["incidents"], response_model=list[TimelineDay])
def incident_timeline(flt: Filter, ctx: Ctx = Depends(viewer)) -> list[dict[str, Any]]:
    """Incidents and deaths (best figures) by day."""
    return ctx.store.incident_timeline(flt)


@router.get("/health-care", tags=["incidents"])
def health_care(flt: Filter, ctx: Ctx = Depends(viewer),
                limit: Annotated[int, Query(ge=1, le=1000)] = 200) -> dict[str, Any]:
    """Attacks on health care: the incidents, and named facilities by how often they were hit."""
    flt = IncidentFilter(**{**flt.__dict__, "health": True})
    items, total = ctx.store.search_incidents(flt, limit=limit)
    return {"incidents": items, "total": total, "facilities": ctx.store.health_facilities(flt)}


def incident_detail(ctx: Ctx, ref: str) -> dict[str, Any]:
    """An incident with what backs it: each linked report with its document,
    method, score and comparisons; versions; reviews."""
    from .. import review

    row = ctx.store.incident_row(ref)
    members = ctx.store.linked_reports(incident_id=row["id"])
    reports = [{"report_id": m["report_id"], "document_id": m["document_id"], "outlet": m["outlet"],
                "published": m["published"], "method": m["method"], "score": m["score"],
                "comparisons": m["comparisons"], "locked": m["locked"], "report": m["report"]} for m in members]
    return {"incident": row["data"], "version": row["version"], "created_at": row["created_at"],
            "updated_at": row["updated_at"], "reports": reports, "history": review.history(ctx.store, row["id"])}


@router.get("/incidents/{ref}", tags=["incidents"])
def incident(ref: Annotated[str, Field(max_length=200)], ctx: Ctx = Depends(viewer)) -> dict[str, Any]:
    """One incident (spec §4) with its reports, figures by source, attribution evidence and history."""
    return incident_detail(ctx, ref)


@router.get("/incidents/{ref}/versions/{version}", tags=["incidents"])
def incident_version(ref: Annotated[str, Field(max_length=200)], version: int,
                     ctx: Ctx = Depends(viewer)) -> dict[str, Any]:
    row = ctx.store.incident_row(ref)
    for v in ctx.store.incident_versions(row["id"]):
        if v["version"] == version:
            return v
    raise StrikewatchError(f"incident {ref} has no version {version}", code="not_found")


# -- review ------------------------------------------------------------------------------


@router.get("/review/queue", tags=["review"], response_model=IncidentPage)
def review_queue(flt: Filter, ctx: Ctx = Depends(analyst), limit: Annotated[int, Query(ge=1, le=500)] = 50,
                 offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0) -> IncidentPage:
    """Incidents most in need of a human first (contested, wide ranges, unsure attribution)."""
    return incidents(flt, ctx, limit, offset, "uncertainty")


@router.post("/incidents/{ref}/merge", tags=["review"])
def merge(ref: str, body: Merge, ctx: Ctx = Depends(analyst)) -> dict[str, Any]:
    """Merge ``other`` into this incident: its reports move here, it is retired (its history stays)."""
    from .. import review

    review.merge(ctx.store, ref, body.other, reason=body.reason)
    return incident_detail(ctx, ref)


@router.post("/incidents/{ref}/split", tags=["review"])
def split(ref: str, body: Split, ctx: Ctx = Depends(analyst)) -> dict[str, Any]:
    """Move the given reports to a new incident."""
    from .. import review

    _, new = review.split(ctx.store, ref, body.report_ids, reason=body.reason)
    return {"incident": incident_detail(ctx, ref), "new": incident_detail(ctx, new["incident_id"])}


@router.post("/incidents/{ref}/edit", tags=["review"])
def edit(ref: str, body: Edit, ctx: Ctx = Depends(analyst)) -> dict[str, Any]:
    """Correct one field (event_type, date, location, grade, casualties.KEY, attribution.actor)."""
    from .. import review

    review.edit(ctx.store, ref, body.field, body.value, reason=body.reason)
    return incident_detail(ctx, ref)


@router.post("/incidents/{ref}/grade", tags=["review"])
def set_grade(ref: str, body: Grade, ctx: Ctx = Depends(analyst)) -> dict[str, Any]:
    from .. import review

    review.set_grade(ctx.store, ref, body.grade, reason=body.reason)
    return incident_detail(ctx, ref)


@router.post("/incidents/{ref}/notes", tags=["review"], status_code=201)
def add_note(ref: str, body: Note, ctx: Ctx = Depends(analyst)) -> dict[str, Any]:
    from .. import review

    review.add_note(ctx.store, ref, body.text)
    return incident_detail(ctx, ref)


# -- ingest ------------------------------------------------------------------------------


def _ingest(ctx: Ctx, run: Any) -> IngestResult:
    from ..ingest.pipeline import Ingester
    from ..jobs import extract_stored, link_stored

    outcomes: list[Any] = []
    ingester = Ingester(ctx.store, on_outcome=outcomes.append)
    run(ingester)
    extracted = extract_stored(ctx.store)
    linked = link_stored(ctx.store)
    s = ingester.summary
    return IngestResult(
        added=s.added, skipped=s.skipped, quarantined=s.quarantined,
        outcomes=[{"id": o.source_id, "status": o.status, "code": o.code, "reason": o.reason,
                   "document": o.document_id} for o in outcomes],
        reports=extracted.reports, incidents_created=linked.incidents_created,
        incidents_updated=linked.incidents_updated)


@router.post("/ingest/text", tags=["ingest"], response_model=IngestResult)
def ingest_text(body: IngestText, ctx: Ctx = Depends(analyst)) -> IngestResult:
    """One document (spec §1 fields); extracted and linked at once."""
    doc = {k: v for k, v in body.model_dump().items() if v is not None}
    raw = json.dumps(doc, ensure_ascii=False, sort_keys=True).encode("utf-8")
    ref = f"api:{ctx.who.name}:{hashlib.sha256(raw).hexdigest()[:12]}"
    return _ingest(ctx, lambda ing: ing.ingest_json(raw, ref))


@router.post("/ingest/url", tags=["ingest"], response_model=IngestResult)
def ingest_url(body: IngestURL, ctx: Ctx = Depends(analyst)) -> IngestResult:
    """A web page or a feed item, fetched with the same SSRF protections as the command line."""
    return _ingest(ctx, lambda ing: ing.ingest_url(body.url))


_SUFFIX = re.compile(r"\.(txt|html?|json|jsonl|ndjson|rss|atom|xml)$", re.IGNORECASE)


@router.post("/ingest/file", tags=["ingest"], response_model=IngestResult)
def ingest_file(request: Request, file: UploadFile = File(...), ctx: Ctx = Depends(analyst)) -> IngestResult:
    """An uploaded file of any kind `ingest` reads; its name only chooses the reader."""
    cap = request.app.state.config.max_upload_bytes
    data = file.file.read(cap + 1)
    if len(data) > cap:
        raise StrikewatchError(f"the upload is over the {cap}-byte cap", code="too_large")
    name = re.sub(r"[^\w.-]+", "_", os.path.basename(file.filename or "upload"))[-200:] or "upload"
    if not _SUFFIX.search(name):
        name += ".txt"
    return _ingest(ctx, lambda ing: ing.ingest_bytes(data, f"upload:{ctx.who.name}:{name}"))


# -- exports -----------------------------------------------------------------------------

_MEDIA = {"incidents-jsonl": "application/x-ndjson", "geojson": "application/geo+json"}


@router.get("/export/{fmt}", tags=["exports"])
def export(fmt: Annotated[str, Field(max_length=50)], flt: Filter, ctx: Ctx = Depends(viewer)) -> Response:
    """Matching incidents in one of the field's formats (`strikewatch export` has the same)."""
    from .. import export as exporters
    from ..model import Incident

    if fmt not in exporters.names():
        raise StrikewatchError(f"unknown format {fmt!r}; one of {', '.join(exporters.names())}", code="not_found")
    out = io.StringIO()
    keys = []
    offset = 0
    while True:  # the filter's incidents, in pages
        page, total = ctx.store.search_incidents(flt, limit=1000, offset=offset)
        keys += [p["incident_id"] for p in page]
        offset += 1000
        if offset >= total:
            break
    exporters.write(fmt, (Incident.from_dict(ctx.store.incident_data(k)) for k in keys), out)
    media = _MEDIA.get(fmt, "text/csv")
    name = f"strikewatch-{fmt}.{'jsonl' if 'jsonl' in fmt else 'geojson' if fmt == 'geojson' else 'csv'}"
    return StreamingResponse(iter([out.getvalue()]), media_type=f"{media}; charset=utf-8",
                             headers={"Content-Disposition": f'attachment; filename="{name}"'})


# -- accounts ---------------------------------------------------------------------------


@router.get("/tokens", tags=["accounts"])
def my_tokens(ctx: Ctx = Depends(viewer)) -> list[dict[str, Any]]:
    return ctx.store.list_tokens(ctx.who.user["id"]) if ctx.who.user else []


@router.post("/tokens", tags=["accounts"], status_code=201)
def new_token(body: NewToken, ctx: Ctx = Depends(viewer)) -> dict[str, Any]:
    """A new API token for yourself; the token is shown once."""
    if ctx.who.user is None:
        raise StrikewatchError("log in to make a token", code="unauthorized")
    value, record = ctx.store.create_token(ctx.who.user["id"], body.name, days=body.days)
    return {"token": value, **record}


@router.delete("/tokens/{token_id}", tags=["accounts"])
def revoke_token(token_id: Annotated[int, PathParam(ge=1, le=2**63 - 1)],  # SQLite integers are 64-bit
                 ctx: Ctx = Depends(viewer)) -> dict[str, Any]:
    t = ctx.store.token(token_id)
    if t is None or (t["username"] != ctx.who.name and not ctx.who.can("admin")):
        raise StrikewatchError(f"no token {token_id}", code="not_found")
    return ctx.store.revoke_token(token_id)


@router.get("/users", tags=["accounts"])
def users(ctx: Ctx = Depends(admin)) -> list[dict[str, Any]]:
    ctx.audit_read("users", "*", ["username", "role"])
    return ctx.store.list_users()


@router.post("/users", tags=["accounts"], status_code=201)
def add_user(body: NewUser, ctx: Ctx = Depends(admin)) -> dict[str, Any]:
    ctx.store.add_user(body.username, body.role, hash_password(body.password))
    return {k: v for k, v in ctx.store.user(body.username).items() if k != "password_hash"}


@router.post("/users/{username}/revoke", tags=["accounts"])
def revoke_user(username: Annotated[str, Field(max_length=100)], ctx: Ctx = Depends(admin)) -> dict[str, Any]:
    return {k: v for k, v in ctx.store.revoke_user(username).items() if k != "password_hash"}


@router.get("/settings", tags=["accounts"])
def settings(ctx: Ctx = Depends(admin)) -> Settings:
    return Settings(public=ctx.store.setting("public", "false") == "true")


@router.put("/settings", tags=["accounts"])
def put_settings(body: Settings, ctx: Ctx = Depends(admin)) -> Settings:
    """``public``: anonymous visitors may read incidents and documents as viewers."""
    ctx.store.set_setting("public", "true" if body.public else "false")
    return body


def vocabularies() -> dict[str, Any]:
    return {"event_types": sorted(vocab.EVENT_TYPES), "target_types": sorted(vocab.TARGET_TYPES),
            "grades": list(vocab.GRADES)}


@router.get("/vocabularies", tags=["meta"])
def vocabularies_route(ctx: Ctx = Depends(viewer)) -> dict[str, Any]:
    return vocabularies()
