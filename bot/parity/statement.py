"""Turn one parsed BigQuery statement into a DuckDB query over synthetic tables.

Every table the statement reads becomes a *slot*: an old table of the campaign,
a new one, or another table (a join, a ``ref()`` model), whose columns are the
ones the statement reads from it and whose types follow from how it uses them
(``o.id = p.user_id`` makes ``o.id`` a string, ``WHERE o.active`` a boolean).
Query parameters (``@run_date``), spliced values and masked Jinja in value
positions get fixed values of the type their context needs; the clock is pinned
(``CURRENT_DATE()`` is always 2024-01-02). Each slot's schema is left as a
placeholder, so one text serves every dataset.
"""

from __future__ import annotations

import datetime
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from sqlglot import exp
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import Scope, traverse_scope

from bot.parity import data

_COMPARISONS = (
    exp.EQ,
    exp.NEQ,
    exp.GT,
    exp.GTE,
    exp.LT,
    exp.LTE,
    exp.NullSafeEQ,
    exp.NullSafeNEQ,
    exp.Like,
    exp.ILike,
)
_DATE_FUNCTIONS = (exp.Date, exp.DateSub, exp.DateAdd, exp.DateTrunc, exp.CurrentDate, exp.DateDiff)
_TIME_FUNCTIONS = (
    exp.TimestampTrunc,
    exp.TimestampSub,
    exp.TimestampAdd,
    exp.TimestampDiff,
    exp.CurrentTimestamp,
    exp.CurrentDatetime,
    exp.DatetimeTrunc,
)
_NUMERIC = (exp.Sum, exp.Avg, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.SafeDivide)
_CONDITIONS = (exp.And, exp.Or, exp.Not, exp.Where, exp.Having, exp.CountIf, exp.Qualify)
_RANDOM = (exp.Rand, exp.Uuid)
_WRITES = (exp.Merge, exp.Update, exp.Delete)

STRING = exp.DataType.build("VARCHAR")
BOOLEAN = exp.DataType.build("BOOLEAN")
BIGINT = exp.DataType.build("BIGINT")
DOUBLE = exp.DataType.build("DOUBLE")
DATE = exp.DataType.build("DATE")
TIMESTAMP = exp.DataType.build("TIMESTAMP")


class NotCheckableError(Exception):
    """The statement cannot be run on synthetic data; the message says why, in one line."""


@dataclass(frozen=True)
class Slot:
    """A table the statement reads. ``mapping``: index of the campaign table, for old and new."""

    kind: str  # "old", "new" or "other"
    mapping: int = -1
    name: str = ""  # other tables: the dotted name, lower case

    @property
    def placeholder(self) -> str:
        if self.kind == "other":
            return f"zzx{zlib.crc32(self.name.encode())}zz"
        return f"zzm{self.mapping}zz"


@dataclass
class Shape:
    """What the prover needs to know about one statement, and the DuckDB text to run."""

    sql: str = ""
    query: exp.Expr | None = None  # the DuckDB-ready tree that ``sql`` was written from
    mappings: set[int] = field(default_factory=set)
    other: dict[str, dict[str, exp.DataType | None]] = field(default_factory=dict)


def query_of(tree: exp.Expr) -> exp.Expr:
    """The query whose rows the statement returns or writes."""
    if isinstance(tree, _WRITES):
        kind = type(tree).__name__.upper()
        raise NotCheckableError(f"{kind} statements are not executed, only queries")
    if isinstance(tree, (exp.Insert, exp.Create)):
        inner = tree.expression
        if isinstance(inner, exp.Query):
            return inner
        raise NotCheckableError("the statement writes no query's rows")
    if isinstance(tree, exp.Query):
        return tree
    raise NotCheckableError(f"a {type(tree).__name__} statement returns no rows to compare")


def _identifier_names(table: exp.Table) -> list[str] | None:
    parts = table.parts
    if not parts or not all(isinstance(p, exp.Identifier) for p in parts):
        return None
    return [p.name for p in parts]


