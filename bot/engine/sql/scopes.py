"""Which table a column belongs to, through sqlglot's scopes.

The same analysis serves the rewrite (who owns a column of the *old* table) and
the verification (which columns are read from the *new* table): the caller says
which tables it tracks and what it knows of their columns.

The ownership rule leans on the query being valid SQL: if exactly one source in
scope is known to have a column, BigQuery would have rejected the query had
another source had it too, so that source owns it. Anything less certain is
reported as undecided, never guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from sqlglot import exp
from sqlglot.errors import OptimizeError
from sqlglot.optimizer.scope import Scope, ScopeType, build_scope

from bot.engine.sql.guard import Guarded
from bot.spec import TableMapping

Source = exp.Table | Scope
StarNode = exp.Star | exp.Column


@dataclass(frozen=True)
class Owner:
    """A column comes from a tracked table, directly or through a ``SELECT *``."""

    mapping: TableMapping
    table: exp.Table
    through_star: bool


@dataclass(frozen=True)
class Undecided:
    """Several sources might own the column and at least one is tracked."""

    candidates: tuple[TableMapping, ...]


Resolution = Owner | Undecided | None


def stars(select: exp.Expr) -> Iterator[StarNode]:
    """The ``*`` and ``t.*`` projections of a SELECT."""
    if not isinstance(select, exp.Select):
        return
    for projection in select.expressions:
        if isinstance(projection, (exp.Star, exp.Column)) and is_star(projection):
            yield projection


def is_star(projection: exp.Expr) -> bool:
    """``*`` or ``t.*`` (with or without EXCEPT / REPLACE)."""
    return isinstance(projection, exp.Star) or (
        isinstance(projection, exp.Column) and isinstance(projection.this, exp.Star)
    )


def star_of(node: StarNode) -> exp.Star:
    star = node.this if isinstance(node, exp.Column) else node
    if not isinstance(star, exp.Star):
        raise TypeError(f"not a star projection: {node.sql()}")
    return star


def star_except(node: StarNode) -> list[exp.Column]:
    return [c for c in star_of(node).args.get("except_") or [] if isinstance(c, exp.Column)]


def left_branch(scope: Scope) -> Scope | None:
    """The first SELECT of a set operation: it names the columns."""
    while isinstance(scope.expression, exp.SetOperation):
        if not scope.set_operation_scopes:
            return None
        scope = scope.set_operation_scopes[0]
    return scope


class Ownership:
    """Answers "which tracked table owns this column here?" for one parsed statement.

    ``tracked`` says which table references are of interest and their mapping;
    ``has`` what is known of a tracked table's columns (True/False/None = unknown);
    ``passes`` whether a star lets its table's columns through under their own
    names (a star the rewrite expands does not). Answers are kept for the
    statement, so ``passes`` must be settled before the first column is resolved.
    """

    def __init__(
        self,
        tracked: Callable[[exp.Table], TableMapping | None],
        has: Callable[[TableMapping, str], bool | None],
        passes: Callable[[StarNode], bool] = lambda _: True,
    ) -> None:
        self._tracked = tracked
        self._has = has
        self._passes = passes
        # Per-statement memos, keyed by node identity: the tree outlives this object.
        self._selected: dict[int, dict[str, Source]] = {}
        self._names: dict[int, set[str]] = {}
        self._owners: dict[int, Owner | None] = {}
        self._unqualified: dict[tuple[int, str], Resolution] = {}

    def selected(self, scope: Scope) -> dict[str, Source]:
        """The sources a scope selects from (FROM and JOIN), keyed by lower-case name."""
        found = self._selected.get(id(scope))
        if found is None:
            try:
                pairs = scope.selected_sources.items()
            except OptimizeError as error:
                raise Guarded(f"the statement uses a table alias twice ({error})") from error
            found = {name.lower(): source for name, (_, source) in pairs}
            self._selected[id(scope)] = found
        return found

    def covered(self, scope: Scope, node: StarNode) -> list[Source]:
        """What a star expands: every selected source, or the one it names."""
        sources = self.selected(scope)
        if isinstance(node, exp.Column):
            source = sources.get(node.table.lower())
            return [] if source is None else [source]
        return list(sources.values())

    def explicit_names(self, select: exp.Expr) -> set[str]:
        """Output names of a SELECT's non-star projections, lower case."""
        found = self._names.get(id(select))
        if found is None:
            found = set()
            if isinstance(select, exp.Select):
                found = {
                    projection.alias_or_name.lower()
                    for projection in select.expressions
                    if not is_star(projection) and projection.alias_or_name
                }
            self._names[id(select)] = found
        return found

    def only_candidate(
        self, scope: Scope, name: str, excluded: Callable[[exp.Table], bool]
    ) -> str | None:
        """The name (as selected) of the one source, bar ``excluded``, that may have ``name``."""
        self.selected(scope)  # raises Guarded on a reused alias
        candidates = [
            key
            for key, (_, source) in scope.selected_sources.items()
            if not (isinstance(source, exp.Table) and excluded(source))
            and self.has(source, name) is not False
        ]
        return candidates[0] if len(candidates) == 1 else None

    def qualifier(self, scope: Scope, name: str) -> Source | None:
        """The source a qualifier names, looking outwards for correlated subqueries."""
        current: Scope | None = scope
        while current is not None:
            source = self.selected(current).get(name.lower())
            if source is not None:
                return source
            current = current.parent if _may_correlate(current) else None
        return None

    def of_source(self, source: Source, name: str) -> Resolution:
        if isinstance(source, exp.Table):
            if id(source) not in self._owners:
                mapping = self._tracked(source)
                owner = None if mapping is None else Owner(mapping, source, through_star=False)
                self._owners[id(source)] = owner
            return self._owners[id(source)]
        return self._through(source, name)

    def unqualified(self, scope: Scope, name: str) -> Resolution:
        """Owner of an unqualified column, or of the first part of a struct path.

        Asked once per name and scope: a query names the same column in several clauses.
        """
        key = (id(scope), name)
        if key not in self._unqualified:
            self._unqualified[key] = self._find_unqualified(scope, name)
        return self._unqualified[key]

    def _find_unqualified(self, scope: Scope, name: str) -> Resolution:
        current: Scope | None = scope
        while current is not None:
            sources = self.selected(current)
            own = sources.get(name.lower())
            if own is not None:
                mapping = self._tracked(own) if isinstance(own, exp.Table) else None
                if mapping is not None:
                    raise Guarded(f"{name} reads whole rows of {mapping.old}")
                return None
            found, resolution = self._decide(list(sources.values()), name)
            if found:
                return resolution
            current = current.parent if _may_correlate(current) else None
        return None

    def has(self, source: Source, name: str) -> bool | None:
        """Whether ``source`` has a column ``name``: True, False, or None if unknown."""
        if isinstance(source, exp.Table):
            mapping = self._tracked(source)
            return None if mapping is None else self._has(mapping, name)
        scope = left_branch(source)
        if scope is None or not isinstance(scope.expression, exp.Select):
            return None
        if name.lower() in self.explicit_names(scope.expression):
            return True
        verdicts: list[bool | None] = []
        for node in stars(scope.expression):
            if name.lower() in {c.name.lower() for c in star_except(node)}:
                continue
            verdicts.extend(self.has(inner, name) for inner in self.covered(scope, node))
        if True in verdicts:
            return True
        return None if None in verdicts else False

    def _through(self, scope: Scope, name: str) -> Resolution:
        """Follow a column of a CTE or subquery back through its ``SELECT *``."""
        branch = left_branch(scope)
        if branch is None or not isinstance(branch.expression, exp.Select):
            return None
        if name.lower() in self.explicit_names(branch.expression):
            return None
        candidates: list[Source] = []
        for node in stars(branch.expression):
            if not self._passes(node):
                continue
            if name.lower() in {c.name.lower() for c in star_except(node)}:
                continue
            candidates.extend(self.covered(branch, node))
        _, resolution = self._decide(candidates, name)
        if isinstance(resolution, Owner):
            return Owner(resolution.mapping, resolution.table, through_star=True)
        return resolution

    def _decide(self, sources: list[Source], name: str) -> tuple[bool, Resolution]:
        """(whether some source may have the column, who owns it)."""
        if len(sources) == 1:  # most scopes read one source: its verdict is the answer
            if self.has(sources[0], name) is False:
                return False, None
            return True, self.of_source(sources[0], name)
        verdicts = [(source, self.has(source, name)) for source in sources]
        known = [source for source, verdict in verdicts if verdict is True]
        unknown = [source for source, verdict in verdicts if verdict is None]
        if len(known) == 1:
            return True, self.of_source(known[0], name)
        candidates = known or unknown
        if not candidates:
            return False, None
        if len(candidates) == 1:
            return True, self.of_source(candidates[0], name)
        owners = [self.of_source(source, name) for source in candidates]
        tracked = tuple(
            mapping
            for owner in owners
            for mapping in (
                [owner.mapping]
                if isinstance(owner, Owner)
                else owner.candidates
                if isinstance(owner, Undecided)
                else []
            )
        )
        return True, Undecided(tracked) if tracked else None


