"""Assert that a command is refused with its error and records nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from domain.application import FundTrail
from domain.errors import FundtrailError


def assert_refused(
    app: FundTrail, error: type[FundtrailError], match: str, command: Callable[[], object]
) -> FundtrailError:
    """The command raises `error` (message matching) and the store is unchanged."""
    before = app.recorder.max_notification_id()
    with pytest.raises(error, match=match) as caught:
        command()
    assert app.recorder.max_notification_id() == before, "a refused command recorded events"
    return caught.value
