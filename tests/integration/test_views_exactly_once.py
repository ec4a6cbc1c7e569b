"""Views are exactly-once: a failed batch leaves no trace, and nothing is applied twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from eventsourcing.persistence import IntegrityError, Tracking
from story import Story
from viewkit import build_scenario, catch_up, read_models

from domain.application import FundTrail
from infrastructure.settings import Settings
from projections import maintenance
from projections.catalog import VIEWS, Datastore, open_datastore, open_projections
from projections.source import EventSource
from projections.source import catch_up as catch_up_views
from projections.store import Meta, PositionMoved, ViewStore, order_by_key
from projections.view import ViewProjection


class Injected(RuntimeError):
    """The failure a test injects into a projection."""


def failing_at(projection: ViewProjection, position: int) -> ViewProjection:
    """The same projection on the same store, raising when it meets one position."""
    base = type(projection)

    def writes(self: ViewProjection, event: Any, meta: Meta) -> Any:
        if meta.position == position:
            raise Injected(f"injected at {position}")
        return base.writes(self, event, meta)

    faulty = type(f"Failing{base.__name__}", (base,), {"writes": writes})
    result: ViewProjection = faulty(projection.view)
    return result


def dump(store: ViewStore) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table of a view, in key order."""
    return {t.name: store.select(order_by_key(store, t)) for t in store.schema.tables}


@pytest.fixture
def live(
    store_app: FundTrail, database_url: str
) -> Iterator[tuple[Datastore, list[ViewProjection]]]:
    datastore = open_datastore(Settings(database_url=database_url))
    yield datastore, open_projections(list(VIEWS.values()), datastore)
    datastore.close()


def source_for(app: FundTrail, projections: list[ViewProjection]) -> EventSource:
    return EventSource(app, [t for p in projections for t in p.topics])


def test_a_batch_stopped_mid_way_leaves_no_trace_and_resumes_without_counting_twice(
    store_story: Story, database_url: str, live: tuple[Datastore, list[ViewProjection]]
) -> None:
    app = store_story.app
    _, projections = live
    store_story.evaluated()
    catch_up_views(source_for(app, projections), projections)
    before = {p.name: (p.view.position(), dump(p.view)) for p in projections}
    scenario = build_scenario(store_story)
    head = app.recorder.max_notification_id() or 0
    for projection in projections:  # one big batch each, failing at an event half way through
        events, _ = source_for(app, [projection]).read(projection.view.position(), 10_000, head)
        assert len(events) > 2
        faulty = failing_at(projection, events[len(events) // 2][1])
        with pytest.raises(Injected):
            catch_up_views(source_for(app, [faulty]), [faulty], batch_size=10_000)
    assert {p.name: (p.view.position(), dump(p.view)) for p in projections} == before
    catch_up_views(source_for(app, projections), projections, batch_size=10_000)
    report = maintenance.check(Settings(database_url=database_url))
    assert report.differences == [] and set(report.positions.values()) == {head}
    assert report.lagging() == {}
    with read_models(database_url) as views:
        figures = views.account_as_of(scenario.linyi, app.clock())
        account = app.get_account(scenario.linyi)
        assert figures is not None
        assert (figures.earmarked, figures.disbursed, figures.available) == (
            account.earmarked,
            account.disbursed,
            account.available,
        )
        assert len(views.ledger(scenario.linyi).items) == account.version - 1


def test_a_batch_for_a_position_the_view_has_left_is_refused(
    store_story: Story, live: tuple[Datastore, list[ViewProjection]]
) -> None:
    app = store_story.app
    _, projections = live
    ledger = next(p for p in projections if p.name == "ledger")
    store_story.account()
    catch_up_views(source_for(app, [ledger]), [ledger])
    rows = dump(ledger.view)
    head = ledger.view.position()
    store_story.account()
    events, upto = source_for(app, [ledger]).read(
        head, 100, app.recorder.max_notification_id() or 0
    )
    with pytest.raises(PositionMoved):
        ledger.view.apply(ledger, events, upto=upto, expected=head - 1)
    assert dump(ledger.view) == rows and ledger.view.position() == head
    ledger.view.apply(ledger, events, upto=upto, expected=head)
    with pytest.raises(IntegrityError):  # the same batch again, without a position check
        ledger.view.apply(ledger, events, upto=upto)
    assert len(dump(ledger.view)["ledger_entries"]) == 2


def test_the_library_runner_way_applies_an_event_once(
    store_story: Story, live: tuple[Datastore, list[ViewProjection]]
) -> None:
    app = store_story.app
    _, projections = live
    register = next(p for p in projections if p.name == "register")
    project_id = store_story.proposed()
    notifications = app.recorder.select_notifications(start=1, limit=1000)
    proposed = next(n for n in notifications if n.originator_id == project_id)
    event = app.mapper.to_domain_event(proposed)
    register.process_event(event, Tracking("fundtrail", proposed.id))
    with pytest.raises(IntegrityError):
        register.process_event(event, Tracking("fundtrail", proposed.id))
    assert len(dump(register.view)["register_projects"]) == 1
    assert register.view.position() == proposed.id


def test_two_runners_racing_on_the_same_views_apply_each_event_once(
    store_story: Story, database_url: str
) -> None:
    scenario = build_scenario(store_story)
    errors: list[BaseException] = []

    def run() -> None:
        datastore: Datastore | None = None
        try:  # each racer with its own pool and projections, as separate processes would be
            datastore = open_datastore(Settings(database_url=database_url))
            projections = open_projections(list(VIEWS.values()), datastore)
            catch_up_views(source_for(store_story.app, projections), projections, batch_size=3)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            if datastore is not None:
                datastore.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    differences = maintenance.check(Settings(database_url=database_url)).differences
    assert differences == []
    with read_models(database_url) as views:
        assert len(views.ledger(scenario.linyi).items) == 13
        assert sum(1 for _ in views.history(scenario.paying).items) == 15


def test_catch_up_reads_nothing_twice(store_story: Story, database_url: str) -> None:
    build_scenario(store_story)
    first = catch_up(database_url, batch_size=5)
    assert first > 0 and catch_up(database_url) == 0
