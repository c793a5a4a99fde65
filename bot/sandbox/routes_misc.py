"""Collaborator permissions, team members, the rate-limit summary and the app manifest flow."""

from __future__ import annotations

import json
import secrets
import time
from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import parse_qs, urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, RedirectResponse

from bot.sandbox.deps import InstallationDep, LockedRoute, RepoDep, SandboxDep, get_installation, ok
from bot.sandbox.errors import not_found, validation_failed
from bot.sandbox.limits import RATE_LIMIT
from bot.sandbox.state import ManifestCode

router = APIRouter(route_class=LockedRoute)
web_router = APIRouter(route_class=LockedRoute)
MANIFEST_CODE_LIFETIME = timedelta(hours=1)
REPORTED_PERMISSION = {
    "admin": "admin",
    "maintain": "write",
    "write": "write",
    "triage": "read",
    "read": "read",
    "none": "none",
}


@router.get("/repos/{owner}/{repo}/collaborators/{username}/permission")
def collaborator_permission(username: str, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    """GitHub reports maintain as ``write`` and triage as ``read``; ``role_name`` is exact."""
    account = sandbox.state.account(username)
    role = sandbox.state.permission(repo, username)
    levels = ("read", "triage", "write", "maintain", "admin")
    user = sandbox.shapes.user(account)
    user["permissions"] = {
        "pull": role in levels,
        "triage": role in levels[1:],
        "push": role in levels[2:],
        "maintain": role in levels[3:],
        "admin": role == "admin",
    }
    user["role_name"] = role
    body = {"permission": REPORTED_PERMISSION[role], "role_name": role, "user": user}
    return ok(body)


@router.get("/orgs/{org}/teams/{team}/members")
def team_members(
    org: str, team: str, installation: InstallationDep, sandbox: SandboxDep
) -> JSONResponse:
    members = sandbox.state.teams.get((org.lower(), team))
    if members is None or installation.account.login.lower() != org.lower():
        raise not_found()
    return ok([sandbox.shapes.user(account) for account in members])


@router.get("/rate_limit")
def rate_limit(request: Request, sandbox: SandboxDep) -> JSONResponse:
    installation = get_installation(request, sandbox)
    used = sandbox.requests.used_this_hour(installation.id)
    reset = (int(time.time()) // 3600 + 1) * 3600
    core = {"limit": RATE_LIMIT, "remaining": max(0, RATE_LIMIT - used), "reset": reset}
    core["used"] = used
    search = {"limit": 30, "remaining": 30, "reset": reset, "used": 0}
    body = {"resources": {"core": core, "search": search}, "rate": core}
    return ok(body)


@router.post("/app-manifests/{code}/conversions")
def convert_manifest(code: str, sandbox: SandboxDep) -> JSONResponse:
    """Exchange a manifest code for the new app's credentials (once, within an hour)."""
    found = sandbox.state.manifest_codes.pop(code, None)
    if found is None or found.expires_at < datetime.now(UTC):
        raise not_found()
    app = sandbox.state.apps[found.app_id]
    body = sandbox.shapes.app(app)
    body.update(
        {
            "client_secret": app.client_secret,
            "webhook_secret": app.webhook_secret,
            "pem": found.private_key_pem,
        }
    )
    return ok(body, 201)


def _create_from_manifest(
    sandbox: SandboxDep, manifest: str, org: str | None, state: str | None
) -> RedirectResponse:
    try:
        spec = json.loads(manifest)
    except json.JSONDecodeError as error:
        raise validation_failed("manifest is not valid JSON", "Manifest", "manifest") from error
    redirect_url = spec.get("redirect_url")
    if not isinstance(redirect_url, str) or not spec.get("url"):
        raise validation_failed("redirect_url and url are required", "Manifest")
    hook = spec.get("hook_attributes") or {}
    if org is not None:
        sandbox.state.account(org)
    name = str(spec.get("name") or f"app-{secrets.token_hex(3)}")
    if any(app.name.lower() == name.lower() for app in sandbox.state.apps.values()):
        raise validation_failed("Name is already in use", "Integration", "name")
    credentials = sandbox.create_app(
        name,
        hook.get("url"),
        owner=org,
        permissions=spec.get("default_permissions") or None,
        events=spec.get("default_events") or (),
    )
    code = secrets.token_hex(10)
    sandbox.state.manifest_codes[code] = ManifestCode(
        credentials.app_id,
        credentials.private_key_pem,
        datetime.now(UTC) + MANIFEST_CODE_LIFETIME,
    )
    query = {"code": code} if state is None else {"code": code, "state": state}
    return RedirectResponse(f"{redirect_url}?{urlencode(query)}", status_code=302)


async def _manifest_field(request: Request) -> str:
    """The ``manifest`` field of the urlencoded form a browser posts."""
    fields = parse_qs((await request.body()).decode())
    if "manifest" not in fields:
        raise validation_failed("manifest is required", "Manifest", "manifest")
    return fields["manifest"][0]


ManifestField = Annotated[str, Depends(_manifest_field)]


@web_router.post("/settings/apps/new")
def new_app(
    sandbox: SandboxDep, manifest: ManifestField, state: str | None = None
) -> RedirectResponse:
    return _create_from_manifest(sandbox, manifest, None, state)


@web_router.post("/organizations/{org}/settings/apps/new")
def new_org_app(
    org: str, sandbox: SandboxDep, manifest: ManifestField, state: str | None = None
) -> RedirectResponse:
    return _create_from_manifest(sandbox, manifest, org, state)
