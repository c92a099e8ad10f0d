"""Workbench API latency under load, with an ingest writing at the same time.

The issue's target: with 100,000 incidents in SQLite, the incident list
(``/api/v1/incidents``) and map (``/api/v1/incidents/map``) answer at p99
under 250 ms at 32 concurrent connections on loopback, and an ingest running
at the same time causes no "database is locked" errors.

Prints figures; asserts nothing; exits 0. Run:

    .venv/bin/python bench/api_bench.py [--n 100000] [--db PATH] [--seconds 60] [--connections 32]

1. Builds a database of N synthetic spec §4 incidents (ten years, Syria, Iraq,
   Yemen, Gaza, Lebanon and Ukraine; named health facilities hit repeatedly),
   each saved through ``Store.save_incident`` (audit row, version row, index),
   or reuses ``--db PATH`` when it already holds N incidents.
2. Adds an analyst and an API token, and starts the real app
   (``create_app(WebConfig(db_path=…))``) on uvicorn at 127.0.0.1 in a
   subprocess, as ``strikewatch serve`` does (log level warning, so no access
   log), wrapped in a pure ASGI layer that only adds an ``x-bench-ms`` header
   (the time the request spent in the app), so the client's latency can be
   split into the app's time and the queue before it. ``--serve`` runs
   ``strikewatch serve`` itself instead; ``--workers N`` runs N uvicorn
   processes; ``--preload FILE`` runs a Python file in the server before the
   app is built, to try a change by monkeypatching without editing the project.
3. Sends a mix of list and map requests over ``--connections`` keep-alive
   connections, one asyncio task per connection, each sending its next request
   as soon as the last one answered (a closed loop: the hardest reading of "32
   concurrent connections"), or after ``--think`` seconds (32 users at work).
   The default client is a minimal HTTP/1.1 client on asyncio streams, because
   on a small machine httpx's own CPU time would be taken from the server;
   ``--client httpx`` uses httpx.AsyncClient.
4. Meanwhile a separate process posts synthetic documents to
   ``/api/v1/ingest/text`` back to back, and (unless ``--no-cli-ingest``)
   ``strikewatch ingest`` and ``strikewatch link`` run over and over on
   folders of generated text files against the same database file. Errors
   mentioning "database is locked", 503 ``db_error`` answers and any other
   failure are counted, and the server log's tracebacks are summarised.
5. Prints latency per kind and per request variant, the CPU the server used
   (per request, the ingest's work included), and one verdict line per target.

All text is generated here; nothing leaves the loopback interface.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import math
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path
from typing import Any

TARGET_MS = 250.0

# -- synthetic incidents -------------------------------------------------------------------

#: theatre: (country, first day, last day, weight, actors with weights, places)
#: a place: (name, admin1, admin2, lat, lon)
THEATRES: dict[str, dict[str, Any]] = {
    "syria": {
        "country": "SY", "from": date(2015, 1, 1), "to": date(2020, 6, 30), "weight": 38,
        "actors": [("Russia", 5), ("Syrian government", 6), ("US-led coalition", 2), ("Turkey", 1),
                   ("Islamic State", 1), ("unknown", 2)],
        "places": [
            ("Idlib", "Idlib", "Idleb", 35.930, 36.634), ("Maarrat al-Nu'man", "Idlib", "Al Ma'ra", 35.649, 36.671),
            ("Saraqib", "Idlib", "Idleb", 35.865, 36.806), ("Khan Shaykhun", "Idlib", "Al Ma'ra", 35.442, 36.651),
            ("Ariha", "Idlib", "Ariha", 35.813, 36.609), ("Kafr Nabl", "Idlib", "Al Ma'ra", 35.614, 36.561),
            ("Jisr al-Shughur", "Idlib", "Jisr-Ash-Shugur", 35.812, 36.318),
            ("Aleppo", "Aleppo", "Jebel Saman", 36.202, 37.158), ("Atarib", "Aleppo", "Jebel Saman", 36.139, 36.830),
            ("Al-Bab", "Aleppo", "Al Bab", 36.371, 37.517), ("Douma", "Rif Dimashq", "Duma", 33.572, 36.402),
            ("Harasta", "Rif Dimashq", "Duma", 33.558, 36.365), ("Raqqa", "Ar-Raqqa", "Ar-Raqqa", 35.950, 39.011),
            ("Deir ez-Zor", "Deir-ez-Zor", "Deir-ez-Zor", 35.336, 40.141), ("Daraa", "Dar'a", "Dar'a", 32.625, 36.106),
            ("Homs", "Homs", "Homs", 34.731, 36.710), ("Hama", "Hama", "Hama", 35.132, 36.755),
        ],
    },
    "iraq": {
        "country": "IQ", "from": date(2015, 1, 1), "to": date(2017, 12, 31), "weight": 12,
        "actors": [("US-led coalition", 5), ("Iraq", 3), ("Islamic State", 2), ("unknown", 1)],
        "places": [
            ("Mosul", "Nineveh", "Mosul", 36.341, 43.127), ("Tal Afar", "Nineveh", "Tall 'Afar", 36.377, 42.449),
            ("Fallujah", "Anbar", "Falluja", 33.350, 43.783), ("Ramadi", "Anbar", "Ramadi", 33.425, 43.299),
            ("Hit", "Anbar", "Hit", 33.638, 42.827), ("Al-Qaim", "Anbar", "Al-Ka'im", 34.369, 41.094),
            ("Hawija", "Kirkuk", "Hawiga", 35.325, 43.765),
        ],
    },
    "yemen": {
        "country": "YE", "from": date(2015, 3, 26), "to": date(2022, 4, 1), "weight": 14,
        "actors": [("Saudi-led coalition", 6), ("Houthis", 2), ("unknown", 1)],
        "places": [
            ("Sanaa", "Amanat Al Asimah", "Old City", 15.354, 44.207), ("Saada", "Sa'dah", "Sa'dah", 16.940, 43.764),
            ("Al Hudaydah", "Al Hudaydah", "Al Hali", 14.801, 42.943), ("Taiz", "Ta'izz", "Al Qahirah", 13.579, 44.021),
            ("Hajjah", "Hajjah", "Hajjah", 15.694, 43.605), ("Dhamar", "Dhamar", "Dhamar", 14.543, 44.405),
            ("Marib", "Ma'rib", "Marib City", 15.462, 45.326),
        ],
    },
    "gaza": {
        "country": "PS", "from": date(2023, 10, 7), "to": date(2024, 12, 31), "weight": 16,
        "actors": [("Israel", 9), ("unknown", 1)],
        "places": [
            ("Gaza", "Gaza Strip", "Gaza", 31.502, 34.467), ("Jabalia", "Gaza Strip", "North Gaza", 31.528, 34.483),
            ("Beit Lahia", "Gaza Strip", "North Gaza", 31.546, 34.497),
            ("Khan Yunus", "Gaza Strip", "Khan Younis", 31.343, 34.303),
            ("Rafah", "Gaza Strip", "Rafah", 31.296, 34.245), ("Deir al-Balah", "Gaza Strip", "Deir Al-Balah", 31.418, 34.351),
            ("Nuseirat", "Gaza Strip", "Deir Al-Balah", 31.449, 34.393),
        ],
    },
    "lebanon": {
        "country": "LB", "from": date(2023, 10, 8), "to": date(2024, 11, 27), "weight": 4,
        "actors": [("Israel", 9), ("Hezbollah", 1)],
        "places": [
            ("Nabatieh", "Nabatieh", "Nabatieh", 33.379, 35.484), ("Tyre", "South", "Tyre", 33.273, 35.194),
            ("Bint Jbeil", "Nabatieh", "Bint Jbeil", 33.120, 35.433), ("Baalbek", "Baalbek-Hermel", "Baalbek", 34.006, 36.208),
        ],
    },
    "ukraine": {
        "country": "UA", "from": date(2022, 2, 24), "to": date(2024, 12, 31), "weight": 16,
        "actors": [("Russia", 9), ("unknown", 1)],
        "places": [
            ("Kharkiv", "Kharkiv", "Kharkivskyi", 49.978, 36.231), ("Kyiv", "Kyiv City", "Kyiv", 50.450, 30.524),
            ("Odesa", "Odesa", "Odeskyi", 46.482, 30.723), ("Dnipro", "Dnipropetrovsk", "Dniprovskyi", 48.464, 35.046),
            ("Zaporizhzhia", "Zaporizhzhia", "Zaporizkyi", 47.838, 35.139), ("Kherson", "Kherson", "Khersonskyi", 46.636, 32.617),
            ("Mykolaiv", "Mykolaiv", "Mykolaivskyi", 46.975, 31.995), ("Sumy", "Sumy", "Sumskyi", 50.907, 34.798),
            ("Kramatorsk", "Donetsk", "Kramatorskyi", 48.723, 37.556), ("Pokrovsk", "Donetsk", "Pokrovskyi", 48.282, 37.176),
            ("Izium", "Kharkiv", "Iziumskyi", 49.209, 37.257),
        ],
    },
}

#: event types with weights per theatre family
EVENTS = [("air_strike", 40), ("shelling", 18), ("drone_strike", 12), ("missile_strike", 14), ("ground_attack", 6),
          ("explosive_device", 4), ("chemical_attack", 1), ("other", 2)]
TARGETS = [("residential", 40), ("market", 8), ("health_facility", 7), ("school", 5), ("religious_site", 3),
           ("camp", 3), ("bakery", 3), ("road", 6), ("vehicle", 6), ("water_facility", 2), ("power_facility", 4),
           ("aid_facility", 1), ("medical_transport", 2), ("government_building", 2)]
GRADES = [("confirmed", 20), ("fair", 35), ("weak", 25), ("contested", 12), ("discounted", 3), (None, 5)]
#: health facility names, reused per place so the same facility is hit again
FACILITY_PATTERNS = ["{place} National Hospital", "Al-Amal Hospital", "{place} Surgical Hospital",
                     "Al-Rahma Clinic", "{place} Maternity and Children's Hospital", "Primary Health Centre No. 3"]
SOURCES = ["White Helmets", "Syrian Observatory for Human Rights", "Northwest Rescue Network", "Levant Monitor Daily",
           "Civil Defence", "Ministry of Health", "regional health authority", "local council", "witnesses",
           "Frontline Medical Relief", "Harbour City Herald", "Eastern Oblast Gazette", "Coastal Health Cluster"]
NUMBER_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
                "twelve"]
DATE_PHRASES = ["on {weekday}", "at dawn on {weekday}", "late on {weekday}", "on {weekday} evening",
                "in the early hours of {weekday}", "shortly after noon on {weekday}"]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
START, END = date(2015, 1, 1), date(2024, 12, 31)


def pick(rng: random.Random, weighted: list[tuple[Any, int]]) -> Any:
    values, weights = zip(*weighted)
    return rng.choices(values, weights)[0]


def word(n: int) -> str:
    return NUMBER_WORDS[n] if n < len(NUMBER_WORDS) else str(n)


def _range(low: int | None, high: int | None) -> dict[str, Any]:
    best = high if high is not None else low
    return {"low": low, "high": high, "best": best}


def synthetic_incident(i: int, rng: random.Random) -> dict[str, Any]:
    """One plausible spec §4 incident (the shape ``assess.incident.build_incident`` writes)."""
    tname = pick(rng, [(k, v["weight"]) for k, v in THEATRES.items()])
    th = THEATRES[tname]
    name, admin1, admin2, plat, plon = rng.choice(th["places"])
    day = th["from"] + timedelta(days=rng.randrange((th["to"] - th["from"]).days + 1))
    event = pick(rng, EVENTS)
    actor = pick(rng, th["actors"])
    grade = pick(rng, GRADES)
    n_docs = rng.choice([1, 1, 1, 2, 2, 3, 4, 6])
    docs = [f"{tname[:2]}-{i:06d}-{k}" for k in range(n_docs)]
    sources = rng.sample(SOURCES, rng.randint(1, min(4, n_docs + 1)))
    precision = rng.choice(["locality", "locality", "locality", "exact", "district"])
    placed = rng.random() > 0.04
    location = None if not placed and rng.random() < 0.5 else {
        "admin1": admin1, "admin2": admin2, "country": th["country"],
        "gazetteer_id": f"wof:{int(hashlib.sha1(name.encode()).hexdigest()[:8], 16)}",
        "lat": round(plat + rng.gauss(0, 0.03), 4) if placed else None,
        "lon": round(plon + rng.gauss(0, 0.03), 4) if placed else None,
        "name": name, "precision": precision, "text": name,
    }
    # targets: one to three; a health facility usually has its (repeated) name
    targets = []
    for t in {pick(rng, TARGETS) for _ in range(rng.choice([1, 1, 1, 2, 3]))}:
        fac = None
        if t == "health_facility" and rng.random() < 0.8:
            fac = rng.choice(FACILITY_PATTERNS[:4] if len(th["places"]) > 5 else FACILITY_PATTERNS).format(place=name)
        targets.append({"name": fac, "protected": t in {"health_facility", "medical_transport", "school",
                                                        "religious_site", "camp", "aid_facility"}, "type": t})
    # casualty figures from each document
    killed = rng.choice([0, 0, 1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 27, 35, 50, 80])
    injured = rng.choice([0, 1, 2, 3, 5, 8, 10, 14, 20, 30, 45, 60, 100])
    figures = []
    lows, highs = [], []
    for d in docs:
        offset = 0
        for _ in range(rng.randint(1, 4)):
            measure = rng.choice(["killed", "killed", "injured", "missing"])
            group = rng.choice(["all", "all", "civilians", "children", "women", "medical_staff"])
            base = {"killed": killed, "injured": injured, "missing": rng.randint(0, 6)}[measure]
            if group != "all":
                base = rng.randint(0, max(base // 2, 1))
            qual = rng.choice(["exact", "exact", "exact", "at_least", "more_than", "about", "range", "vague"])
            low = max(0, base - rng.choice([0, 0, 0, 1, 2]))
            high = None if qual in ("at_least", "more_than", "vague") else (
                low + rng.randint(1, 5) if qual == "range" else low)
            if measure == "killed" and group == "all":
                lows.append(low)
                highs.append(high if high is not None else low)
            verb = {"killed": "were killed", "injured": "were wounded", "missing": "remain missing"}[measure]
            who = {"all": "people", "civilians": "civilians", "children": "children", "women": "women",
                   "medical_staff": "health workers"}[group]
            lead = {"exact": "", "at_least": "at least ", "more_than": "more than ", "about": "about ",
                    "range": f"between {low} and ", "vague": "several "}[qual]
            num = "" if qual == "vague" else (str(high) if qual == "range" else word(low))
            text = f"{lead}{num} {who} {verb}".replace("  ", " ").strip()
            offset += rng.randint(40, 400)
            fig = {"document_id": d, "group": group, "high": high, "low": low, "measure": measure, "qualifier": qual,
                   "source": rng.choice(sources + [None]), "span": [offset, offset + len(text)], "text": text}
            if group != "all" and rng.random() < 0.5:
                fig["part"] = True
            figures.append(fig)
    klow = min(lows) if lows else None
    khigh = max(highs) if highs else None
    casualties = {"killed": _range(klow, khigh), "injured": _range(injured // 2 or None, injured or None),
                  "civilians_killed": _range(klow, klow), "children_killed": _range(None, None)}
    if rng.random() < 0.4:
        c = rng.randint(0, max(1, killed // 3))
        casualties["children_killed"] = _range(c, c)
    if rng.random() < 0.15:
        casualties["women_killed"] = _range(1, rng.randint(1, 4))
    # perpetrators and attribution
    perpetrators = []
    for d in docs[:3]:
        if rng.random() < 0.7:
            role = pick(rng, [("alleged", 8), ("claimed", 1), ("denied", 2), ("confirmed", 1)])
            perpetrators.append({"actor": actor, "by": rng.choice(sources + [None]), "document_id": d,
                                 "role": role, "span": [10, 10 + len(actor)], "text": actor})
    others = [a for a, _ in th["actors"] if a != actor][:2]
    p = round(rng.uniform(0.4, 0.98), 4)
    attribution = {
        "actor": actor, "probability": p,
        "alternatives": [{"actor": a, "probability": round((1 - p) / max(len(others), 1), 4)} for a in others],
        "evidence": [{"actor": actor, "kind": rng.choice(["accusation", "weapon", "theatre", "claim"]),
                      "span": [5, 25], "text": f"{actor} aircraft", "weight": round(rng.uniform(0.5, 2.2), 3)}
                     for _ in range(rng.randint(1, 4))],
    }
    weekday = WEEKDAYS[day.weekday()]
    return {
        "attribution": attribution, "casualties": casualties,
        "date": {"start": day.isoformat(), "end": day.isoformat(), "precision": rng.choice(["day"] * 8 + ["week"]),
                 "text": rng.choice(DATE_PHRASES).format(weekday=weekday)},
        "document_ids": docs, "event_type": event, "figures": figures, "format_version": 1, "grade": grade,
        "grade_reasons": [f"{grade or 'ungraded'}: {len(sources)} independent source(s)",
                          f"sources: {', '.join(sources)} in {n_docs} document(s)"],
        "incident_id": "inc-" + hashlib.sha256(f"api-bench:{i}".encode()).hexdigest()[:16],
        "location": location, "perpetrators": perpetrators, "sources": sources, "targets": targets,
        "updated": "2025-01-15T12:00:00Z",
    }


def build(db: Path, n: int, seed: int) -> None:
    from strikewatch.store import Store

    with Store(db, actor="bench:api") as store:
        have = store.conn.execute("SELECT count(*) FROM incidents").fetchone()[0]
        if have >= n:
            print(f"database: {db} reused, {have:,} incidents")
            return
        if have:
            print(f"database: {db} has {have:,} incidents; adding {n - have:,}")
        rng = random.Random(seed + have)
        start = time.perf_counter()
        chunk = 5000
        for first in range(have, n, chunk):
            with store.transaction():
                for i in range(first, min(first + chunk, n)):
                    store.save_incident(synthetic_incident(i, rng), reason="api bench")
            print(f"  built {min(first + chunk, n):,} / {n:,} ({time.perf_counter() - start:.0f} s)",
                  end="\r", flush=True)
        print(" " * 60, end="\r")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elapsed = time.perf_counter() - start
    size = db.stat().st_size / 1e6
    print(f"database: built {n - have:,} incidents in {elapsed:.1f} s ({(n - have) / elapsed:,.0f}/s), {size:,.0f} MB")


def account(db: Path) -> str:
    """An analyst 'bench-analyst' (made once) and a fresh API token for it."""
    from strikewatch.store import Store
    from strikewatch.web.auth import hash_password

    with Store(db, actor="bench:api") as store:
        if store.user("bench-analyst") is None:
            store.add_user("bench-analyst", "analyst", hash_password("bench-password-not-secret"))
        token, _ = store.create_token(store.user("bench-analyst")["id"], "api bench", days=1)
    return token


# -- the server --------------------------------------------------------------------------------


def bench_app() -> Any:
    """The app for ``API_BENCH_DB``, wrapped to add the ``x-bench-ms`` header (a uvicorn factory)."""
    import runpy

    from strikewatch.web.app import WebConfig, create_app

    if os.environ.get("API_BENCH_PRELOAD"):  # a change under trial (monkeypatches), run before the app is built
        runpy.run_path(os.environ["API_BENCH_PRELOAD"], run_name="api_bench_preload")
    app = create_app(WebConfig(db_path=os.environ["API_BENCH_DB"]))

    async def timed(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return
        t0 = time.perf_counter()

        async def send_timed(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                ms = f"{(time.perf_counter() - t0) * 1000:.2f}".encode()
                message["headers"] = list(message.get("headers", [])) + [(b"x-bench-ms", ms)]
            await send(message)

        await app(scope, receive, send_timed)

    return timed


def serve(db: str, port: int, preload: str | None = None, workers: int = 1) -> None:
    """The real app on uvicorn (``workers`` processes), access log off."""
    import uvicorn

    os.environ["API_BENCH_DB"] = db
    if preload:
        os.environ["API_BENCH_PRELOAD"] = preload
    uvicorn.run("api_bench:bench_app", factory=True, app_dir=str(Path(__file__).parent), host="127.0.0.1",
                port=port, workers=workers, log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(db: Path, port: int, log: Path, preload: str | None = None, workers: int = 1,
                 use_serve: bool = False) -> subprocess.Popen:
    import httpx

    if use_serve:  # the command line's own server (no x-bench-ms header, one process)
        exe = Path(sys.executable).with_name("strikewatch")
        cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "strikewatch"]
        cmd += ["--db", str(db), "serve", "--host", "127.0.0.1", "--port", str(port)]
    else:
        cmd = [sys.executable, __file__, "--role", "server", "--db", str(db), "--port", str(port),
               "--workers", str(workers)] + (["--preload", preload] if preload else [])
    proc = subprocess.Popen(cmd, stdout=log.open("wb"), stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited ({proc.returncode}); see {log}:\n{log.read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the server did not answer within 60 s")


# -- ingest at the same time ---------------------------------------------------------------------

INGEST_TOWNS = [("Saraqib", "Idlib"), ("Ariha", "Idlib"), ("Atarib", "Aleppo"), ("Mosul", "Nineveh"),
                ("Kharkiv", "Kharkiv"), ("Nabatieh", "Nabatieh"), ("Khan Younis", "Gaza"), ("Kafr Nabl", "Idlib")]


def synthetic_text(i: int, rng: random.Random) -> dict[str, Any]:
    """A short wire-style report, written here from templates (no real text)."""
    town, region = rng.choice(INGEST_TOWNS)
    day = START + timedelta(days=rng.randrange((END - START).days))
    killed, injured = rng.randint(0, 30), rng.randint(0, 60)
    weekday = WEEKDAYS[day.weekday()]
    kind = rng.choice(["An air strike", "Shelling", "A drone strike", "A missile"])
    what = rng.choice(["a residential building", "a crowded market", "a bakery", "a school used as a shelter",
                       "the town's main hospital", "a petrol station"])
    source = rng.choice(["local rescuers", "the civil defence", "a monitoring group", "health officials"])
    text = (f"{kind} hit {what} in {town} in {region} province {rng.choice(DATE_PHRASES).format(weekday=weekday)}, "
            f"killing {word(killed)} civilians and wounding {word(injured)} others, according to {source}.\n\n"
            f"Bench dispatch {i}: residents said the first blast came without warning and that neighbours "
            f"searched the rubble by hand until a bulldozer arrived. {rng.choice(['Two', 'Three', 'Four'])} "
            f"ambulances took the wounded to clinics outside the town, {source} said.\n")
    return {"text": text, "title": f"Strike in {town} (bench {i})", "id": f"api-bench-{i}-{rng.random():.8f}",
            "source": "Bench Wire", "language": "en", "published": day.isoformat()}


def ingest_api_role(base: str, token: str, seconds: float, seed: int) -> None:
    """Post documents one after another until time is up; print a JSON summary."""
    import httpx

    rng = random.Random(seed)
    out: dict[str, Any] = {"ok": 0, "status": Counter(), "locked": 0, "db_error": 0, "errors": [], "ms": [],
                           "incidents_created": 0, "incidents_updated": 0}
    deadline = time.monotonic() + seconds
    i = 0
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        while time.monotonic() < deadline:
            i += 1
            t0 = time.perf_counter()
            try:
                r = client.post("/api/v1/ingest/text", json=synthetic_text(i, rng))
            except httpx.HTTPError as exc:
                out["status"][f"exception {type(exc).__name__}"] += 1
                out["errors"].append(str(exc)[:300])
                continue
            out["ms"].append((time.perf_counter() - t0) * 1000)
            out["status"][str(r.status_code)] += 1
            if r.status_code == 200:
                out["ok"] += 1
                body = r.json()
                out["incidents_created"] += body["incidents_created"]
                out["incidents_updated"] += body["incidents_updated"]
            else:
                out["locked"] += "database is locked" in r.text
                out["db_error"] += '"db_error"' in r.text
                if len(out["errors"]) < 10:
                    out["errors"].append(f"{r.status_code} {r.text[:300]}")
    print(json.dumps(out))


def cli_ingest_loop(db: Path, seconds: float, work: Path, seed: int, result: dict[str, Any]) -> None:
    """``strikewatch ingest`` then ``strikewatch link`` on a fresh folder of ten text files, over and over."""
    exe = Path(sys.executable).with_name("strikewatch")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "strikewatch"]
    rng = random.Random(seed)
    deadline = time.monotonic() + seconds
    batch = 0
    while time.monotonic() < deadline:
        batch += 1
        folder = work / f"batch-{batch:04d}"
        folder.mkdir(parents=True)
        for k in range(10):
            doc = synthetic_text(batch * 100 + k, rng)
            (folder / f"doc-{k}.txt").write_text(doc["text"], encoding="utf-8")
        for step in (["ingest", str(folder)], ["link"]):
            t0 = time.perf_counter()
            p = subprocess.run(cmd + ["--db", str(db), "--actor", "bench:cli", *step], capture_output=True, text=True,
                               timeout=600, check=False)
            result["runs"][step[0]] += 1
            result["ms"][step[0]].append((time.perf_counter() - t0) * 1000)
            said = p.stdout + p.stderr
            if "database is locked" in said:
                result["locked"] += 1
            if p.returncode != 0:
                result["failed"][step[0]] += 1
                if len(result["errors"]) < 10:
                    result["errors"].append(f"{step[0]} exit {p.returncode}: {said.strip()[-400:]}")
            elif step[0] == "ingest":
                result["docs"] += 10


# -- the load ------------------------------------------------------------------------------------------


class Mix:
    """Request variants: (kind, variant, path, params)."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.places = [p for th in THEATRES.values() for p in th["places"]]

    def _window(self, days: int) -> dict[str, str]:
        first = START + timedelta(days=self.rng.randrange((END - START).days - days))
        return {"date_from": first.isoformat(), "date_to": (first + timedelta(days=days)).isoformat()}

    def _bbox(self, small: bool) -> str:
        if small:  # a city and its surroundings
            _, _, _, lat, lon = self.rng.choice(self.places)
            return f"{lon - 0.3:.3f},{lat - 0.3:.3f},{lon + 0.3:.3f},{lat + 0.3:.3f}"
        th = self.rng.choice(list(THEATRES.values()))
        lats = [p[3] for p in th["places"]]
        lons = [p[4] for p in th["places"]]
        return f"{min(lons) - 1:.2f},{min(lats) - 1:.2f},{max(lons) + 1:.2f},{max(lats) + 1:.2f}"

    def list_request(self) -> tuple[str, str, dict[str, Any]]:
        r = self.rng
        variant = r.choice(["all", "page", "date_month", "date_year", "event_type", "place", "bbox", "q",
                            "combo", "health", "uncertainty"])
        params: dict[str, Any] = {}
        if variant == "page":
            params["offset"] = 50 * r.randint(1, 40)
        elif variant == "date_month":
            params |= self._window(30)
        elif variant == "date_year":
            params |= self._window(365)
        elif variant == "event_type":
            params["event_type"] = pick(r, EVENTS)
        elif variant == "place":
            p = r.choice(self.places)
            params["place"] = p[0] if r.random() < 0.7 else p[1]
        elif variant == "bbox":
            params["bbox"] = self._bbox(small=r.random() < 0.5)
        elif variant == "q":
            params["q"] = r.choice(["hospital", "market", "Al-Amal", "maternity", "bakery", "school",
                                    r.choice(self.places)[0]])
        elif variant == "combo":
            params |= self._window(365) | {"event_type": pick(r, EVENTS[:4]), "bbox": self._bbox(small=False)}
        elif variant == "health":
            params["health"] = "true"
            if r.random() < 0.5:
                params |= self._window(365)
        elif variant == "uncertainty":
            params["order"] = "uncertainty"
        return "list", variant, params

    def map_request(self) -> tuple[str, str, dict[str, Any]]:
        r = self.rng
        variant = r.choice(["all", "bbox", "bbox_small", "date_year", "bbox_date", "event_type"])
        params: dict[str, Any] = {}
        if variant == "bbox":
            params["bbox"] = self._bbox(small=False)
        elif variant == "bbox_small":
            params["bbox"] = self._bbox(small=True)
        elif variant == "date_year":
            params |= self._window(365)
        elif variant == "bbox_date":
            params |= self._window(365) | {"bbox": self._bbox(small=False)}
        elif variant == "event_type":
            params["event_type"] = pick(r, EVENTS)
        return "map", variant, params

    def next(self) -> tuple[str, str, dict[str, Any]]:
        return self.list_request() if self.rng.random() < 0.5 else self.map_request()


