"""Realistic events in bulk for the catch-up benchmark: projects through all six checkpoints.

The aggregates' own commands are used (every rule is checked), but many projects are
saved per transaction, so that tens of thousands of events are recorded in seconds.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from domain.account import FundAccount
from domain.application import FundTrail
from domain.project import Project
from domain.values import Actor, Context, Evidence, Region, Voucher

CITIES = ("Linyi 临沂", "Jinan 济南", "Heze 菏泽", "Dezhou 德州")
COUNTIES = ("Yinan 沂南", "Pingyin 平阴", "Cao 曹县", "Qingyun 庆云")
PEOPLE = {
    "po": ("Zhang Wei 张伟", "project_officer", "Yinan county poverty office 沂南县扶贫办"),
    "rev": ("Wang Fang 王芳", "reviewer", "Linyi expert panel 临沂专家组"),
    "aud": ("Chen Jie 陈杰", "auditor", "Linyi audit bureau 临沂审计局"),
    "apr": ("Zhao Min 赵敏", "approver", "Linyi finance bureau 临沂财政局"),
    "fo1": ("Sun Li 孙丽", "finance_officer", "Linyi finance bureau 临沂财政局"),
    "eva": ("Wu Xia 吴霞", "evaluator", "Third-party evaluator 第三方评估"),
}
EVIDENCE = (Evidence("minutes.pdf", hashlib.sha256(b"minutes").hexdigest()),)
PAYMENTS = 3
EVENTS_PER_PROJECT = 16 + PAYMENTS + 2  # project events, then the account's for it


def ctx(person: str, on: date) -> Context:
    """What a cast member's event carries on a business date."""
    name, role, org = PEOPLE[person]
    return Context(Actor(person, name, role, org), on, "", EVIDENCE)


def open_account() -> FundAccount:
    """A provincial account with plenty allocated."""
    account = FundAccount.open(
        ctx("fo1", date(2017, 1, 5)),
        "2017 provincial special poverty fund 2017年省级专项扶贫资金",
        "provincial special fund 省级专项",
        2017,
        CITIES[0],
        ("industry", "infrastructure", "relocation"),
    )
    account.allocate(
        ctx("fo1", date(2017, 1, 10)), Decimal("900000000000.00"), "鲁财农指〔2017〕1号"
    )
    return account


def project(account: FundAccount, n: int) -> Project:
    """Project n, from selection to benefit, earmarked and paid from the account."""
    region = Region(CITIES[n % 4], COUNTIES[n % 4], f"township {n % 40}", f"village {n}")
    households = tuple(f"H-{n:06}-{k}" for k in range(3))
    p = Project.propose(
        ctx("po", date(2017, 3, 1)),
        f"project {n} 项目",
        "industry",
        region,
        Decimal("300000.00"),
        households,
    )
    p.publish_disclosure(ctx("po", date(2017, 3, 2)), "selection", date(2017, 3, 2), 7)
    for kind in ("expert", "department", "public"):
        p.record_review(ctx("rev", date(2017, 3, 5)), kind, True, "sound")
    p.record_audit(ctx("aud", date(2017, 3, 5)), True, "budget checked")
    p.establish(ctx("po", date(2017, 3, 10)))
    p.apply_for_funding(ctx("po", date(2017, 3, 15)), Decimal("300000.00"), "cooperative", "plan")
    approved = Decimal("280000.00")
    p.check_approval(ctx("apr", date(2017, 3, 20)), approved)
    account.earmark(ctx("apr", date(2017, 3, 20)), p.id, p.category, approved)
    p.approve(ctx("apr", date(2017, 3, 20)), approved, account.id, 2017)
    p.publish_disclosure(ctx("po", date(2017, 3, 21)), "approval", date(2017, 3, 21), 7)
    for k in range(PAYMENTS):
        sha = hashlib.sha256(f"{n}:{k}".encode()).hexdigest()
        amount = Decimal("80000.00")
        payment = p.disburse(
            ctx("fo1", date(2017, 3, 28)),
            amount,
            "cooperative",
            (Voucher(f"v{k}.pdf", sha, amount),),
        )
        account.pay(ctx("fo1", date(2017, 3, 28)), p.id, payment.no, amount)
    p.complete(ctx("po", date(2017, 6, 30)), date(2017, 6, 30))
    account.release_earmark(ctx("po", date(2017, 6, 30)), p.id)
    p.publish_disclosure(ctx("po", date(2017, 7, 1)), "completion", date(2017, 7, 1), 7)
    p.evaluate(ctx("eva", date(2017, 7, 10)), households[:2], Decimal("3200.00"), 88)
    return p


def record(app: FundTrail, projects: int, chunk: int = 50) -> None:
    """Record an account and `projects` projects, `chunk` projects per transaction."""
    account = open_account()
    app.save(account)
    for start in range(0, projects, chunk):
        made = [project(account, n) for n in range(start, min(start + chunk, projects))]
        app.save(*made, account)
