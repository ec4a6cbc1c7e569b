"""Command table rows from disbursement to benefit: each success and each refusal, over HTTP."""

from __future__ import annotations

from datetime import timedelta

from http_story import HttpStory, voucher
from story import (
    APPROVAL_DISCLOSED_ON,
    COMPLETED_ON,
    COMPLETION_DISCLOSED_ON,
    EVALUATED_ON,
    PAYABLE_ON,
)

pytest_plugins = ["api_fixtures"]


def test_a_payment_is_numbered_and_moves_the_figures(hs: HttpStory) -> None:
    project_id = hs.approved()
    assert hs.pay(project_id, "20000.00") == 1
    assert hs.pay(project_id, "30000.00", by="fo2") == 2
    project = hs.get("aud", f"/projects/{project_id}")
    assert (project["checkpoint"], project["disbursed"]) == ("disbursement", "50000.00")
    assert [p["paid_by"] for p in project["payments"]] == ["fo1", "fo2"]
    account = hs.get("aud", f"/accounts/{hs.account_id}")
    assert (account["earmarked"], account["disbursed"]) == ("230000.00", "50000.00")


def test_payment_refusals(hs: HttpStory) -> None:
    project_id = hs.approved()
    path = f"/projects/{project_id}/disbursements"
    early = {**hs.payment("1000.00"), "effective_on": APPROVAL_DISCLOSED_ON.isoformat()}
    hs.refused("fo1", path, early, 409, "runs until 2017-03-28")
    hs.refused("fo1", path, hs.payment("280000.01"), 409, "exceeds the remaining approved")
    short = {**hs.payment("5000.00"), "vouchers": [voucher("4999.99")]}
    hs.refused("fo1", path, short, 409, "vouchers cover 4,999.99")
    hs.refused("fo1", path, {**hs.payment("1.00"), "vouchers": []}, 422, "at least 1 item")
    hs.refused("apr", path, hs.payment("1.00"), 403, "finance_officer")
    hs.post("admin", "/officials/apr/roles", {"grant": ["finance_officer"]})
    hs.refused("apr", path, hs.payment("1.00"), 409, "must not be the person who approved")


def test_a_voucher_backs_one_payment_on_any_project(hs: HttpStory) -> None:
    first = hs.approved()
    second = hs.approved()
    body = hs.payment("1000.00")
    hs.post("fo1", f"/projects/{first}/disbursements", body)
    again = {**body, "amount": "500.00"}
    hs.refused("fo1", f"/projects/{second}/disbursements", again, 409, "already backs payment 1")


def test_payments_need_the_approval_disclosure(hs: HttpStory) -> None:
    project_id = hs.applied()
    account_id = hs.account()
    approval = hs.on(PAYABLE_ON, approved_amount="1000.00", account_id=account_id)
    hs.post("apr", f"/projects/{project_id}/approval", approval)
    path = f"/projects/{project_id}/disbursements"
    hs.refused("fo1", path, hs.payment("10.00"), 409, "approval disclosure (公示) has not")


def test_a_reversal_restores_the_remaining_amount_and_the_earmark(hs: HttpStory) -> None:
    project_id = hs.approved()
    hs.pay(project_id, "20000.00")
    path = f"/projects/{project_id}/disbursements/1/reversal"
    body = hs.on(PAYABLE_ON, reason="duplicate invoice")
    hs.refused("fo1", path, body, 409, "other than its payer")
    hs.refused("fo2", path, hs.on(PAYABLE_ON), 422, "needs its reason")
    hs.refused("po", path, body, 403, "finance_officer")
    answer = hs.post("fo2", path, body)
    assert answer["disbursement_no"] == 1
    hs.refused("fo2", path, body, 409, "already reversed")
    hs.refused("fo2", f"/projects/{project_id}/disbursements/2/reversal", body, 404, "number 2")
    project = hs.get("aud", f"/projects/{project_id}")
    assert project["disbursed"] == "0.00" and project["payments"][0]["reversed"] is True
    account = hs.get("aud", f"/accounts/{hs.account_id}")
    assert (account["earmarked"], account["disbursed"]) == ("280000.00", "0.00")


def test_completion_needs_a_payment_and_releases_the_unpaid_earmark(hs: HttpStory) -> None:
    project_id = hs.approved()
    path = f"/projects/{project_id}/completion"
    body = hs.on(COMPLETED_ON, completed_on=COMPLETED_ON.isoformat())
    hs.refused("po", path, body, 409, "not disbursement")
    hs.pay(project_id, "250000.00")
    hs.refused("fo1", path, body, 403, "project_officer")
    late = {**body, "completed_on": (COMPLETED_ON + timedelta(days=1)).isoformat()}
    hs.refused("po", path, late, 422, "after the business date")
    assert hs.post("po", path, body)["released"] == "30000.00"
    hs.refused("fo1", f"/projects/{project_id}/disbursements", hs.payment("1.00"), 409, "closed")
    account = hs.get("aud", f"/accounts/{hs.account_id}")
    assert (account["earmarked"], account["available"]) == ("0.00", "4750000.00")


def test_evaluation_closes_the_project_after_the_completion_disclosure(hs: HttpStory) -> None:
    project_id = hs.completed()
    path = f"/projects/{project_id}/evaluation"
    body = hs.on(EVALUATED_ON, households_benefited=["H-0001"], income_increase="0", score=90)
    early = {**body, "effective_on": COMPLETION_DISCLOSED_ON.isoformat()}
    hs.refused("eva", path, early, 409, "runs until 2017-07-08")
    hs.refused("eva", path, {**body, "score": 101}, 422, "less than or equal to 100")
    hs.refused("eva", path, {**body, "score": 90.0}, 422, "valid integer")
    hs.refused("eva", path, {**body, "income_increase": "-5.00"}, 422, "at most two places")
    hs.refused("po", path, body, 403, "evaluator")
    hs.post("eva", path, body)
    project = hs.get("aud", f"/projects/{project_id}")
    assert (project["checkpoint"], project["status"], project["score"]) == ("benefit", "closed", 90)
    assert project["income_increase"] == "0.00"
    hs.refused("eva", path, body, 409, "is closed")