def table_slots(
    query: exp.Expr,
    old: dict[int, int],
    new: Callable[[list[str]], int | None],
    cte_names: set[str],
) -> dict[int, Slot]:
    """Every table node of ``query`` that names a table (not a CTE), by node id."""
    slots: dict[int, Slot] = {}
    for table in query.find_all(exp.Table):
        names = _identifier_names(table)
        if names is None:
            continue
        if id(table) in old:
            slots[id(table)] = Slot("old", old[id(table)])
            continue
        if len(names) == 1 and names[0].lower() in cte_names:
            continue
        index = new(names)
        if index is not None:
            slots[id(table)] = Slot("new", index)
        else:
            slots[id(table)] = Slot("other", name=".".join(names).lower())
    return slots


def _scopes(query: exp.Expr) -> list[Scope]:
    try:
        return traverse_scope(query)
    except (SqlglotError, RecursionError) as error:
        raise NotCheckableError(f"its scopes cannot be analysed ({error})") from None


def _outputs(scope: Scope) -> set[str] | None:
    expression = scope.expression
    if not isinstance(expression, exp.Select):
        return None
    names: set[str] = set()
    for projection in expression.expressions:
        if isinstance(projection, exp.Star) or (
            isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
        ):
            return None
        names.add(projection.alias_or_name.lower())
    return names


def column_owners(
    query: exp.Expr, slots: dict[int, Slot], columns_of: Callable[[Slot], set[str] | None]
) -> list[tuple[Slot, str, exp.Column]]:
    """Columns read from a table slot: (slot, column name, node). Unresolvable ones are left out.

    ``columns_of`` answers a slot's columns, ``None`` for another table, whose
    columns are whatever the statement reads from it: an unqualified column that
    no known table or subquery has belongs to the first other table in scope.
    """
    found: list[tuple[Slot, str, exp.Column]] = []
    seen: set[int] = set()
    for scope in _scopes(query):
        for column in scope.columns:
            if id(column) in seen or isinstance(column.this, exp.Star):
                continue
            seen.add(id(column))
            owner = _owner(scope, column, slots, columns_of)
            if owner is not None:
                found.append((owner[0], owner[1], column))
    return found


def _source(scope: Scope | None, name: str) -> exp.Expr | Scope | None:
    while scope is not None:
        for alias, source in scope.sources.items():
            if alias.lower() == name:
                return source
        scope = scope.parent
    return None


def _owner(
    scope: Scope,
    column: exp.Column,
    slots: dict[int, Slot],
    columns_of: Callable[[Slot], set[str] | None],
) -> tuple[Slot, str] | None:
    parts = [p.name for p in column.parts]
    if len(parts) >= 2:
        source = _source(scope, parts[0].lower())
        if isinstance(source, exp.Table) and id(source) in slots:
            return slots[id(source)], parts[1]
        if source is not None:
            return None
    name = parts[0]
    lowered = name.lower()
    if isinstance(_source(scope, lowered), Scope):
        return None  # an UNNEST alias or a derived table's row
    definite: list[Slot | None] = []
    unknown: list[Slot] = []
    for source in scope.sources.values():
        if isinstance(source, exp.Table) and id(source) in slots:
            slot = slots[id(source)]
            known = columns_of(slot)
            if known is None:
                unknown.append(slot)
            elif lowered in known:
                definite.append(slot)
        elif isinstance(source, Scope):
            outputs = _outputs(source)
            if outputs is not None and lowered in outputs:
                definite.append(None)
    if len(definite) == 1:
        only = definite[0]
        return None if only is None else (only, name)
    if definite or not unknown:
        return None
    outputs = _outputs(scope)
    if outputs is not None and lowered in outputs and _outside_select_list(column):
        return None  # ORDER BY / GROUP BY / HAVING naming an output
    return unknown[0], name


def _outside_select_list(column: exp.Column) -> bool:
    return column.find_ancestor(exp.Order, exp.Group, exp.Having, exp.Qualify) is not None


