"""Parity benchmark: how many wrong rewrites it catches, how much it proves, what it costs.

* Kill rate. The engine's rewrites of the example repositories, of the realistic
  queries in ``parity_queries`` and of a sample of the engine fleet are mutated the
  ways rewrites go wrong (mapping applied to another table's same-named column,
  mapping left out, parentheses dropped, output alias dropped or changed, DATE()
  dropped, join key swapped, COUNT over a struct instead of its nullable field).
  A mutant *changes results* when a larger run of the prover (12 datasets of 64
  rows) tells it apart from the correct rewrite; one it cannot tell apart is
  counted as equivalent and left out. The kill rate is the share of the mutants
  that change results which parity, as the engine runs it, marks ``differs``.
* Coverage. The share of rewritten statements parity proves, on the examples,
  the realistic queries and the whole engine fleet (its campaign given the
  example's ``new_columns``, without which nothing can be generated).
* Cost. Milliseconds per statement (replayed from the texts, so parsing both is
  counted; outcomes not reused between statements, the synthetic tables are), and
  ``apply`` (read, plan, write) of the default engine fleet with and without
  parity, alternated round by round (``--rounds``, default 9), each round with
  parity from a cold DuckDB with no outcome kept: medians, min and max of CPU
  and wall seconds. CPU is the figure to read on a shared machine.

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlglot import exp

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fleet import CAMPAIGN_YAML, generate
from parity_queries import ORDERS_CAMPAIGN, ORDERS_QUERIES, PLAYS_QUERIES

from bot.checkout import read_checkout, write_changes
from bot.engine.planner import plan_repository
from bot.engine.sql.reading import dialect_named, parse, tokenize
from bot.engine.sql.tables import names_new, table_name
from bot.parity import duck
from bot.parity import prove as prove_module
from bot.parity.outcome import Outcome, Verdict
from bot.parity.prove import Prover
from bot.spec import Campaign, TableMapping, VerifyOptions, load_campaign

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples" / "plays-v2"
ORACLE_DATASETS, ORACLE_ROWS = 12, 64
PER_KIND = 2  # mutants of one kind per statement, at most
FLEET_SAMPLE = 40  # distinct fleet statements that are mutated too


@dataclass(frozen=True)
class Call:
    """One statement the engine asked parity about."""

    campaign: Campaign
    original: str
    rewritten: str
    kwargs: tuple[tuple[str, object], ...]
    outcome: Outcome
    source: str


class Recorder:
    """Wraps ``Prover.prove`` to keep every statement the engine proves."""

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.source = ""
        self.real = Prover.prove

    def __enter__(self) -> Recorder:
        real = self.real
        recorder = self

        def recording(self: Prover, original: str, rewritten: str, **kwargs: object) -> Outcome:
            outcome = real(self, original, rewritten, **kwargs)  # type: ignore[arg-type]
            # The engine's trees are the prover's to change: a replay parses the texts.
            replayable = tuple((k, v) for k, v in kwargs.items() if k != "parsed")
            recorder.calls.append(
                Call(
                    recorder.campaign,
                    original,
                    rewritten,
                    replayable,
                    outcome,
                    recorder.source,
                )
            )
            return outcome

        Prover.prove = recording  # type: ignore[method-assign]
        return self

    def __exit__(self, *exc: object) -> None:
        Prover.prove = self.real  # type: ignore[method-assign]

    campaign: Campaign


def fleet_campaign(parity: bool = True, schema: bool = True) -> Campaign:
    """The engine fleet's campaign; ``schema`` adds the example campaign's ``new_columns``."""
    campaign = load_campaign(CAMPAIGN_YAML)
    if schema:
        example = load_campaign((EXAMPLES / "campaign.yml").read_text(encoding="utf-8"))
        tables = [
            t.model_copy(update={"new_columns": example.tables[0].new_columns})
            for t in campaign.tables
        ]
        campaign = campaign.model_copy(update={"tables": tables})
    if not parity:
        campaign = campaign.model_copy(update={"verify": VerifyOptions(parity=False)})
    return campaign


# -- mutation operators ---------------------------------------------------------------


@dataclass(frozen=True)
class Mapped:
    old: str
    expression: exp.Expr  # over the new table, unqualified


def mapped_columns(mapping: TableMapping) -> list[Mapped]:
    found = []
    for column, expression in mapping.columns.items():
        target = mapping.target(column)
        if expression is not None and target.changed:
            found.append(Mapped(column.lower(), exp.maybe_parse(expression, dialect="bigquery")))
    return found


def _without_alias(column: exp.Column, aliases: set[str]) -> exp.Column:
    parts = column.parts
    if len(parts) < 2 or parts[0].name.lower() not in aliases:
        return column
    rest = [p.name for p in parts[1:]]
    names = dict(zip(("this", "table", "db", "catalog"), reversed(rest), strict=False))
    return exp.column(names["this"], names.get("table"), names.get("db"), names.get("catalog"))


def _unqualified(node: exp.Expr, aliases: set[str]) -> exp.Expr:
    copy = node.copy()
    if isinstance(copy, exp.Column):
        return _without_alias(copy, aliases)
    for column in list(copy.find_all(exp.Column)):
        column.replace(_without_alias(column, aliases))
    return copy


def _alias_of(node: exp.Expr, aliases: set[str]) -> str | None:
    """The new table's alias qualifying the column(s) of ``node``, if one does."""
    column = node if isinstance(node, exp.Column) else node.find(exp.Column)
    if isinstance(column, exp.Column) and len(column.parts) > 1:
        first = column.parts[0].name
        return first if first.lower() in aliases else None
    return None


