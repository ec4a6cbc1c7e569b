"""The OpenAPI document: descriptions (Chinese beside English), the Problem schema, security."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from api.problems import Problem

DESCRIPTION = """
Event-sourced audit trail for poverty-alleviation fund disbursement (扶贫资金审计追踪).
Every yuan passes six checkpoints (六道关口): selection 选项, establishment 立项,
application 申报, approval 审批, disbursement 发放, benefit 效益; every decision is kept
with who made it, when, why and on what evidence (终身追责).

* **Auth**: `Authorization: Bearer <token>`; every endpoint needs it except
  `GET /api/v1/disclosures` (公示, public) and `GET /api/v1/integrity/public-key`.
* **Money** is a string of yuan with at most two places (`"12000.00"`), never a number.
* **Dates** are `YYYY-MM-DD`; "today" is the date in Asia/Shanghai.
* **Errors** are `application/problem+json` (RFC 9457), answered in this order:
  401, 403, 413, 404, 422, 409; 503 with `Retry-After` when busy.
* **Commands** answer 201 with `id`, `version`, `position` and `ETag`; they take an optional
  `Idempotency-Key` (scoped to the person) and `If-Match` (the version from `ETag`).
"""

TAGS: list[dict[str, Any]] = [
    {"name": "officials 官员", "description": "People, their roles and tokens."},
    {"name": "accounts 专户", "description": "Dedicated fund accounts (项目资金专户)."},
    {"name": "projects 项目", "description": "The project library and register (项目库)."},
    {
        "name": "checkpoints 关口",
        "description": "Reviews and audit (三评一审计), establishment, application, approval, "
        "completion and benefit.",
    },
    {"name": "disclosures 公示", "description": "The three disclosures and objections (异议)."},
    {"name": "disbursements 发放", "description": "Payments against vouchers (报账制)."},
    {"name": "accountability 终身追责", "description": "Who decided what, for life."},
    {"name": "reports 报表", "description": "Monthly dispatch (一月一调度)."},
    {"name": "integrity 完整性", "description": "Hash chain and signed checkpoints (防篡改)."},
]


def install_openapi(app: FastAPI) -> None:
    """Build the document once, adding the Problem schema every error answer refers to."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
                tags=app.openapi_tags,
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            schemas["Problem"] = Problem.model_json_schema(
                ref_template="#/components/schemas/{model}"
            )
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
