"""The whole story through HTTP, what the queries say about it, and 20 parallel payments."""

from __future__ import annotations

import threading
from decimal import Decimal

from api_fixtures import LiveServer
from http_story import API, HttpStory
from story import APPROVED_ON, COMPLETED_ON, EVALUATED_ON, PROPOSED_ON

pytest_plugins = ["api_fixtures"]

CHECKPOINTS = ("selection", "establishment", "application", "approval", "disbursement", "benefit")


def test_selection_to_benefit_through_http_and_what_the_queries_then_say(hs: HttpStory) -> None:
    project_id = hs.evaluated()
    project = hs.get("aud", f"/projects/{project_id}")
    assert (project["checkpoint"], project["status"]) == ("benefit", "closed")
    assert project["version"] == 14
    assert (project["approved_amount"], project["disbursed"]) == ("280000.00", "250000.00")
    hs.settled()

    account = hs.get("aud", f"/accounts/{hs.account_id}")
    assert (account["earmarked"], account["disbursed"], account["available"]) == (
        "0.00",
        "250000.00",
        "4750000.00",
    )
    ledger = hs.get("aud", f"/accounts/{hs.account_id}/ledger")["entries"]
    kinds = ["allocation", "earmark", "payment", "earmark_release"]
    assert [e["kind"] for e in ledger] == kinds
    assert ledger[2]["actor"]["person_id"] == "fo1" and ledger[2]["amount"] == "250000.00"

    register = hs.get("aud", "/projects", city="Linyi 临沂", checkpoint="benefit")["projects"]
    assert [(r["id"], r["status"], r["disbursed"]) for r in register] == [
        (project_id, "closed", "250000.00")
    ]
    assert hs.get("aud", "/projects", status="rejected")["projects"] == []

    history = hs.get("aud", f"/projects/{project_id}/history")["events"]
    assert [e["version"] for e in history] == list(range(1, 15))
    assert history[0]["effective_on"] == PROPOSED_ON.isoformat()
    assert history[-1]["actor"] == {
        "person_id": "eva",
        "name": "Wu Xia 吴霞",
        "role": "evaluator",
        "org": "Third-party evaluator 第三方评估",
    }
    as_recorded = hs.get("aud", f"/projects/{project_id}", as_of=history[5]["recorded_at"])
    assert as_recorded["version"] == 6

    checkpoints = hs.get("aud", f"/projects/{project_id}/accountability")["checkpoints"]
    assert tuple(checkpoints) == CHECKPOINTS
    assert {a["person_id"] for a in checkpoints["approval"]} == {"apr", "po"}
    assert [a["person_id"] for a in checkpoints["benefit"]] == ["eva"]

    decisions = hs.get("aud", "/officials/apr/decisions")["decisions"]
    assert [(d["project_id"], d["checkpoint"]) for d in decisions] == [(project_id, "approval")]

    public = hs.client.get(f"{API}/disclosures")  # no token: the public board
    assert public.status_code == 200
    stages = {(d["project_id"], d["stage"]): d for d in public.json()["disclosures"]}
    completion = stages[(project_id, "completion")]
    assert completion["beneficiaries"] == 3 and completion["disbursed"] == "250000.00"
    assert completion["objections"] == {"open": 0, "resolved": 0}
    assert "H-0001" not in public.text, "household ids are never public"

    dispatch = hs.get("aud", "/reports/dispatch", month=EVALUATED_ON.strftime("%Y-%m"))["rows"]
    city = next(r for r in dispatch if r["county"] is None)
    assert (city["allocated"], city["disbursed"], city["disbursement_rate"]) == (
        "5000000.00",
        "250000.00",
        0.8929,
    )


def test_figures_as_of_a_business_date_come_from_the_ledger(hs: HttpStory) -> None:
    hs.completed()
    hs.settled()
    before = hs.get("aud", f"/accounts/{hs.account_id}", as_of=APPROVED_ON.isoformat())
    assert (before["earmarked"], before["disbursed"], before["version"]) == (
        "280000.00",
        "0.00",
        None,
    )
    after = hs.get("aud", f"/accounts/{hs.account_id}", as_of=COMPLETED_ON.isoformat())
    assert (after["earmarked"], after["disbursed"]) == ("0.00", "250000.00")


def test_lists_page_with_a_cursor(hs: HttpStory) -> None:
    for _ in range(3):
        hs.proposed()
    hs.settled()
    first = hs.get("aud", "/projects", limit=2)
    second = hs.get("aud", "/projects", limit=2, after=first["next"])
    assert len(first["projects"]) == 2 and len(second["projects"]) == 1
    assert second["next"] is None
    hs.get("aud", "/projects", expect=422, after="not-a-cursor")
    hs.get("aud", "/projects", expect=422, limit=1001)
    problem = hs.get("aud", "/projects", expect=422, category="roads")
    assert "'industry', 'infrastructure'" in problem["detail"]


def test_twenty_parallel_payments_through_http_exactly_fourteen_succeed(
    live_server: LiveServer, live_story: HttpStory
) -> None:
    project_id = live_story.approved()  # 280,000.00 approved, nothing paid yet
    start = threading.Barrier(20)
    statuses: list[int] = []
    lock = threading.Lock()

    def pay(person: str) -> None:
        body = live_story.payment("20000.00")
        start.wait()
        response = live_story.client.post(
            f"{API}/projects/{project_id}/disbursements",
            json=body,
            headers=live_story.headers(person),
        )
        with lock:
            statuses.append(response.status_code)

    threads = [threading.Thread(target=pay, args=(f"fo{1 + n % 2}",)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert sorted(statuses) == [201] * 14 + [409] * 6
    project = live_story.get("aud", f"/projects/{project_id}")
    assert project["disbursed"] == "280000.00"
    assert sorted(p["no"] for p in project["payments"]) == list(range(1, 15))
    account = live_story.get("aud", f"/accounts/{live_story.account_id}")
    assert (account["earmarked"], account["disbursed"]) == ("0.00", "280000.00")
    assert Decimal(account["available"]) == Decimal("5000000.00") - Decimal("280000.00")
