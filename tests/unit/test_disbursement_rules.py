"""Disbursement, reversal, completion and evaluation rules: refused, nothing recorded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from refusals import assert_refused
from story import (
    APPROVAL_DISCLOSED_ON,
    COMPLETED_ON,
    EVALUATED_ON,
    PAYABLE_ON,
    Story,
    req,
    voucher,
)

from domain import errors
from domain.application import FundTrail
from domain.values import Voucher


def test_payment_waits_until_the_approval_disclosure_is_over(story: Story) -> None:
    project_id = story.approved()
    assert_refused(
        story.app,
        errors.DisclosureNotOver,
        "approval disclosure runs until 2017-03-28",
        lambda: story.app.disburse(
            req("fo1", date(2017, 3, 27)), project_id, Decimal("1.00"), "p", (voucher("1.00"),)
        ),
    )


def test_payment_waits_for_open_objections_on_the_approval(story: Story) -> None:
    project_id = story.approved()
    story.app.raise_objection(
        req("aud", APPROVAL_DISCLOSED_ON), project_id, "approval", "amount too high", "villager"
    )
    assert_refused(
        story.app,
        errors.ObjectionOpen,
        "still open",
        lambda: story.app.disburse(
            req("fo1", PAYABLE_ON), project_id, Decimal("1.00"), "p", (voucher("1.00"),)
        ),
    )


def test_payer_must_not_be_the_approver(app: FundTrail) -> None:
    story = Story(app).cast()
    app.change_roles(req("cli", PAYABLE_ON), "apr", ("finance_officer",), ())
    project_id = story.approved()
    assert_refused(
        app,
        errors.SegregationOfDuties,
        "payer must not be the person who approved",
        lambda: app.disburse(
            req("apr", PAYABLE_ON), project_id, Decimal("1.00"), "p", (voucher("1.00"),)
        ),
    )


def test_disbursement_beyond_approved_amount_is_refused(story: Story) -> None:
    project_id = story.approved(approved="20000.00")
    story.pay(project_id, "12000.00")
    assert_refused(
        story.app,
        errors.DisbursementExceedsRemaining,
        "disbursement of 12,000.00 exceeds the remaining approved amount of 8,000.00",
        lambda: story.pay(project_id, "12000.00"),
    )


def test_vouchers_must_cover_the_payment(story: Story) -> None:
    project_id = story.approved()
    assert_refused(
        story.app,
        errors.VouchersInsufficient,
        "vouchers cover 900.00, less than the payment of 1,000.00",
        lambda: story.app.disburse(
            req("fo1", PAYABLE_ON), project_id, Decimal("1000.00"), "p", (voucher("900.00"),)
        ),
    )


def test_a_voucher_is_claimed_once_on_any_project(story: Story) -> None:
    first = story.approved()
    second = story.approved()
    used = voucher("500.00")
    story.app.disburse(req("fo1", PAYABLE_ON), first, Decimal("500.00"), "p", (used,))
    assert_refused(
        story.app,
        errors.VoucherAlreadyClaimed,
        "already backs payment 1 of project",
        lambda: story.app.disburse(req("fo1", PAYABLE_ON), second, Decimal("500.00"), "p", (used,)),
    )


def test_the_same_voucher_twice_in_one_payment_is_refused(story: Story) -> None:
    project_id = story.approved()
    twice = voucher("500.00")
    assert_refused(
        story.app,
        errors.InvalidValue,
        "listed twice",
        lambda: story.app.disburse(
            req("fo1", PAYABLE_ON), project_id, Decimal("1000.00"), "p", (twice, twice)
        ),
    )


def test_reversal_restores_remaining_earmark_and_voucher(story: Story) -> None:
    project_id = story.approved(approved="20000.00")
    used = voucher("12000.00")
    story.app.disburse(req("fo1", PAYABLE_ON), project_id, Decimal("12000.00"), "p", (used,))
    story.app.reverse_disbursement(req("fo2", PAYABLE_ON, "wrong payee"), project_id, 1)
    project = story.app.get_project(project_id)
    assert project.disbursed == Decimal("0.00")
    assert story.app.get_account(project.account_id or project_id).earmarked == Decimal("20000.00")
    # The voucher backs no payment now, so the correct payment may rest on it.
    story.app.disburse(req("fo1", PAYABLE_ON), project_id, Decimal("12000.00"), "q", (used,))
    assert story.app.get_project(project_id).disbursed == Decimal("12000.00")


def test_reversal_by_the_payer_is_refused(story: Story) -> None:
    project_id = story.approved()
    story.pay(project_id, "100.00", by="fo1")
    assert_refused(
        story.app,
        errors.SegregationOfDuties,
        "reversed by someone other than its payer",
        lambda: story.app.reverse_disbursement(req("fo1", PAYABLE_ON, "oops"), project_id, 1),
    )


def test_reversal_needs_a_reason_and_happens_once(story: Story) -> None:
    project_id = story.approved()
    story.pay(project_id, "100.00")
    assert_refused(
        story.app,
        errors.InvalidValue,
        "reversal needs its reason",
        lambda: story.app.reverse_disbursement(req("fo2", PAYABLE_ON), project_id, 1),
    )
    story.app.reverse_disbursement(req("fo2", PAYABLE_ON, "duplicate"), project_id, 1)
    assert_refused(
        story.app,
        errors.PaymentAlreadyReversed,
        "payment 1 was already reversed",
        lambda: story.app.reverse_disbursement(req("fo2", PAYABLE_ON, "again"), project_id, 1),
    )
    assert_refused(
        story.app,
        errors.NotFound,
        "no disbursement number 7",
        lambda: story.app.reverse_disbursement(req("fo2", PAYABLE_ON, "x"), project_id, 7),
    )


def test_completion_needs_a_payment(story: Story) -> None:
    project_id = story.approved()
    story.pay(project_id, "100.00")
    story.app.reverse_disbursement(req("fo2", PAYABLE_ON, "duplicate"), project_id, 1)
    assert_refused(
        story.app,
        errors.NoPaymentMade,
        "completion needs at least one payment",
        lambda: story.app.complete_project(req("po", COMPLETED_ON), project_id, COMPLETED_ON),
    )


def test_completion_closes_disbursement(story: Story) -> None:
    project_id = story.completed()
    assert_refused(
        story.app,
        errors.DisbursementClosed,
        "completion has closed disbursement",
        lambda: story.pay(project_id, "1.00"),
    )
    assert_refused(
        story.app,
        errors.DisbursementClosed,
        "recover money with a return",
        lambda: story.app.reverse_disbursement(req("fo2", COMPLETED_ON, "x"), project_id, 1),
    )


def test_evaluation_waits_for_the_completion_disclosure(story: Story) -> None:
    project_id = story.completed()
    assert_refused(
        story.app,
        errors.DisclosureNotOver,
        "completion disclosure runs until 2017-07-08",
        lambda: story.app.evaluate_benefit(
            req("eva", date(2017, 7, 7)), project_id, (), Decimal("0.00"), 50
        ),
    )


def test_evaluation_score_is_between_0_and_100(story: Story) -> None:
    project_id = story.completed()
    assert_refused(
        story.app,
        errors.InvalidValue,
        "score 101 is not between 0 and 100",
        lambda: story.app.evaluate_benefit(
            req("eva", EVALUATED_ON), project_id, (), Decimal("0.00"), 101
        ),
    )


def test_closed_project_takes_no_command(story: Story) -> None:
    project_id = story.evaluated()
    assert_refused(
        story.app,
        errors.ProjectClosed,
        "is closed after its benefit evaluation",
        lambda: story.app.evaluate_benefit(
            req("eva", EVALUATED_ON), project_id, (), Decimal("0.00"), 50
        ),
    )


def test_voucher_amount_must_be_positive(story: Story) -> None:
    project_id = story.approved()
    bad = Voucher("zero.pdf", "0" * 64, Decimal("0.00"))
    assert_refused(
        story.app,
        errors.InvalidValue,
        "every voucher amount must be more than 0.00",
        lambda: story.app.disburse(
            req("fo1", PAYABLE_ON), project_id, Decimal("1.00"), "p", (bad, voucher("5.00"))
        ),
    )
