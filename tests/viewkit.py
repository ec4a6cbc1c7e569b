"""Helpers for the read-model tests: catching views up, and a realistic Linyi/Jinan scenario."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from uuid import UUID

import psycopg
from story import Story, req

from domain.commands import Request
from domain.values import Region
from infrastructure.settings import Settings
from projections.queries import ReadModels, build_read_models
from projections.runner import ViewsRunner

JINAN = Region("Jinan 济南", "Pingyin 平阴", "Yushan 榆山", "Xiaozhuang 小庄")
REVERSED_ON = date(2017, 4, 5)
JINAN_ALLOCATED_ON = date(2017, 4, 10)
RETURNED_ON = date(2017, 8, 1)


def catch_up(url: str, batch_size: int = 1000) -> int:
    """Bring every view up to the log's head; returns the events read."""
    with ViewsRunner(Settings(database_url=url), batch_size=batch_size) as runner:
        return runner.catch_up()


@contextmanager
def read_models(url: str) -> Iterator[ReadModels]:
    """Read models on a store, closed afterwards."""
    models = build_read_models(Settings(database_url=url))
    try:
        yield models
    finally:
        models.close()


@dataclass
class Scenario:
    """What the scenario made: accounts and projects at different checkpoints."""

    linyi: UUID  # Linyi 2017 account, 5,000,000.00 allocated
    jinan: UUID  # Jinan account, 1,000,000.00 allocated on 2017-04-10
    evaluated: UUID  # A: all six checkpoints; 2 of 3 planned households benefited
    paying: UUID  # B: objection raised and resolved, two payments, the second reversed
    rejected: UUID  # C: failed its expert review
    objected: UUID  # D (Jinan): selection disclosure with an objection never resolved
    completed: UUID  # E: completed, not evaluated


def build_scenario(story: Story) -> Scenario:
    """Drive the application through a year of Linyi and Jinan projects."""
    app = story.app
    evaluated = story.evaluated()
    assert story.account_id is not None
    paying = story.approved()
    app.raise_objection(
        req("po", date(2017, 3, 22)), paying, "approval", "price too high?", "villager Li"
    )
    app.resolve_objection(req("po", date(2017, 3, 25)), paying, 1, "prices checked: fair")
    story.pay(paying, "100000.00")
    second = story.pay(paying, "50000.00")
    app.reverse_disbursement(req("fo2", REVERSED_ON, "duplicate invoice"), paying, second)
    rejected = story.proposed(budget="120000.00", category="infrastructure")
    app.publish_disclosure(req("po", date(2017, 3, 2)), rejected, "selection", date(2017, 3, 2), 7)
    app.record_review(req("rev", date(2017, 3, 5)), rejected, "expert", False, "unsound")
    objected = app.propose_project(
        req("po2", date(2017, 3, 1)),
        "Xiaozhuang drinking water 小庄饮水",
        "infrastructure",
        JINAN,
        Decimal("90000.00"),
        ("J-0001", "J-0002"),
    ).id
    app.publish_disclosure(req("po2", date(2017, 3, 2)), objected, "selection", date(2017, 3, 2), 7)
    app.raise_objection(req("po2", date(2017, 3, 3)), objected, "selection", "well site?", "Wang")
    completed = story.completed()
    jinan = app.open_account(
        req("fo2", date(2017, 4, 1)),
        "2017 Jinan special fund 济南专项",
        "provincial special fund 省级专项",
        2017,
        "Jinan 济南",
        ("infrastructure",),
    ).id
    app.allocate_funds(
        req("fo2", JINAN_ALLOCATED_ON), jinan, Decimal("1000000.00"), "济财〔2017〕9号"
    )
    account = story.account_id
    app.record_return(req("fo1", RETURNED_ON), account, Decimal("10000.00"), "追回1号", evaluated)
    app.record_return(req("fo1", date(2017, 8, 2)), account, Decimal("5000.00"), "收回2号")
    app.change_roles(Request("cli"), "fo2", ("auditor",), ("finance_officer",))
    return Scenario(account, jinan, evaluated, paying, rejected, objected, completed)


def execute(url: str, *statements: str) -> None:
    """Run SQL on a store directly, the way someone with database access could."""
    settings = Settings(database_url=url)
    if not settings.is_postgres:
        with sqlite3.connect(settings.sqlite_path) as connection:
            for statement in statements:
                connection.execute(statement)
        return
    env = settings.eventsourcing_env()
    with psycopg.connect(
        settings.postgres_conninfo(), options=f"-c search_path={env['POSTGRES_SCHEMA']}"
    ) as connection:
        for statement in statements:
            connection.execute(statement.encode())
