"""Auth, roles, and the order of answers: 401, 403, 413, 404, 422, 409."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import pytest
from http_story import API, HttpStory

pytest_plugins = ["api_fixtures"]

UNKNOWN = "/projects/5b1c7d52-0000-4000-8000-000000000000"
TWO_MIB = b"x" * (2 * 1024 * 1024)


def status_of(hs: HttpStory, path: str, content: bytes, **headers: str) -> int:
    """POST raw bytes as JSON; answer the status (after checking it is a problem)."""
    response = hs.client.post(
        API + path, content=content, headers={"Content-Type": "application/json", **headers}
    )
    assert response.headers["content-type"] == "application/problem+json", response.text
    status: int = response.status_code
    return status


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer ", "Basic cG86eA==", "Bearer po", "Bearer po.wrong", "bearer x.y"],
)
def test_commands_and_queries_without_a_valid_token_are_401(
    hs: HttpStory, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    for method, path in [("POST", "/projects"), ("GET", "/officials/po"), ("GET", UNKNOWN)]:
        response = hs.client.request(method, API + path, json={}, headers=headers)
        assert response.status_code == 401, (method, path, response.text)
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert response.json()["title"] == "Unauthorized"


def test_the_person_is_named_in_the_access_log(
    hs: HttpStory, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="fundtrail.access"):
        response = hs.client.get(f"{API}/officials/po", headers=hs.headers("rev"))
    lines = [json.loads(r.getMessage()) for r in caplog.records if r.name == "fundtrail.access"]
    assert lines[-1]["person"] == "rev" and lines[-1]["status"] == 200
    assert lines[-1]["request_id"] == response.headers["x-request-id"]
    assert (lines[-1]["method"], lines[-1]["path"]) == ("GET", f"{API}/officials/po")
    assert isinstance(lines[-1]["ms"], float)


def test_a_sane_request_id_from_the_caller_is_kept(hs: HttpStory) -> None:
    headers = hs.headers("po", **{"X-Request-ID": "trace-42"})
    response = hs.client.get(f"{API}/nowhere", headers=headers)
    assert response.headers["x-request-id"] == "trace-42"
    assert response.json()["request_id"] == "trace-42"
    odd = hs.client.get(f"{API}/nowhere", headers={"X-Request-ID": "has spaces in it"})
    assert odd.headers["x-request-id"] != "has spaces in it"


def test_401_comes_before_403_413_404_and_422(hs: HttpStory) -> None:
    assert status_of(hs, UNKNOWN + "/approval", TWO_MIB) == 401
    assert status_of(hs, UNKNOWN + "/approval", b"{oops", Authorization="Bearer x.y") == 401


def test_403_comes_before_413_404_and_422(hs: HttpStory) -> None:
    assert status_of(hs, UNKNOWN + "/approval", TWO_MIB, **hs.headers("po")) == 403


def test_413_comes_before_404_and_422(hs: HttpStory) -> None:
    assert status_of(hs, UNKNOWN + "/approval", TWO_MIB, **hs.headers("apr")) == 413


def test_413_also_for_a_streamed_body_without_content_length(hs: HttpStory) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(33):
            yield b" " * 32768

    response = hs.client.post(
        f"{API}/projects",
        content=chunks(),
        headers={"Content-Type": "application/json", **hs.headers("po")},
    )
    assert response.status_code == 413, response.text
    assert "1 MiB" in response.json()["detail"]


def test_a_body_just_under_the_limit_is_judged_on_its_content(hs: HttpStory) -> None:
    padded = b'{"name": "' + b"x" * (1024 * 1024 - 20) + b'"}'
    assert len(padded) <= 1024 * 1024
    assert status_of(hs, "/projects", padded, **hs.headers("po")) == 422


def test_404_comes_before_422(hs: HttpStory) -> None:
    assert status_of(hs, UNKNOWN + "/approval", b"{oops", **hs.headers("apr")) == 404
    assert status_of(hs, "/projects/not-a-uuid/approval", b"[]", **hs.headers("apr")) == 404


def test_422_comes_before_409(hs: HttpStory) -> None:
    project_id = hs.approved()
    too_much = {**hs.payment("280000.01"), "tip": "1.00"}
    hs.refused("fo1", f"/projects/{project_id}/disbursements", too_much, 422, "tip")
    hs.refused("fo1", f"/projects/{project_id}/disbursements", hs.payment("280000.01"), 409, "")


def test_any_role_may_query_but_only_the_named_roles_may_command(hs: HttpStory) -> None:
    project_id = hs.proposed()
    for person in ("po", "rev", "aud", "apr", "fo1", "eva", "admin"):
        hs.get(person, f"/projects/{project_id}")
    hs.refused("admin", f"/projects/{project_id}/reviews", {"kind": "expert"}, 403, "reviewer")


def test_unknown_paths_and_methods_are_problems(hs: HttpStory) -> None:
    missing = hs.client.get(f"{API}/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    wrong = hs.client.delete(f"{API}/projects")
    assert wrong.status_code == 405 and "POST" in wrong.headers["allow"]
    assert wrong.json()["detail"] == f"DELETE is not allowed on {API}/projects"


def test_the_openapi_document_and_swagger_are_public(hs: HttpStory) -> None:
    assert hs.client.get("/openapi.json").status_code == 200
    docs = hs.client.get("/docs")
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


PROJECT_COMMANDS = [
    ("po", "disclosures"),
    ("po", "objections"),
    ("po", "objections/1/resolution"),
    ("rev", "reviews"),
    ("aud", "audits"),
    ("po", "establishment"),
    ("po", "application"),
    ("apr", "approval"),
    ("fo1", "disbursements"),
    ("fo1", "disbursements/1/reversal"),
    ("po", "completion"),
    ("eva", "evaluation"),
]


def test_every_project_command_on_an_unknown_project_is_404(hs: HttpStory) -> None:
    for person, tail in PROJECT_COMMANDS:
        hs.refused(person, f"{UNKNOWN}/{tail}", {}, 404, "no project with id")
    account = "/accounts/5b1c7d52-0000-4000-8000-000000000000"
    for tail in ("allocations", "returns"):
        hs.refused("fo1", f"{account}/{tail}", {}, 404, "no account with id")
    for tail in ("roles", "tokens"):
        hs.refused("admin", f"/officials/nobody/{tail}", {}, 404, "no official")


def test_every_project_command_checks_its_role_first(hs: HttpStory) -> None:
    project_id = hs.proposed()
    for person, tail in PROJECT_COMMANDS:
        stranger = "eva" if person != "eva" else "po"
        hs.refused(stranger, f"/projects/{project_id}/{tail}", {}, 403, "holds none of the roles")
    hs.refused("po", "/accounts/5b1c7d52-0000-4000-8000-000000000000/returns", {}, 403, "finance")
