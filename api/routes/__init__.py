"""The route registry: every module here that defines `router` is served under /api/v1.

To add a resource, drop a module beside these with
`router = APIRouter(route_class=GuardedRoute, tags=[...])`; use `api.auth.Authenticated`
(any valid token) or `api.commands.command("name")` (roles) for auth, raise domain errors
(mapped once in `api.problems`), and declare `responses=problem_responses(...)`.
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
