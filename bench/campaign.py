"""Campaign benchmark: 30 or 240 repositories, GitHub's secondary limits enforced, every PR opened.

Seeds a sandboxed organisation with small consumer repositories (the engine
benchmark's generators), each with a CODEOWNERS file naming collaborators, so
every PR asks for reviews as in a real fleet. Runs Godwit against it with the
sandbox enforcing GitHub's secondary limits on a scaled clock (``--time-scale
30``: a real second counts as half a minute, for the sandbox and for Godwit's
pacing alike), opens the campaign issue, comments ``/migrate start`` and waits
for every pull request.

Godwit paces as in production: a short wait is slept out in the worker, a wait
longer than the production limit (90 s) sends the job back to the queue, to
run again when the budget has room.

The scale multiplies Godwit's own processing time too: at 30 the hourly budget
sets the pace of a large campaign; much higher, Godwit's real work per PR
outlasts a scaled budget slot and the time ratio measures the machine rather
than the pacing. A small campaign (up to 60 repositories) is paced by the 1 s
spacing alone, where every real millisecond a request takes would count thirty
times, so it runs in real time unless ``--time-scale`` says otherwise.

Prints API requests per opened PR (content reads included), secondary-limit
violations, and the ratio of the time to open all PRs to the least time the
limits allow for the content-creating requests Godwit sent. The last line is
one JSON object.

    uv run python bench/campaign.py [--repos 30|240] [--time-scale S]
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fleet import Fleet, bigquery_repo, consumer_query, dbt_repo, scio_repo

from bot.commands.server import SERVE_SWITCH_INTERVAL
from bot.demo.outcome import CampaignPull, campaign_pulls, duplicate_pulls
from bot.demo.stack import running_stack
from bot.demo.world import (
    CAMPAIGN_LABEL,
    HOST_REPO,
    LEAD,
    ORG,
    campaign_issue_body,
    campaign_issue_title,
    examples_dir,
)
from bot.github.metrics import endpoint_template
from bot.github.pacing import (
    GITHUB_CONTENT_BUDGET,
    ContentBudget,
    Pacer,
    turn_in_thread,
    use_pacer_factory,
)
from bot.github.retry import RescheduleJob
from bot.rendering import templates_dir
from bot.sandbox import LimitConfig, Sandbox
from bot.sandbox.limits import MUTATING_METHODS, RequestRecord
from bot.spec import load_campaign

FILES_PER_REPO = 6
CONSUMER_SHARE = 0.5
CODEOWNERS_PATH = ".github/CODEOWNERS"
OWNERS = tuple(f"owner-{index:02d}" for index in range(12))
"""Collaborators the CODEOWNERS files name; each repository names two of them."""
TARGET_REQUESTS_PER_PR = 8.0
TARGET_TIME_RATIO = 1.2
LIMIT_STATUSES = frozenset({403, 429})
SCALED = 30.0
REAL_TIME_UP_TO = 60
"""Up to this many repositories only the 1 s spacing binds: the run takes minutes in real time."""


def consumer_fleet(repos: int, seed: int) -> Fleet:
    """``repos`` small repositories, each with at least one consumer of the old table."""
    rng = random.Random(seed)
    fleet = Fleet()
    builders = [bigquery_repo] * 5 + [dbt_repo] * 3 + [scio_repo] * 2
    for index in range(repos):
        name = f"consumer-{index:03d}"
        builders[index % len(builders)](rng, fleet, name, FILES_PER_REPO, CONSUMER_SHARE)
        if not any(repo == name for repo, _ in fleet.consumers):
            path = "jobs/extra/query.sql"
            fleet.repos[name][path] = consumer_query(rng, "`legacy-proj.music.plays_v1`")
            fleet.consumers.add((name, path))
        fleet.repos[name][CODEOWNERS_PATH] = codeowners(rng)
    return fleet


def codeowners(rng: random.Random) -> str:
    """A CODEOWNERS file: a default owner, and another for the SQL jobs."""
    default, jobs = rng.sample(OWNERS, 2)
    return f"# Reviews for this repository\n* @{default}\n/jobs/ @{jobs}\n"


class ScaledPacer:
    """The production ``Pacer`` (same rules, same 90 s blocking limit) on the scaled clock.

    Its waits are in scaled seconds; the queue that re-runs a job counts real
    ones, so a ``RescheduleJob`` leaves here with its wait converted to real
    seconds. Nothing else differs from production: a wait over the limit sends
    the job back to the queue instead of blocking the worker.
    """

    def __init__(
        self,
        interval: float,
        time_scale: float,
        *,
        budget: ContentBudget = GITHUB_CONTENT_BUDGET,
        real_clock: Callable[[], float] = time.monotonic,
        real_sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._scale = time_scale
        self._inner = Pacer(
            interval,
            budget=budget,
            clock=lambda: real_clock() * time_scale,
            sleep=lambda seconds: real_sleep(seconds / time_scale),
        )
        self._lock = threading.Lock()
        self.reschedules = 0

    @contextmanager
    def mutation(self, *, content: bool) -> Iterator[None]:
        turn = self._inner.mutation(content=content)
        try:
            turn.__enter__()
        except RescheduleJob as pause:
            self._rescheduled(pause)
        try:
            yield
        except BaseException as error:
            if not turn.__exit__(type(error), error, error.__traceback__):
                raise
        else:
            turn.__exit__(None, None, None)

    def async_mutation(self, *, content: bool) -> AbstractAsyncContextManager[None]:
        return turn_in_thread(self.mutation(content=content))

    def check_room(self, content: int) -> None:
        try:
            self._inner.check_room(content)
        except RescheduleJob as pause:
            self._rescheduled(pause)

    def _rescheduled(self, pause: RescheduleJob) -> NoReturn:
        with self._lock:
            self.reschedules += 1
        raise RescheduleJob(pause.after_seconds / self._scale, pause.reason) from None


def scaled_pacers(time_scale: float) -> list[ScaledPacer]:
    """Godwit's production pacing on the sandbox's scaled clock; returns the pacers built."""
    built: list[ScaledPacer] = []

    def build(scope: str, interval: float) -> ScaledPacer:
        pacer = ScaledPacer(interval, time_scale)
        built.append(pacer)
        return pacer

    use_pacer_factory(build)
    return built


def earliest_finish(history: Iterable[float], count: int, limits: LimitConfig) -> float:
    """The least scaled time from 0 to the last of ``count`` content-creating requests.

    ``history`` holds the scaled times (before 0) of earlier ones, which still use
    up the minute and hour windows. Each request goes at the first moment that is
    a spacing after the previous one and inside both budgets.
    """
    sent: deque[float] = deque(sorted(history))
    moment = 0.0
    for _ in range(count):
        candidates = [
            moment if not sent else max(moment, sent[-1] + limits.min_mutation_interval_s)
        ]
        if len(sent) >= limits.content_per_minute:
            candidates.append(sent[-limits.content_per_minute] + 60.0)
        if len(sent) >= limits.content_per_hour:
            candidates.append(sent[-limits.content_per_hour] + 3600.0)
        moment = max(candidates)
        sent.append(moment)
    return moment


def is_content(record: RequestRecord) -> bool:
    return record.method in MUTATING_METHODS and record.status not in LIMIT_STATUSES


def is_pull_creation(record: RequestRecord) -> bool:
    return (
        record.method == "POST" and endpoint_template(record.path) == "/repos/{owner}/{repo}/pulls"
    )


def is_opened_pull(record: RequestRecord) -> bool:
    return is_pull_creation(record) and record.status == 201


def is_reviewer_request(record: RequestRecord) -> bool:
    return (
        record.method == "POST"
        and endpoint_template(record.path) == "/repos/{owner}/{repo}/pulls/{id}/requested_reviewers"
        and record.status < 300
    )


@dataclass(frozen=True)
class Run:
    """What the sandbox saw: every request, the campaign's PRs and the limit counters."""

    records: list[RequestRecord]
    pulls: list[CampaignPull]
    opened: float
    started: float
    """When ``/migrate start`` was commented, right after the plan settled."""
    violations: Counter[str]
    close_mutations: int


