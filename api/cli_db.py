"""`fundtrail db grant-app-role`: the least-privilege role the service runs as (PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlsplit

import psycopg
import typer

from api.cli_verify import fail
from infrastructure.integrity.guards import RoleError, grant_app_role
from infrastructure.settings import Settings
from infrastructure.wiring import build_application
from projections.queries import build_read_models

db = typer.Typer(help="Database administration (PostgreSQL) (数据库管理).", no_args_is_help=True)


@db.command("grant-app-role")
def grant_app_role_command(
    role: Annotated[str, typer.Argument(help="Name of the app role to create or grant.")],
    password_file: Annotated[
        Path | None,
        typer.Option(
            "--password-file", help="Set the role's password from this file's first line."
        ),
    ] = None,
) -> None:
    """Create the tables (as the owner running this), then grant the app role only what it needs."""
    settings = Settings()
    if not settings.is_postgres:
        fail("grant-app-role is for PostgreSQL (FUNDTRAIL_DATABASE_URL=postgresql://...)")
    password = _password(password_file)
    # The owner creates every table and trigger (events and views); the app role creates none.
    owner = settings.model_copy(update={"create_tables": True})
    build_application(owner).close()
    build_read_models(owner).close()
    schema = settings.eventsourcing_env()["POSTGRES_SCHEMA"]
    try:
        with psycopg.connect(settings.postgres_conninfo()) as conn:
            grants = grant_app_role(conn, schema, role, password)
    except (RoleError, psycopg.Error) as exc:
        fail(str(exc).strip())
    typer.echo(f"role {role}: {'created' if grants.created else 'already there'}")
    typer.echo(f"  SELECT, INSERT (append-only, trigger-guarded): {', '.join(grants.append_only)}")
    typer.echo("  UPDATE on the events table, for the library's table lock only (trigger-refused)")
    typer.echo(f"  SELECT, INSERT: {', '.join(grants.insert_only)}")
    rest = ", ".join(grants.read_write) or "-"
    typer.echo(f"  full DML (views, tracking, and tables the owner makes later): {rest}")
    typer.echo("run the service as it:")
    url = _url_as(settings.database_url, role)
    typer.echo(f"  FUNDTRAIL_DATABASE_URL='{url}' FUNDTRAIL_CREATE_TABLES=false fundtrail serve")


def _password(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        fail(f"cannot read the password file: {exc}")
    if not lines or not lines[0]:
        fail(f"{path} has no password on its first line")
    return lines[0]


def _url_as(url: str, role: str) -> str:
    """The database URL with the app role as its user (and no password shown)."""
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    port = f":{parts.port}" if parts.port else ""
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme}://{quote(role)}@{host}{port}{parts.path}{query}"
