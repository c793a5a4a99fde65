"""Links and Markdown fences shared by the texts Godwit writes on GitHub."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

# GitHub refuses issue, pull request and comment bodies longer than this (characters).
MAX_BODY = 65536


@dataclass(frozen=True)
class IssueRef:
    """The campaign issue, as ``owner/repo#number``."""

    repo: str
    number: int

    def __str__(self) -> str:
        return f"{self.repo}#{self.number}"

    def url(self, web_base: str) -> str:
        return f"{web_base.rstrip('/')}/{self.repo}/issues/{self.number}"


def campaign_page_url(dashboard_base: str, repo: str, number: int) -> str:
    """The web dashboard's page for the campaign opened by issue ``repo#number``."""
    return f"{dashboard_base.rstrip('/')}/campaigns/{repo}/{number}"


def blob_url(web_base: str, repo: str, ref: str, path: str, line: int | None = None) -> str:
    """A file (and line) at ``ref``; a branch name keeps its slashes, as GitHub expects."""
    url = f"{web_base.rstrip('/')}/{repo}/blob/{quote(ref, safe='/')}/{quote(path, safe='/')}"
    return url if line is None else f"{url}#L{line}"


def commit_url(web_base: str, repo: str, sha: str) -> str:
    return f"{web_base.rstrip('/')}/{repo}/commit/{sha}"


def fence(text: str) -> str:
    """A backtick fence longer than any backtick run inside ``text``, so code cannot close it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)
