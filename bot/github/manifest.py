"""The App manifest sent when registering Godwit, and the credentials GitHub returns for it.

``app.yml`` is the single source of the App's name, events and permissions;
registration only fills in the two addresses that depend on where Godwit runs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from ruamel.yaml import YAML

from bot.rendering import templates_dir

DASHBOARD_CALLBACK = "/dashboard/callback"


def manifest_path() -> Path:
    """``app.yml`` sits beside ``templates/`` in a checkout and inside ``bot`` when installed."""
    return templates_dir().parent / "app.yml"


def load_manifest(
    text: str, *, webhook_url: str, redirect_url: str, name: str | None = None
) -> dict[str, Any]:
    """The manifest of ``app.yml`` with this deployment's addresses (and optionally its name)."""
    manifest: dict[str, Any] = dict(YAML(typ="safe").load(text))
    manifest["hook_attributes"] = {**manifest.get("hook_attributes", {}), "url": webhook_url}
    manifest["redirect_url"] = redirect_url
    # People sign in to the web dashboard, served by the same process as the webhooks.
    origin = urlsplit(webhook_url)
    manifest["callback_urls"] = [f"{origin.scheme}://{origin.netloc}{DASHBOARD_CALLBACK}"]
    if name:
        manifest["name"] = name
    return manifest


def manifest_json(manifest: dict[str, Any]) -> str:
    return json.dumps(manifest, separators=(",", ":"))


def new_app_url(web_url: str, org: str | None, state: str) -> str:
    """Where the manifest form is posted: the person's or the organization's new-App page."""
    owner = f"/organizations/{quote(org, safe='')}" if org else ""
    return f"{web_url.rstrip('/')}{owner}/settings/apps/new?state={quote(state, safe='')}"


@dataclass(frozen=True)
class AppCredentials:
    """What GitHub returns once, when the manifest is converted into an App."""

    app_id: int
    slug: str
    html_url: str
    client_id: str
    client_secret: str
    webhook_secret: str
    pem: str

    def __repr__(self) -> str:
        return f"AppCredentials(app_id={self.app_id}, slug={self.slug!r})"

    def env_values(self, private_key_path: Path) -> dict[str, str]:
        """The ``.env`` entries Godwit's settings read; the key itself stays in its own file."""
        return {
            "GODWIT_APP_ID": str(self.app_id),
            "GODWIT_PRIVATE_KEY_PATH": str(private_key_path),
            "GODWIT_WEBHOOK_SECRET": self.webhook_secret,
            "GODWIT_CLIENT_ID": self.client_id,
            "GODWIT_CLIENT_SECRET": self.client_secret,
        }