def literals(trees: Iterable[exp.Expr]) -> data.Literals:
    """The strings, integers and dates a statement compares with, for the value pools."""
    found = data.Literals()
    for tree in trees:
        for literal in tree.find_all(exp.Literal):
            if not _compared(literal):
                continue
            text = literal.this
            if not isinstance(text, str):
                continue
            if literal.is_string:
                if len(found.strings) < 24 and len(text) <= 64:
                    found.strings.add(text)
                date = _date(text)
                if date is not None:
                    found.dates.add(date)
            elif re.fullmatch(r"-?\d{1,12}", text) and len(found.integers) < 24:
                found.integers.add(int(text))
    return found


MAX_CLOCK_VALUES = 8
_CLOCK = (exp.CurrentDate, exp.CurrentTimestamp, exp.CurrentDatetime)
_NOT_CONSTANT = (exp.Column, exp.Subquery, exp.Select, exp.Placeholder, exp.Parameter)
_CLOCK_DATES = (
    *_CLOCK,
    exp.DateSub,
    exp.DateAdd,
    exp.DateTrunc,
    exp.TimestampSub,
    exp.TimestampAdd,
    exp.TimestampTrunc,
    exp.DatetimeSub,
    exp.DatetimeAdd,
    exp.DatetimeTrunc,
    exp.Date,
)


def clock_expressions(trees: Iterable[exp.Expr]) -> list[str]:
    """DuckDB queries for the values a statement compares with that only the clock decides.

    ``invoice.month = FORMAT_DATE('%Y%m', DATE_SUB(CURRENT_DATE(), INTERVAL 1 MONTH))``
    keeps last month's rows: the pools must hold that month, and it is known only once
    the clock is pinned. Each such value is computed once (``SELECT ...``) and joins the
    pools like a literal.
    """
    found: list[str] = []
    for tree in trees:
        for comparison in tree.find_all(*_COMPARISONS, exp.Between, exp.In):
            for operand in _operands(comparison):
                if isinstance(operand, (exp.Literal, *_CLOCK_DATES)):
                    continue  # a date or a time: the pools hold the days around the clock
                if operand.find(*_CLOCK) is None:
                    continue
                if operand.find(*_NOT_CONSTANT) is not None:
                    continue
                query = exp.Select(expressions=[operand.copy()])
                pin_clock(query)
                text = query.sql(dialect="duckdb")
                if text not in found:
                    found.append(text)
                if len(found) >= MAX_CLOCK_VALUES:
                    return found
    return found


def _operands(comparison: exp.Expr) -> list[exp.Expr]:
    if isinstance(comparison, exp.Between):
        keys = ("low", "high")
    elif isinstance(comparison, exp.In):
        return list(comparison.expressions)
    else:
        keys = ("this", "expression")
    return [operand for key in keys if isinstance(operand := comparison.args.get(key), exp.Expr)]


def _compared(literal: exp.Literal) -> bool:
    """Whether a literal is compared with something (directly, in a list or behind a cast)."""
    parent = literal.parent
    while isinstance(parent, (exp.Paren, exp.Cast, exp.Neg, exp.Tuple)):
        parent = parent.parent
    return isinstance(parent, (*_COMPARISONS, exp.Between, exp.In))


def _date(text: str) -> datetime.date | None:
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if match is None:
        return None
    try:
        return datetime.date(*map(int, match.groups()))
    except ValueError:
        return None


