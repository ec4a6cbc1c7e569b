"""Realistic events in bulk for the integrity benchmark, through the aggregates' commands.

Projects pass all six checkpoints; each payment claims its voucher (a VoucherClaim
aggregate, as in production); 25 projects are saved per transaction so that hundreds of
thousands of events are recorded in a minute or two, each chained by the recorder.
"""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from domain.account import FundAccount
from domain.application import FundTrail
from domain.claims import VoucherClaim
from domain.project import Project
from domain.values import Actor, Context, Evidence, Region, Voucher

CITIES = ("Linyi 临沂", "Jinan 济南", "Heze 菏泽", "Dezhou 德州")
EVIDENCE = (Evidence("minutes.pdf", hashlib.sha256(b"minutes").hexdigest()),)
CAST = {
    "po": Actor(
        "po", "Zhang Wei 张伟", "project_officer", "Yinan county poverty office 沂南县扶贫办"
    ),
    "rev": Actor("rev", "Wang Fang 王芳", "reviewer", "Linyi expert panel 临沂专家组"),
    "aud": Actor("aud", "Chen Jie 陈杰", "auditor", "Linyi audit bureau 临沂审计局"),
    "apr": Actor("apr", "Zhao Min 赵敏", "approver", "Linyi finance bureau 临沂财政局"),
    "fo1": Actor("fo1", "Sun Li 孙丽", "finance_officer", "Linyi finance bureau 临沂财政局"),
    "eva": Actor("eva", "Wu Xia 吴霞", "evaluator", "Third-party evaluator 第三方评估"),
}
PER_SAVE = 25


def at(person: str, month: int, day: int) -> Context:
    """What an event carries: the actor, the 2017 business date, the evidence."""
    return Context(CAST[person], date(2017, month, day), "as planned", EVIDENCE)


def account(city: str) -> FundAccount:
    """One city's 2017 account, with plenty allocated."""
    opened = FundAccount.open(
        at("fo1", 1, 5), f"2017 special poverty fund, {city}", "provincial special fund 省级专项",
        2017, city, ("industry", "infrastructure", "relocation"),
    )  # fmt: skip
    opened.allocate(at("fo1", 1, 10), Decimal("900000000000.00"), f"鲁财农指〔2017〕{city}")
    return opened


def project(funds: FundAccount, n: int) -> tuple[Project, list[VoucherClaim]]:
    """Project n from selection to benefit, with two payments and their voucher claims."""
    region = Region(funds.region, f"county {n % 140}", f"township {n % 40}", f"village {n}")
    p = Project.propose(
        at("po", 3, 1), f"project {n} 项目", "industry", region, Decimal("300000.00"),
        tuple(f"H-{n:07}-{k}" for k in range(3)),
    )  # fmt: skip
    p.publish_disclosure(at("po", 3, 2), "selection", date(2017, 3, 2), 7)
    for kind in ("expert", "department", "public"):
        p.record_review(at("rev", 3, 10), kind, True, "sound")
    p.record_audit(at("aud", 3, 10), True, "budget checked")
    p.establish(at("po", 3, 10))
    p.apply_for_funding(
        at("po", 3, 15), Decimal("300000.00"), "cooperative 合作社", "20 greenhouses"
    )
    p.check_approval(at("apr", 3, 20), Decimal("280000.00"))
    funds.earmark(at("apr", 3, 20), p.id, p.category, Decimal("280000.00"))
    p.approve(at("apr", 3, 20), Decimal("280000.00"), funds.id, 2017)
    p.publish_disclosure(at("po", 3, 21), "approval", date(2017, 3, 21), 7)
    claims = []
    for k in range(2):
        sha = hashlib.sha256(f"{n}:{k}".encode()).hexdigest()
        paid = p.disburse(at("fo1", 3, 28), Decimal("120000.00"), "cooperative 合作社", (
            Voucher(f"invoice-{n}-{k}.pdf", sha, Decimal("120000.00")),
        ))  # fmt: skip
        funds.pay(at("fo1", 3, 28), p.id, paid.no, Decimal("120000.00"))
        claims.append(VoucherClaim(sha256=sha, project_id=p.id, disbursement_no=paid.no))
    p.complete(at("po", 6, 30), date(2017, 6, 30))
    funds.release_earmark(at("po", 6, 30), p.id)
    p.publish_disclosure(at("po", 7, 1), "completion", date(2017, 7, 1), 7)
    p.evaluate(at("eva", 7, 10), ("H-1", "H-2"), Decimal("3200.00"), 88)
    return p, claims


def record(app: FundTrail, projects: int) -> None:
    """Record four city accounts and `projects` projects, PER_SAVE per transaction."""
    accounts = [account(city) for city in CITIES]
    app.save(*accounts)
    for start in range(0, projects, PER_SAVE):
        funds = accounts[(start // PER_SAVE) % len(accounts)]
        saved: list[Project | VoucherClaim | FundAccount] = [funds]
        for n in range(start, min(start + PER_SAVE, projects)):
            made, claims = project(funds, n)
            saved += [made, *claims]
        app.save(*saved)
