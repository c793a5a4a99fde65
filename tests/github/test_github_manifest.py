"""app.yml, the manifest built from it, and where registration writes credentials."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import dotenv
import pytest
from ruamel.yaml import YAML

from bot.github.auth import GitHubApp
from bot.github.manifest import AppCredentials, load_manifest, manifest_path, new_app_url
from bot.github.registration import save_credentials
from bot.settings import Settings
from tests.support.keys import app_private_key

EVENTS = {
    "issues",
    "issue_comment",
    "pull_request",
    "pull_request_review",
    "pull_request_review_comment",
    "check_suite",
    "check_run",
    "installation_repositories",
    "push",
}
PERMISSIONS = {
    "contents": "write",
    "pull_requests": "write",
    "issues": "write",
    "checks": "read",
    "metadata": "read",
    "members": "read",
}
PEM = app_private_key()
CREDENTIALS = AppCredentials(
    app_id=812,
    slug="godwit-acme",
    html_url="https://github.com/apps/godwit-acme",
    client_id="Iv23liGodwit",
    client_secret="c1s2",
    webhook_secret="whs-9f2",
    pem=PEM,
)


def test_app_yml_asks_for_exactly_what_godwit_needs() -> None:
    text = manifest_path().read_text(encoding="utf-8")
    manifest = YAML(typ="safe").load(text)
    assert set(manifest["default_events"]) == EVENTS
    assert len(manifest["default_events"]) == len(EVENTS)
    assert manifest["default_permissions"] == PERMISSIONS
    assert manifest["public"] is False
    assert {"name", "url", "description", "hook_attributes", "redirect_url"} <= set(manifest)
    assert "does NOT change an\n# App that is already registered" in text


def test_manifest_fills_in_this_deployments_addresses() -> None:
    manifest = load_manifest(
        manifest_path().read_text(encoding="utf-8"),
        webhook_url="https://godwit.acme.dev/webhooks",
        redirect_url="http://127.0.0.1:8123/callback",
        name="Godwit (acme)",
    )
    assert manifest["hook_attributes"] == {
        "url": "https://godwit.acme.dev/webhooks",
        "active": True,
    }
    assert manifest["redirect_url"] == "http://127.0.0.1:8123/callback"
    assert manifest["callback_urls"] == ["https://godwit.acme.dev/dashboard/callback"]
    assert manifest["name"] == "Godwit (acme)"
    assert manifest["default_permissions"] == PERMISSIONS


@pytest.mark.parametrize(
    ("web", "org", "expected"),
    [
        ("https://github.com", None, "https://github.com/settings/apps/new?state=s1"),
        (
            "https://github.com/",
            "acme data",
            "https://github.com/organizations/acme%20data/settings/apps/new?state=s1",
        ),
        ("https://ghe.acme.dev", "acme", "https://ghe.acme.dev/organizations/acme/settings/apps/new?state=s1"),
    ],
)  # fmt: skip
def test_new_app_url(web: str, org: str | None, expected: str) -> None:
    assert new_app_url(web, org, "s1") == expected


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_credentials_go_to_private_files(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    key_path = save_credentials(CREDENTIALS, env_path)
    assert key_path == tmp_path / "godwit-acme.private-key.pem"
    assert key_path.read_text(encoding="utf-8") == PEM
    assert (mode(env_path), mode(key_path)) == (0o600, 0o600)
    saved = dotenv.dotenv_values(env_path)
    marker_key = str(saved.pop("GODWIT_MARKER_KEY"))
    assert saved == {
        "GODWIT_APP_ID": "812",
        "GODWIT_PRIVATE_KEY_PATH": str(key_path),
        "GODWIT_WEBHOOK_SECRET": "whs-9f2",
        "GODWIT_CLIENT_ID": "Iv23liGodwit",
        "GODWIT_CLIENT_SECRET": "c1s2",
    }
    assert re.fullmatch(r"[0-9a-f]{64}", marker_key)


def test_registering_again_keeps_the_marker_key(tmp_path: Path) -> None:
    """Godwit's PRs carry markers signed with it: a new key would orphan them."""
    env_path = tmp_path / ".env"
    save_credentials(CREDENTIALS, env_path)
    first = dotenv.dotenv_values(env_path)["GODWIT_MARKER_KEY"]
    save_credentials(CREDENTIALS, env_path)
    assert dotenv.dotenv_values(env_path)["GODWIT_MARKER_KEY"] == first
    other = tmp_path / "other.env"
    save_credentials(CREDENTIALS, other)
    assert dotenv.dotenv_values(other)["GODWIT_MARKER_KEY"] != first


def test_existing_env_keeps_other_keys_and_loses_a_stale_inline_key(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    env_path.write_text(
        "# local settings\n"
        "GODWIT_DATABASE_URL=postgresql://localhost/godwit\n"
        "GODWIT_APP_ID=1\n"
        'GODWIT_PRIVATE_KEY="-----BEGIN OLD-----\nabc\n-----END OLD-----"\n'
        "ANTHROPIC_API_KEY=sk-ant-local\n",
        encoding="utf-8",
    )
    env_path.chmod(0o644)
    save_credentials(CREDENTIALS, env_path)
    values = dotenv.dotenv_values(env_path)
    assert values["GODWIT_DATABASE_URL"] == "postgresql://localhost/godwit"
    assert values["ANTHROPIC_API_KEY"] == "sk-ant-local"
    assert values["GODWIT_APP_ID"] == "812"
    assert "GODWIT_PRIVATE_KEY" not in values
    assert env_path.read_text(encoding="utf-8").startswith("# local settings\n")
    assert mode(env_path) == 0o600


def test_credentials_repr_hides_secrets() -> None:
    assert "whs-9f2" not in repr(CREDENTIALS)
    assert "BEGIN" not in repr(CREDENTIALS)


def test_godwit_settings_read_what_registration_wrote(tmp_path: Path) -> None:
    env_path = tmp_path / ".env"
    save_credentials(CREDENTIALS, env_path)
    settings = Settings(_env_file=env_path)
    assert settings.app_id == 812
    assert settings.webhook_secret.get_secret_value() == "whs-9f2"
    assert settings.private_key_pem() == PEM
    assert GitHubApp.from_settings(settings).base_url == "https://api.github.com/"
