"""The `strikewatch` command line: parse, call the library, format.

Errors print as one line, ``error[CODE]: message``, and exit non-zero:
1 for a failure, 2 for bad usage. No tracebacks for expected failures.
"""

from __future__ import annotations

import json
import os
import re
import sys
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import click

from . import __version__
from .config import IngestSettings, database_target, default_db_path, env_allow_networks
from .errors import StrikewatchError, UsageError
from .spark.cli import spark_group
from .store import Store


def _echo_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True))


class Context:
    """What every command needs: where the database is and who is writing."""

    def __init__(self, db: str | None, actor: str | None) -> None:
        self.db_path = database_target(db) if db else default_db_path()
        self.actor = actor

    def store(self) -> Store:
        return Store(self.db_path, actor=self.actor)


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", envvar="STRIKEWATCH_DB", metavar="PATH|URL",
              help="Database file, or a postgresql://user@host/name URL for a shared server "
                   "[env STRIKEWATCH_DB; default ~/.local/share/strikewatch/strikewatch.db].")
@click.option("--actor", envvar="STRIKEWATCH_ACTOR", metavar="NAME",
              help="Who is writing, for the audit log [env STRIKEWATCH_ACTOR; default the OS user].")
@click.version_option(__version__, prog_name="strikewatch")
@click.pass_context
def cli(ctx: click.Context, db: str | None, actor: str | None) -> None:
    """strikewatch: document attacks on civilians from open-source reports,
    every figure traceable to its source."""
    ctx.obj = Context(db, actor)


@cli.command()
@pass_ctx
def init(ctx: Context) -> None:
    """Create the database (or bring its schema up to date)."""
    with ctx.store() as store:
        version = store.conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[0]
        name = store.name
    click.echo(f"database ready: {name} (schema version {version})")


def _settings(max_bytes: int | None, allow_network: tuple[str, ...]) -> IngestSettings:
    kwargs: dict[str, Any] = {"allow_networks": tuple(allow_network) + env_allow_networks()}
    if max_bytes:
        kwargs["max_document_bytes"] = max_bytes
    return IngestSettings(**kwargs)


_ingest_options = [
    click.option("--max-bytes", type=click.IntRange(min=1), metavar="N",
                 help="Size cap per document, raw and decompressed [default 20 MiB]."),
    click.option("--allow-network", multiple=True, metavar="CIDR",
                 help="Also fetch from this non-public network (e.g. an internal feed server). "
                      "Repeatable; env STRIKEWATCH_ALLOW_NETWORKS. Default: public addresses only."),
    click.option("-v", "--verbose", is_flag=True, help="Print one line per document as it is committed."),
    click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON."),
]


def ingest_options(fn: Any) -> Any:
    for option in reversed(_ingest_options):
        fn = option(fn)
    return fn


def _outcome_printer(verbose: bool):  # type: ignore[no-untyped-def]
    if not verbose:
        return None

    def show(outcome: Any) -> None:
        extra = f" [{outcome.code}] {outcome.reason}" if outcome.code else ""
        click.echo(f"{outcome.status} {outcome.source_id}{extra}")
        sys.stdout.flush()

    return show


def _print_summary(summary: Any, as_json: bool, extracted: Any = None) -> None:
    if as_json:
        out = summary.as_dict()
        if extracted is not None:
            out["extracted"] = {"documents": extracted.documents, "reports": extracted.reports,
                                "failed": extracted.failed}
        _echo_json(out)
        return
    click.echo(f"added {summary.added}, skipped {summary.skipped} (already stored), "
               f"quarantined {summary.quarantined}")
    if extracted is not None and extracted.documents:
        click.echo(f"extracted {extracted.documents} documents: {extracted.reports} reports"
                   + (f", {extracted.failed} failed (see `show`)" if extracted.failed else ""))
    for item in summary.as_dict()["quarantine"][:20]:
        click.echo(f"  quarantined {item['id']}: [{item['code']}] {item['reason']}")
    if summary.quarantined > 20:
        click.echo(f"  … and {summary.quarantined - 20} more (strikewatch documents --quarantined)")


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--feed", is_flag=True, help="Treat each input (URL or file) as an RSS/Atom feed.")
@click.option("--no-extract", is_flag=True, help="Only store the documents; extract later with `extract --stored`.")
@ingest_options
@pass_ctx
def ingest(ctx: Context, inputs: tuple[str, ...], feed: bool, no_extract: bool, max_bytes: int | None,
           allow_network: tuple[str, ...], verbose: bool, as_json: bool) -> None:
    """Ingest files (txt, html, json, jsonl, rss/atom), folders (recursively),
    URLs, feeds (--feed), or '-' for standard input. The same bytes twice
    change nothing; failures are quarantined with their bytes and the batch
    goes on."""
    from .ingest.pipeline import Ingester, expand_targets, total_bytes

    targets = expand_targets(inputs, feeds=feed)
    with ctx.store() as store:
        ingester = Ingester(store, _settings(max_bytes, allow_network), on_outcome=_outcome_printer(verbose))
        show_bar = not verbose and sys.stderr.isatty()
        with click.progressbar(length=max(1, total_bytes(targets)), label="ingesting", file=sys.stderr,
                               hidden=not show_bar) as bar:
            summary = ingester.run(targets, progress=bar.update)
        extracted = None if no_extract else _extract_stored(store, verbose)
    _print_summary(summary, as_json, extracted)


