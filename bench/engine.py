"""Engine benchmark: plan and apply a synthetic fleet, against parse floors on the same files.

What it measures, in one run on one fleet (``bench/fleet.py``, labelled):

- ``plan`` (read + plan every repository) and ``apply`` (read + plan + write);
- the prefilter: the share of non-consumer files of a known framework it rules
  out unparsed, and the consumers it (or anything after it) misses: a consumer
  counts as found only when its file is planned with a change or a guardrail;
- near misses (the old name in comments, strings, longer names, other datasets)
  the engine wrongly plans with a reference, a change or a guardrail, and
  changes to files no label asks for;
- the engine's cost per candidate against two floors on **identical file sets**.
  The set is exactly the files the full plan lists (every file that passed the
  prefilter). The engine plans those files alone (with each dbt project's
  ``dbt_project.yml``, which it reads as context and never plans); the floors do,
  for the same files, the least a splicing engine must do:

  * *parse-only*: parse each SQL statement the file carries once with sqlglot
    (the BigQuery dialect), and parse each sources YAML once with libyaml. The
    statements are those the generator wrote, as the engine reads them: a dbt
    model with its ``source()`` rendered, a Scala or Java query with its margin
    and quoting removed. Each Scala and Java file is also parsed once with its
    tree-sitter grammar, as a splicing engine must to find the statements (and
    literals) in its host file at all. Finding the statements otherwise costs
    the floor nothing (no Jinja, no query over the Scala or Java tree), and a
    Scala or Java file without SQL (typed reads, table constants,
    ``TableReference`` builders) costs it that one tree-sitter parse, so the
    floor is below what any engine can do on these files;
  * *parse+generate*: the same, and each parsed statement generated back to SQL;
  * *parse+verify* (reported, not a target): the parse-only floor, and one more
    sqlglot parse of each rewritten statement the engine verifies (the
    contract's re-parse; the texts are recorded on an untimed plan). The
    engine cannot go below it without skipping that check, so the distance
    between it and the engine is what planning itself costs;
  * *parse+verify+scope* (reported, not a target): the parse+verify floor, and
    sqlglot's scope analysis (``build_scope``, every scope traversed) of each
    parsed statement once: what the contract's column rules must know (which
    table of which query owns a column) before any rule runs. What the engine
    spends beyond it is its own code: Jinja, the column and star rules, the
    sources YAML, Scala/Java resolution, guardrail placement.

  Subject and floors run in the same rounds, their order alternating round by
  round; each figure is a median over the rounds with its spread (min-max), and
  each ratio's spread is that of the per-round ratios.

The last line is one JSON object.

    uv run python bench/engine.py [--repos 300] [--files-per-repo 20] [--share 0.1]
        [--near-miss 0.01] [--rounds 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlglot
import yaml
from sqlglot.optimizer.scope import build_scope
from tree_sitter import Parser

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fleet import CAMPAIGN_YAML, DEFAULT_NEAR_MISS, Fleet, generate

from bot.checkout import read_checkout, write_changes
from bot.engine.dbt import clear_caches
from bot.engine.model import Action
from bot.engine.plan import FilePlan, RepoPlan
from bot.engine.planner import plan_repository
from bot.engine.sql import rewrite as rewrite_module
from bot.engine.syntax import language
from bot.spec import Campaign, load_campaign

TARGET_PARSE_ONLY = 2.5
TARGET_SKIP_SHARE = 0.99
TARGET_PLAN_SECONDS = 30.0
CONTEXT_FILES = ("dbt_project.yml",)
"""Files the engine reads to plan others but never plans itself."""
HOST_GRAMMARS = {".scala": "scala", ".java": "java"}
"""Host files the floor parses whole (tree-sitter), by suffix: the engine's grammars."""

FileKey = tuple[str, str]


def write_fleet(fleet: Fleet, root: Path) -> None:
    for repo, files in fleet.repos.items():
        for path, text in files.items():
            target = root / repo / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


@dataclass
class FloorWork:
    """What the floors parse: exactly the candidate files' statements, YAML and host files."""

    statements: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    hosts: list[tuple[str, str]] = field(default_factory=list)  # (grammar, file text)
    verified: list[str] = field(default_factory=list)  # rewritten statements, parse+verify only


