"""The `fundtrail` command line (typer)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from domain.commands import CLI_PERSON_ID, Request
from domain.errors import FundtrailError
from infrastructure.settings import Settings
from infrastructure.wiring import build_application

cli = typer.Typer(
    help="fundtrail: event-sourced audit trail for poverty-alleviation funds (扶贫资金审计追踪).",
    no_args_is_help=True,
)
officials = typer.Typer(help="People and their roles (官员与角色).", no_args_is_help=True)
cli.add_typer(officials, name="officials")


@officials.command("add")
def add_official(
    person_id: Annotated[str, typer.Option("--person-id", help="Stable id of the person.")],
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    org: Annotated[str, typer.Option("--org", help="Organisation.")],
    role: Annotated[list[str], typer.Option("--role", help="A role; repeat for several.")],
) -> None:
    """Register a person and print {"person_id", "token"} (the token is shown only once)."""
    app = build_application(Settings())
    try:
        result = app.register_official(
            Request(CLI_PERSON_ID, reason="registered from the command line"),
            person_id,
            name,
            org,
            tuple(role),
        )
    except FundtrailError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(code=2) from None
    finally:
        app.close()
    typer.echo(json.dumps({"person_id": person_id, "token": result.extra["token"]}))


import api.cli_integrity  # noqa: E402 (adds keys, verify, checkpoint, export, db)
import api.cli_projections  # noqa: E402 (adds `projections` and `worker` to cli)
import api.cli_serve  # noqa: E402, F401 (adds `serve`)


def main() -> None:
    """Entry point of the console script."""
    cli()
