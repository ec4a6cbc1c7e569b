"""Loading a busy account: with fundtrail's snapshots vs the library replaying every event.

Records one dedicated account with many allocations (a busy 专户), then, in the same run
and on the same events, times a cold load (no aggregate cache) of the account:
- by fundtrail's application, which snapshots a FundAccount every 100 events;
- by the same application class with snapshotting switched off: the library's replay of
  every event from version 1;
and the cost of the command path (load + allocate + save) on the busy account. Figures go
to benchmarks/RESULTS.md (its own section, replaced on rerun).

    .venv/bin/python -m benchmarks.busy_account [--events 20000] [--url sqlite:///...|postgresql://...]
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import ClassVar
from uuid import UUID

from eventsourcing.domain import MutableOrImmutableAggregate

from benchmarks.results import replace_section
from domain.application import FundTrail
from domain.commands import Request
from infrastructure.settings import Settings
from infrastructure.transcodings import all_transcodings
from infrastructure.wiring import build_application, creating_tables

START, END = "<!-- busy-account:start -->", "<!-- busy-account:end -->"
LOADS = 20


class Unsnapshotted(FundTrail):
    """The same application with snapshotting off: every load replays every event."""

    name = "fundtrail"
    snapshotting_intervals: ClassVar[dict[type[MutableOrImmutableAggregate[UUID]], int]] = {}


def record_busy_account(settings: Settings, events: int) -> UUID:
    """An account with `events` allocations, recorded through the application."""
    app = build_application(settings)
    app.register_official(Request("cli"), "fo", "Finance", "Linyi", ("finance_officer",))
    opened = app.open_account(Request("fo"), "busy", "provincial", 2017, "Linyi", ("industry",))
    for n in range(events - 1):
        app.allocate_funds(Request("fo", date(2017, 1, 2)), opened.id, Decimal("1.00"), f"D{n}")
        if n % 5000 == 0:
            print(f"recorded {n} allocations", flush=True)
    app.close()
    return opened.id


def time_loads(app: FundTrail, account_id: UUID) -> float:
    """Seconds per cold load of the account (the cache is bypassed by asking a version)."""
    version = app.get_account(account_id).version
    started = time.perf_counter()
    for _ in range(LOADS):
        app.get_account(account_id, version=version)
    return (time.perf_counter() - started) / LOADS


def main() -> None:
    """Record, time, write the section."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--url", default="")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="fundtrail-bench-")
    url = args.url or f"sqlite:///{Path(folder) / 'busy.db'}"
    settings = Settings(database_url=url)
    account_id = record_busy_account(settings, args.events)
    snapshotted = build_application(settings)
    with creating_tables(settings):
        replaying = Unsnapshotted(settings.eventsourcing_env(), transcodings=all_transcodings())
    with_snapshots, without = time_loads(snapshotted, account_id), time_loads(replaying, account_id)
    started = time.perf_counter()
    for n in range(LOADS):
        snapshotted.allocate_funds(Request("fo"), account_id, Decimal("1.00"), f"X{n}")
    command = (time.perf_counter() - started) / LOADS
    store = "PostgreSQL" if settings.is_postgres else "SQLite (file, WAL)"
    section = f"""{START}
## Loading a busy account (snapshots)

Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC by `python -m benchmarks.busy_account
--events {args.events}` on {platform.machine()}, Python {platform.python_version()}, {store}.
One account with {args.events:,} events; a cold load (no aggregate cache), {LOADS} times.

| load of the account | ms per load |
|---|---:|
| library replay of every event (snapshotting off) | {without * 1000:.1f} |
| fundtrail (snapshot every 100 events, then the rest) | {with_snapshots * 1000:.1f} |
| a command on it (load + allocate + save, cache on) | {command * 1000:.1f} |

Snapshots make the cold load **{without / with_snapshots:.0f}×** faster on this account.
{END}
"""
    replace_section(START, END, section)
    print(section)
    snapshotted.close()
    replaying.close()


if __name__ == "__main__":
    main()