def floor_work(fleet: Fleet, candidates: set[FileKey]) -> FloorWork:
    """The SQL statements, YAML documents and Scala/Java files of exactly the candidate files."""
    work = FloorWork()
    for repo, path in sorted(candidates):
        text = fleet.repos[repo][path]
        if path.endswith((".yml", ".yaml")):
            work.documents.append(text)
            continue
        work.statements.extend(fleet.sql.get((repo, path), []))
        grammar = next((g for suffix, g in HOST_GRAMMARS.items() if path.endswith(suffix)), None)
        if grammar is not None:
            work.hosts.append((grammar, text))
    return work


def parse_floor(
    work: FloorWork, generate_sql: bool, verify: bool = False, scope: bool = False
) -> float:
    """Seconds to parse (and, with ``generate_sql``, regenerate) every statement, document and host.

    With ``verify``, each rewritten statement the engine verifies is parsed once more;
    with ``scope``, each parsed statement's query scopes are built and traversed.

    The tree-sitter parsers are built before the clock starts, as the engine's are
    built once per process.
    """
    parsers = {grammar: Parser(language(grammar)) for grammar in set(HOST_GRAMMARS.values())}
    start = time.perf_counter()
    for sql in work.statements:
        for statement in sqlglot.parse(sql, read="bigquery"):
            if generate_sql and statement is not None:
                statement.sql(dialect="bigquery")
            if scope and statement is not None:
                root = build_scope(statement)
                if root is not None:
                    for _ in root.traverse():
                        pass
    for document in work.documents:
        yaml.load(document, Loader=yaml.CSafeLoader)
    for grammar, text in work.hosts:
        parsers[grammar].parse(text.encode("utf-8", "surrogatepass"))
    for sql in work.verified if verify else ():
        sqlglot.parse(sql, read="bigquery")
    return time.perf_counter() - start


def plan_snapshots(campaign: Campaign, snapshots: Mapping[str, Mapping[str, str]]) -> float:
    clear_caches()
    start = time.perf_counter()
    for snapshot in snapshots.values():
        plan_repository(campaign, snapshot)
    return time.perf_counter() - start


def verified_statements(
    campaign: Campaign, snapshots: Mapping[str, Mapping[str, str]]
) -> list[str]:
    """The rewritten statements the engine re-parses to verify them, on one untimed plan."""
    recorded: list[str] = []
    original = rewrite_module.verify_parsed

    def recording(text: str, dialect: str, *rest: Any) -> tuple[str | None, Any]:
        recorded.append(text)
        return original(text, dialect, *rest)

    rewrite_module.verify_parsed = recording
    try:
        plan_snapshots(campaign, snapshots)
    finally:
        rewrite_module.verify_parsed = original
    if not recorded:
        raise SystemExit("no verified statement was recorded: the engine's verify hook moved")
    return recorded


def found(plan: FilePlan) -> bool:
    """A consumer is found when its file is planned to change or carries a guardrail."""
    return plan.action in (Action.REWRITE, Action.GUARDRAIL, Action.PROTECTED)


def flagged(plan: FilePlan) -> bool:
    """A near miss is wrongly flagged when anything of the plan treats it as a consumer."""
    return bool(plan.references or plan.changed or plan.guardrails or plan.verification)


def spread(values: list[float], digits: int = 3) -> list[float]:
    return [round(min(values), digits), round(max(values), digits)]


