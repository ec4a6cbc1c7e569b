"""The OpenAPI document declares what each operation can answer, as problem+json."""

from __future__ import annotations

import re
from typing import Any

from http_story import API, HttpStory

pytest_plugins = ["api_fixtures"]

CJK = re.compile(r"[\u4e00-\u9fff]")
PUBLIC = {("get", f"{API}/disclosures"), ("get", f"{API}/integrity/public-key")}


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method, path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]


def test_every_error_answer_is_declared_as_problem_json(hs: HttpStory) -> None:
    document = hs.client.get("/openapi.json").json()
    assert "Problem" in document["components"]["schemas"]
    for method, path, operation in operations(document):
        responses = operation["responses"]
        assert {"422", "500"} <= set(responses), (method, path)
        for status, answer in responses.items():
            if not status.startswith("2"):
                assert list(answer["content"]) == ["application/problem+json"], (path, status)
        if (method, path) in PUBLIC:
            assert "401" not in responses and "security" not in operation
        else:
            assert "401" in responses and operation["security"] == [{"bearer": []}], path
        if method == "post":
            assert {"201", "403", "409", "413", "503"} <= set(responses), path
            assert "ETag" in responses["201"]["headers"]
            assert "Retry-After" in responses["503"]["headers"]
        if "{" in path:
            assert "404" in responses, path


def test_every_operation_is_described_with_chinese_names_beside_english(hs: HttpStory) -> None:
    document = hs.client.get("/openapi.json").json()
    for method, path, operation in operations(document):
        assert CJK.search(operation["summary"]) and re.search("[A-Za-z]", operation["summary"])
        assert CJK.search(operation["tags"][0]), (method, path)
    money = document["components"]["schemas"]["Allocate"]["properties"]["amount"]
    assert money["pattern"] == r"^(0|[1-9][0-9]*)(\.[0-9]{1,2})?$" and money["type"] == "string"
    assert document["components"]["schemas"]["ProposeProject"]["examples"]


def test_an_unknown_query_parameter_is_422_not_silently_ignored(hs: HttpStory) -> None:
    project_id = hs.proposed()
    problem = hs.get("po", f"/projects/{project_id}", expect=422, asof="2017-03-01T00:00:00Z")
    assert "asof" in problem["detail"] and "as_of" in problem["detail"]
