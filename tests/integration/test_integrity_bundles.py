"""Export bundles verify with no database against a separately obtained key, and fail
after any one-byte change, with a wrong or missing signature, or re-signed by a forger.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from integrity_support import Sealed, Shell, seal
from story import PAYABLE_ON, Story, req, voucher

from infrastructure.integrity.bundle_check import verify_bundle
from infrastructure.integrity.bundle_checkers import BundleInvalid
from infrastructure.integrity.bundle_format import key_line
from infrastructure.integrity.checkpoints import make_checkpoint, parse_checkpoint_line
from infrastructure.integrity.signing import PublicKey, Signer, read_public_key


@pytest.fixture
def sealed(store_story: Story, database_url: str, tmp_path: Path) -> Sealed:
    return seal(store_story, database_url, tmp_path / "store")


def export(sealed: Sealed, out: Path, *scope: str) -> str:
    result = sealed.shell.run("export", *scope, "-o", str(out))
    assert result.exit_code == 0, result.output
    return result.output


def trusted(sealed: Sealed) -> PublicKey:
    return read_public_key(str(sealed.shell.public_key_file))


def fails(bundle: bytes, key: PublicKey, folder: Path) -> bool:
    path = folder / "changed.bundle"
    path.write_bytes(bundle)
    try:
        verify_bundle(path, key)
    except BundleInvalid:
        return True
    return False


def reseal(lines: list[bytes]) -> bytes:
    """The bundle with its manifest's body digest recomputed, as a forger would."""
    body = b"".join(lines[1:])
    manifest = json.loads(lines[0])
    manifest["body_sha256"] = hashlib.sha256(body).hexdigest()
    head = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    return head + body


def test_a_project_bundle_verifies_against_the_key_obtained_separately(
    sealed: Sealed, tmp_path: Path
) -> None:
    out = tmp_path / "project.bundle"
    assert "14 events under the checkpoint at position" in export(
        sealed, out, "--project", str(sealed.project_id)
    )
    hex_key = trusted(sealed).hex
    for key in (str(sealed.shell.public_key_file), hex_key):
        result = sealed.shell.run("verify-bundle", str(out), "--public-key", key)
        assert result.exit_code == 0, result.output
        assert f"bundle: project {sealed.project_id}, 14 events" in result.output
        assert "versions 1–14, each proved to be in the signed log" in result.output


def test_a_bundle_verifies_with_no_database_at_all(sealed: Sealed, tmp_path: Path) -> None:
    out = tmp_path / "account.bundle"
    export(sealed, out, "--account", str(sealed.account_id))
    nowhere = Shell("sqlite:///" + str(tmp_path / "absent" / "none.db"), tmp_path / "elsewhere")
    key = str(sealed.shell.public_key_file)
    result = nowhere.run("verify-bundle", str(out), "--public-key", key)
    assert result.exit_code == 0, result.output
    assert not (tmp_path / "absent").exists()


def test_every_one_byte_change_to_an_account_bundle_fails(
    sealed: Sealed, store_story: Story, tmp_path: Path
) -> None:
    account_id = store_story.account("900000.00")  # opened and allocated: a short bundle
    assert sealed.shell.run("checkpoint").exit_code == 0
    out = tmp_path / "account.bundle"
    export(sealed, out, "--account", str(account_id))
    original, key = out.read_bytes(), trusted(sealed)
    verify_bundle(out, key)
    undetected = []
    for i in range(len(original)):
        changed = bytearray(original)
        changed[i] ^= 0x01
        if not fails(bytes(changed), key, tmp_path):
            undetected.append(i)
    assert undetected == []


def test_other_changes_to_project_and_whole_log_bundles_fail(
    sealed: Sealed, tmp_path: Path
) -> None:
    key = trusted(sealed)
    for scope in (("--project", str(sealed.project_id)), ("--all",)):
        out = tmp_path / "bundle"
        export(sealed, out, *scope)
        original = out.read_bytes()
        lines = original.splitlines(keepends=True)
        changes = [
            original[:i] + bytes([original[i] ^ 0x20]) + original[i + 1 :]
            for i in range(0, len(original), 97)
        ]
        changes += [
            original[:-1],  # the last newline
            original + lines[-1],  # an event twice
            b"".join(lines[:-1]),  # the last event dropped
            b"".join([*lines[:3], lines[4], lines[3], *lines[5:]]),  # two events swapped
            reseal([*lines[:3], *lines[4:]]),  # an event dropped, digest recomputed
            reseal([*lines[:-1], lines[-1].replace(b'"version":', b'"version": ')]),
        ]
        assert [c for c in changes if not fails(c, key, tmp_path)] == []