def _may_correlate(scope: Scope) -> bool:
    return scope.scope_type in (ScopeType.SUBQUERY, ScopeType.UDTF)


def reaching_stars(root: Scope, ownership: Ownership) -> list[tuple[Scope, StarNode]]:
    """Stars whose columns are taken as a whole: by name into the output, or by position.

    That is the statement's own output, what an outer star that does so selects
    from, every branch of a set operation (UNION matches columns by position) and
    subqueries compared as a whole (``IN (SELECT * ...)``; ``EXISTS`` ignores
    columns). Any other star in a CTE or derived table only feeds references by
    name, and those references can be rewritten through it.
    """
    found: list[tuple[Scope, StarNode]] = []
    pending = [root]
    pending.extend(scope for scope in root.traverse() if _whole(scope))
    seen: set[int] = set()
    while pending:
        scope = pending.pop()
        if id(scope) in seen:
            continue
        seen.add(id(scope))
        pending.extend(scope.set_operation_scopes)
        for node in stars(scope.expression):
            found.append((scope, node))
            pending.extend(s for s in ownership.covered(scope, node) if isinstance(s, Scope))
    return found


def _whole(scope: Scope) -> bool:
    if scope.scope_type == ScopeType.SET_OPERATION:
        return True
    if scope.scope_type != ScopeType.SUBQUERY:
        return False
    parent = scope.expression.parent
    return not isinstance(parent, exp.Exists) and not (
        parent is not None and isinstance(parent.parent, exp.Exists)
    )


