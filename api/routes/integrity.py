"""Integrity (完整性): the server's verification state, and the key checkpoints are signed with."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.auth import Authenticated
from api.guards import GuardedRoute
from api.integrity import monitor_of
from api.models.integrity import IntegrityOut, PublicKeyOut
from api.problems import problem_responses
from domain import errors
from infrastructure.integrity.incremental import IntegrityStatus

router = APIRouter(route_class=GuardedRoute, tags=["integrity 完整性"])
NOT_RUNNING = IntegrityStatus(
    state="unavailable",
    events_checked=0,
    position=0,
    head=None,
    last_checkpoint=None,
    signing="off: this server runs no integrity monitor",
    findings=(),
)


@router.get(
    "/integrity",
    response_model=IntegrityOut,
    responses=problem_responses(401, 422),
    summary="Whether the record verifies (完整性核验), from the server's incremental check",
    description="The hash chain of every event recorded so far, checked as events arrive; "
    "the newest signed checkpoint. Run `fundtrail verify` for a full check with snapshots.",
)
def get_integrity(viewer: Authenticated, request: Request) -> IntegrityOut:
    """The monitor's state as of its last look."""
    monitor = monitor_of(request)
    return IntegrityOut.of(monitor.status() if monitor else NOT_RUNNING)


@router.get(
    "/integrity/public-key",
    response_model=PublicKeyOut,
    responses=problem_responses(404, 422),
    summary="The public key that signs checkpoints (验签公钥), no token needed",
    description="Also obtain it some other way (a notice, a letter): whoever controls this "
    "server controls this answer.",
)
def get_public_key(request: Request) -> PublicKeyOut:
    """The Ed25519 public key, or 404 before `fundtrail keys init`."""
    monitor = monitor_of(request)
    key = monitor.public_key if monitor else None
    if key is None:
        raise errors.NotFound("no signing key has been made yet (`fundtrail keys init`)")
    return PublicKeyOut.of(key)
