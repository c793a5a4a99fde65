"""Check suites completed by a CI system, with their check runs and annotations."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.sandbox.errors import unprocessable
from bot.sandbox.state import Annotation, App, CheckRun, CheckSuite, Repo, now
from bot.sandbox.world import World


@dataclass(frozen=True)
class RunResult:
    """One finished check run as a CI system reports it."""

    name: str
    conclusion: str
    summary: str = ""
    annotations: list[Annotation] = field(default_factory=list)


def complete_check_suite(
    world: World,
    repo: Repo,
    ci_app: App,
    sha: str,
    conclusion: str,
    runs: list[RunResult],
) -> CheckSuite:
    """Record a completed suite for ``sha`` and send ``check_run`` and ``check_suite`` events."""
    with world.state.lock:
        if not repo.objects.has_commit(sha):
            raise unprocessable(f"No commit found for SHA: {sha}")
        moment = now()
        branch = next(
            (ref.removeprefix("refs/heads/") for ref, tip in repo.refs.items() if tip == sha),
            None,
        )
        suite = CheckSuite(
            id=world.state.next_id(),
            head_sha=sha,
            head_branch=branch,
            status="completed",
            conclusion=conclusion,
            app=ci_app,
            runs=[],
            created_at=moment,
            updated_at=moment,
        )
        for result in runs:
            run = CheckRun(
                id=world.state.next_id(),
                suite_id=suite.id,
                name=result.name,
                head_sha=sha,
                status="completed",
                conclusion=result.conclusion,
                title=result.name,
                summary=result.summary,
                annotations=list(result.annotations),
                started_at=moment,
                completed_at=moment,
            )
            suite.runs.append(run)
            world.state.check_runs[run.id] = (repo, run)
        repo.check_suites.append(suite)
        sender = ci_app.bot
        for run in suite.runs:
            payload = {
                "action": "completed",
                "check_run": world.shapes.check_run(repo, run, suite),
            }
            world.emit("check_run", payload, repo, sender)
        suite_payload = {
            "action": "completed",
            "check_suite": world.shapes.check_suite(repo, suite),
        }
        world.emit("check_suite", suite_payload, repo, sender)
        return suite
