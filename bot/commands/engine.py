"""``godwit plan`` / ``apply`` / ``diff``: run a campaign on checkouts on disk.

The commands read every repository first and only then plan or write, so an
invalid campaign or an unreadable repository stops everything with exit code 2
before a single file changes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import Progress

from bot.campaigns.residual import readiness, residual_of_plan
from bot.campaigns.usage import (
    MAX_EXPORT_BYTES,
    UsageEvidence,
    UsageExportError,
    jobs_reading,
    match_jobs,
    parse_jobs_export,
)
from bot.checkout import CheckoutError, read_checkout, write_changes
from bot.engine.plan import RepoPlan
from bot.engine.planner import plan_repository
from bot.engine.report import build_report, summarise
from bot.rendering import render
from bot.spec import Campaign, CampaignError, VerifyOptions, load_campaign_file
from bot.unified_diff import file_patch

if TYPE_CHECKING:
    from bot.agent import AgentSettings

EXIT_USAGE = 2
EXIT_CHANGES_PENDING = 1

CampaignArg = Annotated[
    Path, typer.Argument(metavar="CAMPAIGN", help="The campaign YAML file.", show_default=False)
]
ReposArg = Annotated[
    list[Path],
    typer.Argument(metavar="REPO...", help="Repository checkouts to scan.", show_default=False),
]
NoParityOpt = Annotated[
    bool,
    typer.Option(
        "--no-parity",
        help="Skip running each rewrite old against new on synthetic data (verify.parity).",
    ),
]


@dataclass(frozen=True)
class PlannedRepo:
    name: str
    root: Path
    plan: RepoPlan


def register(app: typer.Typer) -> None:
    app.command("plan")(plan_command)
    app.command("apply")(apply_command)
    app.command("diff")(diff_command)
    app.command("residual")(residual_command)


def plan_command(
    campaign_path: CampaignArg,
    repos: ReposArg,
    as_json: Annotated[
        bool, typer.Option("--json", help="Machine-readable output (docs/plan-json.md).")
    ] = False,
    no_parity: NoParityOpt = False,
) -> None:
    """Show, per repository and file, what the campaign would change and where it stops."""
    campaign, planned = _plan_all(campaign_path, repos, parity=not no_parity)
    agent = _agent_settings() if campaign.agent.migrate_guardrails else None
    report = build_report(campaign, [(p.name, p.plan) for p in planned], agent)
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        return
    typer.echo(render("cli/plan.txt.j2", report=report), nl=False)


def _agent_settings() -> AgentSettings:
    """The agent's model and cache TTL from the environment, loaded only when estimates are due."""
    from bot.settings import AgentModelSettings

    return AgentModelSettings().agent_settings()


def apply_command(
    campaign_path: CampaignArg,
    repos: ReposArg,
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Change nothing; exit 1 if changes would be made or a skipped file names an "
            "old table.",
        ),
    ] = False,
    no_parity: NoParityOpt = False,
) -> None:
    """Rewrite the repositories in place (only the files that change)."""
    campaign, planned = _plan_all(campaign_path, repos, parity=not no_parity)
    pending = [(p, f) for p in planned for f in p.plan.files if f.changed]
    # A skipped file naming an old table still reads it: the repository is not up to date.
    skipped = [(p.name, s.path, s.describe()) for p in planned for s in p.plan.skipped]
    if not check:
        for repo in planned:
            write_changes(repo.root, repo.plan.written_changes)
    typer.echo(
        render(
            "cli/apply.txt.j2",
            campaign=campaign,
            check=check,
            # A file that only gains guardrail comments still reads the old table: say so.
            rewritten=[f"{repo.name}/{f.path}" for repo, f in pending if not f.guardrail_only],
            guarded=[f"{repo.name}/{f.path}" for repo, f in pending if f.guardrail_only],
            skipped=skipped,
            summaries=[(p.name, summarise(p.plan)) for p in planned],
        ),
        nl=False,
    )
    if check and (pending or skipped):
        raise typer.Exit(EXIT_CHANGES_PENDING)


def diff_command(
    campaign_path: CampaignArg, repos: ReposArg, no_parity: NoParityOpt = False
) -> None:
    """Print the changes as a unified diff, changing nothing.

    Each repository's part applies with ``git apply`` inside that repository;
    a comment line names it (``git apply`` skips text between patches).
    """
    _, planned = _plan_all(campaign_path, repos, parity=not no_parity)
    for repo in planned:
        patches = [
            file_patch(file.path, file.original, file.new_text)
            for file in repo.plan.files
            if file.new_text is not None
        ]
        if not any(patches):
            continue
        sys.stdout.write(render("cli/diff_repository.txt.j2", name=repo.name, root=repo.root))
        sys.stdout.writelines(patches)


