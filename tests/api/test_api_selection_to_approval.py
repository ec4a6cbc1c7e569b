"""Command table rows from proposal to approval: each success and each refusal, over HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from http_story import HttpStory
from story import (
    APPLIED_ON,
    APPROVED_ON,
    ESTABLISHED_ON,
    PROPOSED_ON,
    REGION,
    REVIEWED_ON,
    SELECTION_DISCLOSED_ON,
)

from domain.engine import today_in_shanghai

pytest_plugins = ["api_fixtures"]


def proposal(hs: HttpStory, **change: object) -> dict[str, object]:
    body = hs.on(
        PROPOSED_ON,
        name="Jiehu road 界湖道路",
        region=vars(REGION),
        category="infrastructure",
        planned_budget="120000.00",
        beneficiaries=["H-0101"],
    )
    return {**body, **change}


def test_a_project_officer_proposes_a_project_at_selection(hs: HttpStory) -> None:
    answer = hs.post("po", "/projects", proposal(hs))
    project = hs.get("rev", f"/projects/{answer['id']}")
    assert (project["checkpoint"], project["status"], project["version"]) == (
        "selection",
        "active",
        1,
    )
    assert project["planned_budget"] == "120000.00" and project["requested_amount"] is None
    assert project["region"] == vars(REGION)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"category": "roads"}, "'industry', 'infrastructure', 'relocation'"),
        ({"planned_budget": "0.00"}, "more than 0.00"),
        ({"beneficiaries": ["H-1", "H-1"]}, "listed twice"),
        ({"efective_on": "2017-03-01"}, "Extra inputs are not permitted"),
        ({"region": {"city": "Linyi"}}, "county"),
    ],
)
def test_malformed_proposals_are_422(hs: HttpStory, change: dict[str, object], match: str) -> None:
    hs.refused("po", "/projects", proposal(hs, **change), 422, match)


def test_a_business_date_after_today_in_shanghai_is_422(hs: HttpStory) -> None:
    tomorrow = (today_in_shanghai() + timedelta(days=1)).isoformat()
    hs.refused("po", "/projects", proposal(hs, effective_on=tomorrow), 422, "after today")


def test_only_project_officers_propose(hs: HttpStory) -> None:
    hs.refused("fo1", "/projects", proposal(hs), 403, "project_officer")


def test_disclosures_follow_the_checkpoint_just_passed(hs: HttpStory) -> None:
    project_id = hs.proposed()
    path = f"/projects/{project_id}/disclosures"
    approval = hs.on(SELECTION_DISCLOSED_ON, stage="approval", published_on="2017-03-02")
    hs.refused("po", path, approval, 409, "follows checkpoint 'approval'")
    hs.disclose(project_id, "selection", SELECTION_DISCLOSED_ON)
    project = hs.get("po", f"/projects/{project_id}")
    assert project["disclosures"] == [
        {"stage": "selection", "published_on": "2017-03-02", "days": 7, "ends_on": "2017-03-09"}
    ]
    again = hs.on(SELECTION_DISCLOSED_ON, stage="selection", published_on="2017-03-02")
    hs.refused("po", path, again, 409, "already published")
    hs.refused("po", path, {**again, "stage": "final"}, 422, "'selection', 'approval'")
    hs.refused("po", path, {**again, "days": 0}, 422, "greater than or equal to 1")
    hs.refused("po", path, {**again, "days": "7"}, 422, "valid integer")
    hs.refused("rev", path, again, 403, "project_officer")


def test_objections_are_numbered_and_must_fall_within_the_period(hs: HttpStory) -> None:
    project_id = hs.proposed()
    hs.disclose(project_id, "selection", SELECTION_DISCLOSED_ON)
    path = f"/projects/{project_id}/objections"
    body = hs.on(REVIEWED_ON, stage="selection", text="H-0003 moved away", raised_by="villager")
    assert hs.post("po", path, body)["objection_no"] == 1
    assert hs.post("aud", path, body)["objection_no"] == 2
    late = {**body, "effective_on": ESTABLISHED_ON.isoformat()}
    hs.refused("po", path, late, 409, "outside it")
    hs.refused("po", path, {**body, "stage": "approval"}, 409, "no 'approval' disclosure")
    hs.refused("rev", path, body, 403, "project_officer, auditor")
    hs.refused("po", path, {**body, "text": ""}, 422, "at least 1 character")


def test_objections_are_resolved_once_and_block_establishment_until_then(hs: HttpStory) -> None:
    project_id = hs.proposed()
    hs.disclose(project_id, "selection", SELECTION_DISCLOSED_ON)
    raised = hs.on(REVIEWED_ON, stage="selection", text="budget too high", raised_by="villager")
    hs.post("po", f"/projects/{project_id}/objections", raised)
    for kind in ("expert", "department", "public"):
        review = hs.on(REVIEWED_ON, kind=kind, passed=True, opinion="ok")
        hs.post("rev", f"/projects/{project_id}/reviews", review)
    hs.post("aud", f"/projects/{project_id}/audits", hs.on(REVIEWED_ON, passed=True))
    establish = f"/projects/{project_id}/establishment"
    hs.refused("po", establish, hs.on(ESTABLISHED_ON), 409, "objection(s) 1 are still open")
    resolution = f"/projects/{project_id}/objections/1/resolution"
    resolve = hs.on(REVIEWED_ON, resolution="budget checked again")
    hs.refused("aud", resolution, resolve, 403, "project_officer")
    hs.post("po", resolution, resolve)
    hs.refused("po", resolution, resolve, 409, "already resolved")
    hs.refused("po", f"/projects/{project_id}/objections/2/resolution", resolve, 404, "number 2")
    hs.refused("po", f"/projects/{project_id}/objections/x/resolution", resolve, 404, "'x'")
    hs.post("po", establish, hs.on(ESTABLISHED_ON))


def test_reviews_and_audit_are_recorded_once_each(hs: HttpStory) -> None:
    project_id = hs.proposed()
    path = f"/projects/{project_id}/reviews"
    review = hs.on(REVIEWED_ON, kind="expert", passed=True, opinion="sound")
    hs.post("rev", path, review)
    hs.refused("rev", path, review, 409, "expert review is already recorded")
    hs.refused("rev", path, {**review, "kind": "peer"}, 422, "'expert', 'department'")
    hs.refused("rev", path, {**review, "passed": "yes"}, 422, "valid boolean")
    hs.refused("aud", path, review, 403, "reviewer")
    audit = f"/projects/{project_id}/audits"
    hs.post("aud", audit, hs.on(REVIEWED_ON, passed=True, opinion="ok"))
    hs.refused("aud", audit, hs.on(REVIEWED_ON, passed=True), 409, "already recorded")
    hs.refused("rev", audit, hs.on(REVIEWED_ON, passed=True), 403, "auditor")


def test_a_failed_review_rejects_the_project_for_good(hs: HttpStory) -> None:
    project_id = hs.proposed()
    failed = hs.on(REVIEWED_ON, kind="public", passed=False, opinion="villagers object")
    hs.post("rev", f"/projects/{project_id}/reviews", failed)
    assert hs.get("po", f"/projects/{project_id}")["status"] == "rejected"
    later = hs.on(REVIEWED_ON, kind="expert", passed=True)
    hs.refused("rev", f"/projects/{project_id}/reviews", later, 409, "was rejected")


def test_a_failed_audit_rejects_the_project(hs: HttpStory) -> None:
    project_id = hs.proposed()
    hs.post("aud", f"/projects/{project_id}/audits", hs.on(REVIEWED_ON, passed=False))
    assert hs.get("po", f"/projects/{project_id}")["status"] == "rejected"


def test_establishment_needs_reviews_audit_and_the_disclosure_over(hs: HttpStory) -> None:
    project_id = hs.proposed()
    path = f"/projects/{project_id}/establishment"
    hs.refused("po", path, hs.on(ESTABLISHED_ON), 409, "missing: expert review")
    hs.disclose(project_id, "selection", SELECTION_DISCLOSED_ON)
    for kind in ("expert", "department", "public"):
        review = hs.on(REVIEWED_ON, kind=kind, passed=True)
        hs.post("rev", f"/projects/{project_id}/reviews", review)
    hs.post("aud", f"/projects/{project_id}/audits", hs.on(REVIEWED_ON, passed=True))
    too_early = hs.on(SELECTION_DISCLOSED_ON + timedelta(days=6))
    hs.refused("po", path, too_early, 409, "runs until 2017-03-09")
    hs.refused("rev", path, hs.on(ESTABLISHED_ON), 403, "project_officer")
    answer = hs.post("po", path, None)  # no body: today, no reason
    assert hs.get("po", f"/projects/{project_id}")["checkpoint"] == "establishment"
    assert answer["version"] == 7


def test_application_comes_after_establishment(hs: HttpStory) -> None:
    project_id = hs.proposed()
    body = hs.on(APPLIED_ON, requested_amount="300000.00", implementing_unit="co-op", plan="p")
    path = f"/projects/{project_id}/application"
    hs.refused("po", path, body, 409, "not establishment")
    established = hs.established()
    path = f"/projects/{established}/application"
    hs.refused("po", path, {**body, "requested_amount": 300000}, 422, "not a JSON number")
    hs.refused("aud", path, body, 403, "project_officer")
    hs.post("po", path, body)
    assert hs.get("po", f"/projects/{established}")["requested_amount"] == "300000.00"


def test_approval_earmarks_the_amount_on_the_account(hs: HttpStory) -> None:
    account_id = hs.account()
    project_id = hs.applied()
    body = hs.on(APPROVED_ON, approved_amount="280000.00", account_id=account_id)
    hs.post("apr", f"/projects/{project_id}/approval", body)
    project = hs.get("apr", f"/projects/{project_id}")
    assert (project["approved_amount"], project["account_id"]) == ("280000.00", account_id)
    account = hs.get("apr", f"/accounts/{account_id}")
    assert (account["earmarked"], account["available"]) == ("280000.00", "4720000.00")


def test_approval_refusals(hs: HttpStory) -> None:
    account_id = hs.account(allocated="100000.00", purposes=("industry",))
    project_id = hs.applied()
    path = f"/projects/{project_id}/approval"
    body = hs.on(APPROVED_ON, approved_amount="90000.00", account_id=account_id)
    hs.refused("apr", path, {**body, "approved_amount": "300000.01"}, 409, "exceeds the requested")
    hs.refused("apr", path, {**body, "approved_amount": "200000.00"}, 409, "available balance")
    hs.refused("apr", path, {**body, "account_id": project_id}, 422, "no account")
    hs.refused("fo1", path, body, 403, "approver")
    hs.post("admin", "/officials/po/roles", {"grant": ["approver"]})
    hs.refused("po", path, body, 409, "must not be the person who applied")
    road = hs.applied(category="infrastructure")
    road_body = {**body, "approved_amount": "1000.00"}
    hs.refused("apr", f"/projects/{road}/approval", road_body, 409, "not infrastructure")


def test_a_business_date_before_the_projects_latest_is_409(hs: HttpStory) -> None:
    project_id = hs.established()
    body = hs.on(PROPOSED_ON, requested_amount="1.00", implementing_unit="co-op")
    hs.refused("po", f"/projects/{project_id}/application", body, 409, "before the project's")
