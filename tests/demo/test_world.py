"""The demo's organisation and the campaign issue body it files through the issue form."""

from __future__ import annotations

import pytest

from bot.demo.world import (
    LEAD,
    OWNERS,
    campaign_issue_body,
    campaign_issue_title,
    examples_dir,
    issue_form_body,
    seed_organisation,
)
from bot.rendering import templates_dir
from bot.sandbox import Sandbox
from bot.spec import campaign_from_markdown, load_campaign

FORM = {
    "name": "Request",
    "body": [
        {"type": "markdown", "attributes": {"value": "Read this first."}},
        {
            "type": "textarea",
            "id": "spec",
            "attributes": {"label": "Spec", "render": "yaml", "value": "a: 1\n"},
        },
        {"type": "input", "id": "why", "attributes": {"label": "Why"}},
        {"type": "input", "id": "who", "attributes": {"label": "Who", "value": "me"}},
    ],
}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {},
            "### Spec\n\n```yaml\na: 1\n```\n\n### Why\n\n_No response_\n\n### Who\n\nme",
        ),
        (
            {"spec": "b: 2\nc: 3\n", "why": "retired table"},
            "### Spec\n\n```yaml\nb: 2\nc: 3\n```\n\n### Why\n\nretired table\n\n### Who\n\nme",
        ),
        (
            {"spec": "", "who": ""},
            "### Spec\n\n_No response_\n\n### Why\n\n_No response_\n\n### Who\n\n_No response_",
        ),
    ],
)
def test_issue_form_body_renders_answers_like_github(
    answers: dict[str, str], expected: str
) -> None:
    assert issue_form_body(FORM, answers) == expected


def test_campaign_issue_body_carries_the_example_campaign_unchanged() -> None:
    campaign_yaml = (examples_dir() / "campaign.yml").read_text(encoding="utf-8")
    body = campaign_issue_body(
        templates_dir() / "issue-form" / "godwit-campaign.yml", campaign_yaml
    )
    assert body.startswith("### Campaign\n\n```yaml\n# Campaign: move every consumer")
    assert campaign_from_markdown(body) == load_campaign(campaign_yaml)


def test_campaign_issue_title_follows_the_form_prefix() -> None:
    form = templates_dir() / "issue-form" / "godwit-campaign.yml"
    assert campaign_issue_title(form, "Retire plays_v1") == "[campaign] Retire plays_v1"


def test_seeded_organisation_has_the_examples_their_owners_and_a_host() -> None:
    sandbox = Sandbox()
    org = seed_organisation(sandbox, examples_dir() / "repos")
    assert org.repos == (
        "acme/acme-bq-jobs",
        "acme/acme-dbt-analytics",
        "acme/acme-royalties",
        "acme/acme-scio-pipelines",
        "acme/acme-web-frontend",
    )
    assert org.host == "acme/data-platform"
    host = sandbox.state.repo_by_full_name(org.host)
    assert sandbox.state.permission(host, LEAD) == "write"
    assert sandbox.read_file("acme/acme-bq-jobs", "main", ".github/CODEOWNERS") == (
        b"* @bruno-jobs\n"
    )
    assert b"owner: user:chen-pipelines" in sandbox.read_file(
        "acme/acme-scio-pipelines", "main", "catalog-info.yaml"
    )
    query = "jobs/premium_share/query.sql"
    original = examples_dir() / "repos" / "acme-bq-jobs" / query
    assert sandbox.read_file("acme/acme-bq-jobs", "main", query) == original.read_bytes()
    for owner in OWNERS:
        repo = sandbox.state.repo_by_full_name(f"acme/{owner.repo}")
        assert sandbox.state.permission(repo, owner.login) == "write"
    assert org.owner_of("acme-royalties").ownership_file is None
