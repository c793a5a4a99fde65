"""Prove one rewrite: the original over synthetic old rows, the rewrite over the same facts as new.

For each campaign table, rows of the *new* table are generated from
``new_columns`` and the *old* rows are derived from them by the campaign's
mapping, evaluated in DuckDB (``old column = expression over the new table``),
so both tables hold the same facts. Both statements run on ``DATASETS``
datasets; outputs must have the same column names in the same order and the
same multiset of rows. When they differ, the original is run again over the
rows in reverse order: if that changes its own result (a LIMIT or ROW_NUMBER
over ties), the statement is not checkable rather than wrong. Otherwise the
dataset is shrunk, one row at a time, to a smallest counterexample.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from bot.engine.sql.reading import dialect_named, parse, tokenize
from bot.engine.sql.tables import TableResolver, TreeNodes, find_old_tables, names_new, table_name
from bot.parity import data, duck, statement
from bot.parity.outcome import Counterexample, Outcome, Table, Verdict
from bot.parity.parsed import Parsed
from bot.parity.statement import NotCheckableError, Shape, Slot, Typing
from bot.parity.values import multiset, table
from bot.spec import Campaign, TableMapping

DATASETS = 3  # seeds 0 (every edge value) to 2
ROWS = 16  # rows drawn per dataset (the pool walk of seed 0 may take more), plus a duplicate
OTHER_ROWS = 8
CACHE = 4096  # outcomes kept per process, by statement texts and campaign tables


@dataclass(frozen=True)
class _Table:
    """One campaign table as DuckDB sees it."""

    mapping: TableMapping
    new_names: tuple[str, ...]
    new_types: tuple[exp.DataType, ...]
    old_names: tuple[str, ...]
    old_select: str  # SELECT list computing the old columns from the new table
    key: str


def _duck_type(data_type: exp.DataType) -> str:
    if data_type.this in {exp.DataType.Type.DECIMAL, exp.DataType.Type.BIGDECIMAL}:
        return "DECIMAL(38, 9)"
    return data_type.sql("duckdb")


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _campaign_table(mapping: TableMapping, dialect: str) -> _Table | str:
    """The table, or why it cannot be made (a reason for every statement that reads it)."""
    if not mapping.new_columns:
        return f"the campaign gives no new_columns for {mapping.new}"
    names = tuple(mapping.new_columns)
    types: list[exp.DataType] = []
    for name in names:
        try:
            data_type = exp.DataType.build(mapping.new_columns[name], dialect=dialect)
        except SqlglotError:
            return f"new column {name} has a type parity cannot read"
        missing = data.unsupported(data_type)
        if missing is not None:
            return f"new column {name} is {missing}, which parity cannot generate"
        types.append(data_type)
    known = {n.lower() for n in names}
    if mapping.old_columns is not None:
        old_names = tuple(mapping.old_columns)
    else:
        read = {
            part.name.lower()
            for expression in mapping.columns.values()
            if expression is not None
            for column in sqlglot.parse_one(expression, read=dialect).find_all(exp.Column)
            for part in column.parts[:1]
        }
        old_names = tuple(mapping.columns) + tuple(
            n for n in names if n.lower() not in read and n.lower() not in mapping._mapped
        )
    select: list[str] = []
    for name in old_names:
        target = mapping.target(name)
        if target.expression is None:
            select.append(f"NULL AS {_quoted(name)}")
            continue
        try:
            expression = sqlglot.transpile(target.expression, read=dialect, write="duckdb")[0]
        except SqlglotError:
            return f"the mapping of {name} cannot be written as DuckDB SQL"
        if not target.changed and target.expression.lower() not in known:
            expression = "NULL"
        select.append(f"{expression} AS {_quoted(name)}")
    key = hashlib.sha256(
        json.dumps(mapping.model_dump(mode="json"), sort_keys=True).encode()
    ).hexdigest()[:16]
    return _Table(mapping, names, tuple(types), old_names, ", ".join(select), key)


class Prover:
    """Parity for the statements of one campaign; cheap to build, shared by a whole plan."""

    def __init__(self, campaign: Campaign, *, datasets: int = DATASETS, rows: int = ROWS) -> None:
        self.datasets = datasets
        self.rows = rows
        self.dialect = campaign.dialect
        self.mappings = list(campaign.tables)
        self.tables = [_campaign_table(m, campaign.dialect) for m in self.mappings]

    def prove(
        self,
        original: str,
        rewritten: str,
        *,
        resolver: TableResolver | None = None,
        opaque: Callable[[str], bool] | None = None,
        parsed: Parsed | None = None,
    ) -> Outcome:
        """Compare ``original`` (reading old tables) with ``rewritten`` (reading new ones).

        ``parsed``: the two texts' trees, when the caller parsed them already.
        """
        reasons = {t for t in self.tables if isinstance(t, str)}
        if len(reasons) == 1 and len(reasons) == len(self.tables):
            return Outcome(Verdict.NOT_CHECKABLE, reasons.pop())  # no table can be made at all
        try:
            if parsed is None:
                before = self._parse(original, "original")
                after = self._parse(rewritten, "rewritten")
                refs = find_old_tables(TreeNodes.of(before), original, self.mappings, resolver)
                old_tables: Sequence[tuple[exp.Expr, TableMapping]] = [
                    (ref.node, ref.mapping) for ref in refs
                ]
            else:
                before, after, old_tables = parsed.original, parsed.rewritten, parsed.old_tables
            old_nodes = {id(node): self.mappings.index(mapping) for node, mapping in old_tables}
            opaque_names = _opaque_columns((before, after), opaque)
            key = (original, rewritten, tuple(sorted(old_nodes.values())), opaque_names)
            cached = _cached(self, key)
            if cached is not None:
                return cached
            outcome = self._prove(before, after, old_nodes, opaque_names)
        except NotCheckableError as reason:
            outcome = Outcome(Verdict.NOT_CHECKABLE, str(reason))
            key = None
        except duck.QueryFailedError as failed:
            outcome = Outcome(Verdict.NOT_CHECKABLE, f"DuckDB cannot build the data ({failed})")
            key = None
        if key is not None:
            _remember(self, key, outcome)
        return outcome

    def _parse(self, sql: str, which: str) -> exp.Expr:
        reader = dialect_named(self.dialect)
        try:
            trees = parse(tokenize(sql, reader), sql, reader)
        except (SqlglotError, RecursionError):
            raise NotCheckableError(f"the {which} statement does not parse") from None
        tree = trees[0] if trees else None
        if tree is None or isinstance(tree, exp.Command):
            raise NotCheckableError(f"the {which} statement does not parse")
        return tree

    def _prove(
        self,
        before: exp.Expr,
        after: exp.Expr,
        old_nodes: dict[int, int],
        opaque_names: frozenset[str],
    ) -> Outcome:
        used = sorted(set(old_nodes.values()))
        for index in used:
            made = self.tables[index]
            if isinstance(made, str):
                raise NotCheckableError(made)
        tables = {i: self.tables[i] for i in used}
        assert all(isinstance(t, _Table) for t in tables.values())
        campaign = {i: t for i, t in tables.items() if isinstance(t, _Table)}
        found = statement.literals((before, after))
        for query in statement.clock_expressions((before, after)):
            for value in _clock_values(query):
                found.add(value)
        shapes = _Shapes(self, campaign, found, opaque_names)
        old_shape = shapes.build(before, old_nodes)
        new_shape = shapes.build(after, {})
        for index in new_shape.mappings - old_shape.mappings:
            raise NotCheckableError(f"the rewrite reads {self.mappings[index].new} in a new place")
        other = _merge_other(old_shape.other, new_shape.other)
        # Statements that differ only in quoting, comments or layout run as the same text.
        signature = tuple((n, tuple((c, t.sql()) for c, t in cols)) for n, cols in other.items())
        key = ("shape", old_shape.sql, new_shape.sql, signature, found.key())
        cached = _cached(self, key)
        if cached is not None:
            return cached
        outcome = self._run(campaign, other, found, old_shape, new_shape)
        _remember(self, key, outcome)
        return outcome

    def _run(
        self,
        campaign: dict[int, _Table],
        other: dict[str, tuple[tuple[str, exp.DataType], ...]],
        found: data.Literals,
        old_shape: Shape,
        new_shape: Shape,
    ) -> Outcome:
        run = _Runs(campaign, other, found, self.rows)
        schemas = [run.schemas(seed) for seed in range(self.datasets)]
        try:
            old_names, old_by_seed = _run_all(old_shape.sql, schemas)
        except duck.QueryFailedError as failed:
            raise NotCheckableError(_failure("original", failed)) from None
        try:
            new_names, new_by_seed = _run_all(new_shape.sql, schemas)
        except duck.QueryFailedError as failed:
            if _interrupted(failed):
                raise NotCheckableError(_failure("rewritten", failed)) from None
            return Outcome(
                Verdict.DIFFERS,
                f"the rewrite fails where the original runs: {failed}",
                run.rows(0),
                self.datasets,
            )
        if _names(old_names) != _names(new_names):
            reason = f"output columns {', '.join(new_names)} instead of {', '.join(old_names)}"
            return self._differs(run, 0, old_shape, new_shape, reason)
        for seed in range(self.datasets):
            old_rows, new_rows = old_by_seed[seed], new_by_seed[seed]
            if multiset(old_rows) != multiset(new_rows):
                if run.order_dependent(old_shape.sql, seed, old_rows):
                    raise NotCheckableError(
                        "the original's result depends on row order (LIMIT or a window over ties)"
                    )
                return self._differs(run, seed, old_shape, new_shape, "the rows differ")
        if not any(old_by_seed):
            return self._through_ctes(run, schemas, old_shape, new_shape)
        return Outcome(Verdict.PROVEN, None, run.rows(0), self.datasets)

    def _through_ctes(
        self, run: _Runs, schemas: list[dict[str, str]], old_shape: Shape, new_shape: Shape
    ) -> Outcome:
        """No dataset passes the final filter: compare every CTE, when only they differ in text.

        The final SELECT is then the same function of the CTEs on both sides, so equal
        CTEs give equal outputs (``WHERE listeners >= 100`` needs more rows than
        parity makes, the CTE computing ``listeners`` does not).
        """
        empty = "no synthetic dataset gives the original any rows"
        if old_shape.query is None or new_shape.query is None:
            raise NotCheckableError(empty)
        before = statement.cte_queries(old_shape.query)
        after = statement.cte_queries(new_shape.query)
        if (
            before is None
            or after is None
            or before[0] != after[0]
            or before[1].keys() != after[1].keys()
        ):
            raise NotCheckableError(empty)
        rows = False
        for name, sql in before[1].items():
            try:
                old_names, old_by_seed = _run_all(sql, schemas)
                new_names, new_by_seed = _run_all(after[1][name], schemas)
            except duck.QueryFailedError:
                raise NotCheckableError(empty) from None
            rows = rows or any(old_by_seed)
            if _names(old_names) != _names(new_names) or any(
                multiset(o) != multiset(n) for o, n in zip(old_by_seed, new_by_seed, strict=True)
            ):
                return Outcome(
                    Verdict.DIFFERS,
                    f"the rows of CTE {name} differ",
                    run.rows(0),
                    self.datasets,
                )
        if not rows:
            raise NotCheckableError(empty)
        reason = "through its CTEs: the final filter keeps no synthetic row"
        return Outcome(Verdict.PROVEN, reason, run.rows(0), self.datasets)

    def _differs(
        self, run: _Runs, seed: int, old_shape: Shape, new_shape: Shape, reason: str
    ) -> Outcome:
        example = run.shrink(seed, old_shape.sql, new_shape.sql)
        return Outcome(Verdict.DIFFERS, reason, run.rows(seed), seed + 1, example)


_Outputs = tuple[list[str], list[list[tuple[object, ...]]]]


class _Results(threading.local):
    """Outputs by the exact text run: schema names spell their data, so equal text, equal rows.

    Two statements of a fleet often read the same before (or after) their rewrites
    differ elsewhere: the side they share runs once.
    """

    def __init__(self) -> None:
        self.by_text: OrderedDict[str, _Outputs] = OrderedDict()


_RESULTS = _Results()
RESULTS_KEPT = 1024


@lru_cache(maxsize=1024)
def _clock_values(query: str) -> tuple[object, ...]:
    """The value of one clock-only expression on the pinned clock; none when DuckDB refuses it."""
    try:
        _, rows = duck.run(query)
    except duck.QueryFailedError:
        return ()
    return tuple(row[0] for row in rows[:1])


def _run_all(sql: str, schemas: Sequence[dict[str, str]]) -> _Outputs:
    """One query over every dataset (a UNION ALL tagged by seed): one plan instead of several."""
    union = " UNION ALL ".join(
        f"SELECT {seed} AS __parity_seed, * FROM ({_bind(sql, bound)}) AS __parity_{seed}"
        for seed, bound in enumerate(schemas)
    )
    kept = _RESULTS.by_text.get(union)
    if kept is not None:
        _RESULTS.by_text.move_to_end(union)
        return kept
    names, rows = duck.run(union)
    by_seed: list[list[tuple[object, ...]]] = [[] for _ in schemas]
    for row in rows:
        by_seed[int(str(row[0]))].append(row[1:])
    _RESULTS.by_text[union] = (names[1:], by_seed)
    while len(_RESULTS.by_text) > RESULTS_KEPT:
        _RESULTS.by_text.popitem(last=False)
    return names[1:], by_seed


def _names(names: Sequence[str]) -> list[str]:
    return [n.lower() for n in names]


def _interrupted(failed: duck.QueryFailedError) -> bool:
    return "Interrupted" in str(failed)


def _failure(which: str, failed: duck.QueryFailedError) -> str:
    text = str(failed)
    if _interrupted(failed):
        return f"the {which} statement ran longer than {duck.RUN_SECONDS:g} s on synthetic rows"
    if "Function with name" in text and "does not exist" in text:
        name = text.split("name", 1)[1].split("does not exist")[0].strip()
        return f"the {which} calls {name}, which DuckDB does not have (a UDF or BigQuery-only)"
    return f"DuckDB cannot run the {which} statement ({text})"


def _opaque_columns(
    trees: Sequence[exp.Expr], opaque: Callable[[str], bool] | None
) -> frozenset[str]:
    if opaque is None:
        return frozenset()
    return frozenset(
        part.name
        for tree in trees
        for column in tree.find_all(exp.Column)
        for part in column.parts
        if opaque(part.name)
    )


class _Cache(threading.local):
    def __init__(self) -> None:
        self.outcomes: OrderedDict[tuple[object, ...], Outcome] = OrderedDict()


_CACHE = _Cache()


def _full_key(prover: Prover, key: tuple[object, ...]) -> tuple[object, ...]:
    tables = tuple(t if isinstance(t, str) else t.key for t in prover.tables)
    return (prover.dialect, prover.datasets, prover.rows, tables, key)


def clear_cache() -> None:
    """Forget remembered outcomes and query results (to measure the work itself)."""
    _CACHE.outcomes.clear()
    _RESULTS.by_text.clear()


def _cached(prover: Prover, key: tuple[object, ...]) -> Outcome | None:
    full = _full_key(prover, key)
    found = _CACHE.outcomes.get(full)
    if found is not None:
        _CACHE.outcomes.move_to_end(full)
    return found


def _remember(prover: Prover, key: tuple[object, ...], outcome: Outcome) -> None:
    full = _full_key(prover, key)
    _CACHE.outcomes[full] = outcome
    while len(_CACHE.outcomes) > CACHE:
        _CACHE.outcomes.popitem(last=False)


class _Shapes:
    """Builds the DuckDB text of both statements, sharing what one learns about the other tables."""

    def __init__(
        self,
        prover: Prover,
        tables: dict[int, _Table],
        found: data.Literals,
        opaque: frozenset[str],
    ) -> None:
        self.prover = prover
        self.tables = tables
        self.found = found
        self.opaque = opaque
        self.parameters: dict[str, exp.DataType] = {}

    def new_index(self, names: list[str]) -> int | None:
        for index, mapping in enumerate(self.prover.mappings):
            if names_new(names, table_name(mapping.new)):
                return index
        return None

    def columns_of(self, slot: Slot) -> set[str] | None:
        if slot.kind == "other":
            return None
        made = self.tables.get(slot.mapping)
        if made is None:
            return set()
        names = made.old_names if slot.kind == "old" else made.new_names
        return {n.lower() for n in names}

    def type_of(self, slot: Slot, name: str) -> exp.DataType | None:
        made = self.tables.get(slot.mapping)
        if made is None or slot.kind != "new":
            return None
        for column, data_type in zip(made.new_names, made.new_types, strict=True):
            if column.lower() == name.lower():
                return data_type
        return None

    def build(self, tree: exp.Expr, old_nodes: dict[int, int]) -> Shape:
        query = statement.query_of(tree)
        cte_names = {cte.alias.lower() for cte in query.find_all(exp.CTE)}
        slots = statement.table_slots(query, old_nodes, self.new_index, cte_names)
        shape = Shape()
        for slot in slots.values():
            if slot.kind == "new" and slot.mapping not in self.tables:
                made = self.prover.tables[slot.mapping]
                raise NotCheckableError(
                    made if isinstance(made, str) else "reads a table it did not"
                )
            if slot.kind != "other":
                shape.mappings.add(slot.mapping)
        owners = statement.column_owners(query, slots, self.columns_of)
        other_columns = [(s, n, c) for s, n, c in owners if s.kind == "other"]
        by_node: dict[int, tuple[Slot, str]] = {id(c): (s, n) for s, n, c in owners}
        types: dict[tuple[str, str], exp.DataType | None] = {
            (s.name, n.lower()): None for s, n, _ in other_columns
        }
        old_types = self.old_types()

        def column_type(column: exp.Column) -> exp.DataType | None:
            owner = by_node.get(id(column))
            if owner is None:
                return None
            slot, name = owner
            if slot.kind == "other":
                return types.get((slot.name, name.lower()))
            if slot.kind == "old":
                return old_types.get((slot.mapping, name.lower()))
            return self.type_of(slot, name)

        typing = Typing(column_type)
        for _ in range(2):  # a second pass carries types between other tables' columns
            for slot, name, column in other_columns:
                if types[(slot.name, name.lower())] is None:
                    types[(slot.name, name.lower())] = typing.context(column)
        for slot, name, _ in other_columns:
            shape.other.setdefault(slot.name, {})[name.lower()] = types[(slot.name, name.lower())]
        for slot in slots.values():
            if slot.kind == "other":
                shape.other.setdefault(slot.name, {})
        self.bind_parameters(query, typing)
        statement.pin_clock(query)
        statement.rename_tables(query, slots)
        statement.name_outputs(query)
        statement.group_by_aliases(query)
        statement.unnest_range_variables(query)
        shape.query = query  # written again only if its CTEs are ever compared
        try:
            # The tree is this prover's own copy: no need for the generator to copy it again.
            shape.sql = dialect_named("duckdb").generate(query, copy=False)
        except (SqlglotError, RecursionError) as error:
            raise NotCheckableError(f"it cannot be written as DuckDB SQL ({error})") from None
        return shape

    def old_types(self) -> dict[tuple[int, str], exp.DataType]:
        found: dict[tuple[int, str], exp.DataType] = {}
        for index, made in self.tables.items():
            for name, data_type in _old_types(made).items():
                found[(index, name)] = data_type
        return found

    def bind_parameters(self, query: exp.Expr, typing: Typing) -> None:
        """Query parameters and masked values become fixed values of their context's type."""
        spots: list[tuple[str, exp.Expr]] = []
        for found in query.find_all(exp.Parameter, exp.Placeholder, exp.Column):
            if isinstance(found, exp.Parameter):
                spots.append((found.name, found))
            elif isinstance(found, exp.Placeholder):
                spots.append((found.name or "?", found))
            elif isinstance(found, exp.Column) and any(
                part.name in self.opaque for part in found.parts
            ):
                spots.append((found.sql(), found))
        contexts: dict[str, list[exp.DataType | None]] = {}
        for name, node in spots:
            contexts.setdefault(name, []).append(typing.context(node))
        for name, node in spots:
            data_type = self.parameters.get(name)
            if data_type is None:
                data_type = self.parameters[name] = statement.parameter_type(name, contexts[name])
            parent = node.parent
            high = isinstance(parent, exp.Between) and parent.args.get("high") is node
            node.replace(statement.parameter_value(data_type, high))