def _extract_stored(store: Store, verbose: bool) -> Any:
    from .jobs import extract_stored

    def show(doc: Any, n: int) -> None:
        click.echo(f"extracted {doc.source_id}: {n} report{'s' if n != 1 else ''}")

    return extract_stored(store, on_document=show if verbose else None)


@cli.command()
@click.argument("feeds", nargs=-1)
@click.option("--list", "list_file", type=click.Path(exists=True, dir_okay=False),
              help="A file of feed URLs or paths, one a line ('#' for comments).")
@click.option("--interval", type=click.FloatRange(min=0), default=900.0, show_default=True,
              help="Seconds between polls of one feed.")
@click.option("--once", is_flag=True, help="Poll every feed that is due once, then stop.")
@click.option("--max-rounds", type=click.IntRange(min=1), help="Stop after this many rounds.")
@ingest_options
@pass_ctx
def watch(ctx: Context, feeds: tuple[str, ...], list_file: str | None, interval: float, once: bool,
          max_rounds: int | None, max_bytes: int | None, allow_network: tuple[str, ...],
          verbose: bool, as_json: bool) -> None:
    """Poll feeds on an interval with conditional requests (ETag,
    Last-Modified). Their state is kept in the database, so a restarted watch
    resumes where it left off and does not re-poll a feed before it is due."""
    from .ingest.watch import watch_feeds
    from .ingest.pipeline import iter_feed_refs

    refs = list(feeds) + (list(iter_feed_refs(list_file)) if list_file else [])
    if not refs:
        raise click.UsageError("give at least one feed URL or path, or --list FILE")
    with ctx.store() as store:
        def report(url: str, status: str, added: int) -> None:
            # with --json, standard output carries only the summary
            click.echo(f"{datetime.now(timezone.utc):%Y-%m-%dT%H:%M:%SZ} {url}: {status}, {added} added", err=as_json)
            sys.stdout.flush()

        from .jobs import ExtractSummary

        totals = ExtractSummary()
        summary = watch_feeds(
            store, refs, settings=_settings(max_bytes, allow_network), interval=interval,
            max_rounds=1 if once else max_rounds, on_poll=report,
            on_outcome=_outcome_printer(verbose),
            on_round=lambda: totals.add(_extract_stored(store, verbose)),
        )
        extracted = totals
    _print_summary(summary, as_json, extracted)


@cli.command()
@click.option("-q", "--search", metavar="WORDS", help="Full-text search over titles and texts.")
@click.option("--language", metavar="CODE", help="Only documents in this language (en, ar, …).")
@click.option("--quarantined", is_flag=True, help="List quarantined inputs instead, with codes and reasons.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--offset", type=click.IntRange(min=0), default=0)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
def documents(ctx: Context, search: str | None, language: str | None, quarantined: bool,
              limit: int, offset: int, as_json: bool) -> None:
    """List or search stored documents, newest first."""
    with ctx.store() as store:
        if quarantined:
            rows = store.list_quarantine(limit)
            if as_json:
                _echo_json(rows)
            for row in [] if as_json else rows:
                click.echo(f"{row['id']:>6}  [{row['code']}] {row['source_id']}: {row['reason']}")
            return
        docs = store.list_documents(search=search, language=language, limit=limit, offset=offset)
    if as_json:
        _echo_json([d.summary() for d in docs])
        return
    for d in docs:
        title = (d.title or d.text[:70].replace("\n", " ")).strip()
        click.echo(f"{d.id:>6}  {d.language or '??':<3} {d.published or '-':<10.10}  {d.source_id}  {title}")
    if not docs:
        click.echo("no documents")


