"""Account rules: allocations, returns, figures never below zero."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from uuid import uuid4

import pytest
from refusals import assert_refused
from story import PAYABLE_ON, Story, req

from domain import errors
from domain.money import MoneyFormatError, to_money
from domain.project import Project
from domain.values import Context


def test_figures_follow_api_definitions(story: Story) -> None:
    project_id = story.approved(approved="100000.00")
    account_id = story.account_id
    assert account_id is not None
    story.pay(project_id, "30000.00")
    story.app.record_return(
        req("fo1", PAYABLE_ON), account_id, Decimal("5000.00"), "RET-1", project_id
    )
    story.app.record_return(req("fo1", PAYABLE_ON), account_id, Decimal("700.00"), "RET-2")
    account = story.app.get_account(account_id)
    assert account.allocated == Decimal("5000000.00")
    assert account.earmarked == Decimal("70000.00")
    assert account.disbursed == Decimal("25000.00")
    # allocated + untied returns − earmarked − disbursed
    assert account.available == Decimal("4905700.00")


def test_allocation_must_be_positive_and_documented(story: Story) -> None:
    account_id = story.account()
    assert_refused(
        story.app,
        errors.InvalidValue,
        "allocation must be more than 0.00",
        lambda: story.app.allocate_funds(
            req("fo1", date(2017, 2, 1)), account_id, Decimal("0"), "D"
        ),
    )
    assert_refused(
        story.app,
        errors.InvalidValue,
        "document number",
        lambda: story.app.allocate_funds(
            req("fo1", date(2017, 2, 1)), account_id, Decimal("1.00"), " "
        ),
    )


def test_a_document_number_is_recorded_once(story: Story) -> None:
    account_id = story.account()
    story.app.allocate_funds(req("fo1", date(2017, 2, 1)), account_id, Decimal("1.00"), "DOC-7")
    assert_refused(
        story.app,
        errors.DuplicateDocument,
        "document 'DOC-7' is already recorded on this account",
        lambda: story.app.allocate_funds(
            req("fo1", date(2017, 2, 1)), account_id, Decimal("1.00"), "DOC-7"
        ),
    )


def test_return_tied_to_a_project_cannot_exceed_what_it_was_paid(story: Story) -> None:
    project_id = story.approved()
    account_id = story.account_id
    assert account_id is not None
    story.pay(project_id, "1000.00")
    assert_refused(
        story.app,
        errors.ReturnExceedsPaid,
        "return of 1,000.01 exceeds the 1,000.00 net paid",
        lambda: story.app.record_return(
            req("fo1", PAYABLE_ON), account_id, Decimal("1000.01"), "R", project_id
        ),
    )


def test_return_for_an_unknown_project_is_invalid_input(story: Story) -> None:
    account_id = story.account()
    assert_refused(
        story.app,
        errors.UnknownReference,
        "no project with id",
        lambda: story.app.record_return(
            req("fo1", PAYABLE_ON), account_id, Decimal("1.00"), "R", uuid4()
        ),
    )


def test_account_purposes_must_be_known_categories(story: Story) -> None:
    assert_refused(
        story.app,
        errors.InvalidValue,
        "purposes must be one or more of",
        lambda: story.app.open_account(
            req("fo1", date(2017, 1, 1)), "a", "s", 2017, "Linyi", ("roads",)
        ),
    )


def test_unknown_account_is_not_found(story: Story) -> None:
    assert_refused(
        story.app,
        errors.NotFound,
        "no account with id",
        lambda: story.app.allocate_funds(req("fo1", date(2017, 1, 1)), uuid4(), Decimal("1"), "D"),
    )


@pytest.mark.parametrize("raw", ["12.345", "NaN", "1e400", "inf", "abc"])
def test_money_refuses_what_is_not_yuan_with_two_places(raw: str) -> None:
    with pytest.raises(MoneyFormatError):
        to_money(raw)


def test_money_refuses_floats() -> None:
    with pytest.raises(MoneyFormatError, match="not a float"):
        to_money(1.5)  # type: ignore[arg-type]


def test_money_keeps_two_places() -> None:
    assert str(to_money("12000")) == "12000.00"
    assert str(to_money("0.5")) == "0.50"


def test_payment_partly_recovered_cannot_be_reversed_in_full(story: Story) -> None:
    project_id = story.approved()
    account_id = story.account_id
    assert account_id is not None
    story.pay(project_id, "1000.00")
    story.app.record_return(req("fo1", PAYABLE_ON), account_id, Decimal("400.00"), "R", project_id)
    assert_refused(
        story.app,
        errors.ReversalExceedsNetPaid,
        "reversing payment 1 of 1,000.00 exceeds the 600.00 the project still holds",
        lambda: story.app.reverse_disbursement(req("fo2", PAYABLE_ON, "x"), project_id, 1),
    )


def test_a_project_takes_back_only_what_it_holds_from_its_own_account(story: Story) -> None:
    project_id = story.approved()
    story.pay(project_id, "1000.00")
    project = story.app.load(Project, project_id, "project")
    context = Context(story.app.actor_for("fo1", "record_return"), PAYABLE_ON)
    with pytest.raises(errors.ReturnExceedsPaid, match="not paid from this account"):
        project.record_recovery(context, Decimal("1.00"), uuid4(), "R")
    with pytest.raises(errors.ReturnExceedsPaid, match=r"exceeds the 1,000\.00 the project holds"):
        project.record_recovery(context, Decimal("1000.01"), project.account_id or uuid4(), "R")
    assert project.pending_events == []


def test_a_tied_return_is_recorded_on_the_project_too(story: Story) -> None:
    project_id = story.approved()
    story.pay(project_id, "1000.00")
    account_id = story.account_id
    assert account_id is not None
    story.app.record_return(req("fo1", PAYABLE_ON), account_id, Decimal("250.00"), "R", project_id)
    project = story.app.get_project(project_id)
    assert (project.disbursed, project.recovered) == (Decimal("750.00"), Decimal("250.00"))
    assert story.app.get_account(account_id).disbursed == Decimal("750.00")
    last = list(story.app.events.get(project_id))[-1]
    assert isinstance(last, Project.FundsRecovered) and last.document_no == "R"
