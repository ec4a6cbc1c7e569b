"""GET /integrity and /integrity/public-key, and `serve` without a signing key."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from http_story import HttpStory

from api.app import create_app
from api.services import Services
from infrastructure.integrity.checkpoints import Checkpoint, read_file
from infrastructure.integrity.signing import create_key_file, parse_public_key
from infrastructure.settings import Settings

pytest_plugins = ["api_fixtures"]
API = "/api/v1"
FUNDTRAIL = str(Path(sys.executable).parent / "fundtrail")


def settings_for(url: str, folder: Path) -> Settings:
    # The monitor's thread looks once at start; the tests then look when they choose.
    return Settings(
        database_url=url,
        signing_key_file=folder / "signing.key",
        checkpoint_file=folder / "checkpoints.jsonl",
        checkpoint_every_events=5,
        verify_every_seconds=3600,
    )


def served(settings: Settings) -> Iterator[tuple[TestClient, Services]]:
    with TestClient(create_app(settings)) as client:
        app = client.app
        assert isinstance(app, FastAPI)
        services = app.state.services
        assert isinstance(services, Services) and services.integrity is not None
        yield client, services


@pytest.fixture
def keyed(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, Services]]:
    settings = settings_for(database_url, tmp_path)
    create_key_file(settings.signing_key_file)
    yield from served(settings)


@pytest.fixture
def keyless(database_url: str, tmp_path: Path) -> Iterator[tuple[TestClient, Services]]:
    yield from served(settings_for(database_url, tmp_path))


def look(services: Services) -> None:
    assert services.integrity is not None
    services.integrity.run_once()


def test_integrity_reports_the_verified_head_and_a_signed_checkpoint(
    keyed: tuple[TestClient, Services], tmp_path: Path
) -> None:
    client, services = keyed
    story = HttpStory(client, services).cast()
    story.account()
    look(services)
    answer = story.get("admin", "/integrity")
    recorder = services.fundtrail.recorder
    events, head = len(recorder.select_notifications(1, 10_000)), recorder.max_notification_id()
    assert (answer["verified"], answer["state"], answer["events_checked"]) == (
        True,
        "verified",
        events,
    )
    assert answer["checkpoints"] == "on" and answer["findings"] == []
    last = answer["last_checkpoint"]
    assert last is not None and last["position"] == answer["position"] == head
    assert last["hash"] == answer["head"]
    published = client.get(f"{API}/integrity/public-key")
    assert published.status_code == 200
    key = parse_public_key(published.json()["public_key"])
    assert parse_public_key(published.json()["pem"]) == key
    checkpoint = Checkpoint(
        last["position"],
        last["size"],
        bytes.fromhex(last["hash"]),
        bytes.fromhex(last["root"]),
        next(c for _, c in read_file(tmp_path / "checkpoints.jsonl")).made_at,
        bytes.fromhex(last["signature"]),
    )
    assert checkpoint.made_at_text == last["made_at"]
    assert checkpoint.is_signed_by(key)


def test_integrity_needs_a_token_and_the_public_key_does_not(
    keyed: tuple[TestClient, Services],
) -> None:
    client, _ = keyed
    refused = client.get(f"{API}/integrity")
    assert refused.status_code == 401
    assert refused.headers["content-type"] == "application/problem+json"
    assert client.get(f"{API}/integrity/public-key").status_code == 200


def test_without_a_key_the_server_records_signs_nothing_and_says_so(
    keyless: tuple[TestClient, Services], tmp_path: Path
) -> None:
    client, services = keyless
    story = HttpStory(client, services).cast()
    story.account()
    look(services)
    answer = story.get("admin", "/integrity")
    assert answer["verified"] is True and answer["last_checkpoint"] is None
    assert answer["checkpoints"].startswith(f"no signing key at {tmp_path / 'signing.key'}")
    missing = client.get(f"{API}/integrity/public-key")
    assert missing.status_code == 404
    assert "fundtrail keys init" in missing.json()["detail"]
    assert not (tmp_path / "checkpoints.jsonl").exists()


def test_serve_without_a_key_says_at_start_that_it_makes_no_checkpoints(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "FUNDTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'ft.db'}",
        "FUNDTRAIL_SIGNING_KEY_FILE": str(tmp_path / "absent.key"),
        "FUNDTRAIL_CHECKPOINT_FILE": str(tmp_path / "checkpoints.jsonl"),
    }
    person = ["--person-id", "aud", "--name", "Chen Jie 陈杰", "--org", "Linyi audit 临沂审计局"]
    added = subprocess.run(
        [FUNDTRAIL, "officials", "add", *person, "--role", "auditor"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = json.loads(added.stdout)["token"]
    with socket_port() as port, (tmp_path / "serve.log").open("w") as out:
        process = subprocess.Popen(
            [FUNDTRAIL, "serve", "--port", str(port)], env=env, stdout=out, stderr=out
        )
        try:
            url = f"http://127.0.0.1:{port}{API}"
            answer = wait_for_integrity(url, token, process, tmp_path / "serve.log")
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(30)
    log = (tmp_path / "serve.log").read_text()
    assert f"no signing key at {tmp_path / 'absent.key'}" in log
    assert "checkpoints are NOT being made" in log
    assert str(answer["checkpoints"]).startswith("no signing key at")
    assert answer["last_checkpoint"] is None
    assert not (tmp_path / "absent.key").exists()


class socket_port:  # noqa: N801 (a context manager read as a phrase)
    """A free loopback port."""

    def __enter__(self) -> int:
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port: int = sock.getsockname()[1]
        return port

    def __exit__(self, *_: object) -> None:
        return None


def wait_for_integrity(
    url: str, token: str, process: subprocess.Popen[bytes], log: Path
) -> dict[str, object]:
    """GET /integrity once the server answers (waiting for it to start, not timing it)."""
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, log.read_text()
        try:
            answer = httpx.get(f"{url}/integrity", headers={"Authorization": f"Bearer {token}"})
        except httpx.TransportError:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
            continue
        assert answer.status_code == 200, answer.text
        body: dict[str, object] = answer.json()
        return body
