"""Paging on every list: ?limit= (default 100, at most 1000) and ?after=<cursor>."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

Limit = Annotated[int, Query(ge=1, le=1000, description="Items per page (at most 1000).")]
After = Annotated[
    str | None,
    Query(max_length=200, description="The `next` cursor of the previous page."),
]
