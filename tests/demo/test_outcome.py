"""Reading a campaign's result back from the sandbox: its pull requests and the dashboard."""

from __future__ import annotations

from bot.campaigns.dashboard import END, START
from bot.demo.outcome import CampaignPull, campaign_pulls, dashboard_text, duplicate_pulls
from bot.demo.world import examples_dir
from bot.sandbox import Sandbox
from bot.spec import load_campaign

CAMPAIGN = load_campaign((examples_dir() / "campaign.yml").read_text(encoding="utf-8"))


def pull_from(sandbox: Sandbox, repo: str, branch: str, *labels: str) -> int:
    sandbox.push(repo, branch, {"q.sql": f"SELECT '{branch}'\n"}, author="ana")
    number = sandbox.open_pr(repo, "ana", branch, f"Change on {branch}")
    if labels:
        sandbox.add_label(repo, number, "ana", *labels)
    return number


def test_campaign_pulls_are_the_labelled_ones_merged_or_not() -> None:
    sandbox = Sandbox()
    sandbox.create_org("acme")
    sandbox.create_user("ana")
    for name in ("etl", "web"):
        sandbox.create_repo("acme", name, {"q.sql": "SELECT 1\n"})
        sandbox.set_permission(f"acme/{name}", "ana", "write")
    first = pull_from(sandbox, "acme/web", "godwit/plays-v2", "godwit", "godwit:plays-v2")
    pull_from(sandbox, "acme/etl", "godwit/other", "godwit", "godwit:other")
    pull_from(sandbox, "acme/etl", "feature")
    merged = pull_from(sandbox, "acme/etl", "godwit/plays-v2", "godwit:plays-v2")
    sandbox.merge("acme/etl", merged, "ana")

    pulls = campaign_pulls(sandbox, CAMPAIGN)

    assert pulls == [
        CampaignPull("acme/etl", merged, merged=True, state="merged", reviewers=()),
        CampaignPull("acme/web", first, merged=False, state="open", reviewers=()),
    ]
    assert duplicate_pulls(pulls) == 0


def test_duplicates_are_pulls_beyond_the_first_per_repository() -> None:
    pulls = [
        CampaignPull("acme/etl", 1, False, "closed", ()),
        CampaignPull("acme/etl", 2, False, "open", ()),
        CampaignPull("acme/etl", 3, False, "open", ()),
        CampaignPull("acme/web", 4, False, "open", ()),
    ]
    assert duplicate_pulls(pulls) == 2


def test_dashboard_text_is_the_section_between_the_markers() -> None:
    sandbox = Sandbox()
    sandbox.create_org("acme")
    sandbox.create_user("lead")
    sandbox.create_repo("acme", "platform", {"README.md": "hi\n"})
    body = f"### Campaign\n\nyaml\n\n{START}\n## Progress\n\n3 of 5 done\n{END}\n"
    with_dashboard = sandbox.open_issue("acme/platform", "lead", "campaign", body)
    without = sandbox.open_issue("acme/platform", "lead", "campaign", "### Campaign\n")
    assert dashboard_text(sandbox, "acme/platform", with_dashboard) == "## Progress\n\n3 of 5 done"
    assert dashboard_text(sandbox, "acme/platform", without) is None
