"""Who GitHub asks to review a new pull request because CODEOWNERS names them.

GitHub reads CODEOWNERS from the base branch (``.github/``, the root, then
``docs/``, first found wins), takes for each changed file the owners of the last
matching pattern, and requests reviews from those who are users with write
access, leaving out the pull request's author. Teams are left out here, as
everywhere in the sandbox. Patterns follow gitignore's rules closely enough for
tests: a leading ``/`` anchors to the root, a trailing ``/`` names a directory,
``*`` and ``?`` are wildcards (this matcher lets ``*`` cross ``/``).

The sandbox keeps its own reading of the format on purpose: Godwit's reading is
what the sandbox checks, so it must not be the yardstick too.
"""

from __future__ import annotations

from fnmatch import fnmatchcase

from bot.sandbox.gitobjects import ObjectStore

LOCATIONS = (".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS")
WRITE_LEVELS = frozenset({"write", "maintain", "admin"})

Rule = tuple[str, tuple[str, ...]]


def rules_at(store: ObjectStore, tree_sha: str) -> list[Rule]:
    """The pattern/owners lines of the first CODEOWNERS file in ``tree_sha``."""
    files = store.flatten(tree_sha)
    for location in LOCATIONS:
        if location in files:
            text = store.blob(files[location].sha).decode("utf-8", errors="replace")
            return parse(text)
    return []


def parse(text: str) -> list[Rule]:
    rules = []
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            rules.append((words[0], tuple(words[1:])))
    return rules


def matches(pattern: str, path: str) -> bool:
    """Whether ``pattern`` covers the file at ``path`` (itself or a directory above it)."""
    directory_only = pattern.endswith("/")
    anchored = pattern.startswith("/") or "/" in pattern.rstrip("/")
    body = pattern.strip("/")
    if not body:
        return False
    segments = path.split("/")
    starts = [0] if anchored else range(len(segments))
    for start in starts:
        for end in range(start + 1, len(segments) + 1):
            if directory_only and end == len(segments):
                continue
            if fnmatchcase("/".join(segments[start:end]), body):
                return True
    return False


def owners_of(rules: list[Rule], path: str) -> tuple[str, ...]:
    """The owners of the last matching rule (an empty owner list un-owns the file)."""
    found: tuple[str, ...] = ()
    for pattern, owners in rules:
        if matches(pattern, path):
            found = owners
    return found


def user_owners(rules: list[Rule], changed: list[str]) -> list[str]:
    """The user logins (``@login``, no team, no e-mail) owning the changed files, in order."""
    logins: dict[str, None] = {}
    for path in changed:
        for owner in owners_of(rules, path):
            if owner.startswith("@") and "/" not in owner:
                logins[owner[1:]] = None
    return list(logins)
