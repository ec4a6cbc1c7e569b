"""The story's cast and timeline, driven through HTTP (tests/story.py's people and dates)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import count
from typing import Any

import httpx
from story import (
    APPLIED_ON,
    APPROVAL_DISCLOSED_ON,
    APPROVED_ON,
    CAST,
    COMPLETED_ON,
    COMPLETION_DISCLOSED_ON,
    ESTABLISHED_ON,
    EVALUATED_ON,
    PAYABLE_ON,
    PROPOSED_ON,
    REGION,
    REVIEWED_ON,
    SELECTION_DISCLOSED_ON,
    sha,
)

from api.services import Services
from domain.application import FundTrail
from domain.commands import Request

API = "/api/v1"
ADMIN = "admin"
_vouchers = count(1)

Body = dict[str, Any]


def evidence() -> list[Body]:
    """The minutes every story command carries."""
    return [{"name": "minutes.pdf", "sha256": sha("minutes")}]


def voucher(amount: str) -> Body:
    """A voucher never claimed before."""
    name = f"invoice-{next(_vouchers)}.pdf"
    return {"name": name, "sha256": sha(f"{name}:{amount}:{id(object())}"), "amount": amount}


@dataclass
class HttpStory:
    """Drives the application through its HTTP API with the cast of tests/story.py."""

    client: httpx.Client
    services: Services
    tokens: dict[str, str] = field(default_factory=dict)
    account_id: str | None = None
    position: int = 0

    @property
    def app(self) -> FundTrail:
        """The application behind the HTTP API (to look at the store, never to act)."""
        return self.services.fundtrail

    def headers(self, person: str, **extra: str) -> dict[str, str]:
        """Authorization for a cast member, plus any extra headers."""
        return {"Authorization": f"Bearer {self.tokens[person]}", **extra}

    def post(
        self,
        person: str,
        path: str,
        body: Body | None = None,
        expect: int = 201,
        headers: dict[str, str] | None = None,
    ) -> Body:
        """POST as a person; assert the status; return the JSON answer."""
        sent = self.headers(person, **(headers or {}))
        response = self.client.post(API + path, json=body, headers=sent)
        assert response.status_code == expect, response.text
        answer: Body = response.json()
        self.position = max(self.position, int(answer.get("position", 0)))
        return answer

    def settled(self) -> HttpStory:
        """Wait until the read models reflect every command this story made."""
        views = self.services.views
        assert views is not None and views.wait_for(self.position, timeout=10.0)
        return self

    def refused(
        self,
        person: str,
        path: str,
        body: Body | None,
        status: int,
        match: str,
        headers: dict[str, str] | None = None,
    ) -> Body:
        """POST is refused with a problem (status, detail matching) and records nothing."""
        before = self.app.recorder.max_notification_id()
        sent = self.headers(person, **(headers or {}))
        response = self.client.post(API + path, json=body, headers=sent)
        assert response.status_code == status, response.text
        assert response.headers["content-type"] == "application/problem+json"
        problem: Body = response.json()
        assert problem["status"] == status
        assert match in problem["detail"], problem["detail"]
        assert self.app.recorder.max_notification_id() == before, "a refusal recorded events"
        return problem

    def get(self, person: str, path: str, expect: int = 200, **params: Any) -> Body:
        """GET as a person; assert the status; return the JSON answer."""
        response = self.client.get(API + path, params=params, headers=self.headers(person))
        assert response.status_code == expect, response.text
        answer: Body = response.json()
        return answer

    def cast(self) -> HttpStory:
        """The first admin as the CLI makes it; everyone else through POST /officials."""
        first = self.app.register_official(
            Request("cli"), ADMIN, "Li Ming 李明", "Linyi poverty office 临沂市扶贫办", ("admin",)
        )
        self.tokens[ADMIN] = str(first.extra["token"])
        for person_id, (name, org, roles) in CAST.items():
            body = {"person_id": person_id, "name": name, "org": org, "roles": list(roles)}
            self.tokens[person_id] = str(self.post(ADMIN, "/officials", body)["token"])
        return self

    def account(self, allocated: str = "5000000.00", purposes: tuple[str, ...] = ()) -> str:
        """Open the Linyi 2017 account and allocate to it."""
        opened = self.post(
            "fo1",
            "/accounts",
            {
                "name": "2017 provincial special poverty fund, Linyi 2017年省级专项扶贫资金(临沂)",
                "fund_source": "provincial special fund 省级专项",
                "fiscal_year": 2017,
                "region": "Linyi 临沂",
                "purposes": list(purposes or ("industry", "infrastructure", "relocation")),
                "effective_on": "2017-01-05",
            },
        )
        self.account_id = str(opened["id"])
        self.post(
            "fo1",
            f"/accounts/{self.account_id}/allocations",
            {
                "amount": allocated,
                "document_no": f"鲁财农指〔2017〕{self.account_id[:6]}号",
                "effective_on": "2017-01-10",
            },
        )
        return self.account_id

    def on(self, day: date, **body: Any) -> Body:
        """A command body on a business date, with the story's evidence."""
        return {"effective_on": day.isoformat(), "evidence": evidence(), **body}

    def proposed(self, budget: str = "300000.00", category: str = "industry") -> str:
        """A project just entered into the library."""
        body = self.on(
            PROPOSED_ON,
            name="Beizhai greenhouse vegetables 北寨大棚蔬菜",
            region=vars(REGION),
            category=category,
            planned_budget=budget,
            beneficiaries=["H-0001", "H-0002", "H-0003"],
        )
        return str(self.post("po", "/projects", body)["id"])

    def disclose(self, project_id: str, stage: str, on: date) -> Body:
        """Publish a 7-day disclosure of a stage on a day."""
        body = self.on(on, stage=stage, published_on=on.isoformat(), days=7)
        return self.post("po", f"/projects/{project_id}/disclosures", body)

    def established(self, **kwargs: str) -> str:
        """A project past establishment (立项)."""
        project_id = self.proposed(**kwargs)
        self.disclose(project_id, "selection", SELECTION_DISCLOSED_ON)
        for kind in ("expert", "department", "public"):
            body = self.on(REVIEWED_ON, kind=kind, passed=True, opinion="sound")
            self.post("rev", f"/projects/{project_id}/reviews", body)
        audit = self.on(REVIEWED_ON, passed=True, opinion="budget checked")
        self.post("aud", f"/projects/{project_id}/audits", audit)
        self.post("po", f"/projects/{project_id}/establishment", self.on(ESTABLISHED_ON))
        return project_id

    def applied(self, requested: str = "300000.00", **kwargs: str) -> str:
        """A project that has applied for funding (申报)."""
        project_id = self.established(**kwargs)
        body = self.on(
            APPLIED_ON,
            requested_amount=requested,
            implementing_unit="Jiehu township cooperative 界湖镇合作社",
            plan="build 20 greenhouses",
        )
        self.post("po", f"/projects/{project_id}/application", body)
        return project_id

    def approved(self, approved: str = "280000.00", **kwargs: str) -> str:
        """A project approved on the account, its approval disclosure published."""
        account_id = self.account_id or self.account()
        project_id = self.applied(**kwargs)
        body = self.on(APPROVED_ON, approved_amount=approved, account_id=account_id)
        self.post("apr", f"/projects/{project_id}/approval", body)
        self.disclose(project_id, "approval", APPROVAL_DISCLOSED_ON)
        return project_id

    def payment(self, amount: str) -> Body:
        """A payment body on the payable day, against a fresh voucher."""
        return self.on(
            PAYABLE_ON, amount=amount, payee="Jiehu cooperative", vouchers=[voucher(amount)]
        )

    def pay(self, project_id: str, amount: str, by: str = "fo1") -> int:
        """Pay a tranche; returns its disbursement number."""
        answer = self.post(by, f"/projects/{project_id}/disbursements", self.payment(amount))
        return int(answer["disbursement_no"])

    def completed(self, paid: str = "250000.00", **kwargs: str) -> str:
        """A project paid, completed, its completion disclosure published."""
        project_id = self.approved(**kwargs)
        self.pay(project_id, paid)
        body = self.on(COMPLETED_ON, completed_on=COMPLETED_ON.isoformat())
        self.post("po", f"/projects/{project_id}/completion", body)
        self.disclose(project_id, "completion", COMPLETION_DISCLOSED_ON)
        return project_id

    def evaluated(self) -> str:
        """A project through all six checkpoints, closed."""
        project_id = self.completed()
        body = self.on(
            EVALUATED_ON,
            households_benefited=["H-0001", "H-0002"],
            income_increase="3200.00",
            score=88,
        )
        self.post("eva", f"/projects/{project_id}/evaluation", body)
        return project_id