def seed(fleet: Fleet) -> tuple[Sandbox, str]:
    """The organisation with one repository per fleet entry, the host and the lead."""
    sandbox = Sandbox()
    sandbox.create_org(ORG)
    for owner in OWNERS:
        sandbox.create_user(owner)
    for name, files in fleet.repos.items():
        full_name = sandbox.create_repo(ORG, name, files).full_name
        for owner in OWNERS:
            sandbox.set_permission(full_name, owner, "write")
    host = sandbox.create_repo(ORG, HOST_REPO, {"README.md": "# data-platform\n"}).full_name
    sandbox.create_user(LEAD)
    sandbox.set_permission(host, LEAD, "write")
    return sandbox, host


def wait_for_pulls(sandbox: Sandbox, expected: int, deadline: float) -> None:
    """Until ``expected`` PRs exist: settling does not wait for a job paced an hour ahead."""
    while sum(1 for r in sandbox.requests.records() if is_opened_pull(r)) < expected:
        if time.time() > deadline:
            raise SystemExit(f"fewer than {expected} pull requests by the deadline")
        time.sleep(1.0)


def run_campaign(
    sandbox: Sandbox,
    host: str,
    campaign_yaml: str,
    limits: LimitConfig,
    timeout: float,
    expected: int,
) -> Run:
    """Open the campaign issue, wait for the plan, ``/migrate start``, wait for every PR."""
    form = templates_dir() / "issue-form" / "godwit-campaign.yml"
    campaign = load_campaign(campaign_yaml)
    with (
        tempfile.TemporaryDirectory(prefix="godwit-bench-") as workdir,
        running_stack(
            sandbox,
            ORG,
            Path(workdir),
            mutation_interval=limits.min_mutation_interval_s,
            limits=limits,
        ) as stack,
    ):
        stack.settling.wait(60, what="the installation")
        title = campaign_issue_title(form, campaign.title)
        opened = time.time()
        issue = sandbox.open_issue(
            host, LEAD, title, campaign_issue_body(form, campaign_yaml), [CAMPAIGN_LABEL]
        )
        stack.settling.wait(timeout, what="the plan")
        started = time.time()
        sandbox.comment(host, issue, LEAD, "/migrate start")
        wait_for_pulls(sandbox, expected, started + timeout)
        stack.settling.wait(timeout, what="every pull request")
        return Run(
            records=sandbox.requests.records(),
            pulls=campaign_pulls(sandbox, campaign),
            opened=opened,
            started=started,
            violations=Counter(sandbox.limits.counters.violations),
            close_mutations=sandbox.limits.counters.close_mutations,
        )