def new_aliases(tree: exp.Expr, mapping: TableMapping) -> set[str]:
    aliases = set()
    for table in tree.find_all(exp.Table):
        names = [p.name for p in table.parts if isinstance(p, exp.Identifier)]
        if names_new(names, table_name(mapping.new)):
            aliases.add(table.alias_or_name.lower())
    return aliases


def occurrences(tree: exp.Expr, mapping: TableMapping) -> Iterator[tuple[exp.Expr, Mapped]]:
    """Subtrees that are a mapped expression over the new table."""
    aliases = new_aliases(tree, mapping)
    mapped = mapped_columns(mapping)
    for node in list(tree.walk()):
        if not isinstance(node, (exp.Column, exp.Func, exp.Binary, exp.Dot)):
            continue
        columns = [node] if isinstance(node, exp.Column) else list(node.find_all(exp.Column))
        if any(
            len(c.parts) > 1
            and c.parts[0].name.lower() not in aliases
            and c.parts[0].name.lower() not in (mapping.new_columns or {})
            for c in columns
        ):
            continue  # another table's column
        stripped = _unqualified(node, aliases)
        for item in mapped:
            if stripped == item.expression:
                yield node, item


def _with(
    tree: exp.Expr, node: exp.Expr, replacement: Callable[[exp.Expr], exp.Expr | None]
) -> str | None:
    """The statement with ``node`` replaced (found by its path, in a copy of ``tree``)."""
    path = []
    current: exp.Expr = node
    while current is not tree:
        parent = current.parent
        if parent is None:
            return None
        value = parent.args.get(current.arg_key)
        index = (
            next(i for i, v in enumerate(value) if v is current)
            if isinstance(value, list)
            else None
        )
        path.append((current.arg_key, index))
        current = parent
    copy = tree.copy()
    target = copy
    for key, index in reversed(path):
        value = target.args[key]
        target = value[index] if index is not None else value
    new = replacement(target)
    if new is None:
        return None
    target.replace(new)
    return copy.sql(dialect="bigquery")


def _column(name: str, qualifier: str | None) -> exp.Column:
    return exp.column(name, table=qualifier) if qualifier else exp.column(name)


