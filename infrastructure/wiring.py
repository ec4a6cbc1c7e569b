"""Build the application from settings: the one place the store is chosen."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import psycopg
from psycopg import sql

from domain.application import FundTrail
from domain.engine import today_in_shanghai
from infrastructure.settings import Settings
from infrastructure.transcodings import all_transcodings

# Any fixed number: processes creating fundtrail's tables take this advisory lock in turn.
TABLE_CREATION_LOCK = 0x46554E44


def build_application(
    settings: Settings | None = None,
    *,
    clock: Callable[[], date] = today_in_shanghai,
) -> FundTrail:
    """The FundTrail application on the store the settings name."""
    settings = settings or Settings()
    with creating_tables(settings):
        return FundTrail(settings.eventsourcing_env(), clock=clock, transcodings=all_transcodings())


@contextmanager
def creating_tables(settings: Settings) -> Iterator[None]:
    """Create the schema, and serialise table creation across processes on PostgreSQL.

    The library's CREATE TYPE / CREATE OR REPLACE FUNCTION statements fail with "tuple
    concurrently updated" when two processes (say `serve` and `worker`) start together.
    """
    if not (settings.is_postgres and settings.create_tables):
        yield
        return
    with psycopg.connect(settings.postgres_conninfo(), autocommit=True) as conn:
        _create_schema(conn, settings)
        with table_creation_lock(conn):
            yield


@contextmanager
def table_creation_lock(conn: psycopg.Connection[Any]) -> Iterator[None]:
    """Hold the advisory lock every process takes while creating fundtrail's tables."""
    conn.execute("SELECT pg_advisory_lock(%s)", (TABLE_CREATION_LOCK,))
    try:
        yield
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (TABLE_CREATION_LOCK,))


def ensure_schema(settings: Settings) -> None:
    """Create the PostgreSQL schema named in the URL, if it is not there yet."""
    with psycopg.connect(settings.postgres_conninfo(), autocommit=True) as conn:
        _create_schema(conn, settings)


def _create_schema(conn: psycopg.Connection[tuple[object, ...]], settings: Settings) -> None:
    schema = settings.eventsourcing_env()["POSTGRES_SCHEMA"]
    if schema != "public":
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
