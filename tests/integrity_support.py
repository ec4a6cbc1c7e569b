"""Tampering with a real store the way its administrator could, and the integrity CLI.

Each store's raw rows are changed with plain SQL, behind the application's back. On
PostgreSQL the owner switches the append-only triggers off first, as an owner can: the
trigger stops accidents and the app role, the chain and checkpoints catch the owner.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import UUID

import pg_server
from psycopg import sql
from story import PAYABLE_ON, Story, req, voucher
from typer.testing import CliRunner, Result

from api.cli import cli
from infrastructure.integrity.chain import GENESIS, chain_hash
from infrastructure.integrity.guards import APPEND_ONLY_TABLES, TRIGGER


@dataclass(frozen=True)
class Row:
    """An event row as the table holds it."""

    position: int
    aggregate_id: UUID
    version: int
    topic: str


class RawStore:
    """Plain SQL on one store's tables, with the store's own spelling of names."""

    events: str
    id_param: str  # how an aggregate id is bound as a parameter
    position: str  # the events table's position column

    def __init__(self, url: str) -> None:
        self.url = url

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        """A cursor in a transaction that may change the append-only tables."""
        raise NotImplementedError

    def execute(self, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        """Run one statement (`?` placeholders) and return its rows."""
        with self.cursor() as curs:
            curs.execute(self.placeholders(statement), params)
            return list(curs.fetchall()) if curs.description else []

    def placeholders(self, statement: str) -> str:
        """The statement with this store's placeholders."""
        return statement

    def key(self, aggregate_id: UUID) -> Any:
        """An aggregate id as this store binds it."""
        raise NotImplementedError

    def rows(self) -> list[Row]:
        """Every event row, by position."""
        rows = self.execute(
            f"SELECT {self.position}, originator_id, originator_version, topic FROM "
            f"{self.events} ORDER BY {self.position}"
        )
        return [Row(int(n), UUID(str(a)), int(v), str(t)) for n, a, v, t in rows]

    def row_of(self, aggregate_id: UUID, version: int) -> Row:
        """The row of one version of an aggregate."""
        return next(
            r for r in self.rows() if (r.aggregate_id, r.version) == (aggregate_id, version)
        )

    def state(self, position: int) -> bytes:
        """The stored state of the event at a position."""
        rows = self.execute(f"SELECT state FROM {self.events} WHERE {self.position}=?", (position,))
        return bytes(rows[0][0])

    def set_state(self, position: int, state: bytes) -> None:
        """Overwrite the stored state of one event."""
        self.execute(f"UPDATE {self.events} SET state=? WHERE {self.position}=?", (state, position))

    def set_topic(self, position: int, topic: str) -> None:
        """Overwrite the topic of one event."""
        self.execute(f"UPDATE {self.events} SET topic=? WHERE {self.position}=?", (topic, position))

    def set_identity(self, position: int, aggregate_id: UUID, version: int) -> None:
        """Give one event row another aggregate id and version."""
        self.execute(
            f"UPDATE {self.events} SET originator_id=?, originator_version=? "
            f"WHERE {self.position}=?",
            (self.key(aggregate_id), version, position),
        )

    def swap_versions(self, first: Row, second: Row) -> None:
        """Swap the versions of two rows of one aggregate (through a spare version)."""
        self.set_identity(first.position, first.aggregate_id, -1)
        self.set_identity(second.position, second.aggregate_id, first.version)
        self.set_identity(first.position, first.aggregate_id, second.version)

    def delete_events(self, positions: list[int]) -> None:
        """Delete event rows (their chain records stay)."""
        for position in positions:
            self.execute(f"DELETE FROM {self.events} WHERE {self.position}=?", (position,))

    def delete_chain(self, positions: list[int]) -> None:
        """Delete chain records."""
        for position in positions:
            self.execute("DELETE FROM event_chain WHERE notification_id=?", (position,))

    def delete_checkpoints_from(self, position: int) -> None:
        """Delete the stored checkpoints at or after a position."""
        self.execute("DELETE FROM event_checkpoints WHERE position>=?", (position,))

    def insert_event(self, aggregate_id: UUID, version: int, topic: str, state: bytes) -> int:
        """Insert a forged event row; returns its position."""
        raise NotImplementedError

    def checkpoint_signature(self, position: int, signature: bytes) -> None:
        """Overwrite a stored checkpoint's signature."""
        self.execute(
            "UPDATE event_checkpoints SET signature=? WHERE position=?", (signature, position)
        )

    def snapshots(self) -> list[tuple[UUID, int]]:
        """(aggregate id, version) of every stored snapshot."""
        rows = self.execute(f"SELECT originator_id, originator_version FROM {self.snapshots_table}")
        return [(UUID(str(a)), int(v)) for a, v in rows]

    snapshots_table: str

    def set_snapshot_state(self, aggregate_id: UUID, version: int, state: bytes) -> None:
        """Overwrite a snapshot's state."""
        self.execute(
            f"UPDATE {self.snapshots_table} SET state=? "
            "WHERE originator_id=? AND originator_version=?",
            (state, self.key(aggregate_id), version),
        )

    def snapshot_state(self, aggregate_id: UUID, version: int) -> bytes:
        """A snapshot's stored state."""
        rows = self.execute(
            f"SELECT state FROM {self.snapshots_table} "
            "WHERE originator_id=? AND originator_version=?",
            (self.key(aggregate_id), version),
        )
        return bytes(rows[0][0])

    def rechain(self) -> None:
        """Recompute every chain record from the event rows, as a careful forger would."""
        rows = self.execute(
            f"SELECT {self.position}, originator_id, originator_version, topic, state "
            f"FROM {self.events} ORDER BY {self.position}"
        )
        head, heads = GENESIS, dict[bytes, bytes]()
        with self.cursor() as curs:
            curs.execute("DELETE FROM event_chain")
            for n, a, v, topic, state in rows:
                aggregate = UUID(str(a)).bytes
                prev_agg = heads.get(aggregate, GENESIS)
                digest = chain_hash(n, head, prev_agg, aggregate, v, topic, bytes(state))
                curs.execute(
                    self.placeholders("INSERT INTO event_chain VALUES (?,?,?,?,?,?)"),
                    (n, self.key(UUID(bytes=aggregate)), v, head, prev_agg, digest),
                )
                head, heads[aggregate] = digest, digest


