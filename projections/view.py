"""A view's projection: the library's Projection, with one handler per event.

Handlers do no I/O: each returns the SQL writes its event makes, so that a store can
apply a whole batch of events, and the tracking position, in one transaction. Driven by
the library's ProjectionRunner instead, `process_event` applies one event per transaction.
"""

from __future__ import annotations

import functools
import json
from abc import ABC
from collections.abc import Iterable
from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from projections.sql import Schema
from projections.store import Meta, ViewStore, Write


class ViewProjection(Projection[ViewStore], ABC):
    """A read model's handlers; subclasses define `writes` as a singledispatchmethod."""

    schema: ClassVar[Schema]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name = cls.schema.view
        method = cls.__dict__.get("writes")
        # The topics to read are the events with a handler, unless the view names them.
        if "topics" not in cls.__dict__ and isinstance(method, functools.singledispatchmethod):
            handled = [t for t in method.dispatcher.registry if t is not object]
            cls.topics = tuple(sorted(get_topic(t) for t in handled))

    def writes(self, event: Any, meta: Meta) -> Iterable[Write]:
        """The writes an event makes on this view; events without a handler make none."""
        return ()

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """Apply one event in its own transaction (how the library's runner drives it)."""
        position = tracking.notification_id
        self.view.apply(self, [(domain_event, position)], upto=position)


def event_classes(aggregate: type[Aggregate]) -> list[type[Aggregate.Event]]:
    """Every event class nested in an aggregate (not its Event and Created bases)."""
    base = aggregate.Event
    return [
        value
        for key, value in vars(aggregate).items()
        if isinstance(value, type) and issubclass(value, base) and key not in ("Event", "Created")
    ]


def jsonable(value: Any) -> Any:
    """A value from an event as JSON-ready data: money and dates as strings, ids as text."""
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date | UUID):
        return str(value) if isinstance(value, UUID) else value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    raise TypeError(f"cannot turn {type(value).__name__} into JSON data")


def dumps(data: Any) -> str:
    """Compact, stable JSON text (sorted keys, Chinese kept readable)."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
