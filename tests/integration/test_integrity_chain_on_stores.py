"""The chain stays one line through concurrent writers, idempotent retries, voucher claims
and automatic snapshots, on both stores; verify then finds everything intact."""

from __future__ import annotations

import threading
from decimal import Decimal
from pathlib import Path
from typing import ClassVar
from uuid import UUID

import pytest
from eventsourcing.domain import MutableOrImmutableAggregate
from eventsourcing.persistence import ProgrammingError
from integrity_support import Shell, raw_store
from story import PAYABLE_ON, Story, req, voucher

from domain.account import FundAccount
from domain.application import FundTrail
from domain.project import Project
from infrastructure.settings import Settings
from infrastructure.transcodings import all_transcodings
from infrastructure.wiring import build_application


class Snapshotting(FundTrail):
    """FundTrail snapshotting every few events, so that a story leaves many snapshots."""

    name = "fundtrail"
    snapshotting_intervals: ClassVar[dict[type[MutableOrImmutableAggregate[UUID]], int]] = {
        FundAccount: 3,
        Project: 4,
    }


def verify(url: str, folder: Path) -> str:
    result = Shell(url, folder).run("verify")
    assert result.exit_code == 0, result.output
    return result.output


def test_concurrent_writers_from_two_processes_keep_one_chain(
    store_story: Story, database_url: str, tmp_path: Path
) -> None:
    project_id = store_story.approved(approved="280000.00")
    other = build_application(Settings(database_url=database_url))
    apps, start = [store_story.app, other], threading.Barrier(12)

    def pay(n: int) -> None:
        start.wait()
        apps[n % 2].disburse(
            req("fo1", PAYABLE_ON),
            project_id,
            Decimal("1000.00"),
            f"payee {n}",
            (voucher("1000.00"),),
        )

    def open_account(n: int) -> None:
        start.wait()
        apps[n % 2].open_account(
            req("fo2", PAYABLE_ON), f"account {n}", "county", 2017, "Linyi", ("industry",)
        )

    threads = [
        threading.Thread(target=pay if n % 3 else open_account, args=(n,)) for n in range(12)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    events = len(raw_store(database_url).rows())
    assert f"events checked: {events} (chain records: {events}," in verify(database_url, tmp_path)


def test_automatic_snapshots_are_each_checked_against_a_replay(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=database_url)
    app = build_application(settings)  # creates the tables
    app.close()
    app = Snapshotting(settings.eventsourcing_env(), transcodings=all_transcodings())
    try:
        Story(app).cast().evaluated()
    finally:
        app.close()
    raw = raw_store(database_url)
    snapshots = raw.snapshots()
    assert len(snapshots) == 4  # project at 4, 8, 12; account at 3
    assert f"snapshots checked against a replay: {len(snapshots)}" in verify(database_url, tmp_path)
    aggregate_id, version = min(snapshots, key=lambda s: s[1])
    state = raw.snapshot_state(aggregate_id, version)
    raw.set_snapshot_state(aggregate_id, version, state.replace(b"Linyi", b"Linyj", 1))
    result = Shell(database_url, tmp_path).run("verify")
    assert result.exit_code == 1
    assert (
        f"the snapshot of aggregate {aggregate_id} version {version} does not match"
        in result.output
    )


@pytest.mark.postgres
def test_the_unlocked_db_function_insert_is_refused_so_no_event_goes_unchained(
    pg_url: str,
) -> None:
    env = {**Settings(database_url=pg_url).eventsourcing_env(), "POSTGRES_ENABLE_DB_FUNCTIONS": "y"}
    with pytest.raises(ProgrammingError, match="POSTGRES_ENABLE_DB_FUNCTIONS=y is not supported"):
        FundTrail(env, transcodings=all_transcodings())
