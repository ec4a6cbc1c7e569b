"""Official: a person, their roles over time, and the hash of their current API token."""

from __future__ import annotations

import hashlib
import hmac
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import Aggregate, event

from domain import errors
from domain.values import Actor, Context, Role

OFFICIALS_NAMESPACE = uuid5(NAMESPACE_URL, "fundtrail:official")
RESERVED_PERSON_IDS = frozenset({"cli", "system"})


def hash_token(token: str) -> str:
    """The only form in which a token is stored: its SHA-256, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_roles(roles: tuple[str, ...]) -> tuple[str, ...]:
    """Refuse unknown or repeated role names."""
    unknown = [r for r in roles if r not in set(Role)]
    if unknown:
        allowed = ", ".join(r.value for r in Role)
        raise errors.InvalidValue(f"unknown role(s) {unknown}; allowed: {allowed}")
    if len(set(roles)) != len(roles):
        raise errors.InvalidValue("a role is listed twice")
    return tuple(roles)


class Official(Aggregate):
    """A person who acts in fundtrail; their roles change over time, their acts stay."""

    @staticmethod
    def create_id(person_id: str, **_: object) -> UUID:
        """One aggregate per person id."""
        return uuid5(OFFICIALS_NAMESPACE, person_id)

    class Registered(Aggregate.Created):
        """The person was registered with a name, organisation and roles."""

        context: Context
        person_id: str
        name: str
        org: str
        roles: tuple[str, ...]
        token_hash: str

    @event(Registered)
    def __init__(
        self,
        person_id: str,
        context: Context,
        name: str,
        org: str,
        roles: tuple[str, ...],
        token_hash: str,
    ) -> None:
        self.person_id = person_id
        self.name = name
        self.org = org
        # A list, not a tuple: JSON snapshots give lists back, and replay must be equal.
        self.roles = list(roles)
        self.token_hash = token_hash

    @classmethod
    def register(
        cls,
        context: Context,
        person_id: str,
        name: str,
        org: str,
        roles: tuple[str, ...],
        token_hash: str,
    ) -> Official:
        """Register a person with their first roles and token."""
        if not person_id.strip() or "." in person_id or person_id != person_id.strip():
            raise errors.InvalidValue(
                "person_id must be non-empty, without dots or surrounding spaces"
            )
        if person_id in RESERVED_PERSON_IDS:
            raise errors.InvalidValue(f"person_id {person_id!r} is reserved")
        if not name.strip() or not org.strip():
            raise errors.InvalidValue("an official needs a name and an organisation")
        return cls(
            person_id=person_id,
            context=context,
            name=name,
            org=org,
            roles=check_roles(roles),
            token_hash=token_hash,
        )

    class RolesChanged(Aggregate.Event):
        """Roles were granted and/or revoked."""

        context: Context
        granted: tuple[str, ...]
        revoked: tuple[str, ...]

    @event(RolesChanged)
    def _change_roles(
        self, context: Context, granted: tuple[str, ...], revoked: tuple[str, ...]
    ) -> None:
        kept = tuple(r for r in self.roles if r not in revoked)
        self.roles = [*kept, *granted]

    def change_roles(
        self, context: Context, granted: tuple[str, ...], revoked: tuple[str, ...]
    ) -> None:
        """Grant roles not held and revoke roles held."""
        check_roles(granted)
        check_roles(revoked)
        if not granted and not revoked:
            raise errors.InvalidValue("grant or revoke at least one role")
        if set(granted) & set(revoked):
            raise errors.RoleChangeInvalid("a role cannot be granted and revoked at once")
        already = [r for r in granted if r in self.roles]
        if already:
            raise errors.RoleChangeInvalid(f"{self.person_id} already holds {already}")
        absent = [r for r in revoked if r not in self.roles]
        if absent:
            raise errors.RoleChangeInvalid(f"{self.person_id} does not hold {absent}")
        if Role.ADMIN in revoked and context.actor.person_id == self.person_id:
            # Otherwise the last admin could lock everyone out of the HTTP API.
            raise errors.RoleChangeInvalid(
                "an admin cannot revoke their own admin role; another admin must"
            )
        self._change_roles(context, tuple(granted), tuple(revoked))

    class TokenIssued(Aggregate.Event):
        """A new token was issued; earlier tokens stop working."""

        context: Context
        token_hash: str

    @event(TokenIssued)
    def _issue_token(self, context: Context, token_hash: str) -> None:
        self.token_hash = token_hash

    def issue_token(self, context: Context, token_hash: str) -> None:
        """Replace the person's token."""
        self._issue_token(context, token_hash)

    def token_matches(self, token: str) -> bool:
        """Compare a presented token with the stored hash in constant time."""
        return hmac.compare_digest(hash_token(token), self.token_hash)

    def acting_as(self, allowed: tuple[str, ...]) -> Actor:
        """The actor this person is when acting in the first allowed role they hold."""
        for role in allowed:
            if role in self.roles:
                return Actor(self.person_id, self.name, role, self.org)
        raise errors.NotPermitted(
            f"{self.person_id} holds none of the roles this needs: {', '.join(allowed)}"
        )