def mutants(rewritten: str, campaign: Campaign) -> Iterator[tuple[str, str]]:
    """(kind, mutated statement) for each site of each mutation kind."""
    reader = dialect_named(campaign.dialect)
    try:
        tree = parse(tokenize(rewritten, reader), rewritten, reader)[0]
    except Exception:
        return
    if tree is None:
        return
    for mapping in campaign.tables:
        if mapping.new_columns is None:
            continue
        counts: Counter[str] = Counter()
        aliases = new_aliases(tree, mapping)

        def emit(
            kind: str, text: str | None, counts: Counter[str] = counts
        ) -> Iterator[tuple[str, str]]:
            if text is not None and text != rewritten and counts[kind] < PER_KIND:
                counts[kind] += 1
                yield kind, text

        for node, item in list(occurrences(tree, mapping)):
            alias = _alias_of(node, aliases)
            old = item.old
            yield from emit(
                "mapping left out", _with(tree, node, lambda n, o=old, a=alias: _column(o, a))
            )
            parent = node.parent
            if isinstance(parent, exp.Paren) and isinstance(node, exp.Binary):
                yield from emit("parentheses dropped", _with(tree, parent, lambda n: n.this.copy()))
            if isinstance(parent, exp.Alias) and parent.alias.lower() == old:
                yield from emit("alias dropped", _with(tree, parent, lambda n: n.this.copy()))
                yield from emit(
                    "alias changed",
                    _with(tree, parent, lambda n: exp.alias_(n.this.copy(), n.alias + "_2")),
                )
            if isinstance(node, exp.Date):
                yield from emit("DATE() vs TIMESTAMP", _with(tree, node, lambda n: n.this.copy()))
            if isinstance(parent, exp.Count) and isinstance(node, exp.Column):
                parts = [p.name for p in node.parts]
                if alias is not None:
                    parts = parts[1:]
                if len(parts) > 1:  # a struct field: count the struct instead
                    struct = parts[0]
                    yield from emit(
                        "COUNT over a nullable mapping",
                        _with(tree, node, lambda n, s=struct, a=alias: _column(s, a)),
                    )
            if node.find_ancestor(exp.Join) is not None:
                swap = _same_typed(mapping, item)
                if swap is not None:
                    swapped = _with(tree, node, lambda n, s=swap, a=alias: _column(s, a))
                    yield from emit("join key swapped", swapped)
        # The mapping applied to a same-named column of another table.
        changed = {m.old: m for m in mapped_columns(mapping)}
        for column in list(tree.find_all(exp.Column)):
            qualifier = column.table
            if not qualifier or qualifier.lower() in aliases or column.name.lower() not in changed:
                continue
            expression = changed[column.name.lower()].expression
            if isinstance(expression, exp.Column) and len(expression.parts) == 1:
                target = expression.name
                text = _with(tree, column, lambda n, t=target, q=qualifier: exp.column(t, table=q))
                yield from emit("mapping on another table's column", text)


def _same_typed(mapping: TableMapping, item: Mapped) -> str | None:
    """Another new column of the type of the one the mapping reads (a wrong join key)."""
    columns = mapping.new_columns or {}
    read = item.expression.find(exp.Column)
    if read is None:
        return None
    name = read.parts[0].name
    wanted = columns.get(name)
    if wanted is None or "STRUCT" in wanted.upper():
        wanted = "STRING"
    return next((c for c, t in columns.items() if t == wanted and c != name), None)


# -- the runs ------------------------------------------------------------------------------


def record_examples(recorder: Recorder) -> None:
    campaign = load_campaign((EXAMPLES / "campaign.yml").read_text(encoding="utf-8"))
    recorder.campaign = campaign
    recorder.source = "examples"
    for repo in sorted((EXAMPLES / "repos").iterdir()):
        plan_repository(campaign, read_checkout(repo))


def record_queries(recorder: Recorder) -> None:
    plays = load_campaign((EXAMPLES / "campaign.yml").read_text(encoding="utf-8"))
    orders = load_campaign(ORDERS_CAMPAIGN)
    recorder.source = "queries"
    for campaign, queries in ((plays, PLAYS_QUERIES), (orders, ORDERS_QUERIES)):
        recorder.campaign = campaign
        for index, query in enumerate(queries):
            plan_repository(campaign, {f"jobs/q{index}.sql": query})


def apply_fleet(campaign: Campaign, root: Path) -> tuple[float, float]:
    """Wall and CPU seconds of ``apply`` over every repository (CPU: the shared machine's noise)."""
    start, cpu = time.perf_counter(), time.process_time()
    for repo in sorted(root.iterdir()):
        write_changes(repo, plan_repository(campaign, read_checkout(repo)).changes)
    return time.perf_counter() - start, time.process_time() - cpu


