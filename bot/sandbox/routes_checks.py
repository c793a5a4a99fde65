"""Read-only check suites, check runs and annotations, as a CI system left them."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from bot.sandbox.deps import LockedRoute, PagingDep, RepoDep, SandboxDep, ok
from bot.sandbox.errors import not_found
from bot.sandbox.people import Sandbox
from bot.sandbox.state import CheckRun, Repo

router = APIRouter(route_class=LockedRoute)


def _check_run(sandbox: Sandbox, repo: Repo, run_id: int) -> CheckRun:
    """A check run of this repository; another repository's run is 404, as if it did not exist."""
    found = sandbox.state.check_runs.get(run_id)
    if found is None or found[0] is not repo:
        raise not_found()
    return found[1]


@router.get("/repos/{owner}/{repo}/commits/{ref:path}/check-suites")
def list_suites(ref: str, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    sha = repo.resolve(ref)
    suites = [suite for suite in repo.check_suites if suite.head_sha == sha]
    body = {
        "total_count": len(suites),
        "check_suites": [sandbox.shapes.check_suite(repo, suite) for suite in suites],
    }
    return ok(body)


@router.get("/repos/{owner}/{repo}/commits/{ref:path}/check-runs")
def list_runs(ref: str, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    sha = repo.resolve(ref)
    runs = [
        sandbox.shapes.check_run(repo, run, suite)
        for suite in repo.check_suites
        if suite.head_sha == sha
        for run in suite.runs
    ]
    return ok({"total_count": len(runs), "check_runs": runs})


@router.get("/repos/{owner}/{repo}/check-runs/{run_id}")
def get_run(run_id: int, repo: RepoDep, sandbox: SandboxDep) -> JSONResponse:
    run = _check_run(sandbox, repo, run_id)
    suite = next(suite for suite in repo.check_suites if suite.id == run.suite_id)
    return ok(sandbox.shapes.check_run(repo, run, suite))


@router.get("/repos/{owner}/{repo}/check-runs/{run_id}/annotations")
def list_annotations(
    run_id: int, repo: RepoDep, sandbox: SandboxDep, paging: PagingDep
) -> JSONResponse:
    return paging.respond(sandbox.shapes.annotations(repo, _check_run(sandbox, repo, run_id)))
