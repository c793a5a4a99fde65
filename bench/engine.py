"""Engine benchmark: plan and apply a synthetic fleet, against a bare sqlglot floor.

Prints files/s for ``plan`` (read + plan) and ``apply`` (read + plan + write),
the share of non-consumer files the prefilter rules out unparsed, and the ratio
of Godwit's time per candidate file to a bare ``sqlglot.parse`` + ``generate`` of
the same queries, measured in the same run. The last line is one JSON object.

    uv run python bench/engine.py [--repos 300] [--files-per-repo 20] [--share 0.1]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import sqlglot

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fleet import CAMPAIGN_YAML, Fleet, generate

from bot.campaign import load_campaign
from bot.checkout import read_checkout, write_changes
from bot.engine.dbt import clear_caches
from bot.engine.planner import plan_repository


def write_fleet(fleet: Fleet, root: Path) -> None:
    for repo, files in fleet.repos.items():
        for path, text in files.items():
            target = root / repo / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def parse_floor(queries: list[str]) -> float:
    """Seconds for a bare parse + generate of every query: the least any engine must do."""
    start = time.perf_counter()
    for sql in queries:
        for statement in sqlglot.parse(sql, read="bigquery"):
            if statement is not None:
                statement.sql(dialect="bigquery")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=300)
    parser.add_argument("--files-per-repo", type=int, default=20)
    parser.add_argument("--share", type=float, default=0.1)
    parser.add_argument("--rounds", type=int, default=3, help="best of N for the timed loops")
    args = parser.parse_args()

    campaign = load_campaign(CAMPAIGN_YAML)
    fleet = generate(args.repos, args.files_per_repo, args.share)
    workdir = Path(tempfile.mkdtemp(prefix="godwit-bench-"))
    try:
        write_fleet(fleet, workdir)
        roots = sorted(workdir.iterdir())

        plan_seconds = float("inf")
        for _ in range(args.rounds):
            clear_caches()
            start = time.perf_counter()
            plans = {root.name: plan_repository(campaign, read_checkout(root)) for root in roots}
            plan_seconds = min(plan_seconds, time.perf_counter() - start)

        clear_caches()
        start = time.perf_counter()
        for root in roots:
            write_changes(root, plan_repository(campaign, read_checkout(root)).changes)
        apply_seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(workdir)

    candidates = {(repo, f.path) for repo, plan in plans.items() for f in plan.files}
    scanned = sum(plan.scanned for plan in plans.values())
    skipped = sum(plan.skipped_by_prefilter for plan in plans.values())
    non_consumers = scanned - len(fleet.consumers)
    missed = sorted(fleet.consumers - candidates)
    changed = sum(len(plan.changes) for plan in plans.values())

    # Per-candidate cost: the engine on candidate files only, against parsing the same queries.
    candidate_snapshots = {
        repo: {
            path: text
            for path, text in files.items()
            if (repo, path) in candidates or path.endswith(("dbt_project.yml", "_sources.yml"))
        }
        for repo, files in fleet.repos.items()
    }
    # Interleaved best-of rounds, so both sides see the same machine load.
    queries = list(fleet.consumer_sql.values())
    engine_seconds = floor_seconds = float("inf")
    for _ in range(args.rounds + 2):
        floor_seconds = min(floor_seconds, parse_floor(queries))
        clear_caches()
        start = time.perf_counter()
        for snapshot in candidate_snapshots.values():
            plan_repository(campaign, snapshot)
        engine_seconds = min(engine_seconds, time.perf_counter() - start)
    ratio = (engine_seconds / len(candidates)) / (floor_seconds / len(fleet.consumer_sql))

    result = {
        "repos": len(fleet.repos),
        "files": fleet.files,
        "framework_files": scanned,
        "consumers": len(fleet.consumers),
        "candidates": len(candidates),
        "consumers_missed_by_prefilter": len(missed),
        "files_changed": changed,
        "prefilter_skip_share": round(skipped / non_consumers, 4) if non_consumers else 1.0,
        "plan_seconds": round(plan_seconds, 3),
        "plan_files_per_s": round(fleet.files / plan_seconds, 1),
        "apply_seconds": round(apply_seconds, 3),
        "apply_files_per_s": round(fleet.files / apply_seconds, 1),
        "engine_ms_per_candidate": round(1000 * engine_seconds / len(candidates), 3),
        "floor_ms_per_query": round(1000 * floor_seconds / len(fleet.consumer_sql), 3),
        "ratio_to_parse_floor": round(ratio, 3),
    }
    print(
        f"fleet: {result['repos']} repos, {result['files']} files, "
        f"{result['consumers']} consumers ({result['consumers'] / result['files']:.1%})"
    )
    print(
        f"prefilter: ruled out {skipped} of {non_consumers} non-consumers "
        f"({result['prefilter_skip_share']:.2%}); consumers missed: {len(missed)}"
    )
    print(f"plan:  {result['plan_seconds']} s, {result['plan_files_per_s']} files/s")
    print(
        f"apply: {result['apply_seconds']} s, {result['apply_files_per_s']} files/s "
        f"({changed} files changed)"
    )
    print(
        f"per candidate: engine {result['engine_ms_per_candidate']} ms, "
        f"parse+generate floor {result['floor_ms_per_query']} ms, "
        f"ratio {result['ratio_to_parse_floor']} (target <= 1.5)"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