class Typing:
    """Types of the expressions around a column or a parameter, as far as they can be told."""

    def __init__(self, column_type: Callable[[exp.Column], exp.DataType | None]) -> None:
        self.column_type = column_type

    def of(self, node: exp.Expr) -> exp.DataType | None:
        if isinstance(node, exp.Paren):
            return self.of(node.this)
        if isinstance(node, exp.Column):
            return self.column_type(node)
        if isinstance(node, exp.Literal):
            if node.is_string:
                return STRING
            return BIGINT if re.fullmatch(r"-?\d+", str(node.this)) else DOUBLE
        if isinstance(node, exp.Boolean):
            return BOOLEAN
        if isinstance(node, exp.Cast):
            return node.to
        if isinstance(node, (exp.DateDiff, exp.TimestampDiff, exp.Count, exp.CountIf)):
            return BIGINT
        if isinstance(node, _DATE_FUNCTIONS):
            return DATE
        if isinstance(node, _TIME_FUNCTIONS):
            return TIMESTAMP
        if isinstance(node, exp.Subquery):
            select = node.this
            if isinstance(select, exp.Select) and len(select.expressions) == 1:
                return self.of(select.expressions[0].unalias())
            return None
        if isinstance(node, (exp.Max, exp.Min, exp.AnyValue)):
            return self.of(node.this)
        if isinstance(node, exp.Dot):
            return None
        if isinstance(node, (exp.Add, exp.Sub, exp.Mul)):
            return self.of(node.this) or self.of(node.expression)
        return None

    def context(self, node: exp.Expr) -> exp.DataType | None:
        """The type the place of ``node`` (a column, a parameter) asks for."""
        child: exp.Expr = node
        parent = node.parent
        while isinstance(parent, exp.Paren):
            child, parent = parent, parent.parent
        if parent is None:
            return None
        if isinstance(parent, (exp.Max, exp.Min, exp.AnyValue, exp.ArgMax, exp.ArgMin)):
            return self.context(parent)  # MAX(x) compares like x
        if isinstance(parent, exp.Select) and child in parent.expressions:
            subquery = parent.parent
            if isinstance(subquery, exp.Subquery) and len(parent.expressions) == 1:
                return self.context(subquery)  # (SELECT MAX(x) FROM t) compares like x
            return None
        if isinstance(parent, _COMPARISONS):
            other = parent.expression if child is parent.this else parent.this
            return self.of(other)
        if isinstance(parent, exp.Between):
            if child is parent.this:
                return self.of(parent.args["low"]) or self.of(parent.args["high"])
            return self.of(parent.this)
        if isinstance(parent, exp.In):
            if child is parent.this:
                return next((t for t in map(self.of, parent.expressions) if t), None)
            return self.of(parent.this)
        if isinstance(parent, (exp.Coalesce, exp.If)) and child is not parent.this:
            siblings = (
                [parent.this, *parent.expressions] if isinstance(parent, exp.Coalesce) else []
            )
            return next((t for t in map(self.of, siblings) if t and t is not child), None)
        if isinstance(parent, exp.If) and child is parent.this:
            return BOOLEAN
        if isinstance(parent, (exp.DateSub, exp.DateAdd, exp.DateTrunc, exp.DateDiff)):
            return DATE if child is parent.this or isinstance(parent, exp.DateDiff) else None
        if isinstance(parent, (exp.TimestampTrunc, exp.TimestampSub, exp.TimestampAdd)):
            return TIMESTAMP if child is parent.this else None
        if isinstance(parent, exp.Limit | exp.Offset):
            return BIGINT
        if isinstance(parent, _NUMERIC):
            other = None
            if isinstance(parent, exp.Binary):
                other = self.of(parent.expression if child is parent.this else parent.this)
            return other or DOUBLE
        if isinstance(parent, _CONDITIONS):
            return BOOLEAN
        return None


def parameter_type(name: str, contexts: list[exp.DataType | None]) -> exp.DataType:
    known = next((t for t in contexts if t is not None), None)
    if known is not None:
        return known
    lowered = name.lower()
    if re.search(r"date|day", lowered):
        return DATE
    if re.search(r"time|ts$|_at$", lowered):
        return TIMESTAMP
    if re.search(r"limit|count|min|max|threshold|num|^n$", lowered):
        return BIGINT
    return STRING


def parameter_value(data_type: exp.DataType, high: bool) -> exp.Expr:
    """A value inside the data's range; ``high`` for the upper bound of a BETWEEN."""
    kind = data_type.this
    if kind is exp.DataType.Type.DATE:
        day = data.DAYS[2] if high else data.DAYS[1]
        return exp.cast(exp.Literal.string(day.isoformat()), DATE)
    if kind in data._TIMESTAMP:
        stamp = "2024-01-02 23:59:59.999999" if high else "2024-01-01 00:00:00"
        return exp.cast(exp.Literal.string(stamp), TIMESTAMP)
    if kind is exp.DataType.Type.BOOLEAN:
        return exp.true()
    if kind in data._INTEGER:
        return exp.Literal.number(30000 if high else 1)
    if kind in data._FLOAT or kind in data._DECIMAL:
        return exp.Literal.number(1.5)
    return exp.Literal.string("a")


