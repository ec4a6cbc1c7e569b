"""Values at the edge (money, dates, fields) and the 500 that no known bad input reaches."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from http_story import API, HttpStory

from api.app import create_app
from infrastructure.settings import Settings

pytest_plugins = ["api_fixtures"]

BAD_AMOUNTS: list[Any] = [
    12000,
    12000.5,
    "1e3",
    "NaN",
    "Infinity",
    "-5.00",
    "12.345",
    "１２０００.００",
    "٣.٠٠",
    None,
    "",
    " 1.00",
    "1,000.00",
    "01.00",
    "1.",
    ".5",
    "0.00",
    "1000000000000.01",
    "99999999999999999999999999999999999999",
    True,
    ["1.00"],
]
BAD_DATES: list[Any] = [
    "2017-3-1",
    "20170301",
    1488326400,
    "2017-02-30",
    "2017-03-01T00:00:00+08:00",
    "２０１７-03-01",
    "",
    True,
]


@pytest.mark.parametrize("amount", BAD_AMOUNTS, ids=repr)
def test_amounts_that_are_not_money_strings_are_422(hs: HttpStory, amount: Any) -> None:
    account_id = hs.account()
    body = {"amount": amount, "document_no": "doc-bad"}
    hs.refused("fo1", f"/accounts/{account_id}/allocations", body, 422, "amount")


def test_the_cap_itself_is_accepted_and_answered_with_two_places(hs: HttpStory) -> None:
    account_id = hs.account(allocated="1")
    body = {"amount": "999999999999.9", "document_no": "doc-cap"}
    hs.post("fo1", f"/accounts/{account_id}/allocations", body)
    assert hs.get("fo1", f"/accounts/{account_id}")["allocated"] == "1000000000000.90"


@pytest.mark.parametrize("day", BAD_DATES, ids=repr)
def test_dates_that_are_not_yyyy_mm_dd_are_422(hs: HttpStory, day: Any) -> None:
    body = {"stage": "selection", "text": "x", "raised_by": "y", "effective_on": day}
    project_id = hs.proposed()
    hs.refused("po", f"/projects/{project_id}/objections", body, 422, "effective_on")


def bad_requests(hs: HttpStory) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """A catalogue of known bad inputs: method, path, httpx keyword arguments."""
    project = f"/projects/{hs.approved()}"
    auth = hs.headers("fo1")
    json_type = {**auth, "Content-Type": "application/json"}
    pay = f"{project}/disbursements"
    for raw in [
        b"{",
        b"null",
        b"[]",
        b'"text"',
        b"NaN",
        b'{"amount": NaN}',
        b'{"amount": "\\ud800"}',
        b'{"payee": "a\\u0000b"}',
        b"[" * 5000 + b"]" * 5000,
        b'{"amount": ' + b"9" * 5000 + b"}",
        b"\xff\xfe\x00",
        '{"payee": "\u00e9"}'.encode("latin-1"),
    ]:
        yield "POST", pay, {"content": raw, "headers": json_type}
    yield "POST", pay, {"content": b"amount=1", "headers": {**auth, "Content-Type": "text/plain"}}
    yield "POST", pay, {"data": {"amount": "1.00"}, "headers": auth}
    yield (
        "POST",
        pay,
        {"json": {**hs.payment("1.00"), "vouchers": [{"sha256": "AB"}]}, "headers": auth},
    )
    yield "POST", pay, {"json": {**hs.payment("1.00"), "payee": "x\x07y"}, "headers": auth}
    yield "POST", pay, {"json": hs.payment("1.00"), "headers": {**auth, "If-Match": '"-1"'}}
    yield "POST", f"{project}/disbursements/0/reversal", {"json": {}, "headers": auth}
    yield "POST", f"{project}/disbursements/99999999999999999999/reversal", {"headers": auth}
    yield "POST", "/projects/%F0%9F%98%80/approval", {"json": {}, "headers": auth}
    yield "POST", "/officials/%00/roles", {"json": {}, "headers": hs.headers("admin")}
    yield "GET", f"{project}", {"params": {"version": 0}, "headers": auth}
    yield "GET", f"{project}", {"params": {"version": 99}, "headers": auth}
    yield "GET", f"{project}", {"params": {"version": "x"}, "headers": auth}
    yield "GET", f"{project}", {"params": {"as_of": "2017-03-01T00:00:00"}, "headers": auth}
    yield "GET", f"{project}", {"params": {"as_of": "1999-01-01T00:00:00Z"}, "headers": auth}
    yield (
        "GET",
        f"{project}",
        {"params": {"as_of": "2017-03-01T00:00:00Z", "version": 1}, "headers": auth},
    )
    yield "GET", f"/accounts/{hs.account_id}", {"params": {"as_of": "2017-13-01"}, "headers": auth}
    # Found by trying the API as an outsider would: each of these once answered 500.
    for version in ("99999999999999999999", "9223372036854775808"):
        yield "GET", f"{project}", {"params": {"version": version}, "headers": auth}
    for moment in ("9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"):
        yield "GET", f"{project}", {"params": {"as_of": moment}, "headers": auth}
    for forged in ("WyJsZWRnZXIiLFsiYSJdXQ", "WyJsZWRnZXIiLFs5OTk5OTk5OTk5OTk5OTk5OTk5OTk5OV1d"):
        ledger = f"/accounts/{hs.account_id}/ledger"
        yield "GET", ledger, {"params": {"after": forged}, "headers": auth}
    for name in ("city", "q", "county"):
        yield "GET", "/projects", {"params": {name: "a\x00b"}, "headers": auth}
    yield (
        "POST",
        f"/projects/{hs.proposed()}/disclosures",
        {
            "json": {"stage": "selection", "published_on": "9999-12-31", "days": 7},
            "headers": hs.headers("po"),
        },
    )


def test_no_known_bad_input_reaches_the_500_answer(
    hs: HttpStory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="fundtrail.errors"):
        for method, path, kwargs in bad_requests(hs):
            response = hs.client.request(method, API + path, **kwargs)
            assert 400 <= response.status_code < 500, (path, kwargs, response.text)
            assert response.headers["content-type"] == "application/problem+json"
    assert not [r for r in caplog.records if r.name == "fundtrail.errors"]


def test_an_unexpected_error_is_logged_with_its_request_id_and_answered_500(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(database_url=sqlite_url))

    @app.get("/boom")
    def boom() -> None:
        """Fail the way a bug would."""
        raise ZeroDivisionError("a bug")

    with TestClient(app) as client, caplog.at_level(logging.ERROR, logger="fundtrail.errors"):
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    request_id = response.headers["x-request-id"]
    assert problem["request_id"] == request_id and request_id in problem["detail"]
    assert "a bug" not in response.text, "internals must not leak to the caller"
    logged = [r for r in caplog.records if r.name == "fundtrail.errors"]
    assert request_id in logged[0].getMessage() and logged[0].exc_info is not None


def test_a_key_named_twice_in_a_body_is_422_and_records_nothing(hs: HttpStory) -> None:
    account_id = hs.account()
    path = f"{API}/accounts/{account_id}/allocations"
    raw = b'{"amount": "1.00", "document_no": "A-1", "document_no": "B-2"}'
    headers = hs.headers("fo1", **{"Content-Type": "application/json"})
    before = hs.client.get(f"{API}/accounts/{account_id}", headers=headers).json()
    response = hs.client.post(path, content=raw, headers=headers)
    assert response.status_code == 422, response.text
    assert "names document_no more than once" in response.json()["detail"]
    after = hs.client.get(f"{API}/accounts/{account_id}", headers=headers).json()
    assert after["version"] == before["version"]
