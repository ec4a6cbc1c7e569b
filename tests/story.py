"""A realistic cast and timeline (Linyi 临沂, 2017) that tests drive a project through."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import count
from uuid import UUID

from domain.application import FundTrail
from domain.commands import Request
from domain.values import Evidence, Region, Voucher

CAST: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "po": ("Zhang Wei 张伟", "Yinan county poverty office 沂南县扶贫办", ("project_officer",)),
    "po2": ("Liu Yang 刘洋", "Yinan county poverty office 沂南县扶贫办", ("project_officer",)),
    "rev": ("Wang Fang 王芳", "Linyi expert panel 临沂专家组", ("reviewer",)),
    "aud": ("Chen Jie 陈杰", "Linyi audit bureau 临沂审计局", ("auditor",)),
    "apr": ("Zhao Min 赵敏", "Linyi finance bureau 临沂财政局", ("approver",)),
    "fo1": ("Sun Li 孙丽", "Linyi finance bureau 临沂财政局", ("finance_officer",)),
    "fo2": ("Zhou Qiang 周强", "Linyi finance bureau 临沂财政局", ("finance_officer",)),
    "eva": ("Wu Xia 吴霞", "Third-party evaluator 第三方评估", ("evaluator",)),
}

REGION = Region("Linyi 临沂", "Yinan 沂南", "Jiehu 界湖", "Beizhai 北寨")
ACCOUNT_OPENED_ON = date(2017, 1, 5)
PROPOSED_ON = date(2017, 3, 1)
SELECTION_DISCLOSED_ON = date(2017, 3, 2)
REVIEWED_ON = date(2017, 3, 5)
ESTABLISHED_ON = date(2017, 3, 10)
APPLIED_ON = date(2017, 3, 15)
APPROVED_ON = date(2017, 3, 20)
APPROVAL_DISCLOSED_ON = date(2017, 3, 21)
PAYABLE_ON = date(2017, 3, 28)
COMPLETED_ON = date(2017, 6, 30)
COMPLETION_DISCLOSED_ON = date(2017, 7, 1)
EVALUATED_ON = date(2017, 7, 10)

_voucher_numbers = count(1)


def sha(text: str) -> str:
    """A SHA-256 hex digest standing in for a document's hash."""
    return hashlib.sha256(text.encode()).hexdigest()


def voucher(amount: str, name: str | None = None) -> Voucher:
    """A fresh voucher (never claimed before) for an amount."""
    label = name or f"invoice-{next(_voucher_numbers)}.pdf"
    return Voucher(label, sha(f"{label}:{amount}"), Decimal(amount))


def req(person: str, on: date, reason: str = "", key: str | None = None) -> Request:
    """A request by a cast member on a business date."""
    evidence = (Evidence("minutes.pdf", sha("minutes")),)
    return Request(person, on, reason, evidence, key)


@dataclass
class Story:
    """Drives the application through the checkpoints with the cast."""

    app: FundTrail
    account_id: UUID | None = None
    tokens: dict[str, str] = field(default_factory=dict)

    def cast(self) -> Story:
        """Register every member of the cast."""
        for person_id, (name, org, roles) in CAST.items():
            result = self.app.register_official(Request("cli"), person_id, name, org, roles)
            self.tokens[person_id] = str(result.extra["token"])
        return self

    def account(self, allocated: str = "5000000.00", purposes: tuple[str, ...] = ()) -> UUID:
        """Open the Linyi 2017 account and allocate to it."""
        result = self.app.open_account(
            req("fo1", ACCOUNT_OPENED_ON),
            "2017 provincial special poverty fund, Linyi 2017年省级专项扶贫资金(临沂)",
            "provincial special fund 省级专项",
            2017,
            "Linyi 临沂",
            purposes or ("industry", "infrastructure", "relocation"),
        )
        self.account_id = result.id
        self.app.allocate_funds(
            req("fo1", date(2017, 1, 10)),
            result.id,
            Decimal(allocated),
            f"鲁财农指〔2017〕{result.id.hex[:6]}号",
        )
        return result.id

    def proposed(self, budget: str = "300000.00", category: str = "industry") -> UUID:
        """A project just entered into the library."""
        return self.app.propose_project(
            req("po", PROPOSED_ON),
            "Beizhai greenhouse vegetables 北寨大棚蔬菜",
            category,
            REGION,
            Decimal(budget),
            ("H-0001", "H-0002", "H-0003"),
        ).id

    def established(self, **kwargs: str) -> UUID:
        """A project past establishment (立项)."""
        project_id = self.proposed(**kwargs)
        app = self.app
        app.publish_disclosure(
            req("po", SELECTION_DISCLOSED_ON), project_id, "selection", SELECTION_DISCLOSED_ON, 7
        )
        for kind in ("expert", "department", "public"):
            app.record_review(req("rev", REVIEWED_ON), project_id, kind, True, "sound")
        app.record_audit(req("aud", REVIEWED_ON), project_id, True, "budget checked")
        app.establish_project(req("po", ESTABLISHED_ON), project_id)
        return project_id

    def applied(self, requested: str = "300000.00", **kwargs: str) -> UUID:
        """A project that has applied for funding (申报)."""
        project_id = self.established(**kwargs)
        self.app.apply_for_funding(
            req("po", APPLIED_ON),
            project_id,
            Decimal(requested),
            "Jiehu township cooperative 界湖镇合作社",
            "build 20 greenhouses",
        )
        return project_id

    def approved(self, approved: str = "280000.00", **kwargs: str) -> UUID:
        """A project approved on the account, with its approval disclosure published."""
        if self.account_id is None:
            self.account()
        assert self.account_id is not None
        project_id = self.applied(**kwargs)
        self.approved_on_account(project_id, approved)
        return project_id

    def approved_on_account(self, project_id: UUID, approved: str) -> None:
        """Approve an applied project on the story's account and disclose the approval."""
        assert self.account_id is not None
        self.app.approve_project(
            req("apr", APPROVED_ON), project_id, Decimal(approved), self.account_id
        )
        self.app.publish_disclosure(
            req("po", APPROVAL_DISCLOSED_ON), project_id, "approval", APPROVAL_DISCLOSED_ON, 7
        )

    def pay(self, project_id: UUID, amount: str, by: str = "fo1") -> int:
        """Pay a tranche against a fresh voucher; returns the disbursement number."""
        result = self.app.disburse(
            req(by, PAYABLE_ON),
            project_id,
            Decimal(amount),
            "Jiehu cooperative",
            (voucher(amount),),
        )
        return int(result.extra["disbursement_no"])

    def completed(self, paid: str = "250000.00", **kwargs: str) -> UUID:
        """A project paid, completed, with its completion disclosure published."""
        project_id = self.approved(**kwargs)
        self.pay(project_id, paid)
        self.app.complete_project(req("po", COMPLETED_ON), project_id, COMPLETED_ON)
        self.app.publish_disclosure(
            req("po", COMPLETION_DISCLOSED_ON),
            project_id,
            "completion",
            COMPLETION_DISCLOSED_ON,
            7,
        )
        return project_id

    def evaluated(self) -> UUID:
        """A project through all six checkpoints, closed."""
        project_id = self.completed()
        self.app.evaluate_benefit(
            req("eva", EVALUATED_ON), project_id, ("H-0001", "H-0002"), Decimal("3200.00"), 88
        )
        return project_id