_OLD_TYPES: dict[str, dict[str, exp.DataType]] = {}


def _old_types(made: _Table) -> dict[str, exp.DataType]:
    """The old table's column types, as DuckDB computes them from the mapping."""
    found = _OLD_TYPES.get(made.key)
    if found is None:
        described = duck.describe(
            f"SELECT {made.old_select} FROM (SELECT {columns_nulls(made)}) AS n"
        )
        found = {}
        for name, type_text in described:
            try:
                found[name.lower()] = exp.DataType.build(type_text, dialect="duckdb")
            except SqlglotError:
                continue
        _OLD_TYPES[made.key] = found
    return found


def columns_nulls(made: _Table) -> str:
    return ", ".join(
        f"CAST(NULL AS {_duck_type(t)}) AS {_quoted(n)}"
        for n, t in zip(made.new_names, made.new_types, strict=True)
    )


def _merge_other(
    first: dict[str, dict[str, exp.DataType | None]],
    second: dict[str, dict[str, exp.DataType | None]],
) -> dict[str, tuple[tuple[str, exp.DataType], ...]]:
    merged: dict[str, dict[str, exp.DataType | None]] = {}
    for part in (first, second):
        for name, columns in part.items():
            into = merged.setdefault(name, {})
            for column, data_type in columns.items():
                if into.get(column) is None:
                    into[column] = data_type
    return {
        name: tuple(
            (column, data_type or statement.STRING) for column, data_type in sorted(columns.items())
        )
        or (("__no_column", statement.STRING),)
        for name, columns in sorted(merged.items())
    }


