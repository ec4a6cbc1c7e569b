"""`fundtrail serve` as a person runs it: a real process, real HTTP, the read models kept up."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from story import REGION

FUNDTRAIL = str(Path(sys.executable).parent / "fundtrail")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    """`fundtrail serve` on a SQLite file, with a first admin made by the CLI."""
    env = {**os.environ, "FUNDTRAIL_DATABASE_URL": f"sqlite:///{tmp_path / 'ft.db'}"}
    person = ["--person-id", "po", "--name", "Zhang Wei 张伟", "--org", "Yinan 沂南县扶贫办"]
    added = subprocess.run(
        [FUNDTRAIL, "officials", "add", *person, "--role", "project_officer", "--role", "admin"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    token = json.loads(added.stdout)["token"]
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [FUNDTRAIL, "serve", "--port", str(port)], env=env, stdout=out, stderr=out
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, log.read_text()
            try:
                if httpx.get(f"{url}/openapi.json", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        yield url, token, log
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)


def test_serve_answers_commands_and_a_query_reflects_them_within_two_seconds(
    served: tuple[str, str, Path],
) -> None:
    url, token, log = served
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "name": "Beizhai greenhouse vegetables 北寨大棚蔬菜",
        "region": vars(REGION),
        "category": "industry",
        "planned_budget": "300000.00",
        "effective_on": "2017-03-01",
    }
    proposed = httpx.post(f"{url}/api/v1/projects", json=body, headers=headers)
    assert proposed.status_code == 201, proposed.text
    assert proposed.headers["etag"] == '"1"'
    deadline = time.monotonic() + 2.0
    while True:
        register = httpx.get(f"{url}/api/v1/projects", headers=headers).json()["projects"]
        if register:
            break
        assert time.monotonic() < deadline, "the register did not reflect the command in 2 s"
        time.sleep(0.05)
    assert register[0]["id"] == proposed.json()["id"]
    assert httpx.get(f"{url}/docs").status_code == 200
    access = [line for line in log.read_text().splitlines() if "fundtrail.access" in line]
    posted = [json.loads(a.split("fundtrail.access ", 1)[1]) for a in access if "POST" in a]
    assert (posted[0]["person"], posted[0]["path"], posted[0]["status"]) == (
        "po",
        "/api/v1/projects",
        201,
    )
    assert isinstance(posted[0]["request_id"], str) and posted[0]["ms"] >= 0
