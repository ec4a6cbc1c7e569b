"""`fundtrail projections rebuild|check` and `fundtrail worker`: the views from the CLI.

Registered on the `fundtrail` CLI when api.cli imports this module (its last import).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Annotated

import typer
from eventsourcing.persistence import PersistenceError

from api.cli import cli
from api.cli_progress import progress as progress_reporter
from domain.errors import FundtrailError
from infrastructure.settings import Settings
from projections import maintenance
from projections.catalog import VIEWS
from projections.runner import ViewsRunner

projections = typer.Typer(
    help="Read models (视图): rebuild from the events, check against a rebuild.",
    no_args_is_help=True,
)


@contextmanager
def failures_explained() -> Iterator[None]:
    """Exit 2 with the cause on a store failure, rather than a traceback."""
    try:
        yield
    except PersistenceError as exc:
        typer.echo(f"error: {exc}".strip(), err=True)
        typer.echo(
            "(rebuild and check create shadow tables: run them as the tables' owner)", err=True
        )
        raise typer.Exit(code=2) from None


def _names(name: str | None) -> list[str] | None:
    if name is not None and name not in VIEWS:
        typer.echo(f"error: no view named {name!r}; views: {', '.join(VIEWS)}", err=True)
        raise typer.Exit(code=2)
    return None if name is None else [name]


@projections.command("rebuild")
def rebuild(
    name: Annotated[str | None, typer.Argument(help="One view; all views when omitted.")] = None,
) -> None:
    """Rebuild views from zero (a shadow built from the events, then swapped in)."""
    names = _names(name)
    with failures_explained(), progress_reporter(f"rebuilding {name or 'all'}") as progress:
        positions = maintenance.rebuild(Settings(), names, progress=progress)
    for view, position in positions.items():
        typer.echo(f"rebuilt {view} up to notification {position}")


@projections.command("check")
def check(
    name: Annotated[str | None, typer.Argument(help="One view; all views when omitted.")] = None,
) -> None:
    """Rebuild into a shadow and report every live row that differs (exit 1 if any)."""
    names = _names(name)
    try:
        with failures_explained(), progress_reporter(f"checking {name or 'all'}") as progress:
            report = maintenance.check(Settings(), names, progress=progress)
    except (maintenance.ViewKeptMoving, FundtrailError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from None
    for difference in report.differences:
        typer.echo(difference.describe())
    checked = ", ".join(f"{v} at {p}" for v, p in report.positions.items())
    for view, behind in report.lagging().items():
        typer.echo(f"note: {view} is behind the log's head ({report.head}) by {behind}", err=True)
    if report.differences:
        typer.echo(f"{len(report.differences)} row(s) differ from a rebuild ({checked})", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"ok: every view equals a rebuild from the events ({checked})")


def worker(
    batch_size: Annotated[
        int, typer.Option(min=1, max=100_000, help="Events per transaction.")
    ] = 1000,
) -> None:
    """Keep the views up to date as a separate process (use with `serve --no-projections`)."""
    settings = Settings()
    runner = ViewsRunner(settings, batch_size=batch_size)

    def stop(signum: int, frame: FrameType | None) -> None:
        runner.stop()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    how = "LISTEN/NOTIFY" if settings.is_postgres else "polling the notification log"
    typer.echo(f"worker: keeping {len(runner.views)} views up to date ({how}); Ctrl-C stops")
    runner.run_forever()
    typer.echo("worker: stopped")


cli.add_typer(projections, name="projections")
cli.command("worker")(worker)
