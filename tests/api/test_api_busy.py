"""503 with Retry-After when the store cannot serialise a command in time; nothing recorded."""

from __future__ import annotations

import sqlite3

from fastapi.testclient import TestClient
from http_story import API, HttpStory

from api.app import create_app
from infrastructure.settings import Settings

pytest_plugins = ["api_fixtures"]


def test_a_command_that_cannot_get_the_write_lock_in_time_is_503(sqlite_url: str) -> None:
    app = create_app(Settings(database_url=sqlite_url))
    with TestClient(app) as client:
        hs = HttpStory(client, app.state.services).cast()
        account_id = hs.account()
        before = hs.app.recorder.max_notification_id()
        # Another process holds SQLite's write lock past the store's lock timeout (10 s).
        other = sqlite3.connect(Settings(database_url=sqlite_url).sqlite_path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            response = client.post(
                f"{API}/accounts/{account_id}/allocations",
                json={"amount": "1.00", "document_no": "busy-1"},
                headers=hs.headers("fo1"),
            )
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert response.status_code == 503, response.text
        assert response.headers["retry-after"] == "1"
        assert response.headers["content-type"] == "application/problem+json"
        assert "retry" in response.json()["detail"]
        assert hs.app.recorder.max_notification_id() == before
        hs.post(
            "fo1", f"/accounts/{account_id}/allocations", {"amount": "1.00", "document_no": "x"}
        )
