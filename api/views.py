"""The read models behind the query routes, and the in-process runner for `serve`."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from api.services import Services, services_of
from infrastructure.settings import Settings
from projections.queries import ReadModels, build_read_models
from projections.runner import ViewsRunner


def start_views(services: Services, settings: Settings, run_projections: bool) -> None:
    """Build the read models and, unless another process runs them, start the runner."""
    services.views = build_read_models(settings)
    if run_projections:
        runner = ViewsRunner(settings)
        services.runner = runner
        runner.start()


def read_models_of(request: Request) -> ReadModels:
    """The read models of the app serving this request."""
    views = services_of(request).views
    if views is None:
        raise RuntimeError("the app was started without read models")
    return views


Views = Annotated[ReadModels, Depends(read_models_of)]
