"""`fundtrail serve`: the HTTP API in one uvicorn process (no multi-worker mode)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
import uvicorn

from api.app import create_app
from api.cli import cli
from infrastructure.settings import Settings


def configure_logging() -> None:
    """fundtrail's logs (access lines as JSON, errors with request ids) on stderr."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    logger = logging.getLogger("fundtrail")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False


@cli.command("serve")
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    projections: Annotated[
        bool,
        typer.Option(
            "--projections/--no-projections",
            help="Keep the read models up to date in this process (off: run `fundtrail worker`).",
        ),
    ] = True,
) -> None:
    """Serve the HTTP API (/api/v1, /openapi.json, /docs) on FUNDTRAIL_DATABASE_URL's store."""
    settings = Settings()
    configure_logging()
    where = "PostgreSQL" if settings.is_postgres else f"SQLite {settings.sqlite_path}"
    runner = "in this process" if projections else "by `fundtrail worker`"
    typer.echo(f"serve: {where}; read models kept {runner}; http://{host}:{port}/docs")
    # One process: uvicorn's multi-worker mode adds latency here and is not used.
    uvicorn.run(
        create_app(settings, run_projections=projections),
        host=host,
        port=port,
        access_log=False,  # our own structured access log replaces uvicorn's
        server_header=False,
    )
