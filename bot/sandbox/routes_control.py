"""``/_sandbox``: drive the sandbox from another process (the ``godwit sandbox`` command).

Deliberately small: the person actions by name, webhook deliveries, faults, limits and the
request log. In-process callers use ``Sandbox`` directly.
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import HTMLResponse, JSONResponse
from pydantic import BaseModel

from bot.rendering import render_html
from bot.sandbox.deps import LockedRoute, SandboxDep, ok
from bot.sandbox.errors import GitHubError, not_found
from bot.sandbox.limits import FaultKind, FaultRule, LimitConfig
from bot.sandbox.state import Account, Repo

router = APIRouter(prefix="/_sandbox", route_class=LockedRoute)
PERSON_ACTIONS = frozenset(
    {
        "create_user",
        "create_org",
        "create_app",
        "create_repo",
        "create_team",
        "install",
        "set_permission",
        "open_issue",
        "edit_issue",
        "comment",
        "edit_comment",
        "add_label",
        "push",
        "open_pr",
        "review",
        "review_comment",
        "merge",
        "close_pr",
        "reopen",
        "complete_check_suite",
    }
)


ENDPOINTS = (
    ("GET", "/_sandbox/", "this page"),
    ("POST", "/_sandbox/act/{action}", "act as a person (see below)"),
    ("GET", "/_sandbox/deliveries", "every webhook delivery sent, with its answer"),
    ("POST", "/_sandbox/deliveries/{id}/redeliver", "send a delivery again under the same id"),
    ("POST", "/_sandbox/faults", "inject faults (errors, latency) into API requests"),
    ("DELETE", "/_sandbox/faults", "remove every fault"),
    ("PUT", "/_sandbox/limits", "configure GitHub's secondary rate limits"),
    ("GET", "/_sandbox/limits", "limit violations and injected faults so far"),
    ("GET", "/_sandbox/requests", "the API request log"),
)
"""What ``/_sandbox/`` lists; a test checks it names every route of this router."""


@router.get("/", response_class=HTMLResponse)
def index(sandbox: SandboxDep) -> HTMLResponse:
    """A page listing the control endpoints, so the sandbox explains itself in a browser."""
    return HTMLResponse(
        render_html(
            "sandbox/web/control.html.j2",
            title="Control endpoints",
            endpoints=ENDPOINTS,
            actions=sorted(PERSON_ACTIONS),
        )
    )


def _plain(result: object) -> object:
    if isinstance(result, Repo):
        return result.full_name
    if isinstance(result, Account):
        return result.login
    if is_dataclass(result) and not isinstance(result, type):
        return asdict(result)
    return result


@router.post("/act/{action}")
def act(action: str, arguments: dict[str, Any], sandbox: SandboxDep) -> JSONResponse:
    """Call a person-API method by name with keyword arguments."""
    if action not in PERSON_ACTIONS:
        raise not_found()
    try:
        result = getattr(sandbox, action)(**arguments)
    except (TypeError, ValueError, KeyError) as error:
        raise GitHubError(422, f"{action}: {error}") from error
    return ok({"result": _plain(result)})


@router.get("/deliveries")
def deliveries(sandbox: SandboxDep) -> JSONResponse:
    return ok(
        [
            {
                "id": d.id,
                "event": d.event,
                "action": d.action,
                "installation_id": d.installation_id,
                "status_code": d.status_code,
                "redelivery": d.redelivery,
                "payload": d.payload,
            }
            for d in sandbox.webhooks.deliveries()
        ]
    )


@router.post("/deliveries/{delivery_id}/redeliver")
def redeliver(delivery_id: str, sandbox: SandboxDep) -> Response:
    try:
        sandbox.redeliver(delivery_id)
    except KeyError as error:
        raise not_found() from error
    return Response(status_code=202)


class FaultIn(BaseModel):
    kind: FaultKind
    status: int = 502
    count: int | None = 1
    probability: float | None = None
    method: str | None = None
    path: str | None = None
    retry_after: int = 60
    latency_s: float = 0.0


@router.post("/faults")
def add_fault(body: FaultIn, sandbox: SandboxDep) -> Response:
    sandbox.faults.add(FaultRule(**body.model_dump()))
    return Response(status_code=201)


@router.delete("/faults")
def clear_faults(sandbox: SandboxDep) -> Response:
    sandbox.faults.clear()
    return Response(status_code=204)


class LimitsIn(BaseModel):
    enabled: bool = True
    content_per_minute: int = 80
    content_per_hour: int = 500
    concurrent: int = 100
    min_mutation_interval_s: float = 1.0
    time_scale: float = 1.0


@router.put("/limits")
def set_limits(body: LimitsIn, sandbox: SandboxDep) -> Response:
    sandbox.limits.configure(LimitConfig(**body.model_dump()))
    return Response(status_code=204)


@router.get("/limits")
def limit_counters(sandbox: SandboxDep) -> JSONResponse:
    counters = sandbox.limits.counters
    return ok(
        {
            "violations": dict(counters.violations),
            "close_mutations": counters.close_mutations,
            "faults_injected": dict(sandbox.faults.injected),
        }
    )


@router.get("/requests")
def requests(sandbox: SandboxDep) -> JSONResponse:
    return ok([asdict(record) for record in sandbox.requests.records()])