def write_fleet(repos: dict[str, dict[str, str]], root: Path) -> None:
    for name, files in repos.items():
        for path, text in files.items():
            target = root / name / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _spread(values: list[float]) -> dict[str, object]:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
        "runs": [round(v, 3) for v in values],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="apply rounds of each (alternated)")
    parser.add_argument(
        "--quick", action="store_true", help="2 rounds, 10 fleet statements mutated (iterating)"
    )
    args = parser.parse_args()
    rounds = 2 if args.quick else args.rounds
    if not 1 <= rounds <= 50:
        parser.error("--rounds is between 1 and 50")
    fleet_sample = 10 if args.quick else FLEET_SAMPLE
    fleet = generate()
    workdir = Path(tempfile.mkdtemp(prefix="godwit-parity-bench-"))
    recorder = Recorder()
    try:
        # Apply, alternated round by round: without parity, then with, each on a fresh copy.
        # Every round with parity starts cold: a new DuckDB, no outcome or result kept.
        timings: dict[str, list[tuple[float, float]]] = {}
        for round_ in range(rounds):
            for label, campaign in (
                ("without", fleet_campaign(parity=False)),
                ("with", fleet_campaign(parity=True)),
                ("without_default", fleet_campaign(parity=False, schema=False)),
                ("with_default", fleet_campaign(parity=True, schema=False)),
            ):
                if label.endswith("_default") and round_ > 0:
                    continue  # nothing to generate: measured once, for the record
                root = workdir / f"{label}_{round_}"
                write_fleet(fleet.repos, root)
                duck.reset()
                prove_module.clear_cache()
                if label == "with" and round_ == 0:
                    with recorder:
                        recorder.campaign = campaign
                        recorder.source = "fleet"
                        timing = apply_fleet(campaign, root)
                else:
                    timing = apply_fleet(campaign, root)
                timings.setdefault(label, []).append(timing)
                shutil.rmtree(root)
        with recorder:
            record_examples(recorder)
            record_queries(recorder)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    calls = recorder.calls
    verdicts = Counter(c.outcome.verdict for c in calls)
    reasons = Counter(
        c.outcome.reason or "" for c in calls if c.outcome.verdict is Verdict.NOT_CHECKABLE
    )
    by_source = {
        source: Counter(c.outcome.verdict.value for c in calls if c.source == source)
        for source in ("examples", "queries", "fleet")
    }

    # Cost per statement: every distinct statement proven again, no outcome reused.
    distinct = {(c.campaign.id, c.original, c.rewritten): c for c in calls}
    costs: list[float] = []
    cpu_costs: list[float] = []
    provers: dict[str, Prover] = {}
    for call in distinct.values():
        prover = provers.setdefault(call.campaign.id + call.source, Prover(call.campaign))
        prove_module.clear_cache()
        start, cpu = time.perf_counter(), time.process_time()
        prover.prove(call.original, call.rewritten, **dict(call.kwargs))  # type: ignore[arg-type]
        costs.append((time.perf_counter() - start) * 1000)
        cpu_costs.append((time.process_time() - cpu) * 1000)

    # Kill rate.
    sources = [c for c in distinct.values() if c.source != "fleet"]
    sources += [c for c in distinct.values() if c.source == "fleet"][:fleet_sample]
    kinds: Counter[str] = Counter()
    killed_by_kind: Counter[str] = Counter()
    equivalent = undecided = 0
    survivors: list[tuple[str, str]] = []
    for call in sources:
        if call.outcome.verdict is not Verdict.PROVEN:
            continue  # parity cannot judge what it cannot run: no mutant of it is counted
        engine = provers.setdefault(call.campaign.id + call.source, Prover(call.campaign))
        oracle = Prover(call.campaign, datasets=ORACLE_DATASETS, rows=ORACLE_ROWS)
        kwargs = dict(call.kwargs)
        for kind, mutant in mutants(call.rewritten, call.campaign):
            truth = oracle.prove(call.original, mutant, **kwargs)  # type: ignore[arg-type]
            if truth.verdict is Verdict.PROVEN:
                equivalent += 1
                continue
            if truth.verdict is Verdict.NOT_CHECKABLE:
                undecided += 1
                continue
            kinds[kind] += 1
            verdict = engine.prove(call.original, mutant, **kwargs).verdict  # type: ignore[arg-type]
            if verdict is Verdict.DIFFERS:
                killed_by_kind[kind] += 1
            else:
                survivors.append((kind, mutant))

    wall_with = _spread([t[0] for t in timings["with"]])
    wall_without = _spread([t[0] for t in timings["without"]])
    cpu_with = _spread([t[1] for t in timings["with"]])
    cpu_without = _spread([t[1] for t in timings["without"]])
    mutant_count = sum(kinds.values())
    killed = sum(killed_by_kind.values())
    result = {
        "mutants": mutant_count,
        "killed": killed,
        "killed_share": round(killed / mutant_count, 3) if mutant_count else None,
        "mutants_by_kind": {k: [killed_by_kind[k], kinds[k]] for k in sorted(kinds)},
        "equivalent_mutants": equivalent,
        "undecided_mutants": undecided,
        "statements": len(calls),
        "distinct_statements": len(distinct),
        "proven_share": round(verdicts[Verdict.PROVEN] / len(calls), 3) if calls else None,
        "differs": verdicts[Verdict.DIFFERS],
        "by_source": {k: dict(v) for k, v in by_source.items()},
        "not_checkable_reasons": dict(reasons.most_common()),
        "ms_per_statement_p50": round(statistics.median(costs), 2) if costs else None,
        "ms_per_statement_p95": round(percentile(costs, 0.95), 2) if costs else None,
        "cpu_ms_per_statement_p50": round(statistics.median(cpu_costs), 2) if costs else None,
        "cpu_ms_per_statement_p95": round(percentile(cpu_costs, 0.95), 2) if costs else None,
        "apply_rounds": rounds,
        "apply_seconds_with": wall_with["median"],
        "apply_seconds_without": wall_without["median"],
        "parity_added_share": round(wall_with["median"] / wall_without["median"] - 1, 3),
        "apply_cpu_seconds_with": cpu_with,
        "apply_cpu_seconds_without": cpu_without,
        "apply_wall_seconds_with": wall_with,
        "apply_wall_seconds_without": wall_without,
        "parity_added_cpu_share": round(cpu_with["median"] / cpu_without["median"] - 1, 3),
        "parity_added_cpu_share_by_round": [
            round(w[1] / wo[1] - 1, 3)
            for w, wo in zip(timings["with"], timings["without"], strict=True)
        ],
        "apply_seconds_with_default_campaign": round(timings["with_default"][0][0], 3),
        "apply_seconds_without_default_campaign": round(timings["without_default"][0][0], 3),
        "fleet_files": fleet.files,
    }
    print(
        f"statements proven: {verdicts[Verdict.PROVEN]} of {len(calls)} ({result['proven_share']})"
    )
    print(
        f"mutants killed: {killed} of {mutant_count} ({result['killed_share']}); "
        f"{equivalent} equivalent, {undecided} undecided, left out"
    )
    for kind, mutant in survivors[:5]:
        print(f"  survived ({kind}): {' '.join(mutant.split())[:160]}")
    p50, p95 = result["ms_per_statement_p50"], result["ms_per_statement_p95"]
    print(f"ms per statement (replayed, parsing both texts): p50 {p50}, p95 {p95}")
    print(
        f"apply on the fleet ({fleet.files} files), median of {rounds} alternated rounds: "
        f"CPU {cpu_without['median']} s without parity ({cpu_without['min']}-"
        f"{cpu_without['max']}), {cpu_with['median']} s with ({cpu_with['min']}-"
        f"{cpu_with['max']}): +{result['parity_added_cpu_share']:.0%}; wall "
        f"{wall_without['median']} s / {wall_with['median']} s "
        f"(+{result['parity_added_share']:.0%}); each round with parity starts cold"
    )
    print(json.dumps(result, sort_keys=True))


if __name__ == "__main__":
    main()
