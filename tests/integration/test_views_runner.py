"""The runner keeps views up to date in-process, as a worker process, and across failures."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal

import psycopg
import pytest
from eventsourcing.postgres import PostgresDatastore
from eventsourcing.projection import ProjectionRunner
from eventsourcing.utils import EnvType
from story import Story, req
from viewkit import build_scenario, read_models

from domain.application import FundTrail
from domain.commands import Request
from infrastructure.settings import Settings
from infrastructure.transcodings import all_transcodings
from infrastructure.wiring import build_application
from projections import maintenance
from projections.catalog import open_datastore
from projections.ledger import SCHEMA, LedgerProjection, PostgresLedgerStore
from projections.runner import ViewsRunner
from projections.source import EventSource
from projections.source import catch_up as catch_up_views
from projections.store import order_by_key

PATIENCE = 60.0  # generous bounds on waiting; no test asserts how fast anything is


def eventually(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


@pytest.fixture
def runner(store_app: object, database_url: str) -> Iterator[ViewsRunner]:
    running = ViewsRunner(Settings(database_url=database_url))
    running.start()
    yield running
    running.stop()


def test_a_query_reflects_a_command_once_the_views_reach_its_position(
    store_story: Story, database_url: str, runner: ViewsRunner
) -> None:
    story = store_story
    with read_models(database_url) as views:
        project_id = story.proposed()
        result = story.app.publish_disclosure(
            req("po", story.app.get_project(project_id).latest_effective_on),
            project_id,
            "selection",
            story.app.get_project(project_id).latest_effective_on,
            7,
        )
        assert views.wait_for(result.position, timeout=PATIENCE)
        assert [e.type for e in views.history(project_id).items] == [
            "Proposed",
            "DisclosurePublished",
        ]
        assert [d.project_id for d in views.disclosures().items] == [project_id]
        officials = story.app.register_official(Request("cli"), "x1", "Xu Ke", "Org", ("auditor",))
        assert views.wait_for(officials.position, timeout=PATIENCE)  # views no event concerns
    runner.stop()
    assert runner.last_error is None


def test_waiting_for_a_position_not_reached_gives_up_at_the_timeout(
    store_story: Story, database_url: str
) -> None:
    head = store_story.app.recorder.max_notification_id() or 0
    with read_models(database_url) as views:
        assert views.wait_for(0, timeout=0.0)
        assert not views.wait_for(head + 1000, timeout=0.05)


def test_a_rebuild_while_the_runner_runs_leaves_views_equal_to_the_events(
    store_story: Story, database_url: str, runner: ViewsRunner
) -> None:
    scenario = build_scenario(store_story)
    maintenance.rebuild(Settings(database_url=database_url), ["ledger", "register"])
    result = store_story.app.allocate_funds(
        req("fo1", store_story.app.clock()), scenario.linyi, Decimal("1.00"), "after-rebuild"
    )
    with read_models(database_url) as views:
        assert views.wait_for(result.position, timeout=PATIENCE)
        assert views.ledger(scenario.linyi).items[-1].document_no == "after-rebuild"
    differences = maintenance.check(Settings(database_url=database_url)).differences
    assert differences == []


@pytest.mark.postgres
def test_the_listener_reconnects_after_its_connection_is_killed(pg_url: str) -> None:
    settings = Settings(database_url=pg_url)
    with ViewsRunner(settings) as runner:
        runner.start()
        listener = runner.listener
        assert listener is not None
        eventually(lambda: listener.backend_pid is not None, "the listener to connect")
        killed = listener.backend_pid
        with psycopg.connect(settings.postgres_conninfo(), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (killed,))
        eventually(lambda: listener.backend_pid not in (None, killed), "the listener to reconnect")
        story = Story(build_application(settings)).cast()
        try:
            project_id = story.proposed()
            with read_models(pg_url) as views:
                position = story.app.recorder.max_notification_id() or 0
                assert views.wait_for(position, timeout=PATIENCE)
                assert [r.id for r in views.register().items] == [project_id]
        finally:
            story.app.close()


def test_the_worker_process_keeps_views_up_to_date_and_stops_on_sigterm(
    store_story: Story, database_url: str
) -> None:
    env = {**os.environ, "FUNDTRAIL_DATABASE_URL": database_url}
    worker = subprocess.Popen(
        [sys.executable, "-c", "from api.cli import main; main()", "worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        scenario = build_scenario(store_story)
        position = store_story.app.recorder.max_notification_id() or 0
        with read_models(database_url) as views:
            assert views.wait_for(position, timeout=PATIENCE)
            assert len(views.ledger(scenario.linyi).items) == 13
    finally:
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=PATIENCE)
    assert worker.returncode == 0, output
    assert "worker: stopped" in output


class LibraryRunnerApp(FundTrail):
    """FundTrail constructible from an env alone, as the library's runner constructs it."""

    name = "fundtrail"

    def __init__(self, env: EnvType | None = None) -> None:
        super().__init__(env, transcodings=all_transcodings())


@pytest.mark.postgres
def test_the_library_projection_runner_builds_the_same_view(pg_url: str) -> None:
    settings = Settings(database_url=pg_url)
    store_story = Story(build_application(settings)).cast()
    build_scenario(store_story)
    last = max(
        n.id
        for n in store_story.app.recorder.select_notifications(start=1, limit=10_000)
        if n.topic in LedgerProjection.topics
    )
    with ProjectionRunner(
        application_class=LibraryRunnerApp,
        projection_class=LedgerProjection,
        view_class=PostgresLedgerStore,
        env=dict(settings.eventsourcing_env()),
    ) as runner:
        runner.wait(last, timeout=PATIENCE)
        library_rows = {
            t.name: runner.view.select(order_by_key(runner.view, t)) for t in SCHEMA.tables
        }
    datastore = open_datastore(settings)
    try:
        assert isinstance(datastore, PostgresDatastore)
        ours = PostgresLedgerStore(datastore, prefix="ours_")
        ours.create_table()
        projection = LedgerProjection(ours)
        catch_up_views(EventSource(store_story.app, projection.topics), [projection], batch_size=4)
        our_rows = {t.name: ours.select(order_by_key(ours, t)) for t in SCHEMA.tables}
    finally:
        datastore.close()
        store_story.app.close()
    assert our_rows == library_rows and len(library_rows["ledger_entries"]) == 14
