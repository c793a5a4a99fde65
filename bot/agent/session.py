"""The agent's three uses, each a function of plain inputs returning an ``AgentOutcome``.

``migrate_files`` takes over the engine's judgment guardrails,
``revise_from_review`` answers a review comment with one change set and a reply,
``fix_failing_checks`` tries one fix of failing checks (the caller allows two per
head commit). Each builds the fixed tool workspace and scope for its task, runs
the loop, and keeps only what passed scope and verification.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence

import anthropic

from bot.agent.fencing import fence, plain, redact, strip_hidden
from bot.agent.frameworks import framework_of
from bot.agent.prompt import stable_prefix
from bot.agent.rows import refers_to, row_classes
from bot.agent.runner import RunResult, make_client, run_agent
from bot.agent.scope import is_test_path, scope_rules, table_pattern
from bot.agent.settings import AgentSettings
from bot.agent.tasks import AgentOutcome, CheckFailure, CheckTask, MigrateTask, ReviewTask
from bot.agent.tools import Workspace
from bot.agent.usage import TokenUsage, cost
from bot.engine.model import Framework
from bot.engine.syntax import Parsed
from bot.rendering import render
from bot.spec import Campaign

MAX_SUMMARY_CHARS = 3000
_GUARDRAIL = re.compile(r"(?:--|//|\{#)\s*godwit:.*")
_LOGIN = re.compile(r"[^A-Za-z0-9-]")
# A GitHub mention: a login, optionally /team, not followed by a word character
# (so SQL parameters such as ``@run_date`` are left alone).
_MENTION = re.compile(r"(?<![\w.])@(?=[A-Za-z0-9][A-Za-z0-9-]*(?:/[A-Za-z0-9_.-]+)?(?![\w/]))")


def agent_enabled(settings: AgentSettings) -> bool:
    """Whether the agent can run at all (it needs an Anthropic API key)."""
    return settings.enabled


def disabled_outcome(action: str) -> AgentOutcome:
    """What callers post when the agent is off: what still works without it."""
    return AgentOutcome({}, "", render("agent/disabled.md.j2", action=action), None, "disabled")


def _public(text: str, settings: AgentSettings) -> str:
    """Model text made fit to post: no hidden markup, no secret, no mention, bounded length.

    A mention would notify people on the model's say; a zero-width joiner after
    the ``@`` keeps the text readable without pinging anyone.
    """
    cleaned = redact(strip_hidden(text), settings.secrets())
    return _MENTION.sub("@\u2060", cleaned).strip()[:MAX_SUMMARY_CHARS]


def _login(author: str) -> str:
    return _LOGIN.sub("", author)[:39] or "reviewer"


def _run(
    campaign: Campaign,
    framework: Framework,
    task_text: str,
    workspace: Workspace,
    settings: AgentSettings,
    client: anthropic.Anthropic | None,
) -> RunResult:
    prefix = stable_prefix(campaign, framework, settings.cache_ttl)
    return run_agent(client or make_client(settings), settings, prefix, task_text, workspace)


def _outcome(
    result: RunResult,
    workspaces: list[Workspace],
    settings: AgentSettings,
    *,
    reply: str,
    commit_message: str | None,
    changes: dict[str, str],
) -> AgentOutcome:
    return AgentOutcome(
        changes=changes,
        summary=_public(result.summary, settings),
        reply=reply,
        commit_message=commit_message if changes else None,
        stop_reason=result.stop_reason,
        rejected_edits=sum(w.rejected_edits for w in workspaces),
        rejected_out_of_scope=sum(w.rejected_out_of_scope for w in workspaces),
        usage=result.usage,
        cost_usd=cost(result.usage, settings.price(), settings.cache_ttl),
    )


def migrate_files(
    task: MigrateTask, settings: AgentSettings, client: anthropic.Anthropic | None = None
) -> AgentOutcome:
    """Migrate guarded code; each file keeps the engine's text unless the agent's passes."""
    if not settings.enabled:
        return disabled_outcome("migrating the code behind guardrail comments")
    snapshot = {**task.repository, **task.files}
    groups: dict[Framework, list[str]] = defaultdict(list)
    for path in sorted(task.files):
        groups[framework_of(path, snapshot)].append(path)
    changes: dict[str, str] = {}
    workspaces: list[Workspace] = []
    results: list[RunResult] = []
    # One session per framework keeps each prefix identical to every other task's.
    for framework, paths in groups.items():
        tests = row_tests(task.campaign, {p: task.files[p] for p in paths}, task.repository)
        editable = [*paths, *tests]
        rules = scope_rules(
            task.campaign, window=settings.scope_window, only=editable, related=tests
        )
        workspace = Workspace(task.campaign, snapshot, rules, settings.secrets())
        text = migrate_task_text({path: task.files[path] for path in paths}, tests)
        results.append(_run(task.campaign, framework, text, workspace, settings, client))
        workspaces.append(workspace)
        changes |= workspace.accepted()
    merged = RunResult(
        next((r.stop_reason for r in results if r.stop_reason != "finished"), "finished"),
        "\n\n".join(r.summary for r in results if r.summary),
        sum((r.usage for r in results), TokenUsage()),
        sum(r.turns for r in results),
    )
    summary = _public(merged.summary, settings)
    message = render(
        "agent/commit_migrate.txt.j2",
        campaign_id=task.campaign.id,
        summary=summary,
        paths=sorted(changes),
    )
    return _outcome(
        merged, workspaces, settings, reply=summary, commit_message=message, changes=changes
    )


def migrate_task_text(files: dict[str, str], tests: Sequence[str] = ()) -> str:
    """The task prompt for migrating ``files``; the estimate counts this same text.

    ``tests`` are the test files that build the typed rows of ``files``: named in the
    prompt so the model knows it may edit them in the same task.
    """
    entries = [
        {"path": path, "guardrails": _guardrails(text), "fenced": fence("file", text, path=path)}
        for path, text in files.items()
    ]
    return render("agent/task_migrate.md.j2", files=entries, tests=[plain(t) for t in tests])


def row_tests(
    campaign: Campaign, files: Mapping[str, str], repository: Mapping[str, str]
) -> list[str]:
    """Test files that name a typed row class of ``files``: they change with its schema.

    A test that names an old table itself is left out: the engine planned it, and
    ``repository`` holds its text from before that plan, which an edit would revert.
    """
    owners: dict[str, str] = {}
    for path, text in files.items():
        if path.endswith(".scala") and "BigQueryType" in text:
            owners |= row_classes(campaign, Parsed(text, "scala"), None).owners
    return sorted(
        path
        for path, text in repository.items()
        if path not in files
        and path.endswith(".scala")
        and is_test_path(path)
        and any(refers_to(text, owner, name) for name, owner in owners.items())
        and table_pattern(campaign).search(text) is None
    )


def _guardrails(text: str) -> list[dict[str, object]]:
    return [
        {"line": number, "text": match.group(0)}
        for number, line in enumerate(text.splitlines(), start=1)
        if (match := _GUARDRAIL.search(line)) is not None
    ]


def revise_from_review(
    task: ReviewTask, settings: AgentSettings, client: anthropic.Anthropic | None = None
) -> AgentOutcome:
    """One revised change set for a review comment, and the reply to post on its thread."""
    comment = task.comment
    author = _login(comment.author)
    if not settings.enabled:
        return disabled_outcome(f"answering @{author}'s review comment")
    anchors = {comment.path: [comment.line] if comment.line else []}
    rules = scope_rules(task.campaign, anchors, settings.scope_window, only=task.files)
    framework = framework_of(comment.path, task.files)
    workspace = Workspace(task.campaign, task.files, rules, settings.secrets())
    thread = "\n\n".join(
        fence("comment", c.body, hidden=True, author=_login(c.author)) for c in comment.thread
    )
    file_text = task.files.get(comment.path)
    text = render(
        "agent/task_review.md.j2",
        author=author,
        path=plain(comment.path),
        line=comment.line,
        comment_fenced=fence("comment", comment.body, hidden=True, author=author),
        thread_fenced=thread,
        file_fenced=fence("file", file_text, path=comment.path)
        if file_text is not None
        else "(the file is not part of the pull request)",
        other_paths=[plain(p) for p in sorted(task.files) if p != comment.path],
    )
    result = _run(task.campaign, framework, text, workspace, settings, client)
    changes = workspace.accepted()
    summary = _public(result.summary, settings) or "No change was made."
    reply = render(
        "agent/reply_review.md.j2",
        author=author,
        changed_files=sorted(changes),
        summary=summary,
        rejected=workspace.rejected_out_of_scope,
    )
    message = render(
        "agent/commit_review.txt.j2",
        author=author,
        path=comment.path,
        line=comment.line,
        summary=summary,
        url=comment.url,
    )
    return _outcome(
        result, [workspace], settings, reply=reply, commit_message=message, changes=changes
    )


def fix_failing_checks(
    task: CheckTask, settings: AgentSettings, client: anthropic.Anthropic | None = None
) -> AgentOutcome:
    """One attempt at fixing failing checks; without a fix, a comment on what failed."""
    if not settings.enabled:
        return disabled_outcome("fixing the failing checks")
    anchors: dict[str, list[int]] = defaultdict(list)
    for check in task.checks:
        for annotation in check.annotations:
            anchors[annotation.path].append(annotation.line)
    named = [p for p in anchors if p in task.files] or sorted(task.files)
    rules = scope_rules(task.campaign, anchors, settings.scope_window, only=task.files)
    framework = framework_of(named[0], task.files) if named else Framework.BIGQUERY_SQL
    workspace = Workspace(task.campaign, task.files, rules, settings.secrets())
    checks = [
        fence("check_output", _check_text(check), hidden=True, name=check.name)
        for check in task.checks
    ]
    files = [fence("file", task.files[p], path=p) for p in named]
    text = render("agent/task_checks.md.j2", checks=checks, files=files)
    result = _run(task.campaign, framework, text, workspace, settings, client)
    changes = workspace.accepted()
    summary = _public(result.summary, settings)
    names = [check.name for check in task.checks]
    if changes:
        reply = summary
    else:
        reply = render(
            "agent/checks_comment.md.j2",
            checks=task.checks,
            summary=summary,
            stop_reason=result.stop_reason,
        )
    message = render("agent/commit_checks.txt.j2", checks=names, summary=summary)
    return _outcome(
        result, [workspace], settings, reply=reply, commit_message=message, changes=changes
    )


def _check_text(check: CheckFailure) -> str:
    lines = [check.summary]
    lines += [f"{a.path}:{a.line}: {a.message}" for a in check.annotations]
    return "\n".join(lines)