@cli.command()
@click.argument("ref")
@click.option("--raw", is_flag=True, help="Write the archived raw bytes (re-verified) to standard output.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
def show(ctx: Context, ref: str, raw: bool, as_json: bool) -> None:
    """Show one document by number, input id or content hash."""
    with ctx.store() as store:
        doc = store.get_document(ref)
        if raw:
            sys.stdout.buffer.write(store.get_blob(doc.raw_sha256))
            return
        store.get_blob(doc.raw_sha256)  # re-verify the evidence before showing it
        reports = store.reports_for(doc.id)
    if as_json:
        d = doc.summary()
        d["text"] = doc.text
        d["reports"] = reports
        _echo_json(d)
        return
    for key in ("id", "source_id", "title", "source", "url", "published", "language",
                "origin", "origin_ref", "media_type", "raw_sha256", "ingested_at"):
        value = getattr(doc, key)
        if value is not None:
            click.echo(f"{key + ':':<12} {value}")
    for i, rep in enumerate(reports):
        loc, when = rep.get("location") or {}, rep.get("date") or {}
        killed = ((rep.get("casualties") or {}).get("killed") or {})
        click.echo(f"report {i + 1}:  {rep.get('event_type')} at {loc.get('name') or '?'} "
                   f"({loc.get('admin1') or '-'}, {loc.get('country') or '-'}) on {when.get('start') or '?'}; "
                   f"killed {killed.get('low')}/{killed.get('best')}/{killed.get('high')} (low/best/high)")
    click.echo("")
    click.echo(doc.text)


@cli.command()
@click.option("--expect-head", metavar="HASH", help="Fail unless the audit chain ends at this hash "
              "(as printed by an earlier verify): catches rows cut from the end.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
def verify(ctx: Context, expect_head: str | None, as_json: bool) -> None:
    """Re-hash the archive, walk the audit chain, check every row against it.
    Exits 1 and names the first broken link when anything fails."""
    with ctx.store() as store:
        report = store.verify(expect_head=expect_head)
    if as_json:
        _echo_json(report.as_dict())
    else:
        click.echo(f"archive: {report.blobs_checked} blobs re-hashed; audit chain: {report.audit_rows} "
                   f"entries; rows checked: {report.rows_checked}")
        click.echo(f"chain head: {report.head}")
        if report.ok:
            click.echo("verify: ok")
        else:
            click.echo(f"verify: FAILED, first broken link: {report.problems[0]}")
            for problem in report.problems[1:10]:
                click.echo(f"  also: {problem}")
    if not report.ok:
        raise SystemExit(1)


@cli.command()
@click.argument("output", type=click.Path(dir_okay=False, writable=True, allow_dash=True))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary.")
@pass_ctx
def backup(ctx: Context, output: str, as_json: bool) -> None:
    """Write a backup of the database to OUTPUT ('-' for standard output),
    online: from one consistent snapshot while others go on writing. The same
    format on SQLite and PostgreSQL (a backup of one restores into the other);
    it holds everything the database holds, so keep it as safe."""
    from .store.backup import backup as run_backup

    with ctx.store() as store:
        if output == "-":
            summary = run_backup(store, click.get_binary_stream("stdout"))
        else:
            partial = f"{output}.partial"
            with open(partial, "wb") as fh:
                summary = run_backup(store, fh)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(partial, output)
    rows = sum(summary["tables"].values())
    if as_json:
        _echo_json(summary)
    else:
        click.echo(f"backup: {rows} rows of {len(summary['tables'])} tables; audit head {summary['audit_head']}",
                   err=output == "-")


@cli.command()
@click.argument("backup_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Machine-readable summary.")
@pass_ctx
def restore(ctx: Context, backup_file: str, as_json: bool) -> None:
    """Restore a backup into the database given by --db, which must be new
    and empty (a SQLite file or a PostgreSQL database): all or nothing, and
    the result must verify to the backup's audit head before it is kept."""
    from .store.backup import restore as run_restore

    with ctx.store() as store:
        summary = run_restore(store, backup_file)
        name = store.name
    if as_json:
        _echo_json(summary)
    else:
        click.echo(f"restored {sum(summary['tables'].values())} rows into {name}; verify: ok "
                   f"(audit head {summary['audit_head']})")


@cli.command()
@click.argument("inputs", nargs=-1)
@click.option("--format", "fmt", type=click.Choice(["jsonl"]), default="jsonl", show_default=True,
              help="Output format (spec §2).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write here instead of standard output.")
@click.option("--stored", is_flag=True, help="Extract the stored documents not yet extracted, into the database.")
@pass_ctx
def extract(ctx: Context, inputs: tuple[str, ...], fmt: str, output: str | None, stored: bool) -> None:
    """Extract incident reports from documents: JSON Lines (one document a
    line), .json, .txt or .html files, folders, or '-' for standard input.
    Writes one JSON line per input document, in order; a bad document gets an
    `errors` entry and the batch goes on. With --stored, works on the
    database instead and stores the reports with their provenance."""
    if stored:
        if inputs:
            raise click.UsageError("give either INPUTS or --stored, not both")
        with ctx.store() as store:
            done = _extract_stored(store, False)
        click.echo(f"extracted {done.documents} documents: {done.reports} reports, {done.failed} failed")
        return
    if not inputs:
        raise click.UsageError("give at least one input (a file, a folder or '-'), or --stored")
    from .extract.pipeline import extract_dict, load_resources
    from .jobs import iter_input_documents
    from .model import ErrorInfo, ExtractResult, to_json

    res = load_resources()
    out = open(output, "w", encoding="utf-8") if output else sys.stdout
    try:
        for item in iter_input_documents(list(inputs)):
            if isinstance(item, StrikewatchError):
                line = to_json(ExtractResult(id=None, reports=[], errors=[ErrorInfo.from_exception(item)]))
            else:
                line = json.dumps(extract_dict(item, res), ensure_ascii=False, separators=(",", ":"))
            out.write(line + "\n")
    finally:
        if output:
            out.close()


@cli.command(name="eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--link", "link_mode", is_flag=True,
              help="Score linking instead (pairwise and B-cubed) on files whose documents carry gold.incident_id.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def eval_command(gold: tuple[str, ...], link_mode: bool, as_json: bool) -> None:
    """Score extraction against labelled JSON Lines files (the evaluation-data
    format): per file, date (±1 day), place within 10 and 25 km, admin1,
    killed, injured, event type, perpetrator, target F1, no-report accuracy
    and documents per second; then the mean over the files."""
    from .evaluate import evaluate_file, format_table, mean_figures
    from .extract.pipeline import extract_dict, load_resources

    res = load_resources()
    if link_mode:
        from .jobs import evaluate_linking

        results = {Path(p).stem: evaluate_linking(Path(p), res) for p in gold}
        if as_json:
            _echo_json(results)
        for name, r in ([] if as_json else results.items()):
            click.echo(f"{name}: {r['documents']} documents; pairwise P {r['pairwise_precision']:.3f} "
                       f"R {r['pairwise_recall']:.3f} F1 {r['pairwise_f1']:.3f}; B-cubed P {r['bcubed_precision']:.3f} "
                       f"R {r['bcubed_recall']:.3f} F1 {r['bcubed_f1']:.3f}")
        return
    scores = [evaluate_file(Path(p), lambda line: extract_dict(line, res)) for p in gold]
    if as_json:
        _echo_json({"sets": [s.as_dict() for s in scores], "mean": mean_figures(scores)})
    else:
        click.echo(format_table(scores))


@cli.command()
@click.argument("name", required=False)
@click.option("--country", metavar="CC", help="Only places in this country (ISO 3166-1 alpha-2).")
@click.option("--add-dump", type=click.Path(exists=True, dir_okay=False),
              help="Add a GeoNames country dump (the tab-separated XX.txt export) to your own gazetteer "
                   "[env STRIKEWATCH_GAZETTEER_OVERLAY; default ~/.local/share/strikewatch/gazetteer-overlay.tsv.gz].")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def gazetteer(name: str | None, country: str | None, add_dump: str | None, as_json: bool) -> None:
    """Look a place up in the gazetteer, as the extractor would, or add a
    GeoNames country dump you downloaded."""
    from .geo import gazetteer as geo

    if add_dump:
        overlay = geo.default_overlay_path()
        added = geo.Gazetteer.load_default().add_geonames_dump(add_dump, overlay=overlay)
        click.echo(f"added {added} places from {add_dump} to {overlay}")
        if not name:
            return
    if not name:
        raise click.UsageError("give a place NAME to look up, or --add-dump PATH")
    rows = geo.describe_lookup(name, country=country)
    if as_json:
        _echo_json(rows)
        return
    if not rows:
        click.echo(f"no place called {name!r}" + (f" in {country}" if country else ""))
    for row in rows:
        click.echo("  ".join(f"{k}={v}" for k, v in row.items() if v not in (None, "", [])))


@cli.command()
@click.option("--rebuild", is_flag=True, help="Re-link every report, except analysts' locked decisions.")
@click.option("--threshold", type=float, metavar="LLR",
              help="Link when the pair's log2 likelihood ratio reaches this [default 8; see docs/linking.md].")
@click.option("--engine", type=click.Choice(["native", "splink"]), default="native", show_default=True,
              help="With --rebuild: who scores and clusters the pairs. native: the project's own code; splink: "
                   "the same comparisons, weights and clustering with Splink on DuckDB (needs the link or spark "
                   "extra; see docs/linking.md). An incremental link is always native.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
def link(ctx: Context, rebuild: bool, threshold: float | None, engine: str, as_json: bool) -> None:
    """Link stored reports into incidents: each new report joins the incident
    it matches best (Fellegi-Sunter comparisons of date, distance, event type,
    toll, targets and actor, each link keeping its reasons) or starts one."""
    from .jobs import link_stored
    from .link.duckdb_link import check_engine
    from .link.match import LinkSettings

    check_engine(engine, rebuild)  # before the database is touched
    settings = LinkSettings(threshold=threshold) if threshold is not None else None
    with ctx.store() as store:
        done = link_stored(store, rebuild=rebuild, settings=settings, engine=engine)
    if as_json:
        _echo_json(done.__dict__)
    else:
        click.echo(f"linked {done.reports} reports: {done.joined} joined an incident, "
                   f"{done.incidents_created} incidents created, {done.incidents_updated} updated"
                   + (f" ({done.unlinked} machine links undone first)" if rebuild else ""))


@cli.command()
@click.argument("ref", required=False)
@click.option("--type", "event_type", metavar="TYPE", help="Only this event type (air_strike, shelling, …).")
@click.option("--since", metavar="DATE", help="Only incidents on or after this ISO date.")
@click.option("--until", metavar="DATE", help="Only incidents on or before this ISO date.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output (spec §4).")
@pass_ctx
def incidents(ctx: Context, ref: str | None, event_type: str | None, since: str | None, until: str | None,
              limit: int, as_json: bool) -> None:
    """List incidents, newest first, or show one (REF: its "inc-…" id or number)
    with every source's figure and why its reports were linked."""
    with ctx.store() as store:
        if ref:
            row = store.incident_row(ref)
            members = store.linked_reports(incident_id=row["id"])
            if as_json:
                _echo_json({**row["data"], "links": [
                    {k: m[k] for k in ("document_id", "method", "score", "comparisons", "locked")} for m in members]})
                return
            _show_incident(row, members)
            return
        rows = store.list_incidents(limit=limit, event_type=event_type, date_from=since, date_to=until)
    if as_json:
        _echo_json(rows)
        return
    for inc in rows:
        loc, when = inc.get("location") or {}, inc.get("date") or {}
        killed = (inc.get("casualties") or {}).get("killed") or {}
        click.echo(f"{inc['incident_id']}  {when.get('start') or '?':<10}  {inc.get('event_type') or '?':<15} "
                   f"{(loc.get('name') or '?')[:28]:<28} killed {killed.get('best')}  "
                   f"{inc.get('grade') or '-':<10} {len(inc.get('document_ids') or [])} docs")
    if not rows:
        click.echo("no incidents (run `strikewatch link` after ingesting)")


def _show_incident(row: dict[str, Any], members: list[dict[str, Any]]) -> None:
    inc = row["data"]
    loc, when = inc.get("location") or {}, inc.get("date") or {}
    click.echo(f"{inc['incident_id']} (version {row['version']}): {inc.get('event_type')} at {loc.get('name')} "
               f"({loc.get('admin1')}, {loc.get('country')}) on {when.get('start')}")
    for key, rng in (inc.get("casualties") or {}).items():
        if rng.get("best") is not None:
            click.echo(f"  {key}: low {rng.get('low')}, best {rng.get('best')}, high {rng.get('high')}")
    att = inc.get("attribution") or {}
    if att.get("actor"):
        click.echo(f"  attribution: {att['actor']} ({att.get('probability')})")
    click.echo(f"  grade: {inc.get('grade')}" + (f" ({'; '.join(inc.get('grade_reasons') or [])})"
                                                  if inc.get("grade_reasons") else ""))
    click.echo("  figures:")
    for f in inc.get("figures") or []:
        click.echo(f"    {f.get('measure')} {f.get('group')} {f.get('low')}-{f.get('high')} {f.get('qualifier')} "
                   f"by {f.get('source') or '(not said)'} in {f.get('document_id')} {f.get('span')}: {f.get('text')!r}")
    click.echo("  documents:")
    for m in members:
        why = ", ".join(f"{c['field']} {c['level']} {c['weight']:+.1f}" for c in m["comparisons"])
        click.echo(f"    {m['document_id']}: {m['method']}" + (f" score {m['score']}: {why}" if m["score"] is not None else ""))


@cli.command()
@click.option("--format", "fmt", required=True, metavar="FORMAT",
              help="incidents-jsonl, acled-csv, ucdp-csv, geojson or hxl-csv (a pinned version: NAME.v1).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True), help="Write here, not to standard output.")
@pass_ctx
def export(ctx: Context, fmt: str, output: str | None) -> None:
    """Write every incident in one of the field's formats: spec §4 JSON Lines,
    ACLED-style CSV, UCDP-GED-style CSV (low/best/high), GeoJSON or HXL-tagged
    CSV. Cells that a spreadsheet would run as formulas are neutralised;
    documents are named by the id they were given on input."""
    from . import export as exporters
    from .model import Incident

    exporters.get(fmt)  # an unknown format fails before anything is written
    with ctx.store() as store:
        incidents = (Incident.from_dict(d) for d in store.iter_incidents())
        if output:
            with open(output, "w", encoding="utf-8", newline="") as out:
                n = exporters.write(fmt, incidents, out)
            click.echo(f"wrote {n} incidents to {output}", err=True)
        else:
            exporters.write(fmt, incidents, sys.stdout)


@cli.command(name="import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option("--dataset", type=click.Choice(["acled", "ucdp-ged"]), help="Default: told from the header.")
@click.option("--days", type=click.IntRange(min=0), default=1, show_default=True, help="Date tolerance for pairing.")
@click.option("--km", type=click.FloatRange(min=0), default=25.0, show_default=True, help="Distance tolerance for pairing.")
@click.option("--json", "as_json", is_flag=True, help="One JSON line per comparison row.")
@pass_ctx
def import_command(ctx: Context, path: str, dataset: str | None, days: int, km: float, as_json: bool) -> None:
    """Read an ACLED or UCDP GED CSV export and compare it with our incidents:
    which events both sides have (and how their tolls differ), which only we
    have, which only they have. Bad rows are reported with a code; the rest is read."""
    from .export.imports import compare, read_external
    from .model import Incident

    with open(path, encoding="utf-8-sig", newline="") as fh:
        result = read_external(fh, dataset)
    with ctx.store() as store:
        ours = [Incident.from_dict(d) for d in store.iter_incidents()]
    rows = compare(ours, result.events, days=days, km=km)
    for err in result.errors:
        click.echo(f"error[{err.code}]: line {err.line}: {err.message}", err=True)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False, default=str))
        return
    counts: dict[str, int] = {}
    for row in rows:
        counts[row["status"]] = counts.get(row["status"], 0) + 1
    click.echo(f"read {len(result.events)} {result.dataset} events ({len(result.errors)} bad rows); "
               f"matched {counts.get('matched', 0)}, only ours {counts.get('only_ours', 0)}, "
               f"only theirs {counts.get('only_theirs', 0)}")


@cli.group()
def sightings() -> None:
    """Observers' reports of aircraft: import them (CSV, JSON, text posts in
    English or Arabic) and list them. Observers are stored as pseudonyms."""


@sightings.command(name="import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "kind", type=click.Choice(["csv", "json", "text"]),
              help="Default: told from the file name (.csv, .json, .txt).")
@click.option("--published", metavar="ISO", help="For text posts without a header: when they were posted.")
@click.option("--observer", metavar="NAME", help="For text posts without a header: who posted them (pseudonymised).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_ctx
def sightings_import(ctx: Context, files: tuple[str, ...], kind: str | None, published: str | None,
                     observer: str | None, as_json: bool) -> None:
    """Import sightings files. The bytes are archived as evidence, each
    sighting is stored with its observer's pseudonym, bad rows are reported
    with a code, and incidents on those days are rebuilt with the sightings
    as flight evidence. The same file twice adds nothing."""
    from .ingest.sightings import kind_of
    from .jobs import import_sightings

    summary: dict[str, Any] = {"files": 0, "sightings": 0, "added": 0, "errors": []}
    with ctx.store() as store:
        for path in files:
            k = kind or kind_of(path)
            if k is None:
                raise StrikewatchError(f"{path}: cannot tell csv, json or text from the name; give --format",
                                       code="unsupported_type")
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                raise StrikewatchError(f"cannot read {path}: {exc.strerror or exc}", code="unreadable") from exc
            found, errors, added = import_sightings(store, data, k, published=published, observer=observer)
            summary["files"] += 1
            summary["sightings"] += len(found)
            summary["added"] += added
            summary["errors"] += [{"file": path, **e.as_dict()} for e in errors]
    if as_json:
        _echo_json(summary)
        return
    for e in summary["errors"]:
        click.echo(f"error[{e['code']}]: {e['file']}" + (f":{e['line']}" if e["line"] else "") + f": {e['message']}",
                   err=True)
    click.echo(f"read {summary['sightings']} sightings from {summary['files']} files: {summary['added']} added, "
               f"{summary['sightings'] - summary['added']} already stored, {len(summary['errors'])} bad rows")


@sightings.command(name="list")
@click.option("--since", metavar="DATE", help="Only sightings on or after this ISO date.")
@click.option("--until", metavar="DATE", help="Only sightings on or before this ISO date.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
def sightings_list(ctx: Context, since: str | None, until: str | None, limit: int, as_json: bool) -> None:
    """List stored sightings, newest first, observers as pseudonyms."""
    with ctx.store() as store:
        rows = store.list_sightings(limit=limit, day_from=since, day_to=until)
    if as_json:
        _echo_json(rows)
        return
    for r in rows:
        where = r["place"] or (f"{r['lat']:.3f},{r['lon']:.3f}" if r["lat"] is not None else "")
        bits = [f"{r['count']} x " if r["count"] else "", r["aircraft"] or "?",
                f" from {r['origin']}" if r["origin"] else "", f" heading {r['heading']}" if r["heading"] else "",
                f" towards {r['destination']}" if r["destination"] else "", f" over {where}" if where else "",
                f" ({r['altitude']})" if r["altitude"] else ""]
        click.echo(f"{r['id']:>6}  {r['time'] or '?':<22} {''.join(bits)}  [{r['observer'] or 'no observer'}]")
    if not rows:
        click.echo("no sightings (strikewatch sightings import FILE)")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
def status(ctx: Context, as_json: bool) -> None:
    """What the database holds."""
    with ctx.store() as store:
        info = store.status()
    if as_json:
        _echo_json(info)
        return
    click.echo(f"database:     {info['database']}")
    click.echo(f"documents:    {info['documents']}  "
               + ", ".join(f"{k}: {v}" for k, v in info["languages"].items()))
    click.echo(f"reports:      {info['reports']}")
    click.echo(f"incidents:    {info['incidents']}")
    click.echo(f"quarantined:  {info['quarantined']}")
    click.echo(f"archive:      {info['archived_bytes']} bytes")
    click.echo(f"audit log:    {info['audit_entries']} entries")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback should sit behind a TLS proxy.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--tiles", metavar="URL", envvar="STRIKEWATCH_TILE_URL",
              help="A map tile server ({z}/{x}/{y}); default: the offline basemap, no third-party requests.")
@click.option("--tiles-attribution", metavar="TEXT", envvar="STRIKEWATCH_TILE_ATTRIBUTION")
@click.option("--secure-cookies/--no-secure-cookies", default=None,
              help="Mark cookies Secure (default: when the request came over https).")
@click.option("--workers", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Worker processes (each with its own connections; failed-login limits are per process).")
@pass_ctx
def serve(ctx: Context, host: str, port: int, tiles: str | None, tiles_attribution: str | None,
          secure_cookies: bool | None, workers: int) -> None:
    """Run the workbench: REST API (/api/v1, OpenAPI at /api/v1/openapi.json) and
    dashboard. Data routes need a login (`strikewatch user add`) unless an admin
    makes the deployment public."""
    import uvicorn

    from .web.app import ENV_CONFIG, WebConfig, create_app

    from .store.db import redact

    click.echo(f"strikewatch serving {redact(str(ctx.db_path))} on http://{host}:{port}/ (Ctrl-C stops)", err=True)
    options = {"host": host, "port": port, "log_level": "warning", "proxy_headers": False, "server_header": False}
    if workers == 1:
        uvicorn.run(create_app(WebConfig(ctx.db_path, tile_url=tiles, tile_attribution=tiles_attribution,
                                         secure_cookies=secure_cookies)), **options)
        return
    settings = {"db_path": str(ctx.db_path), "tile_url": tiles, "tile_attribution": tiles_attribution,
                "secure_cookies": None if secure_cookies is None else ("1" if secure_cookies else "0")}
    for key, value in settings.items():
        os.environ[ENV_CONFIG[key]] = value or ""
    create_app(WebConfig(ctx.db_path)).state.stores.close()  # migrate once before the workers start
    uvicorn.run("strikewatch.web.app:from_environment", factory=True, workers=workers, **options)


@cli.group()
def user() -> None:
    """Accounts of the workbench: viewer, analyst or admin."""


def _read_password(generate: bool, from_stdin: bool) -> str:
    import secrets

    if generate:
        password = secrets.token_urlsafe(15)
        click.echo(f"password: {password}")
        return password
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("password", hide_input=True, confirmation_prompt=True)


@user.command(name="add")
@click.argument("username")
@click.option("--role", type=click.Choice(["viewer", "analyst", "admin"]), default="viewer", show_default=True)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@click.option("--generate-password", is_flag=True, help="Make a random password and print it once.")
@pass_ctx
def user_add(ctx: Context, username: str, role: str, password_stdin: bool, generate_password: bool) -> None:
    """Add an account (asks for a password of 10 or more characters)."""
    from .web.auth import hash_password

    if not re.fullmatch(r"[A-Za-z0-9_.@-]{1,100}", username):
        raise UsageError("a user name is 1-100 letters, digits or _ . @ -")
    password_hash = hash_password(_read_password(generate_password, password_stdin))
    with ctx.store() as store:
        store.add_user(username, role, password_hash)
    click.echo(f"added {username} ({role})", err=True)


@user.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@pass_ctx
def user_list(ctx: Context, as_json: bool) -> None:
    """Accounts and their tokens."""
    with ctx.store() as store:
        users, tokens = store.list_users(), store.list_tokens()
    if as_json:
        _echo_json({"users": users, "tokens": tokens})
        return
    for u in users:
        click.echo(f"{u['username']:<24} {u['role']:<8} {'revoked ' + u['revoked_at'] if u['revoked_at'] else 'active'}")
    for t in tokens:
        state = f"revoked {t['revoked_at']}" if t["revoked_at"] else f"expires {t['expires_at']}"
        click.echo(f"  token {t['id']:<5} {t['username']:<16} {t['name']:<20} {state}")


@user.command(name="revoke")
@click.argument("username")
@pass_ctx
def user_revoke(ctx: Context, username: str) -> None:
    """Revoke an account: no more logins; its sessions and tokens stop at once."""
    with ctx.store() as store:
        store.revoke_user(username)
    click.echo(f"revoked {username}", err=True)


@user.command(name="token")
@click.argument("username")
@click.option("--name", default="cli", show_default=True, help="What the token is for.")
@click.option("--days", type=click.FloatRange(min=0.001, max=3650), default=90, show_default=True)
@click.option("--revoke", "revoke_id", type=int, metavar="ID", help="Revoke this token instead.")
@pass_ctx
def user_token(ctx: Context, username: str, name: str, days: float, revoke_id: int | None) -> None:
    """Make an API token for an account (printed once; only its hash is kept), or --revoke one."""
    with ctx.store() as store:
        account = store.user(username)
        if account is None:
            raise StrikewatchError(f"no user {username!r}", code="not_found")
        if revoke_id is not None:
            if (store.token(revoke_id) or {}).get("username") != username:
                raise StrikewatchError(f"{username} has no token {revoke_id}", code="not_found")
            store.revoke_token(revoke_id)
            click.echo(f"revoked token {revoke_id}", err=True)
            return
        value, record = store.create_token(account["id"], name, days=days)
    click.echo(value)
    click.echo(f"token {record['id']} for {username}, expires {record['expires_at']}", err=True)


cli.add_command(spark_group)  # imports no pyspark until it runs


def main(argv: list[str] | None = None) -> None:
    """Entry point: one line per error, with its code; never a traceback for expected failures."""
    run_command(cli, argv, "strikewatch")


def run_command(command: click.Command, argv: list[str] | None, prog_name: str) -> None:
    """Run a command (the whole CLI, or one group on its own), errors as one line each."""
    try:
        command.main(args=argv, prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Exit as exc:
        raise SystemExit(exc.exit_code) from None
    except click.Abort:
        click.echo("error[usage]: aborted", err=True)
        raise SystemExit(130) from None
    except click.UsageError as exc:
        click.echo(f"error[usage]: {exc.format_message()}", err=True)
        raise SystemExit(2) from None
    except StrikewatchError as exc:
        click.echo(f"error[{exc.code}]: {exc.message}", err=True)
        raise SystemExit(2 if exc.code == "usage" else 1) from None
    except BrokenPipeError:
        raise SystemExit(0) from None
    except KeyboardInterrupt:
        click.echo("error[usage]: interrupted", err=True)
        raise SystemExit(130) from None
    except Exception as exc:  # a bug: still one line, the traceback on request
        if os.environ.get("STRIKEWATCH_DEBUG"):
            raise
        click.echo(f"error[internal]: {type(exc).__name__}: {exc} "
                   "(set STRIKEWATCH_DEBUG=1 for the traceback)", err=True)
        raise SystemExit(1) from None


if __name__ == "__main__":  # pragma: no cover
    main()
