"""Catch-up speed of the read models on PostgreSQL: our batched runner vs the library's.

Records realistic events (projects through all six checkpoints) in a fresh schema, then,
in the same run and on the same events:
- the library's ProjectionRunner (LISTEN/NOTIFY subscription, one transaction per event)
  drives the history view from zero;
- our batched catch-up drives the same projection and store class from zero (other
  tables), then all seven views together (the log read and decoded once for all);
and writes the figures to benchmarks/RESULTS.md (its own section, replaced on rerun).

    .venv/bin/python -m benchmarks.catch_up [--projects 1500] [--url postgresql://...]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import psycopg
from eventsourcing.projection import ProjectionRunner
from eventsourcing.utils import EnvType

from benchmarks import bench_data
from benchmarks.results import replace_section, section_of
from domain.application import FundTrail
from infrastructure.settings import Settings
from infrastructure.transcodings import all_transcodings
from infrastructure.wiring import build_application
from projections.catalog import VIEWS, open_datastore, open_projections
from projections.history import HistoryProjection, PostgresHistoryStore
from projections.source import EventSource, catch_up

START, END = "<!-- catch-up:start -->", "<!-- catch-up:end -->"


class LibraryRunnerApp(FundTrail):
    """FundTrail constructible from an env alone, as the library's runner constructs it."""

    name = "fundtrail"  # the same log (a subclass would otherwise be named after itself)

    def __init__(self, env: EnvType | None = None) -> None:
        super().__init__(env, transcodings=all_transcodings())


def count(url: str, schema: str, topics: tuple[str, ...]) -> tuple[int, int]:
    """How many events have these topics, and the position of the last one."""
    with psycopg.connect(url) as conn:
        query = (
            f'SELECT count(*), max(notification_id) FROM "{schema}".fundtrail_events '
            "WHERE topic = ANY(%s)"
        )
        row = conn.execute(query.encode(), (list(topics),)).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def library_runner(settings: Settings, last: int) -> float:
    """Seconds for the library's runner to bring the history view to its last event."""
    env: dict[str, Any] = settings.eventsourcing_env()
    started = time.perf_counter()
    with ProjectionRunner(
        application_class=LibraryRunnerApp,
        projection_class=HistoryProjection,
        view_class=PostgresHistoryStore,
        env=env,
    ) as runner:
        # Its subscription reads the view's topics only: it tracks up to their last event.
        runner.wait(last, timeout=3600)
    return time.perf_counter() - started


def batched(
    settings: Settings, names: list[str], prefix: str, batch_size: int
) -> tuple[float, int]:
    """Seconds for our catch-up to bring the named views (prefixed tables) to the head."""
    app = build_application(settings)
    datastore = open_datastore(settings)
    try:
        projections = open_projections([VIEWS[n] for n in names], datastore, prefix=prefix)
        source = EventSource(app, [t for p in projections for t in p.topics])
        started = time.perf_counter()
        read = catch_up(source, projections, batch_size=batch_size)
        return time.perf_counter() - started, read
    finally:
        datastore.close()
        app.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_url = os.environ.get(
        "FUNDTRAIL_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--url", default=default_url)
    parser.add_argument("--projects", type=int, default=1500)
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    settings = Settings(database_url=f"{args.url}?schema={schema}")
    try:
        app = build_application(settings)
        started = time.perf_counter()
        bench_data.record(app, args.projects)
        recording = time.perf_counter() - started
        head = app.recorder.max_notification_id() or 0
        app.close()
        history_events, last = count(args.url, schema, HistoryProjection.topics)
        library = library_runner(settings, last)
        ours, _ = batched(settings, ["history"], "ours_", args.batch_size)
        all_views, read = batched(settings, list(VIEWS), "all_", args.batch_size)
        figures = {
            "head": head,
            "recording": recording,
            "history_events": history_events,
            "library": library,
            "ours": ours,
            "all_views": all_views,
            "all_read": read,
        }
        write_results(args, figures)
        print(section_of(START, END))
    finally:
        with psycopg.connect(args.url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'.encode())


def write_results(args: argparse.Namespace, f: dict[str, Any]) -> None:
    with psycopg.connect(args.url) as conn:
        version = conn.execute(b"SHOW server_version").fetchone()
        sync = conn.execute(b"SHOW synchronous_commit").fetchone()
    library = f["history_events"] / f["library"]
    ours = f["history_events"] / f["ours"]
    rows = [
        ("library `ProjectionRunner` (LISTEN/NOTIFY, one transaction per event)", "history",
         f["history_events"], f["library"]),
        (f"fundtrail batched catch-up ({args.batch_size} events per transaction)", "history",
         f["history_events"], f["ours"]),
        ("fundtrail batched catch-up, one pass of the log for all seven views", "all 7",
         f["all_read"], f["all_views"]),
    ]  # fmt: skip
    table = "\n".join(
        f"| {runner} | {views} | {events:,} | {seconds:.2f} | {events / seconds:,.0f} |"
        for runner, views, events, seconds in rows
    )
    server = f"PostgreSQL {version[0] if version else '?'}"
    section = f"""{START}
## Read-model catch-up on PostgreSQL (projections)

Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by
`python -m benchmarks.catch_up --projects {args.projects}` on {platform.machine()},
{os.cpu_count()} CPUs, Python {platform.python_version()}, {server}
(synchronous_commit={sync[0] if sync else "?"}), everything on one machine.
{f["head"]:,} events recorded ({args.projects:,} projects through all six checkpoints, in
{f["recording"]:.1f} s); the history view handles {f["history_events"]:,} of them. Each runner
starts from an empty view and stops when the view has reached the view's last event.

| runner | view(s) | events | seconds | events/s |
|---|---|---:|---:|---:|
{table}

Same view, same events, measured in the same run: **{ours / library:.1f}×** the library's
runner (target ≥ 5×) and **{ours:,.0f} events/s** (target ≥ 10,000). Both runs use the same
projection and store classes; only the runner differs: the library's applies each event in
its own transaction, ours a batch of events and the view's position in one (pipelined).
The all-views pass reads and decodes the log once and writes every view, a transaction
per view per batch; its figure counts events read, each applied to up to seven views.
{END}
"""
    replace_section(START, END, section)


if __name__ == "__main__":
    main()