def timed_rounds(rounds: int, subjects: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """Each subject once a round, the order reversed every other round.

    One untimed call of each comes first: lazily built grammars, dialects and
    compiled patterns are a start-up cost, not a cost per file.
    """
    seconds: dict[str, list[float]] = {name: [] for name in subjects}
    order = list(subjects)
    for name in order:
        subjects[name]()
    for index in range(rounds):
        for name in order if index % 2 == 0 else reversed(order):
            seconds[name].append(subjects[name]())
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repos", type=int, default=300)
    parser.add_argument("--files-per-repo", type=int, default=20)
    parser.add_argument("--share", type=float, default=0.1)
    parser.add_argument("--near-miss", type=float, default=DEFAULT_NEAR_MISS)
    parser.add_argument("--rounds", type=int, default=5, help="rounds of every timed loop")
    args = parser.parse_args()
    if not (1 <= args.repos <= 5000 and 1 <= args.files_per_repo <= 500 and args.rounds >= 1):
        parser.error("--repos 1..5000, --files-per-repo 1..500, --rounds >= 1")
    if min(args.share, args.near_miss) < 0 or args.share * 1.45 + args.near_miss > 1:
        parser.error("--share and --near-miss must leave room for other files")

    campaign = load_campaign(CAMPAIGN_YAML)
    fleet = generate(args.repos, args.files_per_repo, args.share, near_miss=args.near_miss)
    workdir = Path(tempfile.mkdtemp(prefix="godwit-bench-"))
    try:
        write_fleet(fleet, workdir)
        roots = sorted(workdir.iterdir())
        plans: dict[str, RepoPlan] = {}

        def plan_fleet() -> float:
            clear_caches()
            start = time.perf_counter()
            for root in roots:
                plans[root.name] = plan_repository(campaign, read_checkout(root))
            return time.perf_counter() - start

        plan_seconds = timed_rounds(args.rounds, {"plan": plan_fleet})["plan"]
        clear_caches()
        start = time.perf_counter()
        for root in roots:
            write_changes(root, plan_repository(campaign, read_checkout(root)).changes)
        apply_seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(workdir)

    planned = {(repo, f.path): f for repo, plan in plans.items() for f in plan.files}
    candidates = set(planned)
    scanned = sum(plan.scanned for plan in plans.values())
    skipped = sum(plan.skipped_by_prefilter for plan in plans.values())
    non_consumers = scanned - len(fleet.consumers)
    missed = sorted(k for k in fleet.consumers if k not in planned or not found(planned[k]))
    false_flags = sorted(k for k in fleet.near_misses if k in planned and flagged(planned[k]))
    unlabelled = sorted(k for k, f in planned.items() if f.changed and k not in fleet.consumers)
    near_passed = sum(1 for k in fleet.near_misses if k in planned)
    changed = sum(len(plan.changes) for plan in plans.values())

    # The same files on every side: the candidates, plus the context the engine reads.
    snapshots = {
        repo: {
            path: text
            for path, text in files.items()
            if (repo, path) in candidates or path.endswith(CONTEXT_FILES)
        }
        for repo, files in fleet.repos.items()
    }
    work = floor_work(fleet, candidates)
    work.verified = verified_statements(campaign, snapshots)
    seconds = timed_rounds(
        args.rounds + 2,
        {
            "engine": lambda: plan_snapshots(campaign, snapshots),
            "parse_only": lambda: parse_floor(work, generate_sql=False),
            "parse_generate": lambda: parse_floor(work, generate_sql=True),
            "parse_verify": lambda: parse_floor(work, generate_sql=False, verify=True),
            "parse_verify_scope": lambda: parse_floor(
                work, generate_sql=False, verify=True, scope=True
            ),
        },
    )
    median = {name: statistics.median(values) for name, values in seconds.items()}
    ratios = {
        floor: [e / f for e, f in zip(seconds["engine"], seconds[floor], strict=True)]
        for floor in ("parse_only", "parse_generate", "parse_verify", "parse_verify_scope")
    }
    n = len(candidates)
    skip_share = skipped / non_consumers if non_consumers else 1.0
    result = {
        "repos": len(fleet.repos),
        "files": fleet.files,
        "framework_files": scanned,
        "consumers": len(fleet.consumers),
        "near_misses": len(fleet.near_misses),
        "near_misses_past_prefilter": near_passed,
        "candidates": n,
        "floor_statements": len(work.statements),
        "floor_yaml_documents": len(work.documents),
        "floor_host_files": len(work.hosts),
        "floor_verified_statements": len(work.verified),
        "consumers_missed": len(missed),
        "near_misses_flagged": len(false_flags),
        "unlabelled_files_changed": len(unlabelled),
        "files_changed": changed,
        "prefilter_skip_share": round(skip_share, 4),
        "rounds": args.rounds,
        "plan_seconds": round(statistics.median(plan_seconds), 3),
        "plan_seconds_spread": spread(plan_seconds),
        "plan_files_per_s": round(fleet.files / statistics.median(plan_seconds), 1),
        "apply_seconds": round(apply_seconds, 3),
        "engine_ms_per_candidate": round(1000 * median["engine"] / n, 3),
        "engine_ms_per_candidate_spread": spread([1000 * s / n for s in seconds["engine"]]),
        "parse_only_floor_ms_per_candidate": round(1000 * median["parse_only"] / n, 3),
        "parse_floor_ms_per_candidate": round(1000 * median["parse_generate"] / n, 3),
        "ratio_to_parse_only_floor": round(statistics.median(ratios["parse_only"]), 3),
        "ratio_to_parse_only_floor_spread": spread(ratios["parse_only"]),
        "ratio_to_parse_floor": round(statistics.median(ratios["parse_generate"]), 3),
        "ratio_to_parse_floor_spread": spread(ratios["parse_generate"]),
        "parse_verify_floor_ms_per_candidate": round(1000 * median["parse_verify"] / n, 3),
        "ratio_to_parse_verify_floor": round(statistics.median(ratios["parse_verify"]), 3),
        "ratio_to_parse_verify_floor_spread": spread(ratios["parse_verify"]),
        "parse_verify_to_parse_only": round(median["parse_verify"] / median["parse_only"], 3),
        "ratio_to_parse_verify_scope_floor": round(
            statistics.median(ratios["parse_verify_scope"]), 3
        ),
        "ratio_to_parse_verify_scope_floor_spread": spread(ratios["parse_verify_scope"]),
        "parse_verify_scope_to_parse_only": round(
            median["parse_verify_scope"] / median["parse_only"], 3
        ),
    }
    # What the parse-only target leaves the engine's own code, and what that code takes,
    # both in parse-only floors: the engine minus the parse+verify+scope floor.
    required = result["parse_verify_scope_to_parse_only"]
    result["own_code_budget_in_floors"] = round(TARGET_PARSE_ONLY - required, 3)
    result["own_code_in_floors"] = round(result["ratio_to_parse_only_floor"] - required, 3)
    result["targets_met"] = (
        result["ratio_to_parse_only_floor"] <= TARGET_PARSE_ONLY
        and skip_share >= TARGET_SKIP_SHARE
        and not missed
        and not false_flags
        and result["plan_seconds"] < TARGET_PLAN_SECONDS
    )
    print(
        f"fleet: {result['repos']} repos, {result['files']} files, "
        f"{result['consumers']} consumers ({result['consumers'] / result['files']:.1%}), "
        f"{result['near_misses']} near misses"
    )
    print(
        f"prefilter: ruled out {skipped} of {non_consumers} non-consumers "
        f"({skip_share:.2%}, target >= {TARGET_SKIP_SHARE:.0%}); "
        f"near misses past it: {near_passed}"
    )
    print(f"consumers missed: {len(missed)} {missed[:5]}")
    print(f"near misses flagged: {len(false_flags)} {false_flags[:5]}")
    print(f"unlabelled files changed: {len(unlabelled)} {unlabelled[:5]}")
    print(
        f"plan:  {result['plan_seconds']} s (spread {result['plan_seconds_spread']}, "
        f"target < {TARGET_PLAN_SECONDS:.0f} s), {result['plan_files_per_s']} files/s"
    )
    print(f"apply: {result['apply_seconds']} s ({changed} files changed)")
    print(
        f"per candidate ({n} files, {len(work.statements)} statements, "
        f"{len(work.documents)} YAML, {len(work.hosts)} Scala/Java): "
        f"engine {result['engine_ms_per_candidate']} ms, "
        f"parse-only floor {result['parse_only_floor_ms_per_candidate']} ms, "
        f"parse+generate floor {result['parse_floor_ms_per_candidate']} ms"
    )
    print(
        f"ratio to parse-only floor {result['ratio_to_parse_only_floor']} "
        f"(spread {result['ratio_to_parse_only_floor_spread']}, target <= {TARGET_PARSE_ONLY}); "
        f"to parse+generate {result['ratio_to_parse_floor']} "
        f"(spread {result['ratio_to_parse_floor_spread']})"
    )
    print(
        f"parse+verify floor ({len(work.verified)} rewritten statements parsed again): "
        f"{result['parse_verify_to_parse_only']}x the parse-only floor; engine "
        f"{result['ratio_to_parse_verify_floor']}x it "
        f"(spread {result['ratio_to_parse_verify_floor_spread']})"
    )
    print(
        f"parse+verify+scope floor (and sqlglot's scopes of every statement): "
        f"{result['parse_verify_scope_to_parse_only']}x the parse-only floor; engine "
        f"{result['ratio_to_parse_verify_scope_floor']}x it "
        f"(spread {result['ratio_to_parse_verify_scope_floor_spread']}); the target leaves "
        f"the engine's own code {result['own_code_budget_in_floors']} parse-only floors, "
        f"it takes {result['own_code_in_floors']}"
    )
    print(json.dumps(result))


if __name__ == "__main__":
    main()
