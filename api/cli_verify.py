"""`fundtrail keys`, `verify` and `checkpoint`: the integrity of the store, from the shell.

Exit codes: 0 intact, 1 a record does not match (named on stdout), 2 cannot run as asked.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from api.cli_progress import phases, progress
from infrastructure.integrity.audit import Audit, verify_store
from infrastructure.integrity.canonical import CanonicalError
from infrastructure.integrity.checkpointing import NotVerified, keep, sign_verified
from infrastructure.integrity.checkpoints import Checkpoint, read_file
from infrastructure.integrity.log import LogStore
from infrastructure.integrity.signing import (
    PublicKey,
    SigningKeyError,
    create_key_file,
    load_signer,
    public_key_path,
    read_public_key,
)
from infrastructure.integrity.stores import NoChain, open_log
from infrastructure.settings import Settings
from infrastructure.wiring import build_application

keys = typer.Typer(
    help="The key that signs integrity checkpoints (签名密钥).", no_args_is_help=True
)
SHOWN_FINDINGS = 20
PublicKeyOption = Annotated[
    str | None,
    typer.Option("--public-key", help="Trusted public key: a .pub file or 64 hex digits."),
]


def fail(message: str, code: int = 2) -> NoReturn:
    """Say why on stderr and exit."""
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=code)


@keys.command("init")
def keys_init() -> None:
    """Make the signing key (once, deliberately); it is never replaced or made silently."""
    settings = Settings()
    try:
        signer = create_key_file(settings.signing_key_file)
    except SigningKeyError as exc:
        fail(str(exc))
    typer.echo(f"signing key: {settings.signing_key_file} (keep it secret, back it up)")
    typer.echo(f"public key file: {public_key_path(settings.signing_key_file)}")
    typer.echo(f"public key: {signer.public_key.hex}")
    typer.echo("publish the public key where auditors can get it independently of the data")


@keys.command("show")
def keys_show() -> None:
    """Print the public key that checkpoints are signed with."""
    key = configured_public_key(Settings(), None)
    if key is None:
        fail("no signing key: make one with `fundtrail keys init`")
    typer.echo(key.hex)
    typer.echo(key.pem(), nl=False)


def configured_public_key(settings: Settings, given: str | None) -> PublicKey | None:
    """The key given on the command line, else the configured key's public half, if any."""
    if given is not None:
        try:
            return read_public_key(given)
        except SigningKeyError as exc:
            fail(str(exc))
    pub = public_key_path(settings.signing_key_file)
    try:
        # From the private key itself when it can be read: a .pub file is easier to swap.
        return load_signer(settings.signing_key_file).public_key
    except SigningKeyError as unreadable:
        if not pub.exists():
            if settings.signing_key_file.exists():
                fail(str(unreadable))
            return None
    try:
        return read_public_key(str(pub))
    except SigningKeyError as exc:
        fail(str(exc))


@contextmanager
def opened_log(settings: Settings) -> Iterator[LogStore]:
    """The store's raw log, or a clear error."""
    try:
        log = open_log(settings)
    except NoChain as exc:
        fail(str(exc))
    try:
        yield log
    finally:
        log.close()


def outside_checkpoints(
    settings: Settings, given: Path | None
) -> list[tuple[str, list[Checkpoint]]]:
    """The checkpoint file to compare with: the one given, else the configured one if kept."""
    path = given or settings.checkpoint_file
    if given is None and not path.exists():
        return []
    try:
        return [(f"checkpoint file {path}", [c for _, c in read_file(path)])]
    except (OSError, CanonicalError) as exc:
        fail(f"cannot read the checkpoint file: {exc}")


def run_audit(
    settings: Settings, log: LogStore, key: PublicKey | None, checkpoint_file: Path | None
) -> Audit:
    """Verify the whole store, with a progress bar."""
    outside = outside_checkpoints(settings, checkpoint_file)
    app = build_application(settings.model_copy(update={"create_tables": False}))
    try:
        with phases("verifying events", "replaying snapshots") as (events, snaps):

            def update(phase: str, done: int, total: int) -> None:
                (events if phase == "events" else snaps)(done, total)

            audit, _ = verify_store(log, key, outside, app.mapper, update)
    finally:
        app.close()
    return audit


def print_audit(audit: Audit, key: PublicKey | None) -> None:
    """What was checked, then the first findings."""
    typer.echo(
        f"events checked: {audit.events_checked} (chain records: {audit.chain_records}, "
        f"last position {audit.last_position})"
    )
    typer.echo(f"chain head: {audit.head.hex()}  tree root: {audit.root.hex()}")
    for source, count in audit.checkpoints_checked.items():
        typer.echo(f"checkpoints checked: {count} from the {source}")
    if not audit.checkpoints_checked:
        typer.echo("checkpoints checked: none (rows deleted from the end cannot be detected)")
    if key is not None:
        typer.echo(f"public key: {key.hex}")
    if audit.snapshots_checked is not None:
        typer.echo(f"snapshots checked against a replay: {audit.snapshots_checked}")
    if audit.ok:
        typer.echo("OK: every record matches its chain, every checkpoint and snapshot")
        return
    first = audit.findings[0]
    typer.echo(f"FAILED: {audit.finding_count} findings; the first: {first}")
    for finding in audit.findings[1:SHOWN_FINDINGS]:
        typer.echo(f"  also: {finding}")
    if audit.finding_count > SHOWN_FINDINGS:
        typer.echo(f"  … and {audit.finding_count - SHOWN_FINDINGS} more")


def verify(
    checkpoint: Annotated[
        Path | None,
        typer.Option("--checkpoint", help="An outside checkpoint file to compare with."),
    ] = None,
    public_key: PublicKeyOption = None,
) -> None:
    """Recompute every chain from the raw rows, check checkpoints and snapshots (核验)."""
    settings = Settings()
    key = configured_public_key(settings, public_key)
    with opened_log(settings) as log:
        audit = run_audit(settings, log, key, checkpoint)
    print_audit(audit, key)
    if not audit.ok:
        raise typer.Exit(code=1)


def checkpoint_now() -> None:
    """Verify the whole store, then sign a checkpoint of it (database and checkpoint file)."""
    settings = Settings()
    try:
        signer = load_signer(settings.signing_key_file)
    except SigningKeyError as exc:
        fail(str(exc))
    with opened_log(settings) as log:
        outside = outside_checkpoints(settings, None)
        with progress("verifying before signing") as update:
            audit, verifier = verify_store(
                log, signer.public_key, outside, None, lambda _, d, t: update(d, t)
            )
        if (
            audit.last_matched is not None
            and audit.last_matched.checkpoint.position == verifier.position
            and audit.ok
        ):
            typer.echo(f"already checkpointed: {audit.last_matched.checkpoint.describe()}")
            return
        try:
            made = sign_verified(verifier, signer)
        except NotVerified as exc:
            print_audit(audit, signer.public_key)
            fail(str(exc), code=1)
        keep(made, log, settings.checkpoint_file)
    typer.echo(f"signed {made.describe()}: {made.size} events, head {made.head.hex()}")
    typer.echo(f"kept in the database and appended to {settings.checkpoint_file}")
