"""The server's monitor verifies events as they arrive, signs checkpoints every N events or
T seconds (only of a log that verified), and without a key verifies but signs nothing."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from integrity_support import Shell, raw_store
from story import Story

from infrastructure.integrity.checkpoints import read_file
from infrastructure.integrity.monitor import IntegrityMonitor
from infrastructure.integrity.signing import create_key_file
from infrastructure.settings import Settings


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def settings_for(url: str, folder: Path, every: int = 10) -> Settings:
    return Settings(
        database_url=url,
        signing_key_file=folder / "signing.key",
        checkpoint_file=folder / "checkpoints.jsonl",
        checkpoint_every_events=every,
        checkpoint_every_seconds=60,
    )


@pytest.fixture
def keyed(database_url: str, tmp_path: Path) -> Settings:
    settings = settings_for(database_url, tmp_path)
    create_key_file(settings.signing_key_file)
    return settings


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def monitor(keyed: Settings, clock: Clock, store_story: Story) -> Iterator[IntegrityMonitor]:
    watching = IntegrityMonitor(keyed, clock)
    yield watching
    watching.stop()


def events_in(url: str) -> int:
    return len(raw_store(url).rows())


def test_new_events_are_verified_and_checkpointed_every_n_events(
    monitor: IntegrityMonitor, keyed: Settings, store_story: Story, database_url: str
) -> None:
    monitor.run_once()
    first = monitor.status()
    assert first.verified and first.events_checked == events_in(database_url) == 8
    assert first.last_checkpoint is None  # 8 new events: fewer than 10, and no time passed
    store_story.account()
    store_story.proposed()
    monitor.run_once()
    status = monitor.status()
    assert status.verified and status.events_checked == events_in(database_url) == 11
    made = status.last_checkpoint
    assert made is not None and (made.position, made.size) == (11, 11)
    assert status.head == made.head
    assert [c for _, c in read_file(keyed.checkpoint_file)] == [made]
    assert monitor.public_key is not None and made.is_signed_by(monitor.public_key)


def test_fewer_events_are_checkpointed_once_t_seconds_have_passed(
    monitor: IntegrityMonitor, clock: Clock, store_story: Story
) -> None:
    monitor.run_once()
    assert monitor.status().last_checkpoint is None
    clock.now += 61
    monitor.run_once()
    made = monitor.status().last_checkpoint
    assert made is not None and made.size == 8
    clock.now += 61
    monitor.run_once()  # nothing new: no second checkpoint
    assert monitor.status().last_checkpoint == made


def test_a_restarted_monitor_checks_the_checkpoints_it_finds(
    monitor: IntegrityMonitor, keyed: Settings, clock: Clock, store_story: Story, database_url: str
) -> None:
    clock.now += 61
    monitor.run_once()
    monitor.stop()
    store_story.proposed()
    again = IntegrityMonitor(keyed, clock)
    try:
        again.run_once()
        status = again.status()
    finally:
        again.stop()
    assert status.verified and status.events_checked == events_in(database_url)
    assert status.last_checkpoint is not None and status.last_checkpoint.size == 8


def test_rows_deleted_while_the_server_was_down_are_caught_at_restart(
    monitor: IntegrityMonitor, keyed: Settings, clock: Clock, database_url: str
) -> None:
    clock.now += 61
    monitor.run_once()
    monitor.stop()
    raw = raw_store(database_url)
    last_kept, *last = [r.position for r in raw.rows()[-3:]]
    raw.delete_events(last)
    raw.delete_chain(last)
    raw.delete_checkpoints_from(last[0])
    again = IntegrityMonitor(keyed, clock)
    try:
        again.run_once()
        status = again.status()
    finally:
        again.stop()
    assert status.state == "failed" and not status.verified
    assert f"the records after position {last_kept} were deleted" in status.findings[0]


def test_a_row_forged_while_serving_fails_verification_and_stops_signing(
    monitor: IntegrityMonitor, clock: Clock, store_story: Story, database_url: str
) -> None:
    monitor.run_once()
    raw = raw_store(database_url)
    row = raw.rows()[-1]
    forged = raw.insert_event(row.aggregate_id, row.version + 1, row.topic, raw.state(row.position))
    store_story.proposed()
    clock.now += 61
    monitor.run_once()
    status = monitor.status()
    assert status.state == "failed"
    assert status.findings[0].startswith(f"position {forged}: inserted")
    assert status.last_checkpoint is None  # a log that does not verify is never signed


def test_without_a_key_the_monitor_verifies_signs_nothing_and_says_why(
    store_story: Story, database_url: str, tmp_path: Path
) -> None:
    settings = settings_for(database_url, tmp_path, every=1)
    watching = IntegrityMonitor(settings)
    try:
        watching.run_once()
        status = watching.status()
    finally:
        watching.stop()
    assert status.verified and status.events_checked == 8
    assert status.last_checkpoint is None and watching.public_key is None
    assert status.signing.startswith(f"no signing key at {settings.signing_key_file}")
    assert not settings.checkpoint_file.exists() and not settings.signing_key_file.exists()
    assert Shell(database_url, tmp_path).run("verify").exit_code == 0


def test_on_the_in_memory_store_the_monitor_says_it_is_unavailable(tmp_path: Path) -> None:
    watching = IntegrityMonitor(settings_for("memory://", tmp_path))
    watching.run_once()
    status = watching.status()
    assert (status.state, status.verified) == ("unavailable", False)
