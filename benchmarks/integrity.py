"""Verify throughput beside the raw read throughput of the notification log, same run.

Records realistic events (projects through all six checkpoints, chained by the recorder as
in production), signs a checkpoint, then on the same store measures: the library's read of
the notification log; `fundtrail verify`'s chain and checkpoint pass; the snapshot replay;
export of the whole log and of one project, and the offline check of each bundle. Writes
its section of benchmarks/RESULTS.md (replaced on rerun).

    .venv/bin/python -m benchmarks.integrity [--projects 10000] [--postgres-url URL]
"""

from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TypeVar
from uuid import UUID

import psycopg

from benchmarks import integrity_data
from benchmarks.results import replace_section, section_of
from infrastructure.integrity.audit import verify_store
from infrastructure.integrity.bundle_check import verify_bundle
from infrastructure.integrity.checkpointing import keep, sign_verified
from infrastructure.integrity.checkpoints import read_file
from infrastructure.integrity.export import export_bundle
from infrastructure.integrity.signing import create_key_file
from infrastructure.integrity.stores import open_log
from infrastructure.settings import Settings
from infrastructure.wiring import build_application

START, END = "<!-- integrity:start -->", "<!-- integrity:end -->"
PAGE = 5000
T = TypeVar("T")


@dataclass
class Figures:
    """One store's measurements."""

    store: str
    events: int
    recording: float
    raw_read: float
    verify: float
    snapshots: int
    full_verify: float
    export_all: float
    check_all: float
    bundle_mb: float
    export_one: float
    check_one: float
    one_events: int


def timed(work: Callable[[], T]) -> tuple[T, float]:
    started = time.perf_counter()
    result = work()
    return result, time.perf_counter() - started


def raw_read(settings: Settings) -> float:
    """Seconds for the library to read the whole notification log, PAGE at a time."""
    app = build_application(settings)
    try:
        started, start = time.perf_counter(), 1
        while page := app.recorder.select_notifications(start, PAGE):
            start = page[-1].id + 1
        return time.perf_counter() - started
    finally:
        app.close()


def measure(store: str, settings: Settings, projects: int, folder: Path) -> Figures:
    app = build_application(settings)
    _, recording = timed(lambda: integrity_data.record(app, projects))
    events = app.recorder.max_notification_id() or 0
    mapper = app.mapper
    project_id = next(
        UUID(str(n.originator_id))
        for n in app.recorder.select_notifications(1, 1000)
        if n.topic.endswith("Project.Proposed")
    )
    signer = create_key_file(folder / "signing.key")
    log = open_log(settings)
    try:
        (audit, verifier), _ = timed(lambda: verify_store(log, signer.public_key))
        keep(sign_verified(verifier, signer), log, folder / "checkpoints.jsonl")
        outside = [("checkpoint file", [c for _, c in read_file(folder / "checkpoints.jsonl")])]
        read = raw_read(settings)
        (audit, _), verify = timed(lambda: verify_store(log, signer.public_key, outside))
        assert audit.ok and audit.events_checked == events, audit.findings[:3]
        (full, _), full_verify = timed(
            lambda: verify_store(log, signer.public_key, outside, mapper)
        )
        assert full.ok and full.snapshots_checked is not None
        key = signer.public_key
        _, export_all = timed(lambda: export_bundle(log, "all", None, key.raw, folder / "all"))
        _, check_all = timed(lambda: verify_bundle(folder / "all", key))
        one = folder / "one"
        _, export_one = timed(lambda: export_bundle(log, "project", project_id.bytes, key.raw, one))
        report, check_one = timed(lambda: verify_bundle(one, key))
    finally:
        log.close()
        app.close()
    return Figures(
        store,
        events,
        recording,
        read,
        verify,
        full.snapshots_checked,
        full_verify,
        export_all,
        check_all,
        (folder / "all").stat().st_size / 1e6,
        export_one,
        check_one,
        report.events,
    )


def sqlite_run(projects: int) -> Figures:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(database_url=f"sqlite:///{folder}/bench.db")
        return measure("SQLite (file, WAL)", settings, projects, Path(folder))


def postgres_run(url: str, projects: int) -> Figures:
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(database_url=f"{url}?schema={schema}")
            with psycopg.connect(url) as conn:
                version = conn.execute(b"SHOW server_version").fetchone()
            label = f"PostgreSQL {version[0] if version else '?'}"
            return measure(label, settings, projects, Path(folder))
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'.encode())


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--projects", type=int, default=10000)
    parser.add_argument("--postgres-url", default=os.environ.get("FUNDTRAIL_TEST_PG_URL"))
    args = parser.parse_args()
    runs = [sqlite_run(args.projects)]
    if args.postgres_url:
        runs.append(postgres_run(args.postgres_url, args.projects))
    write_results(args.projects, runs)
    print(section_of(START, END))


def rate(events: int, seconds: float) -> str:
    return f"{events / seconds:,.0f}"


COLUMNS = (
    "store",
    "events",
    "recording (events/s)",
    "raw read (events/s)",
    "verify (events/s)",
    "full verify",
    "export --all",
    "verify-bundle --all (events/s)",
    "one project: export / verify-bundle",
)


def write_results(projects: int, runs: list[Figures]) -> None:
    rows = "\n".join(
        f"| {f.store} | {f.events:,} | {rate(f.events, f.recording)} | "
        f"**{rate(f.events, f.raw_read)}** | **{rate(f.events, f.verify)}** | "
        f"{f.full_verify:.1f} s ({f.snapshots} snapshots) | "
        f"{f.export_all:.1f} s, {f.bundle_mb:.0f} MB | {rate(f.events, f.check_all)} | "
        f"{f.export_one:.2f} s / {f.check_one * 1000:.0f} ms ({f.one_events} events) |"
        for f in runs
    )
    header = "| " + " | ".join(COLUMNS) + " |\n|---|---:|---:|---:|---:|---|---|---:|---|"
    command = f"python -m benchmarks.integrity --projects {projects}"
    machine = f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
    section = f"""{START}
## Integrity: verify throughput beside the raw read of the notification log

Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `{command}`
on {machine}, everything on one machine. {projects:,} projects through all six checkpoints
(with their accounts' and voucher claims' events, {integrity_data.PER_SAVE} projects per
transaction), recorded through the recorder, which writes the hash chain in the insert
transaction. "Raw read" is the library's `select_notifications` over the whole log, {PAGE}
per page; "verify" is `fundtrail verify`'s pass over the raw rows: every chain record
recomputed and both its links checked, the Merkle root, and a signed checkpoint from the
database and one from the outside file compared (target: 50,000 events/s). "Full verify"
adds the replay of every snapshot (each city account's, every 100 events). Bundles are
checked with no database.

{header}
{rows}
{END}
"""
    replace_section(START, END, section)


if __name__ == "__main__":
    main()
