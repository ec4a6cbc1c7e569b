"""How every command runs: actor, business date, idempotency, locks, bounded retries."""

from __future__ import annotations

import hashlib
import json
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo

from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import (
    IntegrityError,
    JSONTranscoder,
    OperationalError,
    RecordConflictError,
    Transcoding,
)
from eventsourcing.utils import Environment, EnvType

from domain import errors
from domain.claims import IdempotencyRecord
from domain.commands import CLI_PERSON_ID, COMMAND_ROLES, CommandResult, Request
from domain.official import Official
from domain.ports import EventIndex
from domain.values import Actor, Context, Role

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_ATTEMPTS = 12
LOCK_STRIPES = 256
MAX_VERSION = 2**62  # beyond any aggregate's life, and within every store's integers
T = TypeVar("T", bound=Aggregate)
CLI_ACTOR = Actor(CLI_PERSON_ID, "command line", Role.ADMIN.value, "fundtrail")


def today_in_shanghai() -> date:
    """'Today' for business dates: the date in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()


@dataclass
class Outcome:
    """What a command did: the aggregate acted on, everything to save, extra answers."""

    target: Aggregate
    to_save: Sequence[Aggregate]
    extra: dict[str, Any] = field(default_factory=dict)


def fingerprint(command: str, payload: Mapping[str, Any], request: Request) -> str:
    """A stable hash of what was asked, to tell a retry from a different command."""
    body = {
        "command": command,
        "payload": payload,
        "effective_on": request.effective_on,
        "reason": request.reason,
        "evidence": [(e.name, e.sha256) for e in request.evidence],
        "expected_version": request.expected_version,
    }
    text = json.dumps(body, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


class CommandApplication(Application[UUID]):
    """An eventsourcing Application whose commands run through one careful path."""

    def __init__(
        self,
        env: EnvType | None = None,
        *,
        clock: Callable[[], date] = today_in_shanghai,
        transcodings: Sequence[Transcoding] = (),
    ) -> None:
        self._extra_transcodings = tuple(transcodings)
        self.clock = clock
        # Striped locks serialise commands on one aggregate within this process.
        self._locks = [threading.Lock() for _ in range(LOCK_STRIPES)]
        self._reads = threading.local()
        super().__init__(env)

    def construct_env(self, name: str, env: EnvType | None = None) -> Environment:
        """Configuration comes only from the settings object, never os.environ."""
        merged = dict(type(self).env)
        if type(self).snapshotting_intervals:
            merged["IS_SNAPSHOTTING_ENABLED"] = "y"
        merged.update(env or {})
        return Environment(name, merged)

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        """Register the library's transcodings and those of our value types."""
        super().register_transcodings(transcoder)
        for transcoding in self._extra_transcodings:
            transcoder.register(transcoding)

    # --- loading ---------------------------------------------------------------------

    def load(self, cls: type[T], aggregate_id: UUID, what: str, version: int | None = None) -> T:
        """Load an aggregate named in the path (now, or at a version), or NotFound."""
        if version is not None and version < 1:
            raise errors.InvalidValue(f"version {version} is not 1 or more")
        if version is not None and version > MAX_VERSION:
            raise errors.NotFound(f"{what} {aggregate_id} has no version {version}")
        try:
            aggregate: Aggregate = self.repository.get(aggregate_id, version=version)
        except AggregateNotFoundError:
            raise errors.NotFound(f"no {what} with id {aggregate_id}") from None
        if not isinstance(aggregate, cls):
            raise errors.NotFound(f"no {what} with id {aggregate_id}")
        if version is not None and aggregate.version != version:
            # The library answers the latest version for one beyond it: say it is not there.
            raise errors.NotFound(f"{what} {aggregate_id} has no version {version}")
        if version is None:
            self._note_read(aggregate)
        return aggregate

    def _note_read(self, aggregate: Aggregate) -> None:
        """Remember what a command attempt read, to tell a stale refusal from a real one."""
        seen: list[tuple[UUID, int]] | None = getattr(self._reads, "seen", None)
        if seen is not None:
            seen.append((aggregate.id, aggregate.version))

    def _read_was_stale(self) -> bool:
        """Whether anything the attempt read has since moved on in the store."""
        seen: list[tuple[UUID, int]] = getattr(self._reads, "seen", None) or []
        return any(self.recorder.select_events(i, gt=v, limit=1) for i, v in seen)

    def load_reference(self, cls: type[T], aggregate_id: UUID, what: str) -> T:
        """Load an aggregate named in the body, or UnknownReference (422)."""
        try:
            return self.load(cls, aggregate_id, what)
        except errors.NotFound as exc:
            raise errors.UnknownReference(exc.message) from None

    def find_official(self, person_id: str) -> Official | None:
        """The official with this person id, if registered."""
        try:
            official: Aggregate = self.repository.get(Official.create_id(person_id))
        except AggregateNotFoundError:
            return None
        return official if isinstance(official, Official) else None

    def actor_for(self, person_id: str, command: str) -> Actor:
        """The actor a person is for a command, checking their roles now."""
        if person_id == CLI_PERSON_ID:
            return CLI_ACTOR
        official = self.find_official(person_id)
        if official is None:
            raise errors.NotAuthenticated(f"unknown person {person_id!r}")
        return official.acting_as(COMMAND_ROLES[command])

    # --- running -----------------------------------------------------------------------

    def execute(
        self,
        command: str,
        request: Request,
        payload: Mapping[str, Any],
        lock_ids: Sequence[UUID],
        run: Callable[[Context], Outcome],
    ) -> CommandResult:
        """Run a command: authorise, date, deduplicate, serialise, retry, save."""
        actor = self.actor_for(request.person_id, command)
        effective_on = request.effective_on or self.clock()
        if effective_on > self.clock():
            raise errors.EffectiveDateInFuture(
                f"business date {effective_on} is after today ({self.clock()})"
            )
        context = Context(
            actor=actor,
            effective_on=effective_on,
            reason=request.reason,
            evidence=tuple(request.evidence),
            idempotency_key=request.idempotency_key,
        )
        print_ = fingerprint(command, payload, request)
        with self._locked(lock_ids):
            try:
                return self._run_attempts(request, context, print_, run)
            finally:
                self._reads.seen = None

    def _run_attempts(
        self,
        request: Request,
        context: Context,
        print_: str,
        run: Callable[[Context], Outcome],
    ) -> CommandResult:
        for attempt in range(MAX_ATTEMPTS):
            replay = self._replay(request, print_)
            if replay is not None:
                return replay
            self._reads.seen = []
            try:
                return self._attempt(request, context, print_, run)
            except (IntegrityError, RecordConflictError):
                # Another process wrote first: re-run on fresh state, with jitter.
                time.sleep(random.uniform(0, 0.005 * (attempt + 1)))
            except errors.RuleViolation:
                # Two aggregates read a moment apart by another process's write can
                # disagree: a refusal stands only if what it read is still current.
                if not self._read_was_stale():
                    raise
            except OperationalError:
                # The store's lock was not granted within its timeout: already waited.
                raise errors.Busy(
                    "the store is busy (a lock was not granted in time); retry — with "
                    "the same Idempotency-Key a retry is safe"
                ) from None
        raise errors.Busy("the records this command touches are busy; nothing was recorded, retry")

    def _attempt(
        self,
        request: Request,
        context: Context,
        print_: str,
        run: Callable[[Context], Outcome],
    ) -> CommandResult:
        outcome = run(context)
        target = outcome.target
        if request.expected_version is not None:
            before = target.version - len(target.pending_events)
            if before != request.expected_version:
                raise errors.StaleVersion(
                    f"If-Match names version {request.expected_version}, but the "
                    f"record is at version {before}; reload and retry"
                )
        result = {"id": target.id.hex, "version": target.version, **outcome.extra}
        to_save: list[Aggregate] = list(outcome.to_save)
        if request.idempotency_key is not None:
            # A token is shown once: the record keeps that there was one, not the token.
            stored = {**result, "token": None} if "token" in result else result
            to_save.append(
                IdempotencyRecord(
                    person_id=request.person_id,
                    key=request.idempotency_key,
                    fingerprint=print_,
                    result=stored,
                )
            )
        recordings = self.save(*to_save)
        position = max(r.notification.id for r in recordings)
        return CommandResult(target.id, target.version, position, outcome.extra)

    def _replay(self, request: Request, print_: str) -> CommandResult | None:
        """The first result of a command already made with this key, if any."""
        if request.idempotency_key is None:
            return None
        record_id = IdempotencyRecord.create_id(
            person_id=request.person_id, key=request.idempotency_key
        )
        try:
            record: Aggregate = self.repository.get(record_id)
        except AggregateNotFoundError:
            return None
        assert isinstance(record, IdempotencyRecord)
        if record.fingerprint != print_:
            raise errors.IdempotencyKeyReused(
                f"idempotency key {request.idempotency_key!r} was already used "
                "for a different command"
            )
        extra = {k: v for k, v in record.result.items() if k not in ("id", "version")}
        position = self.index.position_of(record_id, 1) or 0
        return CommandResult(
            id=UUID(str(record.result["id"])),
            version=int(str(record.result["version"])),
            position=position,
            extra=extra,
            replayed=True,
        )

    @property
    def index(self) -> EventIndex:
        """The recorded-time index kept by our recorders."""
        if not isinstance(self.recorder, EventIndex):
            raise TypeError("the store's recorder does not keep the event index")
        return self.recorder

    @contextmanager
    def _locked(self, ids: Sequence[UUID]) -> Iterator[None]:
        stripes = sorted({i.int % LOCK_STRIPES for i in ids})
        with ExitStack() as stack:
            for stripe in stripes:
                stack.enter_context(self._locks[stripe])
            yield
