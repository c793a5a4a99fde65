"""Reviewers from CODEOWNERS (GitHub's semantics) and from Backstage catalog files."""

from __future__ import annotations

import pytest

from bot.campaigns.owners import (
    Reviewers,
    owners_of,
    parse_codeowners,
    reviewers_for,
    reviewers_from_catalog,
    reviewers_from_codeowners,
)

# The examples of GitHub's "About code owners" page, plus a few edge cases.
CODEOWNERS = r"""
# Default owners for everything
*       @global-owner1 @global-owner2

*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/*  docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
/data/**/daily.sql @acme/data-insights
\#notes @jane
"""


@pytest.mark.parametrize(
    ("path", "owners"),
    [
        ("README.md", ("@global-owner1", "@global-owner2")),
        ("src/app.js", ("@js-owner",)),
        ("main.go", ("docs@example.com",)),
        ("notes/todo.txt", ("@octo-org/octocats",)),
        ("build/logs/today.log", ("@octocat",)),  # `**/logs` comes after `/build/logs/`
        ("deeply/nested/logs/x.log", ("@octocat",)),
        ("docs/getting-started.md", ("@doctocat",)),  # `/docs/` comes after `docs/*`
        ("docs/build-app/troubleshooting.md", ("@doctocat",)),
        ("scripts/deploy.sh", ("@doctocat", "@octocat")),
        ("apps/radio/main.scala", ("@octocat",)),
        ("apps/github/main.scala", ()),  # a pattern without owners unsets them
        ("data/daily.sql", ("@acme/data-insights",)),
        ("data/a/b/daily.sql", ("@acme/data-insights",)),
        ("other/data/daily.sql", ("@global-owner1", "@global-owner2")),
        ("#notes", ("@jane",)),
    ],
)
def test_last_matching_rule_wins(path: str, owners: tuple[str, ...]) -> None:
    assert owners_of(parse_codeowners(CODEOWNERS), path) == owners


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("docs/*", "docs/getting-started.md", True),
        ("docs/*", "docs/build-app/troubleshooting.md", False),
        ("docs/*", "x/docs/a.md", False),  # a slash in the middle anchors
        ("apps/", "apps/a.sql", True),
        ("apps/", "team/apps/a.sql", True),  # a trailing slash alone does not anchor
        ("apps/", "apps", False),  # only what is inside the folder
        ("/apps/", "team/apps/a.sql", False),
        ("models", "models/a.sql", True),
        ("models", "x/models/a.sql", True),
        ("models", "models.sql", False),
        ("*.sql", "a/b/c.sql", True),
        ("*.sql", "a/b/c.sql.bak", False),
        ("jobs/**", "jobs/a/b/c.sql", True),
        ("jobs/**", "x/jobs/a.sql", False),
        ("**/jobs", "x/y/jobs/a.sql", True),
        ("a/**/b.sql", "a/b.sql", True),
        ("a/**/b.sql", "a/x/y/b.sql", True),
        ("a/**/b.sql", "c/a/b.sql", False),
        ("/jobs/daily.sql", "jobs/daily.sql", True),
        ("/jobs/daily.sql", "x/jobs/daily.sql", False),
        ("daily?.sql", "jobs/daily1.sql", True),
        ("daily?.sql", "jobs/daily.sql", False),
        ("a+b.sql", "a+b.sql", True),  # regex characters are literal
    ],
)
def test_pattern_semantics(pattern: str, path: str, matches: bool) -> None:
    rules = parse_codeowners(f"{pattern} @owner\n")
    assert (owners_of(rules, path) == ("@owner",)) is matches


def test_reviewers_of_changed_files_split_into_users_and_teams() -> None:
    found = reviewers_from_codeowners(
        CODEOWNERS, ["data/daily.sql", "src/app.js", "main.go", "notes/a.txt", "README.md"]
    )
    assert found == Reviewers(
        users=("js-owner", "global-owner1", "global-owner2"),
        teams=("acme/data-insights", "octo-org/octocats"),
        emails=("docs@example.com",),
    )
    assert found.team_slugs("ACME") == ("data-insights",)


CATALOG = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: radio-jobs
spec:
  type: service
  owner: group:default/data-insights
---
kind: Component
spec:
  owner: user:jane
---
kind: System
spec:
  owner: playback
"""


def test_catalog_info_owners() -> None:
    assert reviewers_from_catalog(CATALOG, org="acme") == Reviewers(
        users=("jane",), teams=("acme/data-insights", "acme/playback")
    )


@pytest.mark.parametrize(
    "text", ["", "spec: [1, 2]", "kind: Component\nspec:\n  owner: 42\n", "a: [unclosed"]
)
def test_catalog_info_without_usable_owner(text: str) -> None:
    assert reviewers_from_catalog(text, org="acme") == Reviewers()


@pytest.mark.parametrize(
    ("snapshot", "expected"),
    [
        (
            {
                ".github/CODEOWNERS": "*.sql @jane\n",
                "CODEOWNERS": "*.sql @omar\n",
                "catalog-info.yaml": CATALOG,
            },
            Reviewers(users=("jane",)),
        ),
        ({"docs/CODEOWNERS": "*.sql @omar\n"}, Reviewers(users=("omar",))),
        (
            {"CODEOWNERS": "*.scala @omar\n", "catalog-info.yaml": "spec:\n  owner: data\n"},
            Reviewers(teams=("acme/data",)),
        ),
        ({"README.md": "hello"}, Reviewers()),
    ],
)
def test_reviewers_for_repository(snapshot: dict[str, str], expected: Reviewers) -> None:
    assert reviewers_for(snapshot, ["jobs/daily.sql"], org="acme") == expected
