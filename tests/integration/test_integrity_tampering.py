"""Every kind of tampering with the raw rows is detected and located by `fundtrail verify`.

Both stores; the rows are changed with plain SQL, as an administrator could. The story
covers idempotency records, voucher claims (claimed, released, reclaimed) and snapshots.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from integrity_support import Sealed, Shell, seal
from story import Story

from infrastructure.integrity.signing import parse_public_key


@pytest.fixture
def sealed(store_story: Story, database_url: str, tmp_path: Path) -> Sealed:
    return seal(store_story, database_url, tmp_path)


def assert_found(sealed: Sealed, position: int, kind: str, *args: str) -> str:
    code, output = sealed.verify(*args)
    assert code == 1, output
    first = output.split("the first: ", 1)[1].splitlines()[0]
    assert first.startswith(f"position {position}: {kind} — "), output
    return first


def test_an_untouched_store_verifies_and_says_what_it_checked(sealed: Sealed) -> None:
    code, output = sealed.verify()
    events = len(sealed.raw.rows())
    assert code == 0, output
    assert f"events checked: {events} (chain records: {events}," in output
    assert "checkpoints checked: 1 from the database" in output
    assert (
        f"checkpoints checked: 1 from the checkpoint file {sealed.shell.checkpoint_file}" in output
    )
    assert "snapshots checked against a replay: 1" in output
    assert output.rstrip().endswith("every checkpoint and snapshot")


def test_a_byte_edited_in_a_state_is_named(sealed: Sealed) -> None:
    row = sealed.project_row(3)
    state = sealed.raw.state(row.position)
    sealed.raw.set_state(row.position, state.replace(b"sound", b"Sound", 1))
    first = assert_found(sealed, row.position, "edited")
    assert f"aggregate {sealed.project_id} version 3" in first


def test_a_changed_topic_is_named(sealed: Sealed) -> None:
    row = sealed.project_row(4)
    sealed.raw.set_topic(row.position, row.topic.replace("Reviewed", "Audited"))
    assert_found(sealed, row.position, "edited")


def test_a_deleted_row_is_named(sealed: Sealed) -> None:
    row = sealed.project_row(5)
    sealed.raw.delete_events([row.position])
    first = assert_found(sealed, row.position, "missing")
    assert "was deleted" in first


def test_a_row_deleted_with_its_chain_record_is_found_at_the_next_record(sealed: Sealed) -> None:
    row = sealed.project_row(5)
    sealed.raw.delete_events([row.position])
    sealed.raw.delete_chain([row.position])
    before = max(r.position for r in sealed.raw.rows() if r.position < row.position)
    following = min(r.position for r in sealed.raw.rows() if r.position > row.position)
    first = assert_found(sealed, following, "missing")
    assert f"after position {before} is missing" in first


def test_the_last_rows_deleted_are_caught_by_the_stored_checkpoint(sealed: Sealed) -> None:
    positions = [r.position for r in sealed.raw.rows()]
    last_kept, deleted = positions[-4], positions[-3:]
    sealed.raw.delete_events(deleted)
    sealed.raw.delete_chain(deleted)
    code, output = sealed.verify()
    assert code == 1
    assert f"the log ends at position {last_kept}" in output
    assert f"the records after position {last_kept} were deleted" in output


def test_the_last_rows_deleted_with_their_checkpoints_are_caught_only_outside(
    sealed: Sealed,
) -> None:
    last = sealed.raw.rows()[-3:]
    positions = [r.position for r in last]
    sealed.raw.delete_events(positions)
    sealed.raw.delete_chain(positions)
    sealed.raw.delete_checkpoints_from(positions[0])
    outside = sealed.shell.checkpoint_file
    moved = outside.rename(outside.with_suffix(".kept"))
    assert sealed.verify()[0] == 0  # the database alone no longer knows
    code, output = sealed.verify("--checkpoint", str(moved))
    assert code == 1
    first = output.split("the first: ", 1)[1]
    assert first.startswith(f"position {positions[-1]}: missing — the log ends at position")
    assert f"the checkpoint file {moved} checkpoint at position {positions[-1]}" in first


def test_a_forged_row_is_named(sealed: Sealed) -> None:
    row = sealed.project_row(14)
    state = sealed.raw.state(row.position)
    forged = sealed.raw.insert_event(sealed.project_id, 15, row.topic, state)
    first = assert_found(sealed, forged, "inserted")
    assert "has no chain record" in first


def test_two_rows_with_swapped_versions_are_named(sealed: Sealed) -> None:
    third, fourth = sealed.project_row(3), sealed.project_row(4)
    sealed.raw.swap_versions(third, fourth)
    first = assert_found(sealed, third.position, "reordered")
    assert "recorded as" in first and "now says version 4" in first


def test_an_event_moved_to_another_aggregate_is_named(sealed: Sealed) -> None:
    row = sealed.project_row(2)
    sealed.raw.set_identity(row.position, sealed.account_id, 99)
    first = assert_found(sealed, row.position, "moved")
    assert f"now names aggregate {sealed.account_id} version 99" in first


def test_an_edit_hidden_by_recomputing_the_chain_is_caught_by_the_checkpoints(
    sealed: Sealed,
) -> None:
    row = sealed.project_row(3)
    state = sealed.raw.state(row.position)
    sealed.raw.set_state(row.position, state.replace(b"sound", b"Sound", 1))
    sealed.raw.rechain()
    code, output = sealed.verify()
    assert code == 1
    assert "edited — the chain does not end as the database checkpoint" in output
    assert "edited — the chain does not end as the checkpoint file" in output


def test_a_deletion_hidden_by_recomputing_the_chain_is_caught_by_the_checkpoints(
    sealed: Sealed,
) -> None:
    row = sealed.project_row(5)
    sealed.raw.delete_events([row.position])
    sealed.raw.rechain()
    code, output = sealed.verify()
    assert code == 1
    assert "missing — 1 record was deleted at or before it and the chain re-linked" in output


def test_a_tampered_snapshot_is_found_by_replaying_its_events(sealed: Sealed) -> None:
    ((aggregate_id, version),) = sealed.raw.snapshots()
    state = sealed.raw.snapshot_state(aggregate_id, version)
    assert b'"score":88' in state
    changed = state.replace(b'"score":88', b'"score":98')  # what loading it would give
    sealed.raw.set_snapshot_state(aggregate_id, version, changed)
    code, output = sealed.verify()
    assert code == 1
    expected = f"snapshot differs — the snapshot of aggregate {aggregate_id} version {version}"
    assert f"{expected} does not match a replay" in output


def test_a_snapshot_that_no_longer_decodes_is_found(sealed: Sealed) -> None:
    ((aggregate_id, version),) = sealed.raw.snapshots()
    sealed.raw.set_snapshot_state(aggregate_id, version, b"{not json")
    code, output = sealed.verify()
    assert code == 1 and "cannot be decoded" in output


def test_a_wrong_checkpoint_signature_is_found(sealed: Sealed) -> None:
    position = sealed.raw.rows()[-1].position
    sealed.raw.checkpoint_signature(position, bytes(64))
    code, output = sealed.verify()
    assert code == 1
    assert f"position {position}: bad signature — the database checkpoint" in output
    assert "is not signed by the public key" in output


def test_a_missing_checkpoint_signature_is_found(sealed: Sealed) -> None:
    position = sealed.raw.rows()[-1].position
    sealed.raw.checkpoint_signature(position, b"")
    code, output = sealed.verify()
    assert code == 1 and "has no signature" in output


def test_checkpoints_checked_with_another_key_fail(sealed: Sealed, tmp_path: Path) -> None:
    other = Shell(sealed.shell.url, tmp_path / "other")
    assert other.run("keys", "init").exit_code == 0
    code, output = sealed.verify("--public-key", str(other.public_key_file))
    assert code == 1 and output.count("is not signed by the public key") == 2


def test_no_checkpoint_is_signed_over_a_tampered_store(sealed: Sealed) -> None:
    row = sealed.project_row(6)
    sealed.raw.set_topic(row.position, row.topic + "X")
    result = sealed.shell.run("checkpoint")
    assert result.exit_code == 1
    assert "no checkpoint is made" in result.output
    assert len(sealed.shell.checkpoint_file.read_bytes().splitlines()) == 1


def test_a_forged_signature_in_the_outside_file_is_found(sealed: Sealed) -> None:
    path = sealed.shell.checkpoint_file
    line = json.loads(path.read_bytes())
    line["signature"] = "ab" * 64
    path.write_text(json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n")
    code, output = sealed.verify()
    assert code == 1
    assert f"bad signature — the checkpoint file {path} checkpoint at position" in output


def test_a_mangled_outside_file_is_refused_with_its_line(sealed: Sealed) -> None:
    path = sealed.shell.checkpoint_file
    path.write_bytes(path.read_bytes().replace(b'"size"', b'"Size"'))
    code, output = sealed.verify()
    assert code == 2
    assert f"cannot read the checkpoint file: {path}, line 1:" in output


def test_an_auditor_with_only_the_public_key_file_checks_the_signatures(sealed: Sealed) -> None:
    public = sealed.shell.public_key_file.read_text()
    sealed.shell.key_file.unlink()
    code, output = sealed.verify()
    assert code == 0, output
    assert "checkpoints checked: 1 from the database" in output
    assert f"public key: {parse_public_key(public).hex}" in output
