"""Read-only check suites, check runs and annotations, as a CI system left them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.sandbox.deps import LockedRoute, RepoDep, SandboxDep, listing, ok
from bot.sandbox.errors import not_found

router = APIRouter(route_class=LockedRoute)


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
    found = sandbox.state.check_runs.get(run_id)
    if found is None or found[0] is not repo:
        raise not_found()
    run = found[1]
    suite = next(suite for suite in repo.check_suites if suite.id == run.suite_id)
    return ok(sandbox.shapes.check_run(repo, run, suite))


@router.get("/repos/{owner}/{repo}/check-runs/{run_id}/annotations")
def list_annotations(
    run_id: int,
    request: Request,
    repo: RepoDep,
    sandbox: SandboxDep,
    per_page: int = 30,
    page: int = 1,
) -> JSONResponse:
    found = sandbox.state.check_runs.get(run_id)
    if found is None or found[0] is not repo:
        raise not_found()
    return listing(request, sandbox.shapes.annotations(repo, found[1]), per_page, page)
