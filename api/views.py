"""The read models behind the query routes, and the in-process runner for `serve`."""

from __future__ import annotations

from api.services import Services
from infrastructure.settings import Settings


def start_views(services: Services, settings: Settings, run_projections: bool) -> None:
    """Build the read models and, unless another process runs them, start the runner."""
