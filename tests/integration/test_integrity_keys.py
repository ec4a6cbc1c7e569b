"""The signing key is made once, deliberately; a missing key is a clear error, never made."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from integrity_support import Shell
from story import Story

from api import cli_progress


def test_keys_init_makes_a_private_key_only_its_owner_reads_and_never_replaces_it(
    database_url: str, tmp_path: Path
) -> None:
    shell = Shell(database_url, tmp_path)
    made = shell.run("keys", "init")
    assert made.exit_code == 0, made.output
    assert stat.S_IMODE(shell.key_file.stat().st_mode) == 0o600
    public = shell.public_key_file.read_text()
    assert public.startswith("-----BEGIN PUBLIC KEY-----")
    before = shell.key_file.read_bytes()
    again = shell.run("keys", "init")
    assert again.exit_code == 2
    assert "already exists" in again.output and "never replaced" in again.output
    assert shell.key_file.read_bytes() == before
    shown = shell.run("keys", "show")
    assert shown.output.splitlines()[0] in made.output


def test_a_missing_key_is_a_clear_error_and_no_key_appears(
    store_story: Story, database_url: str, tmp_path: Path
) -> None:
    store_story.evaluated()
    shell = Shell(database_url, tmp_path)
    result = shell.run("checkpoint")
    assert result.exit_code == 2
    assert f"no signing key at {shell.key_file}" in result.output
    assert "fundtrail keys init" in result.output
    assert not shell.key_file.exists() and not shell.checkpoint_file.exists()
    checked = shell.run("verify")  # verifying needs no key; it says what it could not check
    assert checked.exit_code == 0
    assert "checkpoints checked: none" in checked.output


def test_long_commands_draw_a_progress_bar_on_a_terminal(
    store_story: Story, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_story.evaluated()
    monkeypatch.setattr(cli_progress, "on_terminal", lambda: True)
    shell = Shell(database_url, tmp_path)
    assert shell.run("keys", "init").exit_code == 0
    for command in (["checkpoint"], ["verify"], ["export", "--all", "-o", str(tmp_path / "b")]):
        result = shell.run(*command)
        assert result.exit_code == 0, result.output
        assert "━" in result.output  # the bar, not plain lines
