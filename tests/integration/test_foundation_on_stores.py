"""The foundation on real stores: SQLite file and PostgreSQL, the same tests for each."""

from __future__ import annotations

import threading
from copy import deepcopy
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

import pytest
from eventsourcing.domain import Aggregate, MutableOrImmutableAggregate
from story import PAYABLE_ON, SELECTION_DISCLOSED_ON, Story, req, voucher

from domain import errors
from domain.account import FundAccount
from domain.application import FundTrail
from domain.engine import MAX_ATTEMPTS, Outcome
from domain.project import Project
from domain.values import Context
from infrastructure.settings import Settings
from infrastructure.transcodings import all_transcodings
from infrastructure.wiring import build_application, ensure_schema


def test_whole_story_is_kept_and_read_back_by_a_new_process(
    store_story: Story, database_url: str
) -> None:
    project_id = store_story.evaluated()
    account_id = store_story.account_id
    assert account_id is not None
    reopened = build_application(Settings(database_url=database_url))
    try:
        project = reopened.get_project(project_id)
        account = reopened.get_account(account_id)
    finally:
        reopened.close()
    assert (project.checkpoint, project.status, project.score) == ("benefit", "closed", 88)
    assert project.disbursed == Decimal("250000.00")
    assert account.available == Decimal("4750000.00")
    assert reopened is not store_story.app


def test_recorded_time_index_answers_as_recorded_queries(store_story: Story) -> None:
    app = store_story.app
    project_id = store_story.approved()
    recorded = app.index.recorded_at(project_id)
    assert sorted(recorded) == list(range(1, app.get_project(project_id).version + 1))
    times = [recorded[v] for v in sorted(recorded)]
    assert times == sorted(times)
    at_establishment = app.get_project_as_recorded(project_id, recorded[6])
    assert at_establishment.version == 6
    assert at_establishment == app.get_project(project_id, version=6)
    positions = [app.index.position_of(project_id, v) or 0 for v in sorted(recorded)]
    assert 0 not in positions and positions == sorted(positions)


def test_twenty_parallel_payments_from_two_processes_exactly_fourteen_succeed(
    store_story: Story, database_url: str
) -> None:
    project_id = store_story.approved(approved="280000.00")
    # A second application on the same store stands in for a second server process:
    # commands from the two conflict in the database, not on an in-process lock.
    other = build_application(Settings(database_url=database_url))
    apps = [store_story.app, other]
    outcomes: list[str] = []
    start = threading.Barrier(20)

    def pay(n: int) -> None:
        start.wait()
        try:
            apps[n % 2].disburse(
                req("fo1", PAYABLE_ON),
                project_id,
                Decimal("20000.00"),
                f"payee {n}",
                (voucher("20000.00"),),
            )
        except errors.DisbursementExceedsRemaining:
            outcomes.append("refused")
        else:
            outcomes.append("paid")

    threads = [threading.Thread(target=pay, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert sorted(outcomes) == ["paid"] * 14 + ["refused"] * 6
    project = store_story.app.get_project(project_id)
    assert project.disbursed == Decimal("280000.00")
    assert sorted(p.no for p in project.payments) == list(range(1, 15))
    account = store_story.app.get_account(project.account_id or project_id)
    assert (account.earmarked, account.disbursed) == (Decimal("0.00"), Decimal("280000.00"))


class Snapshotting(FundTrail):
    """FundTrail taking snapshots every few events, remembering every state it saved."""

    name = "fundtrail"
    snapshotting_intervals: ClassVar[dict[type[MutableOrImmutableAggregate[UUID]], int]] = {
        FundAccount: 3,
        Project: 4,
    }
    seen: dict[tuple[UUID, int], dict[str, Any]]

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """Save, then remember each aggregate's state at its new version."""
        recordings = super().save(*objs, **kwargs)
        for obj in objs:
            if isinstance(obj, Aggregate):
                self.seen[(obj.id, obj.version)] = deepcopy(_state(obj))
        return recordings


def _state(aggregate: Aggregate) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if k != "_pending_events"}


def test_every_aggregate_at_every_version_equals_its_state_then(database_url: str) -> None:
    settings = Settings(database_url=database_url)
    env = settings.eventsourcing_env()
    if settings.is_postgres:
        ensure_schema(settings)
    app = Snapshotting(env, transcodings=all_transcodings())
    app.seen = {}
    story = Story(app).cast()
    story.evaluated()
    project_id = story.approved()
    story.pay(project_id, "1000.00")
    app.reverse_disbursement(req("fo2", PAYABLE_ON, "wrong payee"), project_id, 1)
    story.pay(project_id, "900.00")
    assert app.snapshots is not None
    assert list(app.snapshots.get(project_id)), "the test must exercise snapshots"
    fresh = Snapshotting(env, transcodings=all_transcodings())
    for (aggregate_id, version), state in app.seen.items():
        replayed: Aggregate = fresh.repository.get(aggregate_id, version=version)
        assert _state(replayed) == state, (aggregate_id, version)
    app.close()
    fresh.close()


def test_conflicts_that_never_stop_end_in_busy_with_nothing_recorded(
    store_story: Story, database_url: str
) -> None:
    app = store_story.app
    project_id = store_story.proposed()
    other = build_application(Settings(database_url=database_url))
    attempts = 0

    def run_while_another_process_writes(context: Context) -> Outcome:
        nonlocal attempts
        attempts += 1
        stale = app.load(Project, project_id, "project")
        # Another process records first, every time: our save must conflict.
        other.raise_objection(req("po2", SELECTION_DISCLOSED_ON), project_id, "selection", "x", "v")
        stale.record_review(context, "expert", True, "ok")
        return Outcome(stale, [stale])

    app.publish_disclosure(
        req("po", SELECTION_DISCLOSED_ON), project_id, "selection", SELECTION_DISCLOSED_ON, 7
    )
    with pytest.raises(errors.Busy, match="nothing was recorded, retry"):
        app.execute(
            "record_review",
            req("rev", SELECTION_DISCLOSED_ON),
            {"project_id": project_id},
            [project_id],
            run_while_another_process_writes,
        )
    other.close()
    assert attempts == MAX_ATTEMPTS
    project = app.get_project(project_id)
    assert project.reviews == {} and len(project.objections) == MAX_ATTEMPTS


def test_a_refusal_read_from_stale_state_is_retried_on_fresh_state(
    store_story: Story, database_url: str
) -> None:
    app = store_story.app
    project_id = store_story.approved(approved="20000.00")
    other = build_application(Settings(database_url=database_url))
    attempts = 0

    def pay_while_another_process_takes_the_last_of_the_earmark(context: Context) -> Outcome:
        nonlocal attempts
        attempts += 1
        project = app.load(Project, project_id, "project")
        if attempts == 1:
            # The other process pays between our two reads: project stale, account fresh.
            other.disburse(
                req("fo2", PAYABLE_ON), project_id, Decimal("20000.00"), "p", (voucher("20000"),)
            )
        account = app.load(FundAccount, project.account_id or project_id, "account")
        payment = project.disburse(context, Decimal("20000.00"), "q", (voucher("20000"),))
        account.pay(context, project.id, payment.no, Decimal("20000.00"))
        return Outcome(project, [project, account])

    with pytest.raises(errors.DisbursementExceedsRemaining, match="remaining approved amount"):
        app.execute(
            "disburse",
            req("fo1", PAYABLE_ON),
            {"project_id": project_id},
            [project_id],
            pay_while_another_process_takes_the_last_of_the_earmark,
        )
    other.close()
    assert attempts == 2  # the stale refusal (earmark exceeded) was not the answer
