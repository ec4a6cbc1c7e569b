"""The FastAPI app, built by a factory: nothing is constructed at import time."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.middleware import RequestContext
from api.openapi import DESCRIPTION, TAGS, install_openapi
from api.problems import install_problem_handlers
from api.routes import all_routers
from api.services import Services
from infrastructure.settings import Settings

API_PREFIX = "/api/v1"

ServicesFactory = Callable[[Settings, bool], Services]


def start_services(settings: Settings, run_projections: bool) -> Services:
    """Build the application, the read models, the runner (if asked) and the integrity monitor."""
    from api.integrity import start_integrity
    from api.views import start_views
    from infrastructure.wiring import build_application

    services = Services(fundtrail=build_application(settings))
    try:
        start_views(services, settings, run_projections)
        start_integrity(services, settings)
    except BaseException:
        services.close()
        raise
    return services


def create_app(
    settings: Settings | None = None,
    *,
    run_projections: bool = True,
    services_factory: ServicesFactory = start_services,
) -> FastAPI:
    """The fundtrail HTTP API on the store the settings name."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.services = services_factory(settings, run_projections)
        try:
            yield
        finally:
            app.state.services.close()

    app = FastAPI(
        title="fundtrail 扶贫资金审计追踪",
        version="1",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        lifespan=lifespan,
    )
    for router in all_routers():
        app.include_router(router, prefix=API_PREFIX)
    install_problem_handlers(app)
    install_openapi(app)
    app.add_middleware(RequestContext)
    return app
