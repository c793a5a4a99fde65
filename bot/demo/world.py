"""The demo's organisation: the example repositories, their owners, and the campaign issue body.

The example repositories are plain folders; the demo adds who owns them (CODEOWNERS
in two, a Backstage catalog entry in one, nobody in the last) so Godwit has
reviewers to request and one pull request to flag for having none.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml import YAML

from bot.sandbox import Sandbox

ORG = "acme"
LEAD = "data-platform-lead"
HOST_REPO = "data-platform"
"""Where the campaign issue lives; it holds no SQL, so the plan lists it as nothing to do."""
CAMPAIGN_LABEL = "godwit:campaign"
CAMPAIGN_FIELD = "campaign"
"""The issue form's textarea that holds the campaign YAML."""


@dataclass(frozen=True)
class Owner:
    """A person who owns one repository and acts on its pull request in the story."""

    login: str
    repo: str
    ownership_file: str | None
    ownership_text: str | None


OWNERS = (
    Owner("bruno-jobs", "acme-bq-jobs", ".github/CODEOWNERS", "* @bruno-jobs\n"),
    Owner("alice-analytics", "acme-dbt-analytics", "CODEOWNERS", "/models/ @alice-analytics\n"),
    Owner(
        "chen-pipelines",
        "acme-scio-pipelines",
        "catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n"
        "  name: scio-pipelines\nspec:\n  type: service\n  owner: user:chen-pipelines\n",
    ),
    Owner("dana-finance", "acme-royalties", None, None),
)


@dataclass(frozen=True)
class Organisation:
    """What was seeded: repositories by full name and the campaign's host repository."""

    repos: tuple[str, ...]
    host: str

    def owner_of(self, name: str) -> Owner:
        """The owner of repository ``name`` (without the organisation)."""
        return next(owner for owner in OWNERS if owner.repo == name)


def examples_dir() -> Path:
    """The plays-v2 example next to the package, where a clone of the repository has it."""
    return Path(__file__).resolve().parents[2] / "examples" / "plays-v2"


def read_folder(folder: Path) -> dict[str, bytes]:
    return {
        str(file.relative_to(folder)): file.read_bytes()
        for file in sorted(folder.rglob("*"))
        if file.is_file() and ".git" not in file.relative_to(folder).parts
    }


def seed_organisation(sandbox: Sandbox, examples: Path) -> Organisation:
    """Create ``acme``, one repository per example folder plus the host, and the people."""
    sandbox.create_org(ORG)
    extra = {
        owner.repo: {owner.ownership_file: owner.ownership_text}
        for owner in OWNERS
        if owner.ownership_file is not None and owner.ownership_text is not None
    }
    repos = []
    for folder in sorted(p for p in examples.iterdir() if p.is_dir()):
        files: dict[str, str | bytes] = {**read_folder(folder), **extra.get(folder.name, {})}
        repos.append(sandbox.create_repo(ORG, folder.name, files).full_name)
    host = sandbox.create_repo(
        ORG, HOST_REPO, {"README.md": "# data-platform\n\nCampaigns of the data platform team.\n"}
    ).full_name
    sandbox.create_user(LEAD, "Data Platform Lead")
    sandbox.set_permission(host, LEAD, "write")
    for owner in OWNERS:
        sandbox.create_user(owner.login)
        sandbox.set_permission(f"{ORG}/{owner.repo}", owner.login, "write")
    return Organisation(tuple(repos), host)


def issue_form_body(form: Mapping[str, object], answers: Mapping[str, str]) -> str:
    """The issue body GitHub writes when someone submits ``form`` with ``answers`` by field id.

    Each field becomes ``### <label>`` and its answer, a ``render:`` field a fenced
    block in that language, an empty answer ``_No response_``; markdown fields vanish.
    """
    sections = []
    fields = form.get("body")
    assert isinstance(fields, list)
    for field in fields:
        if field["type"] == "markdown":
            continue
        attributes = field["attributes"]
        value = answers.get(field.get("id", ""), attributes.get("value", "")).rstrip("\n")
        if not value:
            value = "_No response_"
        elif "render" in attributes:
            value = f"```{attributes['render']}\n{value}\n```"
        sections.append(f"### {attributes['label']}\n\n{value}")
    return "\n\n".join(sections)


def _form(form_path: Path) -> dict[str, object]:
    form: dict[str, object] = YAML(typ="safe").load(form_path.read_text(encoding="utf-8"))
    return form


def campaign_issue_body(form_path: Path, campaign_yaml: str) -> str:
    return issue_form_body(_form(form_path), {CAMPAIGN_FIELD: campaign_yaml})


def campaign_issue_title(form_path: Path, title: str) -> str:
    """The form's title prefix (``[campaign] ``) followed by what the author typed."""
    return f"{_form(form_path).get('title', '')}{title}"