class SQLiteRaw(RawStore):
    """The SQLite file, opened beside the application."""

    events = "stored_events"
    snapshots_table = "stored_snapshots"
    position = "rowid"

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        """A cursor in an immediate transaction."""
        conn = sqlite3.connect(self.url.removeprefix("sqlite:///"), isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            yield conn.cursor()
            conn.execute("COMMIT")
        finally:
            conn.close()

    def key(self, aggregate_id: UUID) -> Any:
        """Hex, as the library stores ids in SQLite."""
        return aggregate_id.hex

    def insert_event(self, aggregate_id: UUID, version: int, topic: str, state: bytes) -> int:
        """Insert a forged event row; returns its position."""
        with self.cursor() as curs:
            curs.execute(
                "INSERT INTO stored_events VALUES (?,?,?,?)",
                (aggregate_id.hex, version, topic, state),
            )
            return int(curs.lastrowid)


class PostgresRaw(RawStore):
    """The PostgreSQL schema, as its owner."""

    events = "fundtrail_events"
    snapshots_table = "fundtrail_snapshots"
    position = "notification_id"

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.schema = parse_qs(urlsplit(url).query)["schema"][0]
        self.params, self.dbname = pg_server.parse_server_url(url.split("?")[0])

    @contextmanager
    def cursor(self) -> Iterator[Any]:
        """A cursor in a transaction with the append-only triggers switched off."""
        with self.params.connect(self.dbname) as conn, conn.transaction(), conn.cursor() as curs:
            curs.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(self.schema)))
            self._triggers(curs, "DISABLE")
            yield curs
            self._triggers(curs, "ENABLE")

    def _triggers(self, curs: Any, action: str) -> None:
        for table in APPEND_ONLY_TABLES:
            curs.execute(
                sql.SQL("ALTER TABLE {} " + action + " TRIGGER {}").format(
                    sql.Identifier(table), sql.Identifier(TRIGGER)
                )
            )

    def placeholders(self, statement: str) -> str:
        """psycopg's placeholders."""
        return statement.replace("?", "%s")

    def key(self, aggregate_id: UUID) -> Any:
        """A UUID."""
        return aggregate_id

    def insert_event(self, aggregate_id: UUID, version: int, topic: str, state: bytes) -> int:
        """Insert a forged event row; returns its position."""
        rows = self.execute(
            "INSERT INTO fundtrail_events (originator_id, originator_version, topic, state) "
            "VALUES (?,?,?,?) RETURNING notification_id",
            (aggregate_id, version, topic, state),
        )
        return int(rows[0][0])


