"""The route registry: every module here that defines `router` is served under /api/v1.

To add a resource (e.g. `integrity.py`), drop a module beside these with
`router = APIRouter(route_class=GuardedRoute, tags=["integrity 完整性"])`; take
`viewer: api.auth.Authenticated` (any valid token; leave it out for a public endpoint) or
`api.commands.command("name")` (roles) for auth; raise domain errors (mapped to statuses
once, in `api.problems`); read the services with `api.services.services_of(request)`; and
declare `responses=problem_responses(401, 422)` (422: unknown query parameters are refused).
"""

from __future__ import annotations

import importlib
import pkgutil

from fastapi import APIRouter


def all_routers() -> list[APIRouter]:
    """The routers of every module in this package, in name order."""
    routers: list[APIRouter] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            routers.append(router)
    return routers
