"""Idempotency-Key (scoped per person) and If-Match / ETag, over HTTP."""

from __future__ import annotations

from http_story import API, HttpStory
from story import APPLIED_ON, PAYABLE_ON

pytest_plugins = ["api_fixtures"]


def test_a_retried_payment_answers_the_first_answer_and_pays_once(hs: HttpStory) -> None:
    project_id = hs.approved()
    path = f"{API}/projects/{project_id}/disbursements"
    body = hs.payment("20000.00")
    headers = hs.headers("fo1", **{"Idempotency-Key": "pay-2017-03-28-001"})
    first = hs.client.post(path, json=body, headers=headers)
    before = hs.app.recorder.max_notification_id()
    retry = hs.client.post(path, json=body, headers=headers)
    assert (
        (retry.status_code, retry.json())
        == (first.status_code, first.json())
        == (
            201,
            first.json(),
        )
    )
    assert retry.headers["etag"] == first.headers["etag"]
    assert retry.headers["idempotent-replayed"] == "true"
    assert hs.app.recorder.max_notification_id() == before
    assert hs.get("aud", f"/projects/{project_id}")["disbursed"] == "20000.00"


def test_the_same_key_with_another_body_is_422(hs: HttpStory) -> None:
    project_id = hs.approved()
    path = f"/projects/{project_id}/disbursements"
    hs.post("fo1", path, hs.payment("100.00"), headers={"Idempotency-Key": "k-1"})
    hs.refused(
        "fo1", path, hs.payment("200.00"), 422, "already used", headers={"Idempotency-Key": "k-1"}
    )


def test_keys_are_scoped_to_the_person(hs: HttpStory) -> None:
    project_id = hs.approved()
    path = f"/projects/{project_id}/disbursements"
    first = hs.post("fo1", path, hs.payment("100.00"), headers={"Idempotency-Key": "same"})
    second = hs.post("fo2", path, hs.payment("100.00"), headers={"Idempotency-Key": "same"})
    assert (first["disbursement_no"], second["disbursement_no"]) == (1, 2)


def test_a_replayed_registration_does_not_show_the_token_again(hs: HttpStory) -> None:
    body = {"person_id": "eva2", "name": "Xu Jing 徐静", "org": "Evaluator", "roles": ["evaluator"]}
    first = hs.post("admin", "/officials", body, headers={"Idempotency-Key": "reg-eva2"})
    replay = hs.post("admin", "/officials", body, headers={"Idempotency-Key": "reg-eva2"})
    assert first["token"] and replay["token"] is None
    assert {k: v for k, v in replay.items() if k != "token"} == {
        k: v for k, v in first.items() if k != "token"
    }


def test_malformed_idempotency_keys_are_422(hs: HttpStory) -> None:
    project_id = hs.approved()
    path = f"/projects/{project_id}/disbursements"
    for key in ("has space", "x" * 201):
        hs.refused(
            "fo1",
            path,
            hs.payment("1.00"),
            422,
            "Idempotency-Key",
            headers={"Idempotency-Key": key},
        )


def test_etag_names_the_version_and_if_match_with_it_succeeds(hs: HttpStory) -> None:
    project_id = hs.established()
    read = hs.client.get(f"{API}/projects/{project_id}", headers=hs.headers("po"))
    assert read.headers["etag"] == '"7"' and read.json()["version"] == 7
    body = hs.on(APPLIED_ON, requested_amount="1000.00", implementing_unit="co-op")
    answer = hs.client.post(
        f"{API}/projects/{project_id}/application",
        json=body,
        headers=hs.headers("po", **{"If-Match": read.headers["etag"]}),
    )
    assert answer.status_code == 201 and answer.headers["etag"] == '"8"'
    assert answer.json()["version"] == 8


def test_a_stale_if_match_is_409_and_records_nothing(hs: HttpStory) -> None:
    project_id = hs.approved()
    path = f"/projects/{project_id}/disbursements"
    hs.refused("fo1", path, hs.payment("1.00"), 409, "names version 3", headers={"If-Match": '"3"'})
    hs.refused(
        "fo1", path, hs.payment("1.00"), 409, "names version 9", headers={"If-Match": 'W/"9"'}
    )
    hs.refused("fo1", path, hs.payment("1.00"), 422, "If-Match", headers={"If-Match": "three"})
    version = hs.get("fo1", f"/projects/{project_id}")["version"]
    hs.post("fo1", path, hs.payment("1.00"), headers={"If-Match": str(version)})
    hs.post("fo1", path, hs.payment("1.00"), headers={"If-Match": "*"})


def test_if_match_on_an_account_command(hs: HttpStory) -> None:
    account_id = hs.account()
    path = f"/accounts/{account_id}/allocations"
    body = {"amount": "1.00", "document_no": "doc-9", "effective_on": PAYABLE_ON.isoformat()}
    hs.refused("fo1", path, body, 409, "names version 1", headers={"If-Match": '"1"'})
    hs.post("fo1", path, body, headers={"If-Match": '"2"'})
