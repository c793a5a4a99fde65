"""Reviewers for a campaign PR, from CODEOWNERS or a Backstage ``catalog-info.yaml``.

CODEOWNERS patterns look like gitignore's but differ (GitHub docs, "About code
owners"): ``!`` negation and ``[...]`` ranges are not supported, ``docs/*``
does not reach into subfolders, and the last matching line wins. gitignore
matchers such as ``pathspec`` therefore give wrong answers here, so patterns
are translated to regular expressions by the rules GitHub documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

# Where GitHub looks, in its order: the first file found is the only one used.
CODEOWNERS_LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
CATALOG_LOCATIONS = ("catalog-info.yaml", "catalog-info.yml")

_USER = re.compile(r"@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))")
_TEAM = re.compile(r"@([A-Za-z0-9][A-Za-z0-9-]*)/([A-Za-z0-9._-]+)")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@dataclass(frozen=True)
class Reviewers:
    """Split the way ``POST .../requested_reviewers`` wants them; teams are ``org/slug``."""

    users: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()  # owners GitHub cannot request by email; shown, not requested

    def team_slugs(self, org: str) -> tuple[str, ...]:
        """Only teams of the repository's own organisation can review its PRs."""
        return tuple(
            team.split("/", 1)[1]
            for team in self.teams
            if team.split("/")[0].lower() == org.lower()
        )

    def __bool__(self) -> bool:
        return bool(self.users or self.teams)


@dataclass(frozen=True)
class Rule:
    pattern: str
    owners: tuple[str, ...]
    line: int

    @cached_property
    def regex(self) -> re.Pattern[str]:
        return re.compile(_translate(self.pattern))


def _translate(pattern: str) -> str:
    directory = pattern.endswith("/")
    body = pattern.strip("/")
    anchored = pattern.startswith("/") or "/" in body
    parts: list[str] = []
    segments = body.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            parts.append(".*" if last else "(?:.*/)?")
            continue
        parts.append(
            "".join(
                "[^/]*" if char == "*" else "[^/]" if char == "?" else re.escape(char)
                for char in segment
            )
            + ("" if last else "/")
        )
    prefix = "" if anchored else "(?:.*/)?"
    if directory:
        suffix = "/.*"
    elif segments[-1] in {"*", "**"}:
        suffix = ""  # `docs/*` owns the files directly in docs/, not deeper ones
    else:
        suffix = "(?:/.*)?"  # a name matches a file, or a folder and everything in it
    return f"{prefix}{''.join(parts)}{suffix}"


def parse_codeowners(text: str) -> list[Rule]:
    rules = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        pattern = words[0].replace("\\#", "#")
        owners = []
        for word in words[1:]:
            if word.startswith("#"):
                break
            owners.append(word)
        rules.append(Rule(pattern, tuple(owners), number))
    return rules


def owners_of(rules: Iterable[Rule], path: str) -> tuple[str, ...]:
    """The owners of the last rule matching ``path`` (a rule without owners unsets them)."""
    found: tuple[str, ...] = ()
    for rule in rules:
        if rule.regex.fullmatch(path.lstrip("/")):
            found = rule.owners
    return found


def reviewers_from_codeowners(text: str, paths: Iterable[str]) -> Reviewers:
    rules = parse_codeowners(text)
    owners = [owner for path in paths for owner in owners_of(rules, path)]
    return _split(owners)


def _split(owners: Iterable[str]) -> Reviewers:
    users: dict[str, None] = {}
    teams: dict[str, None] = {}
    emails: dict[str, None] = {}
    for owner in owners:
        if team := _TEAM.fullmatch(owner):
            teams[f"{team.group(1)}/{team.group(2)}"] = None
        elif user := _USER.fullmatch(owner):
            users[user.group(1)] = None
        elif _EMAIL.fullmatch(owner):
            emails[owner] = None
    return Reviewers(tuple(users), tuple(teams), tuple(emails))


def reviewers_from_catalog(text: str, *, org: str) -> Reviewers:
    """``spec.owner`` of the catalog entities: ``user:jane`` is a user, groups are teams.

    Backstage reads an owner without a kind as a group, and a group's name is the
    GitHub team slug when the catalog is synced from GitHub, which is the common setup.
    """
    try:
        documents = list(YAML(typ="safe").load_all(text))
    except YAMLError:
        return Reviewers()
    owners = []
    for document in documents:
        spec = document.get("spec") if isinstance(document, dict) else None
        owner = spec.get("owner") if isinstance(spec, dict) else None
        if isinstance(owner, str) and owner.strip():
            owners.append(_entity_owner(owner.strip(), org))
    return _split(owners)


def _entity_owner(reference: str, org: str) -> str:
    kind, _, name = reference.rpartition(":")
    name = name.rpartition("/")[2]  # drop the namespace (default/...)
    if kind.lower() == "user":
        return f"@{name}"
    return f"@{org}/{name}"


def find_first(paths: Iterable[str], locations: Iterable[str]) -> str | None:
    present = set(paths)
    return next((location for location in locations if location in present), None)


def reviewers_for(snapshot: Mapping[str, str], changed: Iterable[str], *, org: str) -> Reviewers:
    """CODEOWNERS first (GitHub's own notion of ownership), then the Backstage catalog."""
    changed = list(changed)
    codeowners = find_first(snapshot, CODEOWNERS_LOCATIONS)
    if codeowners is not None:
        found = reviewers_from_codeowners(snapshot[codeowners], changed)
        if found:
            return found
    catalog = find_first(snapshot, CATALOG_LOCATIONS)
    if catalog is not None:
        return reviewers_from_catalog(snapshot[catalog], org=org)
    return Reviewers()
