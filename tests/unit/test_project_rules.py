"""Every project rule: refused with its error, nothing recorded."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from uuid import UUID, uuid4

from refusals import assert_refused
from story import (
    APPLIED_ON,
    APPROVED_ON,
    PROPOSED_ON,
    REGION,
    REVIEWED_ON,
    SELECTION_DISCLOSED_ON,
    Story,
    req,
)

from domain import errors
from domain.application import FundTrail


def test_full_story_reaches_benefit_and_closes(story: Story) -> None:
    project_id = story.evaluated()
    project = story.app.get_project(project_id)
    assert (project.checkpoint, project.status) == ("benefit", "closed")
    assert project.disbursed == Decimal("250000.00")
    account = story.app.get_account(project.account_id or uuid4())
    # Completion released the unpaid 30,000.00 of the 280,000.00 earmark.
    assert account.earmarked == Decimal("0.00")
    assert account.disbursed == Decimal("250000.00")
    assert account.available == Decimal("4750000.00")


def test_unknown_category_is_refused(story: Story) -> None:
    assert_refused(
        story.app,
        errors.InvalidValue,
        "category 'roads' is not one of",
        lambda: story.app.propose_project(
            req("po", PROPOSED_ON), "x", "roads", REGION, Decimal("1.00"), ()
        ),
    )


def test_zero_planned_budget_is_refused(story: Story) -> None:
    assert_refused(
        story.app,
        errors.InvalidValue,
        "planned budget must be more than 0.00",
        lambda: story.app.propose_project(
            req("po", PROPOSED_ON), "x", "industry", REGION, Decimal("0.00"), ()
        ),
    )


def test_business_date_after_today_is_refused(story: Story) -> None:
    tomorrow = date.today() + timedelta(days=2)
    assert_refused(
        story.app,
        errors.EffectiveDateInFuture,
        "is after today",
        lambda: story.app.propose_project(
            req("po", tomorrow), "x", "industry", REGION, Decimal("1.00"), ()
        ),
    )


def test_someone_without_the_role_is_refused(story: Story) -> None:
    assert_refused(
        story.app,
        errors.NotPermitted,
        "holds none of the roles this needs: project_officer",
        lambda: story.app.propose_project(
            req("fo1", PROPOSED_ON), "x", "industry", REGION, Decimal("1.00"), ()
        ),
    )


def test_business_date_before_the_latest_is_refused(story: Story) -> None:
    project_id = story.proposed()
    assert_refused(
        story.app,
        errors.EffectiveDateBeforeLatest,
        "before the project's latest recorded date 2017-03-01",
        lambda: story.app.record_review(
            req("rev", date(2017, 2, 1)), project_id, "expert", True, "ok"
        ),
    )


def test_review_is_recorded_once_per_kind(story: Story) -> None:
    project_id = story.proposed()
    story.app.record_review(req("rev", REVIEWED_ON), project_id, "expert", True, "ok")
    assert_refused(
        story.app,
        errors.ReviewAlreadyRecorded,
        "the expert review is already recorded",
        lambda: story.app.record_review(
            req("rev", REVIEWED_ON), project_id, "expert", True, "again"
        ),
    )


def test_audit_is_recorded_once(story: Story) -> None:
    project_id = story.proposed()
    story.app.record_audit(req("aud", REVIEWED_ON), project_id, True, "ok")
    assert_refused(
        story.app,
        errors.AuditAlreadyRecorded,
        "the audit is already recorded",
        lambda: story.app.record_audit(req("aud", REVIEWED_ON), project_id, True, "ok"),
    )


def test_failed_review_rejects_and_nothing_proceeds(story: Story) -> None:
    project_id = story.proposed()
    story.app.record_review(
        req("rev", REVIEWED_ON), project_id, "public", False, "villagers object"
    )
    assert story.app.get_project(project_id).status == "rejected"
    assert_refused(
        story.app,
        errors.ProjectRejected,
        "was rejected; it takes no further checkpoint",
        lambda: story.app.record_audit(req("aud", REVIEWED_ON), project_id, True, "ok"),
    )


def test_failed_audit_rejects(story: Story) -> None:
    project_id = story.proposed()
    story.app.record_audit(req("aud", REVIEWED_ON), project_id, False, "budget inflated")
    assert_refused(
        story.app,
        errors.ProjectRejected,
        "rejected",
        lambda: story.app.establish_project(req("po", date(2017, 3, 10)), project_id),
    )


def test_establishment_needs_every_review_and_the_audit(story: Story) -> None:
    project_id = story.proposed()
    story.app.record_review(req("rev", REVIEWED_ON), project_id, "expert", True, "ok")
    assert_refused(
        story.app,
        errors.ReviewsIncomplete,
        "missing: department review, public review, audit",
        lambda: story.app.establish_project(req("po", date(2017, 3, 10)), project_id),
    )


def _reviewed(story: Story, disclose: bool = True) -> UUID:
    project_id = story.proposed()
    if disclose:
        story.app.publish_disclosure(
            req("po", SELECTION_DISCLOSED_ON),
            project_id,
            "selection",
            SELECTION_DISCLOSED_ON,
            7,
        )
    for kind in ("expert", "department", "public"):
        story.app.record_review(req("rev", REVIEWED_ON), project_id, kind, True, "ok")
    story.app.record_audit(req("aud", REVIEWED_ON), project_id, True, "ok")
    return project_id


def test_establishment_waits_for_the_selection_disclosure(story: Story) -> None:
    project_id = _reviewed(story, disclose=False)
    assert_refused(
        story.app,
        errors.DisclosureNotOver,
        "selection disclosure .* has not been published",
        lambda: story.app.establish_project(req("po", date(2017, 3, 10)), project_id),
    )


def test_establishment_waits_until_the_period_is_over(story: Story) -> None:
    project_id = _reviewed(story)
    # Published 2017-03-02 for 7 days: runs over [03-02, 03-09).
    assert_refused(
        story.app,
        errors.DisclosureNotOver,
        "runs until 2017-03-09",
        lambda: story.app.establish_project(req("po", date(2017, 3, 8)), project_id),
    )
    story.app.establish_project(req("po", date(2017, 3, 9)), project_id)


def test_open_objection_blocks_the_next_checkpoint(story: Story) -> None:
    project_id = _reviewed(story)
    app = story.app
    result = app.raise_objection(
        req("po", date(2017, 3, 6)),
        project_id,
        "selection",
        "household H-0003 is not poor",
        "villager",
    )
    assert result.extra == {"objection_no": 1}
    assert_refused(
        app,
        errors.ObjectionOpen,
        "objection.* 1 are still open",
        lambda: app.establish_project(req("po", date(2017, 3, 10)), project_id),
    )
    app.resolve_objection(
        req("po", date(2017, 3, 10)), project_id, 1, "verified: H-0003 is registered"
    )
    app.establish_project(req("po", date(2017, 3, 10)), project_id)


def test_objection_outside_the_period_is_refused(story: Story) -> None:
    project_id = _reviewed(story)
    assert_refused(
        story.app,
        errors.ObjectionOutsidePeriod,
        "ran from 2017-03-02 until 2017-03-09; 2017-03-09 is outside it",
        lambda: story.app.raise_objection(
            req("aud", date(2017, 3, 9)), project_id, "selection", "late", "villager"
        ),
    )


def test_objection_without_its_disclosure_is_refused(story: Story) -> None:
    project_id = story.proposed()
    assert_refused(
        story.app,
        errors.ObjectionOutsidePeriod,
        "no 'approval' disclosure has been published",
        lambda: story.app.raise_objection(
            req("po", PROPOSED_ON), project_id, "approval", "x", "villager"
        ),
    )


def test_objection_is_resolved_once_and_must_exist(story: Story) -> None:
    project_id = _reviewed(story)
    app = story.app
    app.raise_objection(req("po", date(2017, 3, 6)), project_id, "selection", "x", "v")
    app.resolve_objection(req("po", date(2017, 3, 7)), project_id, 1, "answered")
    assert_refused(
        app,
        errors.ObjectionAlreadyResolved,
        "objection 1 was already resolved",
        lambda: app.resolve_objection(req("po", date(2017, 3, 7)), project_id, 1, "again"),
    )
    assert_refused(
        app,
        errors.NotFound,
        "no objection number 2",
        lambda: app.resolve_objection(req("po", date(2017, 3, 7)), project_id, 2, "x"),
    )


def test_disclosure_must_follow_the_checkpoint_just_passed(story: Story) -> None:
    project_id = story.proposed()
    assert_refused(
        story.app,
        errors.DisclosureStageMismatch,
        "the approval disclosure follows checkpoint 'approval'; the project is at 'selection'",
        lambda: story.app.publish_disclosure(
            req("po", PROPOSED_ON), project_id, "approval", PROPOSED_ON, 7
        ),
    )


def test_disclosure_is_published_once(story: Story) -> None:
    project_id = story.proposed()
    app = story.app
    app.publish_disclosure(req("po", PROPOSED_ON), project_id, "selection", PROPOSED_ON, 7)
    assert_refused(
        app,
        errors.DisclosureAlreadyPublished,
        "already published",
        lambda: app.publish_disclosure(
            req("po", PROPOSED_ON), project_id, "selection", PROPOSED_ON, 7
        ),
    )


def test_checkpoints_cannot_be_skipped(story: Story) -> None:
    project_id = story.proposed()
    assert_refused(
        story.app,
        errors.CheckpointOutOfOrder,
        "cannot apply for funding: the project is at checkpoint 'selection', not establishment",
        lambda: story.app.apply_for_funding(
            req("po", APPLIED_ON), project_id, Decimal("1.00"), "unit", "plan"
        ),
    )


def test_approved_amount_cannot_exceed_requested(story: Story) -> None:
    account_id = story.account()
    project_id = story.applied(requested="100000.00")
    assert_refused(
        story.app,
        errors.ApprovedExceedsRequested,
        "approved amount 100,000.01 exceeds the requested amount 100,000.00",
        lambda: story.app.approve_project(
            req("apr", APPROVED_ON), project_id, Decimal("100000.01"), account_id
        ),
    )


def test_approver_must_not_be_the_applicant(app: FundTrail) -> None:
    story = Story(app).cast()
    app.change_roles(req("cli", APPLIED_ON), "po", ("approver",), ())
    account_id = story.account()
    project_id = story.applied()
    assert_refused(
        app,
        errors.SegregationOfDuties,
        "approver must not be the person who applied",
        lambda: app.approve_project(
            req("po", APPROVED_ON), project_id, Decimal("1000.00"), account_id
        ),
    )


def test_account_must_fund_the_category(story: Story) -> None:
    account_id = story.account(purposes=("education",))
    project_id = story.applied()
    assert_refused(
        story.app,
        errors.CategoryNotFundable,
        "funds education, not industry",
        lambda: story.app.approve_project(
            req("apr", APPROVED_ON), project_id, Decimal("1000.00"), account_id
        ),
    )


def test_approval_beyond_available_is_refused(story: Story) -> None:
    account_id = story.account(allocated="50000.00")
    project_id = story.applied()
    assert_refused(
        story.app,
        errors.InsufficientFunds,
        "approving 60,000.00 exceeds the account's available balance of 50,000.00",
        lambda: story.app.approve_project(
            req("apr", APPROVED_ON), project_id, Decimal("60000.00"), account_id
        ),
    )


def test_approval_on_an_unknown_account_is_invalid_input(story: Story) -> None:
    project_id = story.applied()
    assert_refused(
        story.app,
        errors.UnknownReference,
        "no account with id",
        lambda: story.app.approve_project(
            req("apr", APPROVED_ON), project_id, Decimal("1.00"), uuid4()
        ),
    )


def test_unknown_project_is_not_found(story: Story) -> None:
    assert_refused(
        story.app,
        errors.NotFound,
        "no project with id",
        lambda: story.app.establish_project(req("po", APPLIED_ON), uuid4()),
    )


def test_disclosure_cannot_be_published_after_the_business_date(story: Story) -> None:
    project_id = story.proposed()
    assert_refused(
        story.app,
        errors.InvalidValue,
        "published_on 2099-02-02 is after the business date 2017-03-02",
        lambda: story.app.publish_disclosure(
            req("po", date(2017, 3, 2)), project_id, "selection", date(2099, 2, 2), 7
        ),
    )


def test_disclosure_period_is_at_most_a_year(story: Story) -> None:
    project_id = story.proposed()
    assert_refused(
        story.app,
        errors.InvalidValue,
        "runs for 1 to 366 days, not 3000000",
        lambda: story.app.publish_disclosure(
            req("po", date(2017, 3, 2)), project_id, "selection", date(2017, 3, 2), 3_000_000
        ),
    )
