"""The integrity commands: keys, verify, checkpoint, export, verify-bundle, db.

Registered on the `fundtrail` CLI when api.cli imports this module (one line there).
"""

from __future__ import annotations

from api.cli import cli
from api.cli_db import db
from api.cli_export import export, verify_bundle_command
from api.cli_verify import checkpoint_now, keys, verify

cli.add_typer(keys, name="keys")
cli.command("verify")(verify)
cli.command("checkpoint")(checkpoint_now)
cli.command("export")(export)
cli.command("verify-bundle")(verify_bundle_command)
cli.add_typer(db, name="db")
