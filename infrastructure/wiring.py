"""Build the application from settings: the one place the store is chosen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import psycopg
from psycopg import sql

from domain.application import FundTrail
from domain.engine import today_in_shanghai
from infrastructure.settings import Settings
from infrastructure.transcodings import all_transcodings


def build_application(
    settings: Settings | None = None,
    *,
    clock: Callable[[], date] = today_in_shanghai,
) -> FundTrail:
    """The FundTrail application on the store the settings name."""
    settings = settings or Settings()
    env = settings.eventsourcing_env()
    if settings.is_postgres and settings.create_tables:
        ensure_schema(env)
    return FundTrail(env, clock=clock, transcodings=all_transcodings())


def ensure_schema(env: dict[str, str]) -> None:
    """Create the PostgreSQL schema named in the URL, if it is not there yet."""
    schema = env["POSTGRES_SCHEMA"]
    if schema == "public":
        return
    with psycopg.connect(
        dbname=env["POSTGRES_DBNAME"],
        host=env["POSTGRES_HOST"],
        port=env["POSTGRES_PORT"],
        user=env["POSTGRES_USER"],
        password=env["POSTGRES_PASSWORD"],
        autocommit=True,
    ) as conn:
        conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema)))
