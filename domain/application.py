"""FundTrail: the command side, one method per command of API.md."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, ClassVar
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.domain import Aggregate, MutableOrImmutableAggregate

from domain import errors
from domain.account import FundAccount
from domain.claims import VoucherClaim
from domain.commands import CommandResult, Request
from domain.engine import CommandApplication, Outcome
from domain.official import Official, hash_token
from domain.project import Project
from domain.values import Context, Region, Voucher
from domain.views import AccountView, OfficialView, ProjectView

# A command on one project: acts, and may return extra answers (e.g. objection_no).
ProjectAct = Callable[[Project, Context], dict[str, Any] | None]


class FundTrail(CommandApplication):
    """The fundtrail application: accounts, projects, officials, and their rules."""

    name = "fundtrail"
    snapshotting_intervals: ClassVar[dict[type[MutableOrImmutableAggregate[UUID]], int]] = {
        FundAccount: 100,
        Project: 50,
    }

    # --- officials -----------------------------------------------------------------------

    def register_official(
        self,
        request: Request,
        person_id: str,
        name: str,
        org: str,
        roles: tuple[str, ...],
    ) -> CommandResult:
        """Register a person with roles; the answer carries their token, once."""
        token = new_token(person_id)
        payload = {"person_id": person_id, "name": name, "org": org, "roles": roles}
        official_id = Official.create_id(person_id)

        def run(context: Context) -> Outcome:
            if self.find_official(person_id) is not None:
                raise errors.OfficialAlreadyExists(f"{person_id!r} is already registered")
            official = Official.register(context, person_id, name, org, roles, hash_token(token))
            extra = {"person_id": person_id, "token": token}
            return Outcome(official, [official], extra)

        return self.execute("register_official", request, payload, [official_id], run)

    def change_roles(
        self,
        request: Request,
        person_id: str,
        granted: tuple[str, ...],
        revoked: tuple[str, ...],
    ) -> CommandResult:
        """Grant and revoke roles of a person."""
        payload = {"person_id": person_id, "grant": granted, "revoke": revoked}
        official_id = Official.create_id(person_id)

        def run(context: Context) -> Outcome:
            official = self.load(Official, official_id, "official")
            official.change_roles(context, granted, revoked)
            return Outcome(official, [official], {"person_id": person_id})

        return self.execute("change_roles", request, payload, [official_id], run)

    def issue_token(self, request: Request, person_id: str) -> CommandResult:
        """Issue a new token for a person; earlier tokens stop working."""
        token = new_token(person_id)
        official_id = Official.create_id(person_id)

        def run(context: Context) -> Outcome:
            official = self.load(Official, official_id, "official")
            official.issue_token(context, hash_token(token))
            extra = {"person_id": person_id, "token": token}
            return Outcome(official, [official], extra)

        payload = {"person_id": person_id}
        return self.execute("issue_token", request, payload, [official_id], run)

    def authenticate(self, token: str) -> OfficialView:
        """The official a bearer token belongs to, or NotAuthenticated."""
        person_id, dot, _ = token.partition(".")
        official = self.find_official(person_id) if dot else None
        if official is None or not official.token_matches(token):
            raise errors.NotAuthenticated("the bearer token is not valid")
        return OfficialView.of(official)

    def get_official(self, person_id: str) -> OfficialView:
        """An official's current name, organisation and roles."""
        official = self.find_official(person_id)
        if official is None:
            raise errors.NotFound(f"no official with person id {person_id!r}")
        return OfficialView.of(official)

    # --- accounts ------------------------------------------------------------------------

    def open_account(
        self,
        request: Request,
        name: str,
        fund_source: str,
        fiscal_year: int,
        region: str,
        purposes: tuple[str, ...],
    ) -> CommandResult:
        """Open a dedicated fund account (专户)."""
        payload = {
            "name": name,
            "fund_source": fund_source,
            "fiscal_year": fiscal_year,
            "region": region,
            "purposes": purposes,
        }

        def run(context: Context) -> Outcome:
            account = FundAccount.open(context, name, fund_source, fiscal_year, region, purposes)
            return Outcome(account, [account])

        return self.execute("open_account", request, payload, [], run)

    def allocate_funds(
        self, request: Request, account_id: UUID, amount: Decimal, document_no: str
    ) -> CommandResult:
        """Record an allocation (资金下达) under its document number."""
        payload = {
            "account_id": account_id,
            "amount": amount,
            "document_no": document_no,
        }

        def run(context: Context) -> Outcome:
            account = self.load(FundAccount, account_id, "account")
            account.allocate(context, amount, document_no)
            return Outcome(account, [account])

        return self.execute("allocate_funds", request, payload, [account_id], run)

    def record_return(
        self,
        request: Request,
        account_id: UUID,
        amount: Decimal,
        document_no: str,
        project_id: UUID | None = None,
    ) -> CommandResult:
        """Take money back into the account (收回 / 追回), tied to a project or not."""
        payload = {
            "account_id": account_id,
            "amount": amount,
            "document_no": document_no,
            "project_id": project_id,
        }

        def run(context: Context) -> Outcome:
            account = self.load(FundAccount, account_id, "account")
            if project_id is None:
                account.receive_return(context, amount, document_no, None)
                return Outcome(account, [account])
            # Tied to a project: the account and the project record it in one save.
            project = self.load_reference(Project, project_id, "project")
            account.receive_return(context, amount, document_no, project_id)
            project.record_recovery(context, amount, account_id, document_no)
            return Outcome(account, [account, project])

        ids = [account_id] if project_id is None else [account_id, project_id]
        return self.execute("record_return", request, payload, ids, run)

    def get_account(self, account_id: UUID, version: int | None = None) -> AccountView:
        """An account's figures now, or at a version."""
        return AccountView.of(self.load(FundAccount, account_id, "account", version))

    # --- projects ------------------------------------------------------------------------

    def propose_project(
        self,
        request: Request,
        name: str,
        category: str,
        region: Region,
        planned_budget: Decimal,
        beneficiaries: tuple[str, ...],
    ) -> CommandResult:
        """Enter a project into the project library (选项)."""
        payload = {
            "name": name,
            "category": category,
            "region": region,
            "planned_budget": planned_budget,
            "beneficiaries": beneficiaries,
        }

        def run(context: Context) -> Outcome:
            project = Project.propose(
                context, name, category, region, planned_budget, beneficiaries
            )
            return Outcome(project, [project])

        return self.execute("propose_project", request, payload, [], run)

    def publish_disclosure(
        self,
        request: Request,
        project_id: UUID,
        stage: str,
        published_on: date,
        days: int,
    ) -> CommandResult:
        """Publish one of the three disclosures (公示)."""
        payload = {"stage": stage, "published_on": published_on, "days": days}
        return self._on_project(
            "publish_disclosure",
            request,
            project_id,
            payload,
            lambda p, c: p.publish_disclosure(c, stage, published_on, days),
        )

    def raise_objection(
        self, request: Request, project_id: UUID, stage: str, text: str, raised_by: str
    ) -> CommandResult:
        """Record an objection (异议) raised during a disclosure."""
        payload = {"stage": stage, "text": text, "raised_by": raised_by}
        return self._on_project(
            "raise_objection",
            request,
            project_id,
            payload,
            lambda p, c: {"objection_no": p.raise_objection(c, stage, text, raised_by)},
        )

    def resolve_objection(
        self, request: Request, project_id: UUID, no: int, resolution: str
    ) -> CommandResult:
        """Resolve an objection."""
        payload = {"no": no, "resolution": resolution}
        return self._on_project(
            "resolve_objection",
            request,
            project_id,
            payload,
            lambda p, c: p.resolve_objection(c, no, resolution),
        )

    def record_review(
        self, request: Request, project_id: UUID, kind: str, passed: bool, opinion: str
    ) -> CommandResult:
        """Record one of the three reviews (三评)."""
        payload = {"kind": kind, "passed": passed, "opinion": opinion}
        return self._on_project(
            "record_review",
            request,
            project_id,
            payload,
            lambda p, c: p.record_review(c, kind, passed, opinion),
        )

    def record_audit(
        self, request: Request, project_id: UUID, passed: bool, opinion: str
    ) -> CommandResult:
        """Record the audit (一审计)."""
        payload = {"passed": passed, "opinion": opinion}
        return self._on_project(
            "record_audit",
            request,
            project_id,
            payload,
            lambda p, c: p.record_audit(c, passed, opinion),
        )

    def establish_project(self, request: Request, project_id: UUID) -> CommandResult:
        """Establish the project (立项)."""
        return self._on_project(
            "establish_project", request, project_id, {}, lambda p, c: p.establish(c)
        )

    def apply_for_funding(
        self,
        request: Request,
        project_id: UUID,
        requested_amount: Decimal,
        implementing_unit: str,
        plan: str,
    ) -> CommandResult:
        """Apply for funding (申报)."""
        payload = {
            "requested_amount": requested_amount,
            "implementing_unit": implementing_unit,
            "plan": plan,
        }
        return self._on_project(
            "apply_for_funding",
            request,
            project_id,
            payload,
            lambda p, c: p.apply_for_funding(c, requested_amount, implementing_unit, plan),
        )

    def _on_project(
        self,
        command: str,
        request: Request,
        project_id: UUID,
        payload: Mapping[str, object],
        act: ProjectAct,
    ) -> CommandResult:
        """Run a command that touches the project alone."""

        def run(context: Context) -> Outcome:
            project = self.load(Project, project_id, "project")
            extra = act(project, context) or {}
            return Outcome(project, [project], extra)

        payload = {"project_id": project_id, **payload}
        return self.execute(command, request, payload, [project_id], run)

    def get_project(self, project_id: UUID, version: int | None = None) -> ProjectView:
        """A project now, or at a version."""
        return ProjectView.of(self.load(Project, project_id, "project", version))

    def get_project_as_recorded(self, project_id: UUID, at: datetime) -> ProjectView:
        """A project as it was recorded at a moment (from the recorded-time index)."""
        return ProjectView.of(
            self.load(Project, project_id, "project", self._version_at(project_id, at))
        )

    def get_account_as_recorded(self, account_id: UUID, at: datetime) -> AccountView:
        """An account as it was recorded at a moment (from the recorded-time index)."""
        return AccountView.of(
            self.load(FundAccount, account_id, "account", self._version_at(account_id, at))
        )

    def _version_at(self, aggregate_id: UUID, at: datetime) -> int:
        if at.tzinfo is None:
            raise errors.InvalidValue("a time needs its zone, e.g. 2017-03-01T09:00:00+08:00")
        try:
            at = at.astimezone(UTC)
        except OverflowError:
            raise errors.InvalidValue(f"time {at.isoformat()} is out of range") from None
        version = self.index.version_at(aggregate_id, at)
        if version is None:
            raise errors.NotFound(f"{aggregate_id} had not been recorded by {at.isoformat()}")
        return version

    # --- money moving across aggregates: one save() each --------------------------------

    def approve_project(
        self,
        request: Request,
        project_id: UUID,
        approved_amount: Decimal,
        account_id: UUID,
    ) -> CommandResult:
        """Approve an amount (审批) and earmark it on one dedicated account."""
        payload = {
            "project_id": project_id,
            "approved_amount": approved_amount,
            "account_id": account_id,
        }

        def run(context: Context) -> Outcome:
            project = self.load(Project, project_id, "project")
            account = self.load_reference(FundAccount, account_id, "account")
            project.check_approval(context, approved_amount)
            account.earmark(context, project.id, project.category, approved_amount)
            project.approve(context, approved_amount, account.id, account.fiscal_year)
            return Outcome(project, [project, account])

        ids = [project_id, account_id]
        return self.execute("approve_project", request, payload, ids, run)

    def disburse(
        self,
        request: Request,
        project_id: UUID,
        amount: Decimal,
        payee: str,
        vouchers: tuple[Voucher, ...],
    ) -> CommandResult:
        """Pay a tranche against vouchers (发放): project, account and claims in one save."""
        payload = {
            "project_id": project_id,
            "amount": amount,
            "payee": payee,
            "vouchers": vouchers,
        }
        account_id = self._account_of(project_id)

        def run(context: Context) -> Outcome:
            project = self.load(Project, project_id, "project")
            account = self.load(FundAccount, project.account_id or account_id, "account")
            payment = project.disburse(context, amount, payee, vouchers)
            claims = [self._claim(v, project.id, payment.no) for v in vouchers]
            account.pay(context, project.id, payment.no, amount)
            extra = {"disbursement_no": payment.no}
            return Outcome(project, [project, account, *claims], extra)

        ids = [project_id, account_id]
        return self.execute("disburse", request, payload, ids, run)

    def reverse_disbursement(self, request: Request, project_id: UUID, no: int) -> CommandResult:
        """Reverse payment no (reason required); the earmark and vouchers are restored."""
        payload = {"project_id": project_id, "no": no}
        account_id = self._account_of(project_id)

        def run(context: Context) -> Outcome:
            project = self.load(Project, project_id, "project")
            account = self.load(FundAccount, account_id, "account")
            payment = project.reverse_disbursement(context, no)
            account.reverse_payment(context, project.id, no, payment.amount)
            claims = [self._release(v) for v in payment.vouchers]
            extra = {"disbursement_no": no}
            return Outcome(project, [project, account, *claims], extra)

        ids = [project_id, account_id]
        return self.execute("reverse_disbursement", request, payload, ids, run)

    def complete_project(
        self, request: Request, project_id: UUID, completed_on: date
    ) -> CommandResult:
        """Accept completion (竣工验收); the unpaid earmark goes back to available."""
        payload = {"project_id": project_id, "completed_on": completed_on}
        account_id = self._account_of(project_id)

        def run(context: Context) -> Outcome:
            project = self.load(Project, project_id, "project")
            account = self.load(FundAccount, account_id, "account")
            project.complete(context, completed_on)
            released = account.release_earmark(context, project.id)
            return Outcome(project, [project, account], {"released": released})

        ids = [project_id, account_id]
        return self.execute("complete_project", request, payload, ids, run)

    def evaluate_benefit(
        self,
        request: Request,
        project_id: UUID,
        households_benefited: tuple[str, ...],
        income_increase: Decimal,
        score: int,
    ) -> CommandResult:
        """Record the benefit evaluation (效益) and close the project."""
        payload = {
            "households_benefited": households_benefited,
            "income_increase": income_increase,
            "score": score,
        }
        return self._on_project(
            "evaluate_benefit",
            request,
            project_id,
            payload,
            lambda p, c: p.evaluate(c, households_benefited, income_increase, score),
        )

    def _account_of(self, project_id: UUID) -> UUID:
        """The account a project was approved on (to lock it too), or its own id."""
        project = self.load(Project, project_id, "project")
        # Before approval there is no account: the project's own checks will refuse.
        return project.account_id or project_id

    def _claim(self, voucher: Voucher, project_id: UUID, no: int) -> VoucherClaim:
        """Claim a voucher for a payment; a voucher backs one payment at a time."""
        claim_id = VoucherClaim.create_id(voucher.sha256)
        try:
            claim: Aggregate = self.repository.get(claim_id)
        except AggregateNotFoundError:
            return VoucherClaim(sha256=voucher.sha256, project_id=project_id, disbursement_no=no)
        assert isinstance(claim, VoucherClaim)
        self._note_read(claim)
        if claim.is_claimed:
            raise errors.VoucherAlreadyClaimed(
                f"voucher {voucher.name!r} ({voucher.sha256[:12]}…) already backs "
                f"payment {claim.disbursement_no} of project {claim.project_id}"
            )
        claim.reclaim(project_id, no)
        return claim

    def _release(self, voucher: Voucher) -> VoucherClaim:
        claim = self.load(VoucherClaim, VoucherClaim.create_id(voucher.sha256), "claim")
        claim.release()
        return claim


def new_token(person_id: str) -> str:
    """A fresh bearer token that names its person: <person_id>.<secret>."""
    return f"{person_id}.{secrets.token_urlsafe(32)}"
