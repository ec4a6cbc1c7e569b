"""PostgreSQL guards: an append-only trigger on the event tables, and the app role.

The owner role owns the tables and triggers; the service runs as an app role holding only
what the library needs. The trigger refuses UPDATE, DELETE and TRUNCATE even where a
privilege allows them (PostgreSQL demands UPDATE for the library's EXCLUSIVE table lock).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.sql import SQL, Composed, Identifier, Literal

from infrastructure.integrity.tables import (
    CHAIN_TABLE,
    CHECKPOINT_TABLE,
    POSTGRES_EVENTS_TABLE,
    POSTGRES_INDEX_TABLE,
    POSTGRES_SNAPSHOTS_TABLE,
)

TRIGGER = "fundtrail_append_only"
FUNCTION = "fundtrail_refuse_change"
# Written once, in the insert transaction, and never changed after.
APPEND_ONLY_TABLES = (POSTGRES_EVENTS_TABLE, CHAIN_TABLE, POSTGRES_INDEX_TABLE, CHECKPOINT_TABLE)


class RoleError(Exception):
    """The app role cannot be set up as asked."""


def append_only_statements(schema: str) -> list[Composed]:
    """The refusing function and one statement-level trigger per append-only table."""
    function = Identifier(schema, FUNCTION)
    statements = [
        SQL(
            "CREATE OR REPLACE FUNCTION {f}() RETURNS trigger LANGUAGE plpgsql AS $body$ "
            "BEGIN RAISE EXCEPTION '% on %.% is refused: the fundtrail record is append-only', "
            "TG_OP, TG_TABLE_SCHEMA, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege', "
            "HINT = 'record a correcting event instead'; END $body$"
        ).format(f=function)
    ]
    for table in APPEND_ONLY_TABLES:
        # No CREATE OR REPLACE: an existing trigger is left as it is (no table lock).
        statements.append(
            SQL(
                "DO $do$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = {name} "
                "AND tgrelid = (quote_ident({s}) || '.' || quote_ident({t}))::regclass) THEN "
                "CREATE TRIGGER {trigger} BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION {f}(); END IF; END $do$"
            ).format(
                name=Literal(TRIGGER),
                s=Literal(schema),
                t=Literal(table),
                trigger=Identifier(TRIGGER),
                table=Identifier(schema, table),
                f=function,
            )
        )
    return statements


@dataclass(frozen=True)
class Grants:
    """What the app role was given, to report."""

    role: str
    created: bool
    append_only: tuple[str, ...]
    insert_only: tuple[str, ...]
    read_write: tuple[str, ...]


def grant_app_role(
    conn: psycopg.Connection[tuple[Any, ...]], schema: str, role: str, password: str | None
) -> Grants:
    """Create (if needed) and grant the least-privilege role the service runs as."""
    _check_role(conn, role)
    exists = conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
    if not exists:
        conn.execute(SQL("CREATE ROLE {} LOGIN").format(Identifier(role)))
    if password is not None:
        conn.execute(SQL("ALTER ROLE {} PASSWORD {}").format(Identifier(role), Literal(password)))
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY tablename", (schema,)
        ).fetchall()
    ]
    missing = [t for t in (*APPEND_ONLY_TABLES, POSTGRES_SNAPSHOTS_TABLE) if t not in tables]
    if missing:
        raise RoleError(f"schema {schema!r} lacks tables {missing}: create them first")
    append_only = tuple(t for t in tables if t in APPEND_ONLY_TABLES)
    insert_only = (POSTGRES_SNAPSHOTS_TABLE,)
    read_write = tuple(t for t in tables if t not in append_only and t not in insert_only)
    for statement in _grant_statements(conn, schema, role, append_only, read_write):
        conn.execute(statement)
    return Grants(role, not exists, append_only, insert_only, read_write)


def _check_role(conn: psycopg.Connection[tuple[Any, ...]], role: str) -> None:
    current = conn.execute("SELECT current_user").fetchone()
    if current and current[0] == role:
        raise RoleError(f"{role!r} is the role running this command: the app role must differ")
    row = conn.execute(
        "SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolbypassrls FROM pg_roles "
        "WHERE rolname = %s",
        (role,),
    ).fetchone()
    if row and row[0]:
        raise RoleError(f"{role!r} is privileged (superuser, createrole, createdb or bypassrls)")


def _grant_statements(
    conn: psycopg.Connection[tuple[Any, ...]],
    schema: str,
    role: str,
    append_only: tuple[str, ...],
    read_write: tuple[str, ...],
) -> list[Composed]:
    r, s = Identifier(role), Identifier(schema)
    database = Identifier(conn.info.dbname)
    statements = [
        SQL("GRANT CONNECT ON DATABASE {} TO {}").format(database, r),
        SQL("GRANT USAGE ON SCHEMA {} TO {}").format(s, r),
        SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(s, r),
        # Tables the owner creates later (views, tracking) are the app's to maintain.
        SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA {} "
            "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON TABLES TO {}"
        ).format(s, r),
        SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}").format(
            s, r
        ),
    ]
    for table in (*append_only, POSTGRES_SNAPSHOTS_TABLE):
        t = Identifier(schema, table)
        statements.append(SQL("REVOKE ALL ON {} FROM {}").format(t, r))
        statements.append(SQL("GRANT SELECT, INSERT ON {} TO {}").format(t, r))
    # LOCK TABLE ... IN EXCLUSIVE MODE needs UPDATE; the trigger refuses every real UPDATE.
    statements.append(
        SQL("GRANT UPDATE ON {} TO {}").format(Identifier(schema, POSTGRES_EVENTS_TABLE), r)
    )
    for table in read_write:
        statements.append(
            SQL("GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON {} TO {}").format(
                Identifier(schema, table), r
            )
        )
    return statements
