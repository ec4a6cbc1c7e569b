"""API fixtures: a plugin each test module names in pytest_plugins (mypy: one conftest)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from http_story import HttpStory

from api.app import create_app
from infrastructure.settings import Settings


@pytest.fixture
def client(database_url: str) -> Iterator[TestClient]:
    """The HTTP API on a fresh store, its lifespan run."""
    with TestClient(create_app(Settings(database_url=database_url))) as test_client:
        yield test_client


@pytest.fixture
def hs(client: TestClient) -> HttpStory:
    """The cast registered through POST /officials, after the first admin (as the CLI does)."""
    return HttpStory(client).cast()
