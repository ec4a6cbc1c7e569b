"""Ids in the path: a malformed or unknown one is 404, answered before the body is judged."""

from __future__ import annotations

from typing import Annotated, ClassVar
from uuid import UUID

from fastapi import Path, Request

from api.guards import PATH_PHASE, Guard
from api.services import fundtrail_of
from domain import errors
from domain.views import AccountView, OfficialView, ProjectView

ProjectId = Annotated[UUID, Path(alias="id", description="The project's id (项目编号).")]
AccountId = Annotated[UUID, Path(alias="id", description="The account's id (专户编号).")]
PersonIdPath = Annotated[
    str, Path(alias="person_id", description="The person's id (人员编号).", max_length=64)
]
Number = Annotated[int, Path(alias="n", ge=1, description="Its number on the project (序号).")]


def _uuid(request: Request, name: str, what: str) -> UUID:
    raw = str(request.path_params.get(name, ""))
    try:
        return UUID(raw)
    except ValueError:
        raise errors.NotFound(f"no {what} with id {raw!r}") from None


def _number(request: Request, what: str) -> int:
    raw = str(request.path_params.get("n", ""))
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        raise errors.NotFound(f"no {what} number {raw!r}")
    return int(raw)


class ProjectInPath(Guard):
    """The project named by {id}."""

    phase: ClassVar[int] = PATH_PHASE

    def check(self, request: Request) -> ProjectView:
        """Load it, or 404."""
        return fundtrail_of(request).get_project(_uuid(request, "id", "project"))

    def __call__(self, request: Request) -> ProjectView:
        """As a dependency."""
        project: ProjectView = self.resolve(request)
        return project


class AccountInPath(Guard):
    """The account named by {id}."""

    phase: ClassVar[int] = PATH_PHASE

    def check(self, request: Request) -> AccountView:
        """Load it, or 404."""
        return fundtrail_of(request).get_account(_uuid(request, "id", "account"))

    def __call__(self, request: Request) -> AccountView:
        """As a dependency."""
        account: AccountView = self.resolve(request)
        return account


class OfficialInPath(Guard):
    """The official named by {person_id}."""

    phase: ClassVar[int] = PATH_PHASE

    def check(self, request: Request) -> OfficialView:
        """Load them, or 404."""
        return fundtrail_of(request).get_official(str(request.path_params.get("person_id", "")))

    def __call__(self, request: Request) -> OfficialView:
        """As a dependency."""
        official: OfficialView = self.resolve(request)
        return official


class ObjectionInPath(Guard):
    """Objection {n} of project {id}."""

    phase: ClassVar[int] = PATH_PHASE + 1

    def check(self, request: Request) -> int:
        """Its number, or 404."""
        project: ProjectView = project_in_path.resolve(request)
        no = _number(request, "objection")
        if all(o.no != no for o in project.objections):
            raise errors.NotFound(f"project {project.id} has no objection number {no}")
        return no

    def __call__(self, request: Request) -> int:
        """As a dependency."""
        no: int = self.resolve(request)
        return no


class PaymentInPath(Guard):
    """Disbursement {n} of project {id}."""

    phase: ClassVar[int] = PATH_PHASE + 1

    def check(self, request: Request) -> int:
        """Its number, or 404."""
        project: ProjectView = project_in_path.resolve(request)
        no = _number(request, "disbursement")
        if all(p.no != no for p in project.payments):
            raise errors.NotFound(f"project {project.id} has no disbursement number {no}")
        return no

    def __call__(self, request: Request) -> int:
        """As a dependency."""
        no: int = self.resolve(request)
        return no


project_in_path = ProjectInPath()
account_in_path = AccountInPath()
official_in_path = OfficialInPath()
objection_in_path = ObjectionInPath()
payment_in_path = PaymentInPath()
