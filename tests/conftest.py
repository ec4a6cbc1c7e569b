"""Shared fixtures: SQLite and PostgreSQL database URLs for the test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import hypothesis
import pg_server
import pytest
from story import Story

from domain.application import FundTrail
from infrastructure.settings import Settings
from infrastructure.wiring import build_application


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


# CI replays the same examples every run (a landing must not hang on a new random draw);
# exploring new examples is what local runs are for, and they keep hypothesis' randomness.
hypothesis.settings.register_profile("ci", derandomize=True, print_blob=True)
if _in_ci():
    hypothesis.settings.load_profile("ci")


def pytest_report_header(config: pytest.Config) -> str:
    """Say which PostgreSQL server the postgres-marked tests will use."""
    return f"postgresql: {pg_server.describe_server_source()}"


@pytest.fixture(scope="session")
def pg_database_url() -> Iterator[str]:
    """URL of a database created for this test run (server found or started lazily)."""
    try:
        server = pg_server.find_or_start_server()
    except pg_server.PgServerError as exc:
        error = str(exc)  # fail outside the except block: no chained traceback
    else:
        error = ""
    if error:
        pytest.fail(error, pytrace=False)
    if isinstance(server, pg_server.NoServer):
        if _in_ci():
            pytest.fail(f"PostgreSQL is required in CI but unavailable: {server.reason}")
        print(f"\nPostgreSQL tests skipped: {server.reason}")
        pytest.skip(f"no PostgreSQL: {server.reason}")
    with server:
        dbname = server.create_database()
        yield server.url(dbname)
        server.drop_database(dbname)


@pytest.fixture
def pg_url(pg_database_url: str) -> str:
    """URL of a fresh schema (``...?schema=t_<hex>``) in the run's database."""
    return pg_server.create_test_schema(pg_database_url)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """URL of a SQLite database file in the test's temporary directory."""
    return f"sqlite:///{tmp_path / 'fundtrail.db'}"


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
    ids=["sqlite", "postgres"],
)
def database_url(request: pytest.FixtureRequest) -> str:
    """URL of a fresh database, once per backend (SQLite and PostgreSQL)."""
    fixture_name = "pg_url" if request.param == "postgres" else "sqlite_url"
    url: str = request.getfixturevalue(fixture_name)
    return url


@pytest.fixture
def app() -> Iterator[FundTrail]:
    """A FundTrail application in memory (unit tests: no I/O)."""
    application = build_application(Settings(database_url="memory://"))
    yield application
    application.close()


@pytest.fixture
def story(app: FundTrail) -> Story:
    """The cast registered on the in-memory application."""
    return Story(app).cast()


@pytest.fixture
def store_app(database_url: str) -> Iterator[FundTrail]:
    """A FundTrail application on a real store: SQLite file, then PostgreSQL."""
    application = build_application(Settings(database_url=database_url))
    yield application
    application.close()


@pytest.fixture
def store_story(store_app: FundTrail) -> Story:
    """The cast registered on a real store."""
    return Story(store_app).cast()
