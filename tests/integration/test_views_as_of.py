"""As-of answers (a version, a recorded time, a business date) equal a replay of the events."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, cast
from uuid import UUID

from histories import figures_by_replay
from story import ACCOUNT_OPENED_ON, Story
from viewkit import build_scenario, catch_up, read_models

from domain.account import FundAccount
from domain.application import FundTrail
from domain.project import Project
from domain.views import AccountView, ProjectView


def replay(app: FundTrail, aggregate_id: UUID, version: int) -> Any:
    """The aggregate rebuilt from its first event, ignoring snapshots and caches."""
    aggregate: Any = None
    for event in app.repository.event_store.get(aggregate_id, lte=version):
        aggregate = cast(Any, event).mutate(aggregate)
    return aggregate


def test_a_project_as_of_every_version_equals_a_replay_across_snapshots(store_story: Story) -> None:
    app = store_story.app
    project_id = store_story.approved()
    for _ in range(45):  # past the snapshot interval of 50 events
        store_story.pay(project_id, "1000.00")
    latest = app.get_project(project_id).version
    assert latest > 50
    assert app.snapshots is not None and list(app.snapshots.get(project_id)), "no snapshot taken"
    for version in range(1, latest + 1):
        replayed = replay(app, project_id, version)
        assert isinstance(replayed, Project)
        assert app.get_project(project_id, version) == ProjectView.of(replayed)
    assert app.get_project(project_id) == ProjectView.of(replay(app, project_id, latest))


def test_as_recorded_answers_follow_the_recorded_time_index(
    store_story: Story, database_url: str
) -> None:
    s = build_scenario(store_story)
    app = store_story.app
    catch_up(database_url)
    with read_models(database_url) as views:
        for event in views.history(s.paying).items:
            as_recorded = app.get_project_as_recorded(s.paying, event.recorded_at)
            assert as_recorded == ProjectView.of(replay(app, s.paying, event.version))
        for entry in views.ledger(s.linyi).items:
            account = app.get_account_as_recorded(s.linyi, entry.recorded_at)
            replayed = replay(app, s.linyi, entry.entry_no + 1)
            assert isinstance(replayed, FundAccount)
            assert account == AccountView.of(replayed)
    times = app.index.recorded_at(s.paying)
    first = min(times.values())
    before = first - timedelta(microseconds=1)
    assert app.index.version_at(s.paying, before) is None


def test_account_figures_as_of_each_business_date_equal_a_replay(
    store_story: Story, database_url: str
) -> None:
    s = build_scenario(store_story)
    app = store_story.app
    catch_up(database_url, batch_size=3)
    with read_models(database_url) as views:
        for account_id in (s.linyi, s.jinan):
            dates = {e.effective_on for e in views.ledger(account_id).items}
            around = {d + timedelta(days=k) for d in dates for k in (-1, 0, 1)}
            for day in sorted(around):
                figures = views.account_as_of(account_id, day)
                assert figures is not None
                replayed = figures_by_replay(app, account_id, day)
                assert {
                    "allocated": figures.allocated,
                    "earmarked": figures.earmarked,
                    "disbursed": figures.disbursed,
                    "available": figures.available,
                } == replayed, day


def test_account_figures_before_the_account_was_opened_are_none(
    store_story: Story, database_url: str
) -> None:
    account_id = store_story.account()
    catch_up(database_url)
    with read_models(database_url) as views:
        day_before = ACCOUNT_OPENED_ON - timedelta(days=1)
        assert views.account_as_of(account_id, day_before) is None
        opened = views.account_as_of(account_id, ACCOUNT_OPENED_ON)
        assert opened is not None and opened.allocated == Decimal("0.00")
