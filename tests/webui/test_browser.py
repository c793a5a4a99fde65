"""The dashboard in a real browser (Debian's Chromium driven by Playwright) against live servers.

Skipped, with the reason, where Chromium or Playwright is missing; CI installs Chromium.
Screenshots go to ``test-artifacts/`` (or ``$GODWIT_TEST_ARTIFACTS``).
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.demo.stack import APP_NAME
from tests.webui.conftest import OUTSIDER, OWNER, Live

CHROMIUM = os.environ.get("GODWIT_CHROMIUM", "/usr/bin/chromium")
playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="the playwright package is missing"
)
if shutil.which(CHROMIUM) is None:
    pytest.skip(f"no browser at {CHROMIUM}: apt-get install chromium", allow_module_level=True)

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402

WAIT_MS = 60_000
"""How long the page may take to show a change; generous for a loaded machine."""
ARTIFACTS = Path(os.environ.get("GODWIT_TEST_ARTIFACTS", "test-artifacts"))


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as driver:
        launched = driver.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-dev-shm-usage"]
        )
        yield launched
        launched.close()


def sign_in(browser: Browser, live: Live, login: str) -> Page:
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(live.campaign_url)
    expect(page).to_have_title(f"Sign in to {APP_NAME} · GitHub sandbox")
    page.get_by_role("button", name=f"Sign in as {login}", exact=True).click()
    return page


def shot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def test_an_owner_signs_in_and_sees_every_repository(browser: Browser, live: Live) -> None:
    page = sign_in(browser, live, OWNER)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Move consumers of plays_v1 to plays_v2"
    )
    expect(page.locator("#repositories tbody tr")).to_have_count(len(live.org.repos) + 1)
    expect(page.get_by_text(f"Signed in as {OWNER}")).to_be_visible()
    assert shot(page, "campaign-owner").stat().st_size > 0


def test_an_outsider_is_refused(browser: Browser, live: Live) -> None:
    page = sign_in(browser, live, OUTSIDER)
    expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
    expect(page.locator("#repositories")).to_have_count(0)
    shot(page, "campaign-outsider")


def test_the_burndown_renders(browser: Browser, live: Live) -> None:
    page = sign_in(browser, live, OWNER)
    chart = page.locator("svg#burndown")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None
    assert box["width"] > 100
    assert box["height"] > 50
    assert page.locator("svg#burndown polyline.line-old").get_attribute("points")
    expect(page.get_by_role("img", name=re.compile("^Burndown of "))).to_be_visible()
    chart.screenshot(path=str(ARTIFACTS / "burndown.png"))


def test_a_pr_link_opens_the_pull_request_in_the_sandbox(browser: Browser, live: Live) -> None:
    page = sign_in(browser, live, OWNER)
    number = live.pull_number("acme-bq-jobs")
    page.locator('tr[data-repo="acme/acme-bq-jobs"]').get_by_role("link", name=f"#{number}").click()
    expect(page).to_have_url(f"{live.stack.github.url}/acme/acme-bq-jobs/pull/{number}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"#{number}")
    page.get_by_role("link", name="Files changed").click()
    expect(page.locator("tr.add").first).to_be_visible()
    shot(page, "sandbox-pull-files")


def test_the_table_is_sorted_from_the_keyboard(browser: Browser, live: Live) -> None:
    page = sign_in(browser, live, OWNER)
    header = page.get_by_role("link", name="Repository", exact=True)
    for _ in range(40):
        page.keyboard.press("Tab")
        if header.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("the Repository column's sort link is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live.campaign_url}?sort=repo&order=desc")
    rows = page.locator("#repositories tbody tr").evaluate_all(
        "rows => rows.map(row => row.dataset.repo)"
    )
    assert rows == sorted(rows, reverse=True)
    page.get_by_label("State").select_option("pr_open")
    page.get_by_role("button", name="Apply").press("Enter")
    expect(page.locator('#repositories tbody tr[data-state="no_changes"]')).to_have_count(0)


def test_the_table_updates_when_a_pr_merges(browser: Browser, live: Live) -> None:
    page = sign_in(browser, live, OWNER)
    row = page.locator('tr[data-repo="acme/acme-bq-jobs"]')
    expect(row).not_to_have_attribute("data-state", "merged")
    number = live.pull_number("acme-bq-jobs")
    live.sandbox.review("acme/acme-bq-jobs", number, OWNER, "APPROVED")
    live.sandbox.merge("acme/acme-bq-jobs", number, OWNER)
    expect(row).to_have_attribute("data-state", "merged", timeout=WAIT_MS)
    expect(page.locator('dd[data-count="migrated"]')).to_have_text("1")
    shot(page, "campaign-after-merge")