def _bind(sql: str, schemas: dict[str, str]) -> str:
    for placeholder, schema in schemas.items():
        sql = sql.replace(placeholder, schema)
    return sql


_Result = tuple[list[str], list[tuple[object, ...]]]


class _Runs:
    """The synthetic datasets of one statement: campaign tables and other tables, per seed."""

    def __init__(
        self,
        tables: dict[int, _Table],
        other: dict[str, tuple[tuple[str, exp.DataType], ...]],
        found: data.Literals,
        rows: int,
    ) -> None:
        self.tables = tables
        self.other = other
        self.found = found
        self.row_count = rows
        self.literal_key = hashlib.sha256(repr(found.key()).encode()).hexdigest()[:12]
        self.generated: dict[tuple[int, int], list[tuple[data.Value, ...]]] = {}
        self.other_keys: dict[str, str] = {}

    def new_rows(self, index: int, seed: int) -> list[tuple[data.Value, ...]]:
        rows = self.generated.get((index, seed))
        if rows is None:
            made = self.tables[index]
            rows = data.dataset(made.new_types, self.found, seed, self.row_count)
            self.generated[(index, seed)] = rows
        return rows

    def rows(self, seed: int) -> int:
        first = min(self.tables)
        return len(self.new_rows(first, seed))

    def campaign_sql(
        self, index: int, rows: Sequence[tuple[data.Value, ...]]
    ) -> Callable[[str], str]:
        made = self.tables[index]

        def build(schema: str) -> str:
            columns = ", ".join(
                f"{_quoted(n)} {_duck_type(t)}"
                for n, t in zip(made.new_names, made.new_types, strict=True)
            )
            insert = (
                f'INSERT INTO "{schema}".n VALUES {data.rows_sql(rows, made.new_types)};'
                if rows
                else ""
            )
            return (
                f'CREATE TABLE "{schema}".n ({columns}); {insert} '
                f'CREATE TABLE "{schema}".o AS SELECT {made.old_select} FROM "{schema}".n;'
            )

        return build

    def schemas(self, seed: int, reverse: bool = False) -> dict[str, str]:
        """Placeholder -> schema of every slot for dataset ``seed``, built when first asked."""
        found: dict[str, str] = {}
        suffix = f"{self.row_count}_{seed}{'r' if reverse else ''}"
        for index, made in self.tables.items():
            name = f"m_{made.key}_{self.literal_key}_{suffix}"
            duck.ensure_schema(name, self.campaign_build(index, seed, reverse))
            found[Slot("old", index).placeholder] = name
        for other, columns in self.other.items():
            name = f"x_{self.other_key(other)}_{suffix}"
            duck.ensure_schema(name, self.other_sql(other, columns, seed, reverse))
            found[Slot("other", name=other).placeholder] = name
        return found

    def campaign_build(self, index: int, seed: int, reverse: bool) -> Callable[[str], str]:
        def build(schema: str) -> str:
            rows = self.new_rows(index, seed)
            return self.campaign_sql(index, list(reversed(rows)) if reverse else rows)(schema)

        return build

    def other_key(self, other: str) -> str:
        key = self.other_keys.get(other)
        if key is None:
            columns = self.other[other]
            signature = repr((other, [(c, t.sql("duckdb")) for c, t in columns], self.found.key()))
            key = self.other_keys[other] = hashlib.sha256(signature.encode()).hexdigest()[:16]
        return key

    def other_rows(
        self, name: str, columns: tuple[tuple[str, exp.DataType], ...], seed: int
    ) -> list[tuple[data.Value, ...]]:
        salt = int(hashlib.sha256(name.encode()).hexdigest()[:6], 16)
        types = [t for _, t in columns]
        count = max(OTHER_ROWS, self.row_count // 2)
        return data.dataset(types, self.found, seed * 7919 + salt if seed else 0, count)

    def other_sql(
        self, name: str, columns: tuple[tuple[str, exp.DataType], ...], seed: int, reverse: bool
    ) -> Callable[[str], str]:
        def build(schema: str) -> str:
            rows = self.other_rows(name, columns, seed)
            if reverse:
                rows = list(reversed(rows))
            types = [t for _, t in columns]
            spec = ", ".join(f"{_quoted(c)} {_duck_type(t)}" for c, t in columns)
            return (
                f'CREATE TABLE "{schema}".t ({spec}); '
                f'INSERT INTO "{schema}".t VALUES {data.rows_sql(rows, types)};'
            )

        return build

    def order_dependent(self, sql: str, seed: int, rows: list[tuple[object, ...]]) -> bool:
        try:
            _, again = duck.run(_bind(sql, self.schemas(seed, reverse=True)))
        except duck.QueryFailedError:
            return True
        return multiset(again) != multiset(rows)

    def shrink(self, seed: int, old_sql: str, new_sql: str) -> Counterexample | None:
        """The dataset, rows of the first campaign table dropped while the outputs still differ."""
        index = min(self.tables)
        made = self.tables[index]
        schemas = self.schemas(seed)
        placeholder = Slot("old", index).placeholder
        rows = list(self.new_rows(index, seed))

        def outputs(
            subset: Sequence[tuple[data.Value, ...]],
        ) -> tuple[_Result, _Result | None] | None:
            scratch = duck.scratch_schema(self.campaign_sql(index, subset))
            try:
                bound = {**schemas, placeholder: scratch}
                old = duck.run(_bind(old_sql, bound))
                try:
                    new = duck.run(_bind(new_sql, bound))
                except duck.QueryFailedError:
                    return (old, None)
                if _names(old[0]) != _names(new[0]) or multiset(old[1]) != multiset(new[1]):
                    return (old, new)
                return None
            except duck.QueryFailedError:
                return None
            finally:
                duck.drop_schema(scratch)

        if outputs(rows) is None:
            return None
        smallest = next(([row] for row in rows if outputs([row]) is not None), None)
        if smallest is None:
            smallest = rows
            for row in list(rows):
                trial = list(smallest)
                trial.remove(row)
                if outputs(trial) is not None:
                    smallest = trial
        found = outputs(smallest)
        if found is None:
            return None
        old, new = found
        scratch = duck.scratch_schema(self.campaign_sql(index, smallest))
        try:
            old_rows = duck.run(f'SELECT * FROM "{scratch}".o')
        finally:
            duck.drop_schema(scratch)
        others: dict[str, Table] = {}
        for other, columns in self.other.items():
            rows_shown = self.other_rows(other, columns, seed)
            others[other] = table([c for c, _ in columns], rows_shown)
        new_output = table(*new) if new is not None else Table(("error",), ())
        return Counterexample(
            old_table=made.mapping.old,
            new_table=made.mapping.new,
            new_rows=table(made.new_names, smallest),
            old_rows=table(*old_rows),
            old_output=table(*old),
            new_output=new_output,
            other_tables=others,
        )
