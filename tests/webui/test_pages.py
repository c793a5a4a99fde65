"""The campaign pages over HTTP: table, filters, sorting, owners, live fragment, burndown."""

from __future__ import annotations

import re

import httpx
import jinja2
import pytest

from tests.webui.conftest import OWNER, Live, signed_in


@pytest.fixture(scope="module")
def client(live: Live) -> httpx.Client:
    return signed_in(live, OWNER)


def repos_in(html: str) -> list[str]:
    return re.findall(r'<tr data-repo="([^"]+)"', html)


def test_every_repository_is_a_row_with_its_pr_link(live: Live, client: httpx.Client) -> None:
    page = client.get(live.campaign_url).text
    assert repos_in(page) == sorted((*live.org.repos, live.org.host))
    number = live.pull_number("acme-bq-jobs")
    pr_url = f"{live.stack.github.url}/acme/acme-bq-jobs/pull/{number}"
    assert f'href="{pr_url}"' in page
    assert httpx.get(pr_url).status_code == 200
    assert "<svg" in page
    assert "Audit log" in page


def test_filters_and_sorting_happen_on_the_server(live: Live, client: httpx.Client) -> None:
    only = client.get(live.campaign_url, params={"state": "no_changes"}).text
    assert repos_in(only) == ["acme/acme-web-frontend", "acme/data-platform"]
    mine = client.get(live.campaign_url, params={"by": "alice-analytics"}).text
    assert repos_in(mine) == ["acme/acme-dbt-analytics"]
    backwards = client.get(live.campaign_url, params={"sort": "repo", "order": "desc"}).text
    assert repos_in(backwards) == sorted(repos_in(backwards), reverse=True)


def test_an_unknown_filter_is_a_clear_400(live: Live, client: httpx.Client) -> None:
    answer = client.get(live.campaign_url, params={"state": "bogus"})
    assert answer.status_code == 400
    assert "unknown state &#39;bogus&#39;" in answer.text


def test_the_owner_page_lists_what_waits_for_them(live: Live, client: httpx.Client) -> None:
    page = client.get(live.campaign_url + "/owners/alice-analytics")
    assert page.status_code == 200
    assert "acme/acme-dbt-analytics" in page.text
    assert "acme/acme-bq-jobs" not in page.text


def test_the_live_fragment_follows_a_merge(live: Live, client: httpx.Client) -> None:
    number = live.pull_number("acme-scio-pipelines")
    live.sandbox.review("acme/acme-scio-pipelines", number, "chen-pipelines", "APPROVED")
    live.sandbox.merge("acme/acme-scio-pipelines", number, "chen-pipelines")
    live.settle()
    fragment = client.get(live.campaign_url + "/live").text
    assert 'data-repo="acme/acme-scio-pipelines" data-state="merged"' in fragment
    assert '<dd data-count="migrated">' in fragment
    assert "<html" not in fragment


def test_the_issue_dashboard_links_to_the_page(live: Live, client: httpx.Client) -> None:
    body = live.sandbox.issue(live.org.host, live.issue).body or ""
    assert f"]({live.campaign_url})" in body
    assert client.get(live.campaign_url).status_code == 200


def test_residual_references_say_whether_the_old_tables_can_go(
    live: Live, client: httpx.Client
) -> None:
    page = client.get(live.campaign_url).text
    assert "<strong>Safe to retire: no.</strong>" in page
    github = live.stack.github.url
    # Each reader links to its line at the commit it was read at, in the sandbox's pages.
    link = re.search(
        rf'<a href="({re.escape(github)}/acme/acme-bq-jobs/blob/[0-9a-f]{{40}}/'
        r'jobs/premium_share/query.sql#L\d+)">',
        page,
    )
    assert link is not None
    assert httpx.get(link.group(1)).status_code == 200
    assert "is_premium has no equivalent" in page


def test_every_problem_has_words_on_the_web_pages() -> None:
    from bot.campaigns.dashboard import Problem
    from bot.rendering import templates_dir

    labels = jinja2.Environment(loader=jinja2.FileSystemLoader(templates_dir()))
    words = labels.get_template("web/_labels.html.j2").module.PROBLEM  # type: ignore[attr-defined]
    assert set(words) == {problem.value for problem in Problem}


def test_each_row_and_the_progress_show_parity(live: Live, client: httpx.Client) -> None:
    from bot.checkout import read_checkout
    from bot.demo.world import examples_dir
    from bot.engine.planner import plan_repository
    from bot.parity.outcome import Verdict
    from bot.spec import load_campaign_file

    spec = load_campaign_file(examples_dir() / "campaign.yml")
    proven = {
        name: plan_repository(
            spec, read_checkout(examples_dir() / "repos" / name.split("/")[-1])
        ).parity_count(Verdict.PROVEN)
        for name in live.org.repos
    }
    assert sum(proven.values()) >= 8
    page = client.get(live.campaign_url).text
    cells = dict(re.findall(r'<tr data-repo="([^"]+)".*?<td data-parity>([^<]*)</td>', page, re.S))
    for name, count in proven.items():
        if count:
            assert cells[name].startswith(f"{count} proven, 0 differ"), name
        else:
            assert cells[name] == "no rewritten statement", name
    total = re.search(r'<p class="summary" id="parity-total">(.*?)</p>', page, re.S)
    assert total is not None
    assert f"{sum(proven.values())} proven, 0 differ" in total.group(1)
    assert "not checked" not in page


@pytest.mark.parametrize(
    ("jobs_export", "said"),
    [
        (None, "No jobs export is linked (<code>usage.jobs_export</code>), so readers outside"),
        (
            "exports/<jobs>.json",
            "and the jobs export <code>exports/&lt;jobs&gt;.json</code> as last read",
        ),
    ],
)
def test_a_safe_verdict_says_on_the_page_what_it_rests_on(
    jobs_export: str | None, said: str
) -> None:
    from bot.campaigns.residual import Seen
    from bot.rendering import templates_dir

    pages = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates_dir()), autoescape=True, trim_blocks=True
    )
    paragraph = pages.get_template("web/_seen.html.j2").module.seen_paragraph  # type: ignore[attr-defined]
    html = str(paragraph(Seen(3, jobs_export)))
    assert "What it saw: the default branch of 3 repositories in scope" in html
    assert said in html
    assert str(paragraph(None)).strip() == ""
