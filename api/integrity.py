"""The integrity monitor in the HTTP app: started with the services, stopped with them."""

from __future__ import annotations

from fastapi import Request

from api.services import Services, services_of
from infrastructure.integrity.monitor import IntegrityMonitor
from infrastructure.settings import Settings


def start_integrity(services: Services, settings: Settings) -> None:
    """Verify incrementally in the background and sign checkpoints when a key exists."""
    monitor = IntegrityMonitor(settings)
    services.integrity = monitor
    monitor.start()


def monitor_of(request: Request) -> IntegrityMonitor | None:
    """The monitor of the app serving this request (None if it was started without one)."""
    return services_of(request).integrity
