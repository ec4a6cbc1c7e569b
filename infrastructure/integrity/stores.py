"""Open the raw log of the store the settings name."""

from __future__ import annotations

from infrastructure.integrity.log import LogStore
from infrastructure.integrity.postgres_log import PostgresLog
from infrastructure.integrity.sqlite_log import SQLiteLog
from infrastructure.settings import MEMORY_URL, Settings


class NoChain(Exception):
    """The store keeps no chain (in memory), or is not there."""


def open_log(settings: Settings) -> LogStore:
    """The store's events, chain, snapshots and checkpoints, for reading row by row."""
    if settings.database_url == MEMORY_URL:
        raise NoChain("the in-memory store keeps no hash chain")
    if settings.is_postgres:
        schema = settings.eventsourcing_env()["POSTGRES_SCHEMA"]
        return PostgresLog(settings.postgres_conninfo(), schema)
    path = settings.sqlite_path
    if not path.is_file():
        raise NoChain(f"no SQLite store at {path}")
    return SQLiteLog(path)
