"""Officials, tokens, idempotency keys and If-Match."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from refusals import assert_refused
from story import PROPOSED_ON, REGION, Story, req

from domain import errors
from domain.application import FundTrail
from domain.commands import Request
from domain.official import Official


def test_tokens_are_checked_and_stored_only_as_hashes(story: Story) -> None:
    token = story.tokens["po"]
    assert story.app.authenticate(token).person_id == "po"
    stored: Official = story.app.repository.get(Official.create_id("po"))
    assert token not in repr(vars(stored))
    assert all(
        token.encode() not in n.state for n in story.app.recorder.select_notifications(1, 1000)
    )
    with pytest.raises(errors.NotAuthenticated):
        story.app.authenticate(token + "x")
    with pytest.raises(errors.NotAuthenticated):
        story.app.authenticate("nobody.secret")


def test_a_new_token_replaces_the_old(story: Story) -> None:
    old = story.tokens["po"]
    new = str(story.app.issue_token(Request("cli"), "po").extra["token"])
    assert story.app.authenticate(new).person_id == "po"
    with pytest.raises(errors.NotAuthenticated):
        story.app.authenticate(old)


def test_roles_change_over_time_and_are_checked_now(story: Story) -> None:
    story.app.change_roles(Request("cli"), "po", (), ("project_officer",))
    assert_refused(
        story.app,
        errors.NotPermitted,
        "po holds none of the roles this needs: project_officer",
        lambda: story.app.propose_project(
            req("po", PROPOSED_ON), "x", "industry", REGION, Decimal("1.00"), ()
        ),
    )
    assert_refused(
        story.app,
        errors.RoleChangeInvalid,
        "does not hold",
        lambda: story.app.change_roles(Request("cli"), "po", (), ("project_officer",)),
    )


def test_only_admins_register_officials(story: Story) -> None:
    assert_refused(
        story.app,
        errors.NotPermitted,
        "admin",
        lambda: story.app.register_official(Request("po"), "x1", "X", "Org", ("auditor",)),
    )


def test_a_person_is_registered_once(story: Story) -> None:
    assert_refused(
        story.app,
        errors.OfficialAlreadyExists,
        "'po' is already registered",
        lambda: story.app.register_official(Request("cli"), "po", "X", "Org", ("auditor",)),
    )


@pytest.mark.parametrize(
    ("person_id", "message"), [("cli", "reserved"), ("a.b", "without dots"), ("", "non-empty")]
)
def test_reserved_and_malformed_person_ids_are_refused(
    app: FundTrail, person_id: str, message: str
) -> None:
    assert_refused(
        app,
        errors.InvalidValue,
        message,
        lambda: app.register_official(Request("cli"), person_id, "X", "O", ("auditor",)),
    )


def test_same_key_same_command_returns_first_result_and_records_nothing(story: Story) -> None:
    keyed = req("po", PROPOSED_ON, key="proposal-1")

    def propose() -> object:
        return story.app.propose_project(
            keyed, "Well 水井", "infrastructure", REGION, Decimal("9.00"), ()
        )

    first = propose()
    before = story.app.recorder.max_notification_id()
    again = propose()
    assert story.app.recorder.max_notification_id() == before
    assert again == replace(first, replayed=True)  # type: ignore[type-var]


def test_same_key_other_command_is_refused(story: Story) -> None:
    keyed = req("po", PROPOSED_ON, key="proposal-2")
    story.app.propose_project(keyed, "Well", "infrastructure", REGION, Decimal("9.00"), ())
    assert_refused(
        story.app,
        errors.IdempotencyKeyReused,
        "already used for a different command",
        lambda: story.app.propose_project(
            keyed, "Well", "infrastructure", REGION, Decimal("9.01"), ()
        ),
    )


def test_keys_are_scoped_to_the_person(story: Story) -> None:
    story.app.propose_project(
        req("po", PROPOSED_ON, key="k"), "Well", "infrastructure", REGION, Decimal("9.00"), ()
    )
    other = story.app.propose_project(
        req("po2", PROPOSED_ON, key="k"), "Well", "infrastructure", REGION, Decimal("9.00"), ()
    )
    assert not other.replayed


def test_replayed_token_command_does_not_show_the_token_again(story: Story) -> None:
    keyed = Request("cli", idempotency_key="new-token")
    first = story.app.issue_token(keyed, "po")
    again = story.app.issue_token(keyed, "po")
    assert first.extra["token"] and again.extra["token"] is None and again.replayed


def test_stale_if_match_is_refused(story: Story) -> None:
    project_id = story.proposed()
    version = story.app.get_project(project_id).version
    stale = Request("rev", date(2017, 3, 5), expected_version=version - 1)
    assert_refused(
        story.app,
        errors.StaleVersion,
        f"record is at version {version}",
        lambda: story.app.record_review(stale, project_id, "expert", True, "ok"),
    )
    fresh = replace(stale, expected_version=version)
    assert story.app.record_review(fresh, project_id, "expert", True, "ok").version == version + 1


def test_every_event_carries_actor_date_reason_evidence_and_key(story: Story) -> None:
    project_id = story.proposed()
    story.app.record_review(
        req("rev", date(2017, 3, 5), "village visit", key="rev-1"), project_id, "expert", True, "ok"
    )
    event = list(story.app.events.get(project_id))[-1]
    context = event.context  # type: ignore[attr-defined]
    assert context.actor.person_id == "rev"
    assert context.actor.role == "reviewer"
    assert context.actor.org.startswith("Linyi expert panel")
    assert context.effective_on == date(2017, 3, 5)
    assert context.reason == "village visit"
    assert context.evidence[0].name == "minutes.pdf"
    assert context.idempotency_key == "rev-1"


def test_an_admin_cannot_revoke_their_own_admin_role(app: FundTrail) -> None:
    app.register_official(Request("cli"), "boss", "Boss", "Linyi", ("admin",))
    assert_refused(
        app,
        errors.RoleChangeInvalid,
        "cannot revoke their own admin role",
        lambda: app.change_roles(Request("boss"), "boss", (), ("admin",)),
    )


def test_versions_beyond_any_store_are_not_found(story: Story) -> None:
    project_id = story.proposed()
    with pytest.raises(errors.NotFound, match="has no version"):
        story.app.get_project(project_id, version=2**63)


def test_as_recorded_times_out_of_range_are_invalid(story: Story) -> None:
    project_id = story.proposed()
    far = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-14)))
    with pytest.raises(errors.InvalidValue, match="out of range"):
        story.app.get_project_as_recorded(project_id, far)
