"""Each view after a realistic year of Linyi and Jinan projects, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from datetime import date
from decimal import Decimal

import pytest
from story import Story
from viewkit import Scenario, build_scenario, catch_up, read_models

from domain.application import FundTrail
from domain.errors import InvalidValue
from projections.queries import ReadModels

Built = tuple[Scenario, FundTrail, ReadModels]


@pytest.fixture
def built(store_story: Story, database_url: str) -> Iterator[Built]:
    scenario = build_scenario(store_story)
    catch_up(database_url, batch_size=7)  # small batches, so that many batch edges are crossed
    with read_models(database_url) as models:
        yield scenario, store_story.app, models


def test_ledger_lists_every_entry_with_its_actor_and_dates(built: Built) -> None:
    s, app, views = built
    entries = views.ledger(s.linyi).items
    assert [(e.entry_no, e.kind, e.amount) for e in entries] == [
        (1, "allocation", Decimal("5000000.00")),
        (2, "earmark", Decimal("280000.00")),
        (3, "payment", Decimal("250000.00")),
        (4, "earmark_release", Decimal("30000.00")),
        (5, "earmark", Decimal("280000.00")),
        (6, "payment", Decimal("100000.00")),
        (7, "payment", Decimal("50000.00")),
        (8, "reversal", Decimal("50000.00")),
        (9, "earmark", Decimal("280000.00")),
        (10, "payment", Decimal("250000.00")),
        (11, "earmark_release", Decimal("30000.00")),
        (12, "return", Decimal("10000.00")),
        (13, "return", Decimal("5000.00")),
    ]
    reversal = entries[7]
    assert reversal.actor.person_id == "fo2" and reversal.actor.role == "finance_officer"
    assert reversal.project_id == s.paying and reversal.disbursement_no == 2
    assert reversal.effective_on == date(2017, 4, 5) and reversal.reason == "duplicate invoice"
    assert entries[11].project_id == s.evaluated and entries[12].project_id is None
    recorded = app.index.recorded_at(s.linyi)
    assert [e.recorded_at for e in entries] == [recorded[e.entry_no + 1] for e in entries]
    first = views.ledger(s.linyi, limit=5)
    rest = views.ledger(s.linyi, limit=100, after=first.next)
    assert first.items + rest.items == entries and rest.next is None


def test_account_figures_now_and_as_of_business_dates(built: Built) -> None:
    s, app, views = built
    now = views.account_as_of(s.linyi, date(2017, 12, 31))
    account = app.get_account(s.linyi)
    assert now is not None
    assert (now.allocated, now.earmarked, now.disbursed, now.available) == (
        account.allocated,
        account.earmarked,
        account.disbursed,
        account.available,
    )
    assert (now.earmarked, now.disbursed, now.available) == (
        Decimal("180000.00"),
        Decimal("590000.00"),
        Decimal("4235000.00"),
    )
    march = views.account_as_of(s.linyi, date(2017, 3, 31))
    assert march is not None
    assert (march.earmarked, march.disbursed) == (Decimal("190000.00"), Decimal("650000.00"))
    january = views.account_as_of(s.linyi, date(2017, 1, 9))
    assert january is not None and january.allocated == Decimal("0.00")
    assert views.account_as_of(s.paying, date(2017, 12, 31)) is None


def test_register_filters_searches_and_pages(built: Built) -> None:
    s, app, views = built
    rows = views.register().items
    assert [r.id for r in rows] == [s.evaluated, s.paying, s.rejected, s.objected, s.completed]
    by_id = {r.id: r for r in rows}
    assert (by_id[s.evaluated].checkpoint, by_id[s.evaluated].status) == ("benefit", "closed")
    # Paid 250,000.00, then 10,000.00 recovered (追回) to the account: the project holds less.
    assert by_id[s.evaluated].disbursed == Decimal("240000.00")
    assert app.get_project(s.evaluated).disbursed == Decimal("240000.00")
    paying = by_id[s.paying]
    assert (paying.checkpoint, paying.disbursed, paying.approved_amount) == (
        "disbursement",
        Decimal("100000.00"),
        Decimal("280000.00"),
    )
    assert paying.account_id == s.linyi and paying.version == 15
    assert by_id[s.rejected].status == "rejected" and by_id[s.rejected].requested_amount is None
    assert [r.id for r in views.register(city="Jinan 济南").items] == [s.objected]
    assert [r.id for r in views.register(status="rejected").items] == [s.rejected]
    assert [r.id for r in views.register(checkpoint="completed").items] == [s.completed]
    assert len(views.register(category="industry", fiscal_year=2017).items) == 3
    assert [r.id for r in views.register(q="小庄").items] == [s.objected]
    assert [r.id for r in views.register(q="XIAOZHUANG").items] == [s.objected]
    assert views.register(q="100%_").items == []
    first = views.register(limit=2)
    second = views.register(limit=2, after=first.next)
    third = views.register(limit=2, after=second.next)
    assert [r.id for r in first.items + second.items + third.items] == [r.id for r in rows]
    assert third.next is None
    with pytest.raises(InvalidValue, match="cursor"):
        views.register(after="not-a-cursor")
    with pytest.raises(InvalidValue, match="cursor"):
        views.register(after=views.ledger(s.linyi, limit=1).next)
    with pytest.raises(InvalidValue, match="limit"):
        views.register(limit=0)
    with pytest.raises(InvalidValue, match="category"):
        views.register(category="sports")


def test_history_is_the_full_timeline_with_evidence(built: Built) -> None:
    s, app, views = built
    events = views.history(s.paying).items
    assert [e.version for e in events] == list(range(1, 16))
    assert [e.type for e in events][-6:] == [
        "DisclosurePublished",
        "ObjectionRaised",
        "ObjectionResolved",
        "Disbursed",
        "Disbursed",
        "DisbursementReversed",
    ]
    reversal = events[-1]
    assert reversal.data["no"] == 2 and reversal.data["reason"] == "duplicate invoice"
    assert reversal.actor.person_id == "fo2" and reversal.effective_on == date(2017, 4, 5)
    assert [e["name"] for e in reversal.data["evidence"]] == ["minutes.pdf"]
    proposal = events[0].data
    assert proposal["planned_budget"] == "300000.00" and proposal["region"]["city"] == "Linyi 临沂"
    recorded = app.index.recorded_at(s.paying)
    assert [e.recorded_at for e in events] == [recorded[v] for v in range(1, 16)]
    for event in events:  # what the timeline says was recorded then is what was recorded then
        assert app.get_project_as_recorded(s.paying, event.recorded_at).version == event.version
    assert views.history(s.linyi).items == []


def test_accountability_names_the_people_at_each_checkpoint(built: Built) -> None:
    s, _, views = built
    groups = views.accountability(s.paying)
    summary = {k: [(a.person_id, a.action) for a in v] for k, v in groups.items()}
    assert summary == {
        "selection": [("po", "proposed"), ("po", "disclosure_published")],
        "establishment": [("rev", "reviewed")] * 3 + [("aud", "audited"), ("po", "established")],
        "application": [("po", "applied")],
        "approval": [
            ("apr", "approved"),
            ("po", "disclosure_published"),
            ("po", "objection_raised"),
            ("po", "objection_resolved"),
        ],
        "disbursement": [
            ("fo1", "disbursed"),
            ("fo1", "disbursed"),
            ("fo2", "disbursement_reversed"),
        ],
        "benefit": [],
    }
    recovered = views.accountability(s.evaluated)["disbursement"][-1]
    assert (recovered.person_id, recovered.action) == ("fo1", "funds_recovered")
    approver = groups["approval"][0]
    assert (approver.name, approver.role, approver.org) == (
        "Zhao Min 赵敏",
        "approver",
        "Linyi finance bureau 临沂财政局",
    )


def test_decisions_keep_the_role_held_at_the_time(built: Built) -> None:
    s, app, views = built
    assert app.get_official("fo2").roles == ("auditor",)
    decisions = views.decisions("fo2").items
    assert [(d.action, d.role, d.checkpoint) for d in decisions] == [
        ("disbursement_reversed", "finance_officer", "disbursement"),
        ("account_opened", "finance_officer", None),
        ("allocated", "finance_officer", None),
    ]
    assert decisions[0].project_id == s.paying and decisions[0].account_id is None
    assert decisions[1].account_id == s.jinan and decisions[1].project_id is None
    fo1 = views.decisions("fo1", limit=2)
    rest = views.decisions("fo1", after=fo1.next)
    assert len(fo1.items) == 2 and len(rest.items) == 6  # open, allocate, 5 payments, 2 returns
    assert views.decisions("nobody").items == []


def test_disclosure_board_is_public_and_counts_objections(built: Built) -> None:
    s, _, views = built
    rows = views.disclosures().items
    assert len(rows) == 10
    assert (rows[0].project_id, rows[0].stage) == (s.completed, "completion")  # newest first
    assert (rows[-1].project_id, rows[-1].stage) == (s.evaluated, "selection")
    board = {(r.project_id, r.stage): r for r in rows}
    completion = board[(s.evaluated, "completion")]
    assert (completion.approved_amount, completion.disbursed, completion.beneficiaries) == (
        Decimal("280000.00"),
        Decimal("250000.00"),
        3,
    )
    selection = board[(s.evaluated, "selection")]
    assert (selection.approved_amount, selection.disbursed) == (None, Decimal("0.00"))
    assert selection.ends_on == date(2017, 3, 9)
    approval = board[(s.paying, "approval")]
    assert (approval.objections_open, approval.objections_resolved) == (0, 1)
    objected = board[(s.objected, "selection")]
    assert (objected.objections_open, objected.objections_resolved) == (1, 0)
    assert objected.region.city == "Jinan 济南" and objected.beneficiaries == 2
    text = repr([asdict(r) for r in rows])
    assert "H-000" not in text and "J-000" not in text and "villager" not in text
    assert [r.project_id for r in views.disclosures(city="Jinan 济南").items] == [s.objected]
    page = views.disclosures(limit=4)
    rest = views.disclosures(limit=100, after=page.next)
    assert page.items + rest.items == rows


def test_dispatch_report_per_city_and_county(built: Built) -> None:
    s, _, views = built
    march = {(r.city, r.county): r for r in views.dispatch("2017-03").rows}
    assert list(march) == [
        ("Jinan 济南", None),
        ("Jinan 济南", "Pingyin 平阴"),
        ("Linyi 临沂", None),
        ("Linyi 临沂", "Yinan 沂南"),
    ]
    yinan = march[("Linyi 临沂", "Yinan 沂南")]
    assert (yinan.allocated, yinan.approved, yinan.earmarked, yinan.disbursed) == (
        None,
        Decimal("840000.00"),
        Decimal("190000.00"),
        Decimal("650000.00"),
    )
    assert yinan.disbursement_rate == Decimal("0.7738")
    assert yinan.projects["disbursement"] == 3 and yinan.rejected == 1
    assert march[("Linyi 临沂", None)].allocated == Decimal("5000000.00")
    assert march[("Jinan 济南", None)].allocated == Decimal("0.00")
    pingyin = march[("Jinan 济南", "Pingyin 平阴")]
    assert pingyin.disbursement_rate is None and pingyin.projects["selection"] == 1
    assert [(o.project_id, o.kind, o.days_overdue) for o in pingyin.overdue] == [
        (s.objected, "objection_unresolved", 22)
    ]
    december = {(r.city, r.county): r for r in views.dispatch("2017-12").rows}
    yinan = december[("Linyi 临沂", "Yinan 沂南")]
    assert (yinan.earmarked, yinan.disbursed, yinan.disbursement_rate) == (
        Decimal("180000.00"),
        Decimal("590000.00"),
        Decimal("0.7024"),
    )
    assert {k: v for k, v in yinan.projects.items() if v} == {
        "disbursement": 1,
        "completed": 1,
        "benefit": 1,
    }
    assert [(o.project_id, o.kind) for o in yinan.overdue] == [(s.completed, "evaluation_overdue")]
    assert december[("Jinan 济南", None)].allocated == Decimal("1000000.00")
    assert views.dispatch("2016-12").rows == []
    with pytest.raises(InvalidValue, match="YYYY-MM"):
        views.dispatch("2017-13")


def test_look_back_finds_what_does_not_add_up(built: Built) -> None:
    s, _, views = built
    review = views.look_back(on=date(2017, 12, 31))
    assert [(m.project_id, m.not_benefited, m.not_planned) for m in review.households_mismatch] == [
        (s.evaluated, ["H-0003"], [])
    ]
    assert [
        (i.project_id, i.amount, i.outstanding, i.unpaid_since, i.days)
        for i in review.idle_earmarks
    ] == [(s.paying, Decimal("180000.00"), Decimal("180000.00"), date(2017, 3, 20), 286)]
    assert [(n.project_id, n.completed_on, n.days) for n in review.not_evaluated] == [
        (s.completed, date(2017, 6, 30), 184)
    ]
    june = views.look_back(on=date(2017, 6, 20))
    assert june.households_mismatch == [] and june.not_evaluated == []
    assert {i.project_id: (i.amount, i.outstanding) for i in june.idle_earmarks} == {
        s.paying: (Decimal("130000.00"), Decimal("180000.00")),
        s.evaluated: (Decimal("30000.00"), Decimal("30000.00")),
        s.completed: (Decimal("30000.00"), Decimal("30000.00")),
    }
    assert views.look_back(on=date(2017, 12, 31), city="Jinan 济南").idle_earmarks == []
