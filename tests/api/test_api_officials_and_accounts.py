"""Command table rows for officials and accounts: each success and each refusal, over HTTP."""

from __future__ import annotations

from decimal import Decimal

import pytest
from http_story import API, HttpStory

pytest_plugins = ["api_fixtures"]

NEW_AUDITOR = {"person_id": "aud2", "name": "Ma Lin 马林", "org": "Jinan audit 济南审计局"}


def test_admin_registers_an_official_whose_token_works_at_once(hs: HttpStory) -> None:
    answer = hs.post("admin", "/officials", {**NEW_AUDITOR, "roles": ["auditor"]})
    assert answer["person_id"] == "aud2" and answer["token"].startswith("aud2.")
    assert answer["version"] == 1 and answer["position"] > 0
    hs.tokens["aud2"] = answer["token"]
    read = hs.client.get(f"{API}/officials/aud2", headers=hs.headers("aud2"))
    assert read.json()["roles"] == ["auditor"] and read.headers["etag"] == '"1"'


def test_only_an_admin_registers_officials(hs: HttpStory) -> None:
    hs.refused("po", "/officials", {**NEW_AUDITOR, "roles": ["auditor"]}, 403, "admin")


def test_a_person_is_registered_once(hs: HttpStory) -> None:
    body = {"person_id": "po", "name": "X", "org": "Y", "roles": ["auditor"]}
    hs.refused("admin", "/officials", body, 409, "already registered")


@pytest.mark.parametrize(
    ("person_id", "roles", "match"),
    [
        ("cli", ["auditor"], "reserved"),
        ("a.b", ["auditor"], "person_id"),
        ("x1", ["boss"], "'admin', 'project_officer'"),
        ("x1", [], "at least 1 item"),
        ("x1", ["auditor", "auditor"], "listed twice"),
    ],
)
def test_malformed_registrations_are_422(
    hs: HttpStory, person_id: str, roles: list[str], match: str
) -> None:
    body = {"person_id": person_id, "name": "X", "org": "Y", "roles": roles}
    hs.refused("admin", "/officials", body, 422, match)


def test_granted_roles_count_from_now_and_revoked_ones_stop(hs: HttpStory) -> None:
    hs.post("admin", "/officials/po/roles", {"grant": ["auditor"], "revoke": ["project_officer"]})
    assert hs.get("po", "/officials/po")["roles"] == ["auditor"]
    hs.refused("po", "/projects", {"name": "x"}, 403, "project_officer")


def test_role_changes_that_make_no_sense_are_refused(hs: HttpStory) -> None:
    hs.refused("admin", "/officials/po/roles", {"grant": ["project_officer"]}, 409, "already")
    hs.refused("admin", "/officials/po/roles", {"revoke": ["auditor"]}, 409, "does not hold")
    hs.refused("admin", "/officials/po/roles", {}, 422, "grant or revoke")
    hs.refused("admin", "/officials/nobody/roles", {"grant": ["auditor"]}, 404, "nobody")
    hs.refused("fo1", "/officials/po/roles", {"grant": ["auditor"]}, 403, "admin")


def test_a_new_token_replaces_the_old_one(hs: HttpStory) -> None:
    old = hs.tokens["po"]
    answer = hs.post("admin", "/officials/po/tokens")
    assert answer["token"] != old
    response = hs.client.get(f"{API}/officials/po", headers={"Authorization": f"Bearer {old}"})
    assert response.status_code == 401
    hs.tokens["po"] = answer["token"]
    hs.get("po", "/officials/po")
    hs.refused("admin", "/officials/nobody/tokens", None, 404, "nobody")
    hs.refused("po", "/officials/po/tokens", None, 403, "admin")


def test_finance_officer_opens_an_account_and_allocates(hs: HttpStory) -> None:
    account_id = hs.account(allocated="5000000.00")
    account = hs.get("apr", f"/accounts/{account_id}")
    assert account["allocated"] == "5000000.00" and account["available"] == "5000000.00"
    assert account["purposes"] == ["industry", "infrastructure", "relocation"]
    assert (account["fiscal_year"], account["region"], account["version"]) == (
        2017,
        "Linyi 临沂",
        2,
    )


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"purposes": ["roads"]}, "'industry', 'infrastructure'"),
        ({"purposes": []}, "at least 1 item"),
        ({"fiscal_year": "2017"}, "valid integer"),
        ({"fiscal_year": 1800}, "greater than or equal to 1949"),
        ({"name": ""}, "at least 1 character"),
        ({"currency": "CNY"}, "Extra inputs are not permitted"),
    ],
)
def test_malformed_accounts_are_422(hs: HttpStory, change: dict[str, object], match: str) -> None:
    body = {
        "name": "Jinan 2017",
        "fund_source": "central",
        "fiscal_year": 2017,
        "region": "Jinan 济南",
        "purposes": ["education"],
        **change,
    }
    hs.refused("fo1", "/accounts", body, 422, match)


def test_only_finance_officers_open_accounts_and_allocate(hs: HttpStory) -> None:
    account_id = hs.account()
    hs.refused("apr", "/accounts", {}, 403, "finance_officer")
    body = {"amount": "1.00", "document_no": "x"}
    hs.refused("po", f"/accounts/{account_id}/allocations", body, 403, "finance_officer")


def test_an_allocation_document_is_recorded_once_per_account(hs: HttpStory) -> None:
    account_id = hs.account()
    body = {"amount": "10.00", "document_no": "鲁财农指〔2017〕99号"}
    hs.post("fo1", f"/accounts/{account_id}/allocations", body)
    hs.refused("fo1", f"/accounts/{account_id}/allocations", body, 409, "already recorded")


def test_allocation_to_an_unknown_account_is_404(hs: HttpStory) -> None:
    body = {"amount": "10.00", "document_no": "x"}
    hs.refused("fo1", "/accounts/5b1c7d52-0000-4000-8000-000000000000/allocations", body, 404, "")
    hs.refused("fo1", "/accounts/not-a-uuid/allocations", body, 404, "not-a-uuid")


def test_untied_and_tied_returns_and_their_limits(hs: HttpStory) -> None:
    project_id = hs.approved()
    hs.pay(project_id, "50000.00")
    account = f"/accounts/{hs.account_id}"
    hs.post("fo1", f"{account}/returns", {"amount": "1000.00", "document_no": "收回-1"})
    tied = {"amount": "2000.00", "document_no": "追回-1", "project_id": project_id}
    hs.post("fo1", f"{account}/returns", tied)
    figures = hs.get("aud", account)
    assert figures["disbursed"] == "48000.00"
    expected = Decimal("5000000.00") + Decimal("1000.00") - Decimal("230000.00") - 48000
    assert figures["available"] == f"{expected:.2f}"
    too_much = {**tied, "amount": "48000.01", "document_no": "追回-2"}
    hs.refused("fo1", f"{account}/returns", too_much, 409, "exceeds the 48,000.00 net paid")
    unknown = {**tied, "document_no": "追回-3", "project_id": hs.account_id}
    hs.refused("fo1", f"{account}/returns", unknown, 422, "no project")
    hs.refused("fo1", f"{account}/returns", {**tied, "document_no": "收回-1"}, 409, "already")
