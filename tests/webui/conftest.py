"""A campaign under way on loopback: the sandbox, Godwit with its dashboard, PRs open.

The host repository of the campaign issue is private, so reading it takes a permission:
the owners of the migrated repositories get ``read`` on it, and an outsider gets nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.demo.stack import Stack, running_stack
from bot.demo.world import (
    CAMPAIGN_LABEL,
    LEAD,
    ORG,
    OWNERS,
    Organisation,
    campaign_issue_body,
    examples_dir,
    seed_organisation,
)
from bot.rendering import templates_dir
from bot.sandbox import Sandbox

OUTSIDER = "olga-outsider"
OWNER = "bruno-jobs"
SETTLE_S = 90.0


@dataclass(frozen=True)
class Live:
    stack: Stack
    org: Organisation
    issue: int

    @property
    def sandbox(self) -> Sandbox:
        return self.stack.sandbox

    @property
    def campaign_path(self) -> str:
        return f"/dashboard/campaigns/{self.org.host}/{self.issue}"

    @property
    def campaign_url(self) -> str:
        return self.stack.godwit_url + self.campaign_path

    def settle(self) -> None:
        self.stack.settling.wait(SETTLE_S, what="Godwit to settle")

    def pull_number(self, name: str) -> int:
        repo = self.sandbox.state.repo_by_full_name(f"{ORG}/{name}")
        return next(number for number, issue in repo.issues.items() if issue.pull is not None)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    sandbox = Sandbox()
    org = seed_organisation(sandbox, examples_dir() / "repos")
    sandbox.state.repo_by_full_name(org.host).private = True
    sandbox.create_user(OUTSIDER)
    for owner in OWNERS:
        sandbox.set_permission(org.host, owner.login, "read")
    campaign_yaml = (examples_dir() / "campaign.yml").read_text(encoding="utf-8")
    body = campaign_issue_body(
        templates_dir() / "issue-form" / "godwit-campaign.yml", campaign_yaml
    )
    with running_stack(sandbox, ORG, Path(tmp_path_factory.mktemp("godwit"))) as stack:
        number = sandbox.open_issue(org.host, LEAD, "[campaign] plays v2", body, [CAMPAIGN_LABEL])
        stack.settling.wait(SETTLE_S)
        sandbox.comment(org.host, number, LEAD, "/migrate start")
        stack.settling.wait(SETTLE_S)
        yield Live(stack, org, number)


_FORM = re.compile(r'<form method="post" action="(?P<action>[^"]+)">(?P<fields>.*?)</form>', re.S)
_FIELD = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def signed_in(live: Live, login: str) -> httpx.Client:
    """A client that went through the OAuth web flow as ``login``, as a browser would."""
    client = httpx.Client(follow_redirects=True, timeout=30)
    answer = client.get(live.stack.godwit_url + "/dashboard/")
    assert answer.url.path == "/login/oauth/authorize", answer.url
    for form in _FORM.finditer(answer.text):
        fields = dict(_FIELD.findall(form["fields"]))
        if fields.get("login") == login:
            origin = f"{answer.url.scheme}://{answer.url.netloc.decode()}"
            done = client.post(origin + form["action"], data=fields)
            assert done.status_code == 200, done.text
            assert done.url.path.startswith("/dashboard/")
            return client
    raise AssertionError(f"{login} is not on the sign-in page")