def test_a_bundle_checked_with_another_key_fails(sealed: Sealed, tmp_path: Path) -> None:
    out = tmp_path / "project.bundle"
    export(sealed, out, "--project", str(sealed.project_id))
    other = Shell(sealed.shell.url, tmp_path / "other")
    assert other.run("keys", "init").exit_code == 0
    result = sealed.shell.run("verify-bundle", str(out), "--public-key", str(other.public_key_file))
    assert result.exit_code == 1
    assert "is not the trusted key" in result.output


def test_a_bundle_re_signed_by_a_forger_proves_nothing(sealed: Sealed, tmp_path: Path) -> None:
    out = tmp_path / "account.bundle"
    export(sealed, out, "--account", str(sealed.account_id))
    lines = out.read_bytes().splitlines(keepends=True)
    forger = Signer(Ed25519PrivateKey.generate())
    genuine = parse_checkpoint_line(lines[2])
    forged = make_checkpoint(
        forger, genuine.position, genuine.size, genuine.head, genuine.root, datetime.now(UTC)
    )
    bundle = reseal([lines[0], key_line(forger.public_key.raw), forged.line(), *lines[3:]])
    assert not fails(bundle, forger.public_key, tmp_path)  # its own key vouches for it...
    path = tmp_path / "forged.bundle"
    path.write_bytes(bundle)
    result = sealed.shell.run(
        "verify-bundle", str(path), "--public-key", str(sealed.shell.public_key_file)
    )
    assert result.exit_code == 1  # ...the trusted key does not
    assert "the bundle's public key" in result.output and "is not the trusted key" in result.output


@pytest.mark.parametrize("signature", ["", "00" * 64])
def test_a_missing_or_wrong_signature_fails(sealed: Sealed, tmp_path: Path, signature: str) -> None:
    out = tmp_path / "account.bundle"
    export(sealed, out, "--account", str(sealed.account_id))
    lines = out.read_bytes().splitlines(keepends=True)
    checkpoint = json.loads(lines[2])
    checkpoint["signature"] = signature
    lines[2] = json.dumps(checkpoint, sort_keys=True, separators=(",", ":")).encode() + b"\n"
    path = tmp_path / "unsigned.bundle"
    path.write_bytes(reseal(lines))
    result = sealed.shell.run(
        "verify-bundle", str(path), "--public-key", str(sealed.shell.public_key_file)
    )
    assert result.exit_code == 1
    assert "line 3: the checkpoint at position" in result.output
    assert "is not signed by the trusted key" in result.output


def test_events_after_the_newest_checkpoint_are_left_out_and_said_so(
    sealed: Sealed, store_story: Story, tmp_path: Path
) -> None:
    paid = voucher("1000.00")
    store_story.app.disburse(req("fo1", PAYABLE_ON), sealed.second_id, paid.amount, "coop", (paid,))
    out = tmp_path / "second.bundle"
    output = export(sealed, out, "--project", str(sealed.second_id))
    assert "note: 1 events recorded after position" in output
    report = verify_bundle(out, trusted(sealed))
    assert report.versions is not None
    assert store_story.app.get_project(sealed.second_id).version == report.versions[1] + 1
    assert sealed.shell.run("checkpoint").exit_code == 0
    export(sealed, out, "--project", str(sealed.second_id))
    assert verify_bundle(out, trusted(sealed)).versions == (1, report.versions[1] + 1)


def test_export_before_any_checkpoint_is_refused(
    store_story: Story, database_url: str, tmp_path: Path
) -> None:
    store_story.evaluated()
    shell = Shell(database_url, tmp_path)
    assert shell.run("keys", "init").exit_code == 0
    result = shell.run("export", "--all", "-o", str(tmp_path / "b"))
    assert result.exit_code == 2
    assert "no checkpoint has been made yet" in result.output
    assert not (tmp_path / "b").exists()
