"""Several processes starting at once on a fresh PostgreSQL schema all come up."""

from __future__ import annotations

import threading

import pytest

from infrastructure.settings import Settings
from infrastructure.wiring import build_application


@pytest.mark.postgres
def test_applications_starting_together_on_a_fresh_schema_all_start(pg_url: str) -> None:
    failures: list[BaseException] = []
    start = threading.Barrier(6)

    def start_one() -> None:
        start.wait()
        try:
            build_application(Settings(database_url=pg_url)).close()
        except BaseException as exc:  # collected for the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=start_one) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