def pin_clock(query: exp.Expr) -> None:
    """Fix the clock and refuse what no fixed input makes repeatable."""
    for node in list(query.find_all(exp.CurrentDate, exp.CurrentTimestamp, exp.CurrentDatetime)):
        if isinstance(node, exp.CurrentDate):
            node.replace(exp.cast(exp.Literal.string(data.TODAY.isoformat()), DATE))
        else:
            node.replace(exp.cast(exp.Literal.string(data.NOW.isoformat(sep=" ")), TIMESTAMP))
    for node in query.find_all(*_RANDOM):
        raise NotCheckableError(f"{node.sql('bigquery')} is not deterministic")
    for node in query.find_all(exp.Anonymous):
        if node.name.upper() in {"GENERATE_UUID", "SESSION_USER", "RAND"}:
            raise NotCheckableError(f"{node.name} is not deterministic")


def name_outputs(query: exp.Expr) -> None:
    """Give unnamed projections BigQuery's names (``f0_``, ``f1_``...), which DuckDB lacks."""
    select = query
    while isinstance(select, exp.SetOperation):
        select = select.this
    if isinstance(select, exp.Subquery):
        select = select.unnest()
    if not isinstance(select, exp.Select):
        return
    anonymous = 0
    for projection in list(select.expressions):
        if isinstance(projection, (exp.Alias, exp.Column, exp.Star)):
            continue
        if isinstance(projection, exp.Dot):
            projection.replace(exp.alias_(projection.copy(), projection.name))
            continue
        projection.replace(exp.alias_(projection.copy(), f"f{anonymous}_"))
        anonymous += 1


def unnest_range_variables(query: exp.Expr) -> None:
    """Name each UNNEST's elements the way BigQuery resolves them, in words DuckDB reads.

    BigQuery's ``UNNEST(credits) AS credits`` makes ``credits`` a range variable over
    the elements, and a range variable takes precedence over a column of the same
    name: ``credits.amount`` is the element's field. DuckDB sees a column ``credits``
    in both sources and refuses the name as ambiguous, so each aliased UNNEST gets a
    table name of its own and the names that mean its element are qualified with it
    (``_u0.credits.amount``). An UNNEST without an alias exposes the fields of struct
    elements as columns (``SELECT SUM(amount) FROM UNNEST(credits)``), which DuckDB's
    ``UNNEST(credits, max_depth := 2)`` does too. Innermost first, so a nested query's
    own UNNEST of the same name keeps its references.
    """
    unnests = [u for u in query.find_all(exp.Unnest) if isinstance(u.parent, (exp.From, exp.Join))]
    for number, unnest in enumerate(reversed(unnests)):
        if unnest.args.get("offset") or len(unnest.expressions) != 1:
            continue  # WITH OFFSET, or several arrays side by side: left as sqlglot writes them
        alias = unnest.args.get("alias")
        if alias is None:
            fields = exp.Explode(
                this=unnest.expressions[0].copy(),
                expressions=[
                    exp.PropertyEQ(
                        this=exp.to_identifier("max_depth"), expression=exp.Literal.number(2)
                    )
                ],
            )
            unnest.replace(exp.Subquery(this=exp.Select(expressions=[fields])))
            continue
        if not isinstance(alias, exp.TableAlias) or alias.this or len(alias.columns) != 1:
            continue
        name = alias.columns[0].name.lower()
        table = f"_u{number}"
        alias.set("this", exp.to_identifier(table))
        scope = unnest.find_ancestor(exp.Select)
        if scope is None:
            continue
        # The array itself is read from the sources before it: not the range variable.
        own = {id(node) for node in unnest.find_all(exp.Column)}
        for column in list(scope.find_all(exp.Column)):
            parts = column.parts
            if id(column) in own or not 1 <= len(parts) <= 3 or parts[0].name.lower() != name:
                continue
            if not _sees_range_variable(column, scope):
                continue
            column.replace(_qualified(table, [part.copy() for part in parts]))


