"""`check` finds nothing after random histories and names every hand-corrupted row."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import urlsplit, urlunsplit
from uuid import uuid4

import pg_server
import pytest
from histories import Driver, Step, figures_by_replay, steps
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from story import ACCOUNT_OPENED_ON, Story
from typer.testing import CliRunner
from viewkit import build_scenario, catch_up, execute, read_models

from api.cli import cli
from infrastructure.settings import Settings
from infrastructure.wiring import build_application
from projections import maintenance


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fresh_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[], str]:
    """A maker of fresh, empty stores (one per hypothesis example)."""
    if request.param == "sqlite":
        return lambda: f"sqlite:///{tmp_path_factory.mktemp('history') / 'fundtrail.db'}"
    database: str = request.getfixturevalue("pg_database_url")
    return lambda: pg_server.create_test_schema(database)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(history=steps(), batch_size=st.integers(1, 30), split=st.integers(0, 40), data=st.data())
def test_check_is_clean_after_random_histories(
    fresh_url: Callable[[], str],
    history: list[Step],
    batch_size: int,
    split: int,
    data: st.DataObject,
) -> None:
    url = fresh_url()
    app = build_application(Settings(database_url=url))
    try:
        story = Story(app).cast()
        driver = Driver(story)
        driver.run(history[:split])
        catch_up(url, batch_size)  # part of the way, then the rest: incremental catch-up too
        driver.run(history[split:])
        catch_up(url, batch_size)
        # The shadow is built in batches of 1000: rows must not depend on batch edges.
        differences = maintenance.check(Settings(database_url=url)).differences
        assert differences == []
        assert story.account_id is not None
        with read_models(url) as views:
            for project_id in driver.projects:  # the register agrees with the aggregates
                row, project = views.register_row(project_id), app.get_project(project_id)
                assert row is not None
                assert (row.checkpoint, row.status, row.disbursed, row.approved_amount) == (
                    project.checkpoint,
                    project.status,
                    project.disbursed,
                    project.approved_amount,
                )
                assert row.version == project.version
            days = data.draw(st.lists(st.integers(0, 700), min_size=1, max_size=5))
            for day in [date(2017, 1, 1) + timedelta(days=d) for d in days] + [driver.day]:
                figures = views.account_as_of(story.account_id, day)
                if day < ACCOUNT_OPENED_ON:
                    assert figures is None  # not there yet: 404, as for a project
                    continue
                assert figures is not None
                replayed = figures_by_replay(app, story.account_id, day)
                assert (
                    figures.allocated,
                    figures.earmarked,
                    figures.disbursed,
                    figures.available,
                ) == (
                    replayed["allocated"],
                    replayed["earmarked"],
                    replayed["disbursed"],
                    replayed["available"],
                )
    finally:
        app.close()


def test_check_names_every_hand_corrupted_row(store_story: Story, database_url: str) -> None:
    s = build_scenario(store_story)
    catch_up(database_url)
    settings_ = Settings(database_url=database_url)
    assert maintenance.check(settings_).differences == []
    execute(
        database_url,
        "UPDATE ledger_entries SET amount = amount + 1 "
        f"WHERE account_id = '{s.linyi}' AND entry_no = 3",
        f"DELETE FROM register_projects WHERE project_id = '{s.rejected}'",
        "INSERT INTO acts SELECT 999999, project_id, account_id, checkpoint, 'approved', 'forged', "
        "'nobody', 'Nobody', 'approver', 'nowhere', recorded_at, effective_on FROM acts "
        "WHERE position = (SELECT MIN(position) FROM acts)",
    )
    differences = maintenance.check(settings_).differences
    found = {(d.view, d.table, d.problem) for d in differences}
    assert found == {
        ("ledger", "ledger_entries", "differs"),
        ("register", "register_projects", "missing"),
        ("accountability", "acts", "unexpected"),
    }
    changed = next(d for d in differences if d.problem == "differs")
    assert changed.key["entry_no"] == 3 and list(changed.columns) == ["amount"]
    assert changed.columns["amount"][0] - changed.columns["amount"][1] == Decimal("0.01")
    forged = next(d for d in differences if d.problem == "unexpected")
    assert forged.key == {"position": 999999}
    assert str(s.rejected) in next(d for d in differences if d.problem == "missing").describe()


def test_cli_check_fails_on_a_corrupted_view_until_it_is_rebuilt(
    store_story: Story, database_url: str
) -> None:
    s = build_scenario(store_story)
    env = {"FUNDTRAIL_DATABASE_URL": database_url}
    runner = CliRunner()
    assert runner.invoke(cli, ["projections", "rebuild"], env=env).exit_code == 0
    clean = runner.invoke(cli, ["projections", "check"], env=env)
    assert clean.exit_code == 0, clean.output
    assert "ok: every view equals a rebuild" in clean.output
    execute(
        database_url,
        f"UPDATE board_disclosures SET beneficiaries = 99 WHERE project_id = '{s.objected}'",
    )
    dirty = runner.invoke(cli, ["projections", "check"], env=env)
    assert dirty.exit_code == 1
    assert (
        f"disclosures: board_disclosures (project_id={s.objected}, stage=selection)" in dirty.output
    )
    assert "beneficiaries is 99, the events give 2" in dirty.output
    assert runner.invoke(cli, ["projections", "check", "ledger"], env=env).exit_code == 0
    rebuilt = runner.invoke(cli, ["projections", "rebuild", "disclosures"], env=env)
    assert rebuilt.exit_code == 0 and "rebuilt disclosures up to notification" in rebuilt.output
    assert runner.invoke(cli, ["projections", "check"], env=env).exit_code == 0
    unknown = runner.invoke(cli, ["projections", "rebuild", "ledgers"], env=env)
    assert unknown.exit_code == 2 and "no view named 'ledgers'" in unknown.output


def test_check_compares_a_lagging_view_at_its_own_position(
    store_story: Story, database_url: str
) -> None:
    build_scenario(store_story)
    catch_up(database_url)
    store_story.evaluated()  # recorded, not yet projected
    head = store_story.app.recorder.max_notification_id()
    report = maintenance.check(Settings(database_url=database_url))
    assert report.differences == [] and report.head == head
    assert set(report.lagging()) == set(report.positions) and all(report.lagging().values())
    env = {"FUNDTRAIL_DATABASE_URL": database_url}
    said = CliRunner().invoke(cli, ["projections", "check", "ledger"], env=env)
    assert said.exit_code == 0 and f"note: ledger is behind the log's head ({head})" in said.output


def test_rebuild_gives_the_same_rows_as_the_live_views(
    store_story: Story, database_url: str
) -> None:
    s = build_scenario(store_story)
    catch_up(database_url, batch_size=4)
    with read_models(database_url) as views:
        before = (
            views.ledger(s.linyi),
            views.register(),
            views.dispatch("2017-12"),
            views.look_back(on=date(2017, 12, 31)),
        )
    positions = maintenance.rebuild(Settings(database_url=database_url))
    assert set(positions.values()) == {store_story.app.recorder.max_notification_id()}
    with read_models(database_url) as views:
        after = (
            views.ledger(s.linyi),
            views.register(),
            views.dispatch("2017-12"),
            views.look_back(on=date(2017, 12, 31)),
        )
    assert after == before


@pytest.mark.postgres
def test_check_without_the_right_to_create_tables_says_so(pg_url: str) -> None:
    owner = Settings(database_url=pg_url)
    build_application(owner).close()
    catch_up(pg_url)
    role = f"reader_{uuid4().hex[:10]}"
    schema = owner.eventsourcing_env()["POSTGRES_SCHEMA"]
    execute(
        pg_url,
        f"CREATE ROLE {role} LOGIN",
        f"GRANT USAGE ON SCHEMA {schema} TO {role}",
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
    )
    try:
        parts = urlsplit(pg_url)
        as_role = urlunsplit(parts._replace(netloc=f"{role}@{parts.hostname}:{parts.port}"))
        env = {"FUNDTRAIL_DATABASE_URL": as_role, "FUNDTRAIL_CREATE_TABLES": "false"}
        said = CliRunner().invoke(cli, ["projections", "check"], env=env)
        assert said.exit_code == 2, said.output
        assert "permission denied" in said.output and "run them as the tables' owner" in said.output
    finally:
        execute(pg_url, f"DROP OWNED BY {role}", f"DROP ROLE {role}")