PATHS = {"list": "/api/v1/incidents", "map": "/api/v1/incidents/map"}


async def load(base: str, token: str, seconds: float, connections: int, seed: int, think: float,
               warmup: float, client_kind: str = "raw") -> list[dict[str, Any]]:
    """Each of ``connections`` tasks keeps one connection and sends its next request
    as soon as the last one answered; the records of the ``warmup`` seconds are dropped."""
    import httpx

    records: list[dict[str, Any]] = []
    t_record = time.monotonic() + warmup
    deadline = t_record + seconds

    async def run(k: int, get: Any) -> None:
        mix = Mix(random.Random(seed * 1000 + k))
        while time.monotonic() < deadline:
            kind, variant, params = mix.next()
            started, t0 = time.monotonic(), time.perf_counter()
            rec: dict[str, Any] = {"kind": kind, "variant": variant}
            try:
                status, headers, body = await get(PATHS[kind], params)
                rec |= {"status": status, "bytes": len(body), "app_ms": float(headers.get("x-bench-ms", "nan"))}
                if status != 200:
                    rec["locked"] = b"database is locked" in body
                    rec["error"] = body[:200].decode("utf-8", "replace")
            except (httpx.HTTPError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                rec |= {"status": f"exception {type(exc).__name__}", "bytes": 0, "app_ms": float("nan")}
            rec["ms"] = (time.perf_counter() - t0) * 1000
            if started >= t_record:
                records.append(rec)
            if think:
                await asyncio.sleep(think)

    if client_kind == "httpx":
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        async with httpx.AsyncClient(base_url=base, headers={"Authorization": f"Bearer {token}"}, limits=limits,
                                     timeout=60) as client:

            async def get(path: str, params: dict[str, Any]) -> tuple[int, Any, bytes]:
                r = await client.get(path, params=params)
                return r.status_code, r.headers, r.content

            await asyncio.gather(*(run(k, get) for k in range(connections)))
        return records

    host, port = base.removeprefix("http://").split(":")
    await asyncio.gather(*(run(k, RawConnection(host, int(port), token).get) for k in range(connections)))
    return records


class RawConnection:
    """A minimal HTTP/1.1 keep-alive client on asyncio streams: much cheaper on
    the CPU than httpx, so that on a small machine the load generator takes
    less of the processor the server needs."""

    def __init__(self, host: str, port: int, token: str) -> None:
        self.host, self.port, self.token = host, port, token
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str, params: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        from urllib.parse import urlencode

        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        target = path + ("?" + urlencode(params) if params else "")
        self.writer.write(f"GET {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                          f"Authorization: Bearer {self.token}\r\nAccept: application/json\r\n\r\n".encode())
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 60)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (h.partition(":") for h in lines[1:] if h)}
        if headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                parts.append(await self.reader.readexactly(size + 2))
                if size == 0:
                    break
            body = b"".join(p[:-2] for p in parts)
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.writer.close()
            self.reader = self.writer = None
        return status, headers, body


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children, living ones (Linux /proc), 0 when unknown."""
    total = 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                total += cpu_seconds(int(child))
    except (OSError, IndexError, ValueError):
        pass
    return total


# -- figures ----------------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, max(0, int(-(-q * len(s) // 1)) - 1))]


def line(label: str, ms: list[float], app: list[float] | None = None, size: list[int] | None = None) -> str:
    out = (f"  {label:<22} n={len(ms):>6}  p50 {pct(ms, .5):7.1f}  p90 {pct(ms, .9):7.1f}  "
           f"p99 {pct(ms, .99):7.1f}  max {max(ms) if ms else float('nan'):7.1f} ms")
    app = [a for a in app or [] if not math.isnan(a)]  # none without the x-bench-ms header (--serve)
    if app:
        out += f"  | app p50 {pct(app, .5):6.1f} p99 {pct(app, .99):6.1f}"
    if size:
        out += f"  | {sum(size) / len(size) / 1024:6.0f} KiB"
    return out


def report(records: list[dict[str, Any]], seconds: float) -> dict[str, float]:
    p99: dict[str, float] = {}
    print(f"\nload: {len(records):,} requests in {seconds:.0f} s ({len(records) / seconds:,.1f}/s)"
          " - latency as the client saw it (app = time inside the app, from x-bench-ms)")
    for kind in ("list", "map"):
        rows = [r for r in records if r["kind"] == kind]
        ok = [r for r in rows if r["status"] == 200]
        ms = [r["ms"] for r in ok]
        p99[kind] = pct(ms, .99)
        print(line(f"{kind} (all 200s)", ms, [r["app_ms"] for r in ok], [r["bytes"] for r in ok]))
        by_variant: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for r in ok:
            by_variant[r["variant"]].append(r)
        for variant, rs in sorted(by_variant.items()):
            print(line(f"  {variant}", [r["ms"] for r in rs], [r["app_ms"] for r in rs], [r["bytes"] for r in rs]))
    errors = Counter(f"{r['kind']} {r['status']}" for r in records if r["status"] != 200)
    print("errors by status: " + (", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) or "none"))
    for r in [r for r in records if r["status"] != 200][:5]:
        print(f"  e.g. {r['kind']} {r['variant']} {r['status']}: {r.get('error', '')}")
    return p99


def exceptions(log: str) -> Counter:
    """The exception line ("Type: message") that ends each traceback in a log."""
    found: Counter = Counter()
    lines = log.splitlines()
    for i, text in enumerate(lines):
        if text.startswith("Traceback"):
            for after in lines[i + 1:]:
                if after and not after.startswith((" ", "Traceback", "During handling", "The above exception")):
                    found[after[:300]] += 1
                    break
    return found


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000, help="incidents in the database (default 100,000)")
    ap.add_argument("--db", type=Path, help="database to build or reuse (kept); default a temporary one")
    ap.add_argument("--seconds", type=float, default=60.0, help="load duration (default 60)")
    ap.add_argument("--warmup", type=float, default=3.0, help="seconds of load not recorded first (default 3)")
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    ap.add_argument("--serve", action="store_true",
                    help="run `strikewatch serve` instead of the bench's own uvicorn runner (no app-time figures)")
    ap.add_argument("--think", type=float, default=0.0, help="seconds each connection waits between requests")
    ap.add_argument("--client", choices=["raw", "httpx"], default="raw",
                    help="load client: a minimal asyncio HTTP/1.1 client (default) or httpx.AsyncClient")
    ap.add_argument("--no-ingest", action="store_true", help="no ingest at all during the load")
    ap.add_argument("--no-cli-ingest", action="store_true", help="only the API ingest, not `strikewatch ingest`")
    ap.add_argument("--seed", type=int, default=20250115)
    ap.add_argument("--keep", action="store_true", help="keep the work folder (server log, generated files)")
    ap.add_argument("--build-only", action="store_true", help="build the database and stop")
    ap.add_argument("--preload", metavar="FILE",
                    help="a Python file the server runs before building the app (to try a change by monkeypatching)")
    ap.add_argument("--role", choices=["main", "server", "ingest-api"], default="main", help=argparse.SUPPRESS)
    ap.add_argument("--port", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--base", help=argparse.SUPPRESS)
    ap.add_argument("--token", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.role == "server":
        serve(str(args.db), args.port, args.preload, args.workers)
        return
    if args.role == "ingest-api":
        ingest_api_role(args.base, args.token, args.seconds, args.seed)
        return

    tmp = tempfile.TemporaryDirectory(prefix="strikewatch-api-bench-")
    work = Path(tmp.name if not args.keep else tempfile.mkdtemp(prefix="strikewatch-api-bench-"))
    db = args.db or work / "bench.db"
    print(f"api bench: {args.n:,} incidents, {args.connections} connections, {args.seconds:.0f} s "
          f"(+{args.warmup:.0f} s warm-up), think {args.think} s, {args.client} client, cpus {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.1f}")
    build(db, args.n, args.seed)
    if args.build_only:
        return
    token = account(db)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server_log = work / "server.log"
    if args.serve and (args.preload or args.workers != 1):
        raise SystemExit("--serve runs one plain process: no --preload, no --workers")
    server = start_server(db, port, server_log, args.preload, args.workers, args.serve)
    span = args.warmup + args.seconds
    ingest_proc = None
    cli_result: dict[str, Any] = {"runs": Counter(), "failed": Counter(), "ms": defaultdict(list), "locked": 0,
                                  "docs": 0, "errors": []}
    cli_thread = None
    try:
        if not args.no_ingest:
            ingest_proc = subprocess.Popen(
                [sys.executable, __file__, "--role", "ingest-api", "--base", base, "--token", token,
                 "--seconds", str(span), "--seed", str(args.seed)], stdout=subprocess.PIPE, text=True)
            if not args.no_cli_ingest:
                cli_thread = threading.Thread(target=cli_ingest_loop,
                                              args=(db, span, work / "cli", args.seed + 1, cli_result), daemon=True)
                cli_thread.start()
        cpu0, self0 = cpu_seconds(server.pid), time.process_time()
        records = asyncio.run(load(base, token, args.seconds, args.connections, args.seed, args.think, args.warmup,
                                   args.client))
        server_cpu, client_cpu = cpu_seconds(server.pid) - cpu0, time.process_time() - self0
        p99 = report(records, args.seconds)
        print(f"CPU during the load (warm-up included): server {server_cpu:.1f} s "
              f"({server_cpu / span * 100:.0f}% of one core, {server_cpu / span * 1000 / max(len(records) / args.seconds, 1e-9):.1f} ms"
              f" a request, ingest work included), load client {client_cpu:.1f} s")
        api: dict[str, Any] | None = None
        if ingest_proc:
            out, _ = ingest_proc.communicate(timeout=600)
            api = json.loads(out.strip().splitlines()[-1])
        if cli_thread:
            cli_thread.join(timeout=900)
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    log = server_log.read_text(errors="replace")
    log_locked = log.count("database is locked")
    log_tracebacks = log.count("Traceback")

    locked = log_locked + sum(r.get("locked", False) for r in records)
    db_errors = sum(1 for r in records if r["status"] == 503)
    other_failures = 0  # ingest failures that are not lock errors (races between linkers, 500s)
    if api is not None:
        ms = api["ms"]
        print(f"\ningest via API (one client, back to back): {api['ok']} documents accepted, "
              f"status {dict(api['status'])}, {api['incidents_created']} incidents created, "
              f"{api['incidents_updated']} updated")
        if ms:
            print(line("POST /ingest/text", ms))
        print(f"  'database is locked': {api['locked']}, 503 db_error: {api['db_error']}")
        for e in api["errors"][:5]:
            print(f"  e.g. {e}")
        locked += api["locked"]
        db_errors += api["db_error"]
        other_failures += sum(n for st, n in api["status"].items() if st != "200" and not st.startswith("exception")) \
            - api["db_error"]
    if cli_thread:
        print(f"ingest via CLI (strikewatch ingest + link, 10 text files a batch): {cli_result['docs']} documents, "
              f"runs {dict(cli_result['runs'])}, failed {dict(cli_result['failed'])}, "
              f"'database is locked': {cli_result['locked']}")
        for step, ms in cli_result["ms"].items():
            print(line(f"strikewatch {step}", ms))
        for e in cli_result["errors"][:5]:
            print(f"  e.g. {e}")
        locked += cli_result["locked"]
        other_failures += sum(cli_result["failed"].values()) - cli_result["locked"]
    print(f"server log: {log_locked} 'database is locked', {log_tracebacks} tracebacks")
    for what, count in exceptions(log).most_common(8):
        print(f"  {count} x {what}")
    print(f"load average now {os.getloadavg()[0]:.1f} (other processes on this machine skew every figure)")
    print("\nverdict:")
    for kind in ("list", "map"):
        ok = p99[kind] < TARGET_MS  # False when there was no successful request (nan)
        print(f"  p99 {kind:<4} {p99[kind]:7.1f} ms  (target < {TARGET_MS:.0f} ms at {args.connections} connections,"
              f" {args.n:,} incidents): {'MET' if ok else 'MISSED'}")
    if args.no_ingest:
        print("  locked errors: not measured (--no-ingest)")
    else:
        print(f"  'database is locked' errors {locked}, 503 db_error {db_errors} (target 0): "
              f"{'MET' if locked == 0 and db_errors == 0 else 'MISSED'}"
              f"; other ingest failures (not the target, see above): {other_failures}")
    if args.keep:
        print(f"work folder kept: {work}")
    else:
        tmp.cleanup()


if __name__ == "__main__":
    main()
