"""Schemathesis fuzzes every operation of /openapi.json: no 5xx, nothing that breaks the schema."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import Case, GenerationMode
from schemathesis.core.result import Ok
from schemathesis.specs.openapi.checks import positive_data_acceptance
from story import Story

from api.app import create_app
from domain.commands import Request
from domain.values import Role
from infrastructure.settings import Settings


@dataclass
class Fuzzed:
    """The app under fuzzing, a token holding every role, and ids that exist in it."""

    app: FastAPI
    token: str
    ids: dict[str, str]

    def path_parameters(self, path: str) -> dict[str, str]:
        """Real ids for a path, so that cases reach past the 404 of unknown ids."""
        known = {"person_id": self.ids["person_id"], "n": "1"}
        known["id"] = self.ids["account" if path.startswith("/api/v1/accounts") else "project"]
        return {name: value for name, value in known.items() if "{" + name + "}" in path}


@pytest.fixture
def fuzzed(tmp_path: Path) -> Iterator[Fuzzed]:
    """The API on a fresh SQLite store: the story's cast, a project paid once, an all-rounder."""
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'fuzz.db'}"))
    with TestClient(app):
        story = Story(app.state.services.fundtrail).cast()
        project_id = story.approved()
        story.pay(project_id, "1000.00")
        roles = tuple(role.value for role in Role)
        made = story.app.register_official(Request("cli"), "all", "All Roles", "QA", roles)
        ids = {"project": str(project_id), "account": str(story.account_id), "person_id": "po"}
        yield Fuzzed(app, str(made.extra["token"]), ids)


EXAMPLES_PER_OPERATION = 15  # per generation mode: bounds the run to well under a minute
# Every default check runs except "schema-valid data is accepted": rules JSON Schema cannot
# state (a business date not after today, a name of only spaces, completed_on after the
# business date, ids that must exist) are refused with the documented 422.


@pytest.mark.parametrize("mode", list(GenerationMode), ids=str)
def test_no_operation_answers_5xx_or_breaks_its_schema(
    fuzzed: Fuzzed, mode: GenerationMode
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", fuzzed.app)
    operations = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), f"the document has an invalid operation: {result}"
        operations.append(result.ok())
    assert len(operations) >= 27, "every endpoint of API.md is in the document"
    auth = {"Authorization": f"Bearer {fuzzed.token}"}
    for operation in operations:
        parts = (operation.query, operation.path_parameters, operation.headers, operation.body)
        if mode == GenerationMode.NEGATIVE and not any(parts):
            continue  # nothing in it can be made invalid (GET /integrity/public-key)
        known = fuzzed.path_parameters(operation.path)
        cases = operation.as_strategy(mode) | operation.as_strategy(mode, path_parameters=known)

        @given(case=cases)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def fuzz(case: Case[Any]) -> None:
            case.call_and_validate(headers=auth, excluded_checks=[positive_data_acceptance])

        fuzz()
