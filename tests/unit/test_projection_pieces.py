"""Pure pieces of the read models: money in fen, cursors, months, SQL rendering, handlers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, cast
from uuid import UUID, uuid4

import pytest
from story import Story

from domain.errors import InvalidValue
from domain.project import Project
from domain.values import Region
from projections.dispatch_read import DUE_DAYS, month_end
from projections.history import HistoryProjection, event_data
from projections.ledger import ENTRY, LedgerProjection
from projections.register import RegisterProjection
from projections.rows import check_limit, decode_cursor, encode_cursor, page
from projections.sql import POSTGRES, SQLITE, table, to_fen, to_money
from projections.store import Meta
from projections.view import event_classes, jsonable

NOW = datetime(2017, 3, 1, 9, 0, tzinfo=UTC)


def test_money_goes_in_as_fen_and_comes_back_as_two_place_yuan() -> None:
    assert to_fen(Decimal("12345.67")) == 1234567
    assert to_fen(Decimal("1000000000000.00")) == 100000000000000
    assert str(to_money(1234500)) == "12345.00"
    assert str(to_money(Decimal(-5))) == "-0.05"
    with pytest.raises(ValueError, match="two places"):
        to_fen(Decimal("1.005"))


def test_cursors_round_trip_and_refuse_other_lists_and_garbage() -> None:
    cursor = encode_cursor("ledger", [42])
    assert decode_cursor("ledger", cursor) == [42]
    assert decode_cursor("ledger", None) is None
    forged = [encode_cursor("ledger", k) for k in (["a"], [10**23], [-1], [True], [1, 2], [])]
    for bad in ("", "!!!", encode_cursor("register", [42]), "WyJsZWRnZXIiLDQyXQ", *forged):
        with pytest.raises(InvalidValue, match="cursor"):
            decode_cursor("ledger", bad)


def test_a_page_has_a_next_cursor_only_when_more_rows_exist() -> None:
    rows = [(n,) for n in range(1, 5)]
    full = page("t", rows, 3, lambda r: [r[0]], lambda r: r[0])
    assert full.items == [1, 2, 3] and decode_cursor("t", full.next) == [3]
    last = page("t", rows[:3], 3, lambda r: [r[0]], lambda r: r[0])
    assert last.items == [1, 2, 3] and last.next is None


@pytest.mark.parametrize("limit", [0, 1001, -1, True])
def test_a_page_size_outside_1_to_1000_is_refused(limit: int) -> None:
    with pytest.raises(InvalidValue, match="limit"):
        check_limit(limit)


def test_months_end_on_their_last_day() -> None:
    assert month_end("2017-02") == date(2017, 2, 28)
    assert month_end("2016-02") == date(2016, 2, 29)
    assert month_end("2017-12") == date(2017, 12, 31)
    assert DUE_DAYS == 90
    for bad in ("2017-13", "2017-1", "17-01", "2017-01-01", "２０１７-01", "2017-01\n"):
        with pytest.raises(InvalidValue, match="YYYY-MM"):
            month_end(bad)
    with pytest.raises(InvalidValue, match="not a calendar month"):
        month_end("0000-01")


def test_view_sql_is_written_once_and_rendered_per_store() -> None:
    names = {"t": '"s"."t"'}
    assert SQLITE.render("SELECT a FROM {t} WHERE b=?", {"t": "t"}) == "SELECT a FROM t WHERE b=?"
    assert (
        POSTGRES.render("SELECT a FROM {t} WHERE b=?", names) == 'SELECT a FROM "s"."t" WHERE b=%s'
    )
    with pytest.raises(ValueError, match="%"):
        POSTGRES.render("SELECT a FROM {t} WHERE b LIKE '%x'", names)
    spec = table("t", "id uuid!, amount money, on_ date!", "id", "on_, id")
    assert SQLITE.create_table("t", spec) == (
        "CREATE TABLE IF NOT EXISTS t (id TEXT NOT NULL, amount INTEGER, on_ TEXT NOT NULL, "
        "PRIMARY KEY (id))"
    )
    assert "amount bigint" in POSTGRES.create_table("t", spec)
    assert spec.indexes == (("on_", "id"),)
    assert SQLITE.adapt(date(2017, 3, 1)) == "2017-03-01"
    assert SQLITE.adapt(NOW) == "2017-03-01T09:00:00.000000+00:00"
    assert POSTGRES.adapt(NOW) is NOW


@dataclass(frozen=True)
class _Nested:
    region: Region
    amounts: tuple[Decimal, ...]


def test_event_data_is_json_ready() -> None:
    value = _Nested(Region("a", "b", "c", "d"), (Decimal("1.5"),))
    assert jsonable(value) == {
        "region": {"city": "a", "county": "b", "township": "c", "village": "d"},
        "amounts": ["1.50"],
    }
    uid = uuid4()
    assert jsonable({"d": date(2017, 1, 2), "u": uid}) == {"d": "2017-01-02", "u": str(uid)}
    with pytest.raises(TypeError):
        jsonable(object())


def test_topics_are_the_events_with_a_handler() -> None:
    assert len(LedgerProjection.topics) == 7
    assert all(t.startswith("domain.account:FundAccount.") for t in LedgerProjection.topics)
    assert len(HistoryProjection.topics) == len(event_classes(Project)) == 14
    assert "domain.account:FundAccount.Paid" in RegisterProjection.topics


def test_handlers_turn_events_into_rows_without_touching_a_store(story: Story) -> None:
    project_id = story.approved()
    assert story.account_id is not None
    story.pay(project_id, "1000.00")
    events: list[Any] = list(story.app.repository.event_store.get(story.account_id))
    ledger = LedgerProjection(cast(Any, None))
    writes = [w for n, e in enumerate(events, 1) for w in ledger.writes(e, Meta(n, NOW))]
    entries = [w.params for w in writes if w.sql == ENTRY]
    assert [(p[1], p[2], p[3]) for p in entries] == [
        (1, "allocation", 500000000),
        (2, "earmark", 28000000),
        (3, "payment", 100000),
    ]
    assert all(isinstance(p[0], UUID) and p[6] == NOW for p in entries)
    proposed: Any = next(iter(story.app.repository.event_store.get(project_id)))
    data = event_data(proposed)
    assert data["planned_budget"] == "300000.00" and data["reason"] == ""
    assert "context" not in data and "originator_id" not in data