def report(run: Run, repos: int, limits: LimitConfig, reschedules: int) -> dict[str, object]:
    """Print the measurements with the endpoints behind them; return the summary object."""
    scale = limits.time_scale
    created = [r.timestamp for r in run.records if is_opened_pull(r)]
    finished = max(created, default=run.started)
    window = [r for r in run.records if run.started <= r.timestamp <= finished and is_content(r)]
    history = [
        (r.timestamp - run.started) * scale
        for r in run.records
        if r.timestamp < run.started and is_content(r)
    ]
    minimum = earliest_finish(history, len(window), limits)
    elapsed = (finished - run.started) * scale
    requests = [r for r in run.records if r.timestamp >= run.opened]
    prs = len(run.pulls)
    per_pr = len(requests) / prs if prs else float(len(requests))
    ratio = elapsed / minimum if minimum else float("inf")
    violations = sum(run.violations.values())
    print(f"repositories: {repos} consumers + 1 host; pull requests opened: {prs}")
    print(
        f"plan took {run.started - run.opened:.1f} s real; opening PRs took "
        f"{finished - run.started:.1f} s real = {elapsed:.0f} s scaled (x{scale:g})"
    )
    print(
        f"content-creating requests while opening PRs: {len(window)}; least time the limits "
        f"allow: {minimum:.0f} s scaled"
    )
    print(
        f"API requests: {len(requests)} = {per_pr:.2f} per PR "
        f"(target <= {TARGET_REQUESTS_PER_PR:g})"
    )
    by_endpoint = Counter((r.method, endpoint_template(r.path)) for r in requests)
    for (method, endpoint), count in by_endpoint.most_common():
        print(f"  {count:6d} {count / max(prs, 1):6.2f}/PR  {method:6s} {endpoint}")
    print(
        f"secondary-limit violations: {violations} {dict(run.violations)}; "
        f"mutations closer than {limits.min_mutation_interval_s:g} s: {run.close_mutations}"
    )
    calls = sum(1 for r in requests if is_reviewer_request(r))
    reviewed = sum(1 for pull in run.pulls if pull.reviewers)
    asked = sum(len(pull.reviewers) for pull in run.pulls)
    print(
        f"reviewers requested: {asked} on {reviewed} of {prs} PRs ({calls} by Godwit's own "
        f"requests, the rest by GitHub for CODEOWNERS); jobs sent back to the queue: "
        f"{reschedules}"
    )
    print(f"time ratio to the limits' minimum: {ratio:.2f} (target <= {TARGET_TIME_RATIO:g})")
    return {
        "repos": repos,
        "prs_opened": prs,
        "duplicate_prs": duplicate_pulls(run.pulls),
        "requests_per_pr": round(per_pr, 2),
        "secondary_limit_violations": violations,
        "close_mutations": run.close_mutations,
        "content_requests": len(window),
        "open_seconds_scaled": round(elapsed, 1),
        "limit_minimum_seconds_scaled": round(minimum, 1),
        "time_ratio_to_limit_minimum": round(ratio, 3),
        "time_scale": scale,
        "reviewer_requests": asked,
        "reviewer_request_calls": calls,
        "prs_with_reviewers": reviewed,
        "pacer": "production",
        "paced_reschedules": reschedules,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=240, help="30 and 240 are measured.")
    parser.add_argument(
        "--time-scale",
        type=float,
        help=f"Default: real time (1) up to {REAL_TIME_UP_TO} repositories, {SCALED:g} above.",
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--timeout", type=float, default=1800.0, help="Real seconds to wait.")
    args = parser.parse_args()

    if args.repos < 1:
        parser.error("--repos must be at least 1")
    if args.time_scale is None:
        args.time_scale = 1.0 if args.repos <= REAL_TIME_UP_TO else SCALED
    if args.time_scale <= 0:
        parser.error("--time-scale must be positive")
    sandbox, host = seed(consumer_fleet(args.repos, args.seed))
    campaign_yaml = (examples_dir() / "campaign.yml").read_text(encoding="utf-8")
    limits = LimitConfig(enabled=True, time_scale=args.time_scale)
    pacers = scaled_pacers(args.time_scale)
    # Intake and workers share this process as in ``godwit serve``, which hands the GIL
    # back as often; the scaled clock magnifies every real millisecond a turn waits for it.
    sys.setswitchinterval(SERVE_SWITCH_INTERVAL)
    run = run_campaign(sandbox, host, campaign_yaml, limits, args.timeout, args.repos)
    reschedules = sum(pacer.reschedules for pacer in pacers)
    print(json.dumps(report(run, args.repos, limits, reschedules)))


if __name__ == "__main__":
    main()