def residual_command(
    campaign_path: CampaignArg,
    repos: ReposArg,
    as_json: Annotated[
        bool, typer.Option("--json", help="Machine-readable output: one object per reference.")
    ] = False,
    jobs_export: Annotated[
        Path | None,
        typer.Option(
            "--jobs-export",
            metavar="FILE",
            help="INFORMATION_SCHEMA.JOBS rows as `bq query --format=json` writes them: jobs "
            "that read an old table and match no code found here count as residual "
            "(overrides the campaign's usage.jobs_export).",
        ),
    ] = None,
) -> None:
    """List what still reads the campaign's old tables; exit 1 while anything does.

    Run it on the default branches after the PRs merged: a guardrail merged
    unresolved or code added since still reads the old table, and the table is
    safe to retire only when this exits 0.
    """
    campaign, planned = _plan_all(campaign_path, repos)
    residuals = [r for p in planned for r in residual_of_plan(p.name, p.plan)]
    export = jobs_export or _campaign_export(campaign, campaign_path)
    evidence = None if export is None else _usage(campaign, planned, export)
    if evidence is not None:
        residuals += evidence.residuals([t.old for t in campaign.tables])
    verdict = readiness(residuals)
    if as_json:
        document: dict[str, object] = {
            "safe_to_retire": verdict.safe_to_retire,
            "residual_references": [r.to_json() for r in verdict.open],
        }
        if evidence is not None:
            document["jobs_matched"] = [
                {"job_id": m.job.job_id, "repo": m.repo, "path": m.path} for m in evidence.matched
            ]
        typer.echo(json.dumps(document, indent=2))
    else:
        typer.echo(
            render(
                "cli/residual.txt.j2",
                verdict=verdict,
                repos=[p.name for p in planned],
                evidence=evidence,
            ),
            nl=False,
        )
    if not verdict.safe_to_retire:
        raise typer.Exit(EXIT_CHANGES_PENDING)


def _campaign_export(campaign: Campaign, campaign_path: Path) -> Path | None:
    """``usage.jobs_export`` as a file next to the campaign, where its author wrote it from."""
    if campaign.usage is None:
        return None
    written = campaign.usage.jobs_export
    if "://" in written:
        typer.echo(
            f"godwit: {campaign_path}: usage.jobs_export is a link ({written}); the CLI reads "
            "a file on disk: download it and pass --jobs-export FILE",
            err=True,
        )
        raise typer.Exit(EXIT_USAGE)
    return campaign_path.parent / written


def _usage(campaign: Campaign, planned: Sequence[PlannedRepo], export: Path) -> UsageEvidence:
    """The export's jobs that read an old table, matched against the consumers found."""
    try:
        if export.stat().st_size > MAX_EXPORT_BYTES:  # refused before it is read
            raise UsageExportError(f"the export is larger than {MAX_EXPORT_BYTES // 2**20} MB")
        jobs = jobs_reading(parse_jobs_export(export.read_text(encoding="utf-8")), campaign)
    except (OSError, UnicodeDecodeError, UsageExportError) as error:
        typer.echo(f"godwit: {export}: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from error
    sources = {p.name: {f.path: f.original for f in p.plan.files if f.references} for p in planned}
    return match_jobs(jobs, sources)


def _plan_all(
    campaign_path: Path, roots: Sequence[Path], *, parity: bool = True
) -> tuple[Campaign, list[PlannedRepo]]:
    """Load everything up front; any error exits 2 before anything is written.

    ``parity=False`` (``--no-parity``) turns the check off as ``verify: {parity: false}`` would.
    """
    try:
        campaign = load_campaign_file(campaign_path)
        if not parity:
            campaign = campaign.model_copy(update={"verify": VerifyOptions(parity=False)})
        snapshots = [(root, read_checkout(root)) for root in roots]
    except (CampaignError, CheckoutError) as error:
        typer.echo(f"godwit: {error}", err=True)
        raise typer.Exit(EXIT_USAGE) from error
    except OSError as error:
        typer.echo(f"godwit: {error.filename}: {error.strerror}", err=True)
        raise typer.Exit(EXIT_USAGE) from error
    planned: list[PlannedRepo] = []
    with _progress(len(snapshots)) as advance:
        for root, snapshot in snapshots:
            planned.append(PlannedRepo(_repo_name(root), root, plan_repository(campaign, snapshot)))
            advance()
    return campaign, planned


def _repo_name(root: Path) -> str:
    return root.resolve().name or str(root)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[], None]]:
    """A progress bar on an interactive terminal when several repositories are scanned."""
    if total < 2 or not sys.stderr.isatty():
        yield lambda: None
        return
    with Progress(transient=True) as progress:
        task = progress.add_task("Scanning repositories", total=total)
        yield lambda: progress.advance(task)