def query_scopes(tree: exp.Expr) -> tuple[list[Scope], dict[int, Scope]]:
    """Root scopes of every query in a statement, and all query scopes by expression id.

    ``build_scope`` only sees the query a statement is built around; a query
    elsewhere (``DECLARE x DEFAULT (SELECT ...)``, ``SET x = (SELECT ...)``) gets
    scopes of its own, outermost first. sqlglot also builds a scope around the
    source table of a MERGE or UPDATE; its columns live outside any query, so such
    scopes are left out.
    """
    roots: list[Scope] = []
    index: dict[int, Scope] = {}

    def add(root: Scope | None) -> None:
        if root is None:
            return
        roots.append(root)
        for scope in root.traverse():
            if isinstance(scope.expression, (exp.Query, exp.UDTF)):
                index[id(scope.expression)] = scope

    add(build_scope(tree))
    if isinstance(tree, exp.Query):
        return roots, index  # every query inside a query is one of its scopes
    for query in tree.find_all(exp.Query):
        if id(query) not in index and scope_of(query, index) is None:
            add(build_scope(query))
    return roots, index


def scope_of(node: exp.Expr, index: dict[int, Scope]) -> Scope | None:
    """The innermost scope containing ``node`` (None outside any query, e.g. MERGE clauses)."""
    current: exp.Expr | None = node
    while current is not None:
        scope = index.get(id(current))
        if scope is not None:
            return scope
        current = current.parent
    return None


def names_output(column: exp.Column, scope: Scope) -> bool:
    """Whether a GROUP BY / ORDER BY / HAVING / QUALIFY item names one of the outputs."""
    holder = column.find_ancestor(exp.Group, exp.Order, exp.Having, exp.Qualify, exp.Select)
    select = scope.expression
    if holder is None or isinstance(holder, exp.Select) or holder.parent is not select:
        return False
    if column.table or not isinstance(select, exp.Select):
        return False
    aliases = {p.alias.lower() for p in select.expressions if isinstance(p, exp.Alias)}
    return column.name.lower() in aliases


def resolve_column(
    ownership: Ownership, scope: Scope, parts: list[exp.Identifier], column: exp.Column
) -> tuple[int, Resolution]:
    """(index of the part that names the column, who owns it).

    ``p.geo.country_code`` is column ``geo`` of source ``p``; ``geo.country_code``
    is column ``geo`` when ``geo`` is not a source in scope.
    """
    if len(parts) >= 2:
        source = ownership.qualifier(scope, parts[0].name)
        if source is not None:
            return 1, ownership.of_source(source, parts[1].name)
    if len(parts) == 1 and names_output(column, scope):
        return 0, None
    return 0, ownership.unqualified(scope, parts[0].name)
