"""API fixtures: a plugin each test module names in pytest_plugins (mypy: one conftest)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient
from http_story import HttpStory

from api.app import create_app
from api.services import Services
from infrastructure.settings import Settings


def services_of(app: FastAPI) -> Services:
    """The services a started app serves from."""
    services = app.state.services
    assert isinstance(services, Services)
    return services


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """The HTTP API on a fresh store, its lifespan run."""
    with TestClient(create_app(Settings(database_url=database_url))) as test_client:
        yield test_client


@pytest.fixture
def hs(client: TestClient) -> HttpStory:
    """The cast registered through POST /officials, after the first admin (as the CLI does)."""
    app = client.app
    assert isinstance(app, FastAPI)
    return HttpStory(client, services_of(app)).cast()


@dataclass
class LiveServer:
    """The app served by uvicorn on a loopback port, in a thread of this process."""

    url: str
    app: FastAPI


@pytest.fixture
def live_server(database_url: str) -> Iterator[LiveServer]:
    """A real HTTP server (uvicorn, one process) on 127.0.0.1 and a free port."""
    app = create_app(Settings(database_url=database_url))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", app)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


@pytest.fixture
def live_story(live_server: LiveServer) -> Iterator[HttpStory]:
    """The cast, registered over real HTTP."""
    with httpx.Client(base_url=live_server.url, timeout=60) as http:
        yield HttpStory(http, services_of(live_server.app)).cast()
