"""`fundtrail export` and `fundtrail verify-bundle`: proofs that travel without the database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID

import typer

from api.cli_progress import progress
from api.cli_verify import PublicKeyOption, configured_public_key, fail, opened_log
from infrastructure.integrity.bundle_check import verify_bundle
from infrastructure.integrity.bundle_checkers import BundleInvalid
from infrastructure.integrity.export import ExportError, export_bundle
from infrastructure.integrity.signing import SigningKeyError, read_public_key
from infrastructure.settings import Settings

IdOption = Annotated[str | None, typer.Option(help="Only this aggregate's events.")]


def export(
    out: Annotated[Path, typer.Option("-o", "--out", help="The bundle file to write.")],
    project: IdOption = None,
    account: IdOption = None,
    all_: Annotated[bool, typer.Option("--all", help="The whole log.")] = False,
    public_key: PublicKeyOption = None,
) -> None:
    """Write a bundle (导出): events, chain, proofs and the signed checkpoint they are under."""
    chosen = [(s, v) for s, v in (("project", project), ("account", account)) if v is not None]
    if len(chosen) + int(all_) != 1:
        fail("give exactly one of --project ID, --account ID or --all")
    scope, aggregate_id = ("all", None) if all_ else (chosen[0][0], _uuid(chosen[0][1]))
    settings = Settings()
    key = configured_public_key(settings, public_key)
    if key is None:
        fail("no public key to put in the bundle: give --public-key (or run `fundtrail keys init`)")
    with opened_log(settings) as log, progress("exporting") as update:
        try:
            done = export_bundle(log, scope, aggregate_id, key.raw, out, update)
        except ExportError as exc:
            fail(str(exc))
    typer.echo(f"wrote {out}: {done.events} events under the {done.anchor.describe()}")
    if done.left_out:
        left = f"{done.left_out} events" if done.left_out > 0 else "events"
        typer.echo(
            f"note: {left} recorded after position {done.anchor.position} are not in the "
            "bundle (no checkpoint covers them yet: run `fundtrail checkpoint`)"
        )


def _uuid(value: str | None) -> bytes:
    try:
        return UUID(str(value)).bytes
    except ValueError:
        fail(f"{value!r} is not an id (a UUID)")


def verify_bundle_command(
    bundle: Annotated[Path, typer.Argument(help="The bundle file.", exists=True, dir_okay=False)],
    public_key: Annotated[
        str, typer.Option("--public-key", help="The trusted key: a .pub file or 64 hex digits.")
    ],
) -> None:
    """Verify a bundle with no database, against a key obtained separately (离线核验)."""
    try:
        key = read_public_key(public_key)
    except SigningKeyError as exc:
        fail(str(exc))
    with progress("verifying bundle") as update:
        try:
            report = verify_bundle(bundle, key, lambda done: update(done, 0))
        except BundleInvalid as exc:
            typer.echo(f"FAILED: {exc}")
            raise typer.Exit(code=1) from None
    manifest = report.manifest
    what = (
        "the whole log"
        if manifest.aggregate_id is None
        else f"{manifest.scope} {UUID(bytes=manifest.aggregate_id)}"
    )
    typer.echo(f"bundle: {what}, {report.events} events")
    if report.versions is not None:
        typer.echo(
            f"versions {report.versions[0]}–{report.versions[1]}, "
            "each proved to be in the signed log"
        )
    typer.echo(
        f"anchor: the {report.anchor.describe()} ({report.anchor.size} events), signed by {key.hex}"
    )
    typer.echo("OK: every event matches its chain hash and the signed checkpoint")
