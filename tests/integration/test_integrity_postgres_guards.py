"""PostgreSQL: the event tables refuse UPDATE, DELETE and TRUNCATE, and the service runs
as a least-privilege app role (CREATE_TABLE=n) through the whole story.

Roles are cluster-wide: each test makes its own, uniquely named, and drops it after.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pg_server
import psycopg
import pytest
from integrity_support import Shell, raw_store
from psycopg import errors, sql
from story import Story

from infrastructure.integrity.guards import APPEND_ONLY_TABLES
from infrastructure.settings import Settings
from infrastructure.wiring import build_application
from projections.runner import ViewsRunner

pytestmark = pytest.mark.postgres
REFUSED = (errors.InsufficientPrivilege,)
CHANGES = (
    "UPDATE {t} SET {c} = {c}",
    "DELETE FROM {t}",
    "TRUNCATE {t}",
)
CHANGED_COLUMN = {
    "fundtrail_events": "topic",
    "event_chain": "hash",
    "event_index": "recorded_at",
    "event_checkpoints": "signature",
}


def schema_of(url: str) -> str:
    return parse_qs(urlsplit(url).query)["schema"][0]


def connect(url: str) -> psycopg.Connection[tuple[object, ...]]:
    params, dbname = pg_server.parse_server_url(url.split("?")[0])
    return params.connect(dbname)


def change(table: str, template: str) -> sql.Composed:
    column = sql.Identifier(CHANGED_COLUMN[table])
    return sql.SQL(template).format(t=sql.Identifier(table), c=column)


@pytest.fixture
def owned_store(pg_url: str) -> Iterator[str]:
    """A store with the story and a checkpoint, made by the owner (CREATE_TABLE=y)."""
    app = build_application(Settings(database_url=pg_url))
    try:
        Story(app).cast().evaluated()
    finally:
        app.close()
    yield pg_url


@pytest.fixture
def app_role(pg_url: str, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """A fresh role name and its password, dropped (with its grants) afterwards."""
    role = f"fundtrail_app_{secrets.token_hex(6)}"
    password = secrets.token_urlsafe(16)
    yield role, password
    with connect(pg_url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if exists:
            conn.execute(sql.SQL("DROP OWNED BY {}").format(sql.Identifier(role)))
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


def url_as(url: str, role: str, password: str) -> str:
    parts = urlsplit(url)
    auth = f"{quote(role, safe='')}:{quote(password, safe='')}"
    return f"postgresql://{auth}@{parts.hostname}:{parts.port}{parts.path}?{parts.query}"


def grant(owner_url: str, role: str, password: str, tmp_path: Path) -> str:
    (tmp_path / "password").write_text(password + "\n")
    shell = Shell(owner_url, tmp_path / "owner")
    result = shell.run("db", "grant-app-role", role, "--password-file", str(tmp_path / "password"))
    assert result.exit_code == 0, result.output
    assert f"role {role}: created" in result.output
    assert "FUNDTRAIL_CREATE_TABLES=false fundtrail serve" in result.output
    return url_as(owner_url, role, password)


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
@pytest.mark.parametrize("template", CHANGES)
def test_even_the_owner_cannot_change_an_append_only_table(
    owned_store: str, table: str, template: str
) -> None:
    with connect(owned_store) as conn:
        conn.execute(
            sql.SQL("SET search_path TO {}").format(sql.Identifier(schema_of(owned_store)))
        )
        with pytest.raises(REFUSED, match="is refused: the fundtrail record is append-only"):
            conn.execute(change(table, template))


@pytest.mark.parametrize("template", CHANGES)
def test_the_app_role_cannot_change_the_events(
    owned_store: str, app_role: tuple[str, str], tmp_path: Path, template: str
) -> None:
    role_url = grant(owned_store, *app_role, tmp_path)
    with connect(role_url) as conn:
        conn.execute(sql.SQL("SET search_path TO {}").format(sql.Identifier(schema_of(role_url))))
        for table in APPEND_ONLY_TABLES:
            before = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            count = before.fetchone()
            with pytest.raises(REFUSED):
                conn.execute(change(table, template))
            after = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            assert after.fetchone() == count


def test_the_app_role_creates_nothing_and_is_not_privileged(
    owned_store: str, app_role: tuple[str, str], tmp_path: Path
) -> None:
    role_url = grant(owned_store, *app_role, tmp_path)
    with connect(role_url) as conn:
        schema = sql.Identifier(schema_of(role_url))
        with pytest.raises(REFUSED):
            conn.execute(sql.SQL("CREATE TABLE {}.sneaky (x int)").format(schema))
        with pytest.raises(REFUSED):
            conn.execute(
                sql.SQL("ALTER TABLE {}.fundtrail_events DISABLE TRIGGER ALL").format(schema)
            )


def test_a_privileged_role_is_refused_as_the_app_role(owned_store: str, tmp_path: Path) -> None:
    shell = Shell(owned_store, tmp_path)
    owner = urlsplit(owned_store).username or "postgres"
    result = shell.run("db", "grant-app-role", owner)
    assert result.exit_code == 2
    assert "the app role must differ" in result.output


def test_the_whole_story_runs_under_the_app_role_without_creating_tables(
    pg_url: str, app_role: tuple[str, str], tmp_path: Path
) -> None:
    role_url = grant(pg_url, *app_role, tmp_path)  # the owner makes the empty tables
    settings = Settings(database_url=role_url, create_tables=False)
    app = build_application(settings)
    try:
        story = Story(app).cast()
        project_id = story.evaluated()
        assert app.get_project(project_id).status == "closed"
    finally:
        app.close()
    with ViewsRunner(settings) as runner:
        assert runner.catch_up() > 0
    # The app role signs and keeps checkpoints, and verifies, all with CREATE_TABLE=n.
    shell = Shell(role_url, tmp_path / "service")
    env_settings = {"FUNDTRAIL_CREATE_TABLES": "false"}
    assert shell.run("keys", "init").exit_code == 0
    made = shell.run_with(env_settings, "checkpoint")
    assert made.exit_code == 0, made.output
    verified = shell.run_with(env_settings, "verify")
    assert verified.exit_code == 0, verified.output
    events = len(raw_store(pg_url).rows())
    assert f"events checked: {events} (chain records: {events}," in verified.output