def raw_store(url: str) -> RawStore:
    """Raw access to the store a URL names."""
    return PostgresRaw(url) if url.startswith("postgresql") else SQLiteRaw(url)


@dataclass
class Shell:
    """The `fundtrail` CLI with a store, a key file and a checkpoint file in its environment."""

    url: str
    folder: Path

    @property
    def key_file(self) -> Path:
        """Where `keys init` puts the signing key."""
        return self.folder / "signing.key"

    @property
    def public_key_file(self) -> Path:
        """The public half, beside it."""
        return self.folder / "signing.key.pub"

    @property
    def checkpoint_file(self) -> Path:
        """The outside checkpoint file."""
        return self.folder / "checkpoints.jsonl"

    def env(self) -> dict[str, str]:
        """The settings, as the environment gives them."""
        return {
            "FUNDTRAIL_DATABASE_URL": self.url,
            "FUNDTRAIL_SIGNING_KEY_FILE": str(self.key_file),
            "FUNDTRAIL_CHECKPOINT_FILE": str(self.checkpoint_file),
        }

    def run(self, *args: str) -> Result:
        """Run one command; its output and exit code."""
        return self.run_with({}, *args)

    def run_with(self, env: dict[str, str], *args: str) -> Result:
        """Run one command with more settings in the environment."""
        return CliRunner().invoke(cli, list(args), env={**self.env(), **env})


@dataclass
class Sealed:
    """A store with a whole story, a signing key and a checkpoint, and raw access to it."""

    shell: Shell
    raw: RawStore
    project_id: UUID
    account_id: UUID
    second_id: UUID  # a project approved and paid, still open

    def project_row(self, version: int) -> Row:
        """The event row of one version of the project."""
        return self.raw.row_of(self.project_id, version)

    def verify(self, *args: str) -> tuple[int, str]:
        """`fundtrail verify`: its exit code and output."""
        result = self.shell.run("verify", *args)
        return result.exit_code, result.output


def whole_story(story: Story) -> tuple[UUID, UUID]:
    """A project through every checkpoint; another paid with a key reused, reversed, repaid."""
    project_id = story.evaluated()
    second = story.approved()
    reused = voucher("8000.00")
    pay = story.app.disburse
    first = pay(req("fo1", PAYABLE_ON, key="pay-1"), second, reused.amount, "coop", (reused,))
    again = pay(req("fo1", PAYABLE_ON, key="pay-1"), second, reused.amount, "coop", (reused,))
    assert again.replayed and again.position == first.position
    story.app.reverse_disbursement(req("fo2", PAYABLE_ON, "wrong payee"), second, 1)
    pay(req("fo1", PAYABLE_ON), second, reused.amount, "coop", (reused,))
    story.app.take_snapshot(project_id)
    return project_id, second


def seal(story: Story, url: str, folder: Path) -> Sealed:
    """The whole story on a store, then `keys init` and `checkpoint`."""
    project_id, second = whole_story(story)
    assert story.account_id is not None
    shell = Shell(url, folder)
    assert shell.run("keys", "init").exit_code == 0
    made = shell.run("checkpoint")
    assert made.exit_code == 0, made.output
    return Sealed(shell, raw_store(url), project_id, story.account_id, second)