def _sees_range_variable(column: exp.Column, scope: exp.Select) -> bool:
    """Whether ``column`` is resolved in ``scope``'s names before any table's columns.

    A query nested in ``scope`` that reads a table may have a column of that name,
    which BigQuery would take first: such a column is left as sqlglot writes it. A
    nested query over arrays only (``(SELECT SUM(c.amount) FROM UNNEST(credits) c)``)
    reads no table, so the outer range variable is what it names.
    """
    select = column.find_ancestor(exp.Select)
    while select is not None and select is not scope:
        if any(not isinstance(source, exp.Unnest) for source in _sources(select)):
            return False
        select = select.find_ancestor(exp.Select)
    return True


def _sources(select: exp.Select) -> list[exp.Expr]:
    from_ = select.args.get("from_")
    found = [from_.this] if isinstance(from_, exp.From) else []
    return found + [join.this for join in select.args.get("joins") or []]


def group_by_aliases(query: exp.Expr) -> None:
    """Group by what BigQuery groups by when a name is both an output and a column.

    ``SELECT labels.value AS service ... GROUP BY service`` groups by the output in
    BigQuery, also when a source has a column ``service``; DuckDB takes the column.
    Such a name is replaced by the output's expression, which both read alike.
    """
    for select in list(query.find_all(exp.Select)):
        group = select.args.get("group")
        if not isinstance(group, exp.Group):
            continue
        outputs = {
            projection.alias.lower(): projection.this
            for projection in select.expressions
            if isinstance(projection, exp.Alias) and not _names_itself(projection)
        }
        for key in list(group.expressions):
            if isinstance(key, exp.Column) and not key.table and key.name.lower() in outputs:
                key.replace(outputs[key.name.lower()].copy())


def _names_itself(projection: exp.Alias) -> bool:
    """``x AS x``: the output is the column of that name anyway."""
    value = projection.this
    return isinstance(value, exp.Column) and not value.table and value.name == projection.alias


def _qualified(table: str, parts: list[exp.Expr]) -> exp.Column:
    """``table`` put before a column's parts: ``credits.amount`` as ``_u0.credits.amount``."""
    names = [exp.to_identifier(table), *parts]
    keys = ("catalog", "db", "table", "this")[-len(names) :]
    return exp.Column(**dict(zip(keys, names, strict=True)))


def rename_tables(query: exp.Expr, slots: dict[int, Slot]) -> None:
    """Point each table at its slot, keeping the name BigQuery lets columns qualify with."""
    for table in list(query.find_all(exp.Table)):
        slot = slots.get(id(table))
        if slot is None:
            continue
        names = _identifier_names(table) or [table.name]
        if not table.alias:
            table.set("alias", exp.TableAlias(this=exp.to_identifier(names[-1])))
        table.set("catalog", None)
        table.set("db", exp.to_identifier(slot.placeholder))
        stem = {"old": "o", "new": "n"}.get(slot.kind, "t")
        table.set("this", exp.to_identifier(stem))


def cte_queries(query: exp.Expr) -> tuple[str, dict[str, str]] | None:
    """The query without its WITH, and ``SELECT * FROM cte`` for each CTE, as DuckDB text."""
    with_ = query.args.get("with_")
    if not isinstance(with_, exp.With) or not isinstance(query, exp.Select):
        return None
    outer = query.copy()
    outer.set("with_", None)
    each: dict[str, str] = {}
    for cte in with_.expressions:
        select = exp.select("*").from_(exp.to_identifier(cte.alias))
        select.set("with_", with_.copy())
        each[cte.alias.lower()] = select.sql(dialect="duckdb")
    return outer.sql(dialect="duckdb"), each
