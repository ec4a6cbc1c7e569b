"""What the HTTP app serves from: the application and the read models, built in lifespan."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from domain.application import FundTrail
from infrastructure.integrity.monitor import IntegrityMonitor
from projections.queries import ReadModels
from projections.runner import ViewsRunner


@dataclass
class Services:
    """The command side, the read models, and the projection runner (when run in-process)."""

    fundtrail: FundTrail
    views: ReadModels | None = None
    runner: ViewsRunner | None = None
    integrity: IntegrityMonitor | None = None

    def close(self) -> None:
        """Stop the integrity monitor and the runner, then close the stores."""
        if self.integrity is not None:
            self.integrity.stop()
        if self.runner is not None:
            self.runner.stop()
        if self.views is not None:
            self.views.close()
        self.fundtrail.close()


def services_of(request: Request) -> Services:
    """The services of the app serving this request."""
    services = getattr(request.app.state, "services", None)
    if not isinstance(services, Services):
        raise RuntimeError("the app was not started: its lifespan builds the services")
    return services


def fundtrail_of(request: Request) -> FundTrail:
    """The FundTrail application serving this request."""
    return services_of(request).fundtrail


App = Annotated[FundTrail, Depends(fundtrail_of)]
