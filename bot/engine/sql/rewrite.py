"""Rewrite one SQL text: the per-statement rules and the driver that runs them.

Each statement is parsed once; the rules below turn its AST into surgical
edits of the original text (contract section 3) or raise ``Guarded`` (section
4); the result is verified on the rewritten text before it is kept (section 6).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect
from sqlglot.errors import SqlglotError
from sqlglot.optimizer.scope import Scope
from sqlglot.tokenizer_core import Token

from bot.engine.edits import OverlappingEditsError, apply_edits
from bot.engine.model import (
    HUMAN_KINDS,
    FileRewrite,
    GuardrailSite,
    Reference,
    ReferenceKind,
    StatementParity,
    TextEdit,
    VerificationIssue,
)
from bot.engine.sql.guard import Guarded
from bot.engine.sql.mappings import parse_mapping
from bot.engine.sql.reading import dialect_named, parse
from bot.engine.sql.scopes import (
    Owner,
    Ownership,
    Resolution,
    Undecided,
    query_scopes,
    reaching_stars,
    resolve_column,
    scope_of,
    star_of,
    stars,
)
from bot.engine.sql.stars import except_edits, expand_star
from bot.engine.sql.statements import Statement, split_statements
from bot.engine.sql.tables import (
    TableRef,
    TableResolver,
    TreeNodes,
    find_old_tables,
    identifier_parts,
    locate,
    mentions_old_table,
    new_reference_text,
    quoted_name,
    quoted_text,
    strings_mention_old_table,
    table_name,
)
from bot.engine.sql.verify import output_names, projection_name, verify_parsed
from bot.parity.outcome import Verdict
from bot.parity.parsed import Parsed
from bot.parity.provers import prover_for
from bot.spec import Campaign, TableMapping

if TYPE_CHECKING:
    from bot.parity.prove import Prover

_WRITES = (exp.Insert, exp.Merge, exp.Update, exp.Delete, exp.Create, exp.Drop, exp.Alter)


@dataclass(frozen=True)
class _Text:
    """What every rule needs to know about the text being rewritten."""

    sql: str
    statement: Statement
    dialect: str
    quote: tuple[str, str]
    opaque: Callable[[str], bool] | None
    prover: Prover | None  # None: parity is off for this campaign
    left_out: Sequence[tuple[int, int]]  # spans parity runs without (dbt's incremental branch)


@dataclass
class _Plan:
    """The edits for one statement, and the same edits as plain SQL for verification."""

    edits: list[TextEdit] = field(default_factory=list)
    checked: list[TextEdit] = field(default_factory=list)
    expanded: dict[int, list[str]] = field(default_factory=dict)  # star id -> output names

    def add(self, edit: TextEdit, checked: TextEdit | None = None) -> None:
        self.edits.append(edit)
        self.checked.append(checked or edit)


def rewrite_sql(
    sql: str,
    campaign: Campaign,
    *,
    resolver: TableResolver | None = None,
    opaque_identifier: Callable[[str], bool] | None = None,
    tokens: Sequence[Token] | None = None,
    parity_left_out: Sequence[tuple[int, int]] = (),
) -> FileRewrite:
    """All offsets (edits, references, guardrail sites, verification) are offsets into ``sql``.

    ``tokens``: ``sql`` already tokenized in the campaign's dialect, if the caller did.
    ``parity_left_out``: spans of ``sql`` that parity runs the statement without (blanked),
    such as a dbt model's ``{% if is_incremental() %}`` branch on a full refresh.
    """
    dialect = dialect_named(campaign.dialect)
    quote = (dialect.IDENTIFIER_START, dialect.IDENTIFIER_END)
    result = FileRewrite()
    prover = prover_for(campaign) if campaign.verify.parity else None
    for statement in split_statements(sql, dialect, tokens):
        text = _Text(
            sql, statement, campaign.dialect, quote, opaque_identifier, prover, parity_left_out
        )
        _rewrite_statement(text, dialect, campaign.tables, resolver, result)
    return result


def _rewrite_statement(
    text: _Text,
    dialect: Dialect,
    mappings: Sequence[TableMapping],
    resolver: TableResolver | None,
    result: FileRewrite,
) -> None:
    planned = _plan_statement(text, dialect, mappings, resolver, result)
    if planned is None:
        return
    # Only plain data is left of the statement's tree, unless parity runs it: then the
    # tree is handed to the prover instead of parsed again. Otherwise it is garbage from
    # here on; sqlglot trees are cyclic, and holding one while the rewritten text is
    # parsed would have the garbage collector move it to older generations, which are
    # costly to collect, instead of reclaiming it.
    plan, checked, expected, parsed = planned
    problem, checked_tree = verify_parsed(checked, text.dialect, mappings, expected)
    if problem is not None:
        result.verification.append(VerificationIssue(text.statement.start, problem))
        _guard(text, result, f"rewrite could not be verified: {problem}")
        return
    if (
        plan.edits
        and text.prover is not None
        and not _parity_holds(text, plan, checked, (parsed, checked_tree), resolver, result)
    ):
        return
    if plan.edits:
        result.edits.extend(plan.edits)
        result.statements_rewritten += 1


def _parity_holds(
    text: _Text,
    plan: _Plan,
    checked: str,
    trees: tuple[_Parsed | None, exp.Expr | None],
    resolver: TableResolver | None,
    result: FileRewrite,
) -> bool:
    """Run the verified rewrite old against new (``bot.parity``); one that differs is guarded.

    ``trees``: the statement's and the rewrite's trees, given to the prover to keep.
    """
    assert text.prover is not None
    start, end = text.statement.start, text.statement.end
    original = text.sql[start:end]
    spans = [(a, b) for a, b in text.left_out if a < end and b > start]
    given, checked_tree = trees
    parsed = (
        Parsed(given.tree, checked_tree, given.old_tables)
        if given is not None and checked_tree is not None and not spans
        else None
    )
    if spans:  # the texts parity runs are not the ones parsed: the prover parses its own
        chars = list(original)
        for a, b in spans:
            for at in range(max(a, start), min(b, end)):
                if chars[at - start] not in "\r\n":
                    chars[at - start] = " "
        original = "".join(chars)
        kept = [e for e in plan.checked if not any(a <= e.start and e.end <= b for a, b in spans)]
        checked = apply_edits(original, kept, offset=start)
    outcome = text.prover.prove(
        original, checked, resolver=resolver, opaque=text.opaque, parsed=parsed
    )
    result.parity.append(StatementParity(text.statement.start, outcome))
    if outcome.verdict is not Verdict.DIFFERS:
        return True
    _guard(text, result, f"parity failed: {outcome.reason} on synthetic data (see the plan)")
    return False


@dataclass(frozen=True)
class _Parsed:
    """A statement's tree and its old tables, kept for parity (only when parity is on)."""

    tree: exp.Expr
    old_tables: list[tuple[exp.Expr, TableMapping]]


def _plan_statement(
    text: _Text,
    dialect: Dialect,
    mappings: Sequence[TableMapping],
    resolver: TableResolver | None,
    result: FileRewrite,
) -> tuple[_Plan, str, list[str] | None, _Parsed | None] | None:
    """Parse a statement and plan its edits: the plan, the text to verify, its output names
    and, when parity will run it, its tree.

    ``None`` when there is nothing to verify: no old table, or a guardrail instead.
    """
    statement = text.statement
    tokens = statement.tokens
    if tokens and tokens[0].text.upper() == "EXECUTE":
        named = mentions_old_table(tokens, mappings) or strings_mention_old_table(tokens, mappings)
        if named is not None:
            reason = f"EXECUTE IMMEDIATE builds SQL at run time that may read {named.old}"
            _guard(text, result, reason)
        return None
    if resolver is None and tokens and mentions_old_table(tokens, mappings) is None:
        return None  # no old table is named: nothing to parse, whatever the statement says
    try:
        trees = parse(list(tokens), text.sql, dialect) if tokens else [None]
    except SqlglotError:
        trees = [None]
    tree = trees[0] if trees else None
    if tree is None or isinstance(tree, exp.Command):
        named = _mentioned(text, mappings)
        if named is not None:
            _guard(text, result, f"this statement cannot be parsed and mentions {named.old}")
        return None
    try:
        nodes = TreeNodes.of(tree)
        refs = find_old_tables(nodes, text.sql, mappings, resolver)
    except Guarded as guarded:
        _guard(text, result, guarded.reason)
        return None
    result.references.extend(
        Reference(r.mapping.old, r.kind, r.start, r.end, text.sql[r.start : r.end]) for r in refs
    )
    if not refs:
        return None
    try:
        plan, expected = _plan(tree, nodes, refs, text)
        kept = None
        if text.prover is not None and plan.edits:
            kept = _Parsed(tree, [(r.node, r.mapping) for r in refs])
        return plan, _checked_text(text, plan), expected, kept
    except Guarded as guarded:
        _guard(text, result, guarded.reason)
    except (SqlglotError, OverlappingEditsError) as error:
        # sqlglot's scope analysis gave up, or two rules claimed one span: not a
        # statement to rewrite by machine, but no reason to stop the others.
        reason = f"this statement could not be analysed ({str(error).splitlines()[0]})"
        _guard(text, result, reason)
    return None


def _guard(text: _Text, result: FileRewrite, reason: str) -> None:
    result.guardrails.append(GuardrailSite(text.statement.start, reason))


def _mentioned(text: _Text, mappings: Sequence[TableMapping]) -> TableMapping | None:
    """The old table an unparsable statement names; without tokens, any textual mention."""
    if text.statement.tokens:
        return mentions_old_table(text.statement.tokens, mappings)
    chunk = text.sql[text.statement.start : text.statement.end]
    return next((m for m in mappings if table_name(m.old).table in chunk), None)


def _checked_text(text: _Text, plan: _Plan) -> str:
    start = text.statement.start
    return apply_edits(text.sql[start : text.statement.end], plan.checked, offset=start)


def _plan(
    tree: exp.Expr, nodes: TreeNodes, refs: list[TableRef], text: _Text
) -> tuple[_Plan, list[str] | None]:
    """The statement's edits and its expected output names, or ``Guarded``."""
    _needs_no_human(refs)
    for ref in refs:
        if _is_written(ref.node):
            raise Guarded(f"writes to {ref.mapping.old}")
    plan = _Plan()
    for ref in refs:
        edit = TextEdit(ref.start, ref.end, new_reference_text(ref, text.quote))
        checked = None
        if ref.replacement is not None:  # verification reads the plain table name
            plain = replace(ref, replacement=None)
            checked = TextEdit(ref.start, ref.end, new_reference_text(plain, text.quote))
        plan.add(edit, checked)
    _Rules(tree, nodes, refs, text, plan).run()
    return plan, _expected_names(tree, plan)


class _Rules:
    """The column and star rules over one parsed statement, adding edits to ``plan``."""

    def __init__(
        self,
        tree: exp.Expr,
        nodes: TreeNodes,
        refs: list[TableRef],
        text: _Text,
        plan: _Plan,
    ) -> None:
        self.nodes = nodes
        self.text = text
        self.plan = plan
        self.tables = [ref.node for ref in refs]
        self.aliases = {table.alias_or_name.lower() for table in self.tables}
        self.tracked = {id(ref.node): ref.mapping for ref in refs}
        self.mappings = list({id(ref.mapping): ref.mapping for ref in refs}.values())
        self.introduced: dict[int, frozenset[str]] = {}
        self.settled: dict[str, bool] = {}  # watched(), by name
        self.roots, self.index = query_scopes(tree)
        self.ownership = Ownership(
            lambda table: self.tracked.get(id(table)),
            lambda mapping, name: mapping.owns(name),
            lambda node: id(node) not in plan.expanded,
        )

    def run(self) -> None:
        """Stars first (an expanded star changes what the columns behind it mean)."""
        if self.nodes.stars:
            for root in self.roots:
                self.expand_stars(root)
        for scope in self.index.values():
            self.check_using(scope)
            if self.nodes.stars:
                self.remaining_stars(scope)
        outside = self.outside_scopes()
        for column in self.nodes.columns:
            if isinstance(column.parent, exp.Star) or self.unaffected(column):
                continue
            for edit in self.column_edits(column, scope_of(column, self.index), outside):
                self.plan.add(edit)

    def unaffected(self, column: exp.Column) -> bool:
        """Whether no owner could make this column change: then who owns it does not matter.

        True unless one of its first two parts (the column, or a qualifier and the
        column) is a changed column of an old table of this statement, an old
        table's name, a name a mapping brings in, or a masked placeholder, or the
        column is an old table's alias. Most columns are settled here, cheaply.
        """
        parts = column.parts
        if len(parts) == 1:
            name = parts[0].name
            # An old table's alias alone is a whole row of it, as a value.
            return name.lower() not in self.aliases and not self.watched(name)
        return not any(self.watched(part.name) for part in parts[:2])

    def watched(self, name: str) -> bool:
        """Whether a column part named ``name`` may make the column change (once per name)."""
        verdict = self.settled.get(name)
        if verdict is None:
            opaque = self.text.opaque
            verdict = any(
                mapping.changes(name)
                or name == mapping.old_name.table
                or name.lower() in self.produced(mapping)
                for mapping in self.mappings
            ) or (opaque is not None and opaque(name))
            self.settled[name] = verdict
        return verdict

    def expand_stars(self, root: Scope) -> None:
        """Rule 3.5: a star over an old table that reaches the output becomes a column list."""
        for scope, node in reaching_stars(root, self.ownership):
            sources = self.ownership.covered(scope, node)
            mine = [s for s in sources if isinstance(s, exp.Table) and id(s) in self.tracked]
            if not mine:
                continue
            mapping = self.tracked[id(mine[0])]
            if len(sources) > 1:
                raise Guarded(f"SELECT * over {mapping.old} and other tables reaches the output")
            text = self.text
            qualifier = _star_qualifier(node, mine[0], mapping, text)
            edit, names = expand_star(
                node, mapping, qualifier, text.sql, text.statement.tokens, text.dialect
            )
            self.plan.add(edit)
            self.plan.expanded[id(node)] = names

    def remaining_stars(self, scope: Scope) -> None:
        """Stars left in place over an old table: their EXCEPT list and ``t.*`` qualifier."""
        text = self.text
        for node in stars(scope.expression):
            if id(node) in self.plan.expanded:
                continue
            for source in self.ownership.covered(scope, node):
                if not isinstance(source, exp.Table) or id(source) not in self.tracked:
                    continue
                mapping = self.tracked[id(source)]
                if star_of(node).args.get("replace"):
                    raise Guarded(f"SELECT * REPLACE over {mapping.old} needs a person")
                tokens = text.statement.tokens
                for edit in except_edits(node, mapping, text.sql, tokens, text.dialect):
                    self.plan.add(edit)
                qualifier = node.args.get("table") if isinstance(node, exp.Column) else None
                renamed = _star_qualifier(node, source, mapping, text)
                if isinstance(qualifier, exp.Identifier) and renamed is not None:
                    start, end = locate([qualifier], text.sql)
                    if text.sql[start:end] != renamed:
                        self.plan.add(TextEdit(start, end, renamed))

    def check_using(self, scope: Scope) -> None:
        """Rule 4: ``USING (c)`` cannot follow a renamed column onto two tables.

        A source known not to have ``c`` (an old table whose ``old_columns`` lack
        it, next to the UNNEST element that has it) is not joined on it.
        """
        if not isinstance(scope.expression, exp.Select):
            return
        for join in scope.expression.args.get("joins") or []:
            for identifier in join.args.get("using") or []:
                name = identifier.name
                for source in self.ownership.selected(scope).values():
                    if self.ownership.has(source, name) is False:
                        continue
                    owner = self.ownership.of_source(source, name)
                    if isinstance(owner, Owner) and owner.mapping.changes(name):
                        raise Guarded(f"USING ({name}) joins on a renamed column")

    def outside_scopes(self) -> dict[str, exp.Table]:
        """Old tables no query scope covers (MERGE ... USING, UPDATE ... FROM), by alias."""
        inside = {
            id(source)
            for scope in self.index.values()
            for source in scope.sources.values()
            if isinstance(source, exp.Table)
        }
        return {
            table.alias_or_name.lower(): table
            for table in self.tables
            if id(table) not in inside and not _is_written(table)
        }

    def column_edits(
        self, column: exp.Column, scope: Scope | None, outside: dict[str, exp.Table]
    ) -> list[TextEdit]:
        """Rule 3.2/3.3: a column of the old table becomes its mapping, keeping its output name."""
        text = self.text
        parts = identifier_parts(column)
        if parts is None:
            return []
        if text.opaque is not None and any(text.opaque(part.name) for part in parts):
            if _is_value(column, text.opaque):
                return []
            raise Guarded("templated code (Jinja or an interpolation) may generate column names")
        at, resolution = self.resolve(column, parts, scope, outside)
        name = parts[at].name
        if isinstance(resolution, Undecided) and any(
            mapping.changes(name) for mapping in resolution.candidates
        ):
            raise Guarded(f"owner of {name} cannot be decided")
        if at == 0 and scope is not None and not self.maps(resolution, name):
            clash = self.clash(name, resolution, scope)
            if clash is not None:
                return self.disambiguate(parts[0], resolution, scope, clash)
        if resolution is None or isinstance(resolution, Undecided):
            return []
        mapping = resolution.mapping
        target = mapping.target(name)
        if target.expression is None:
            raise Guarded(f"{name} has no equivalent in {mapping.new}")
        qualifier, renamed = self.qualifier(parts, at, resolution, scope)
        if not target.changed:
            if not renamed or qualifier is None:
                return []
            start, end = locate(parts[:1], text.sql)
            return [TextEdit(start, end, qualifier)]
        parsed = parse_mapping(target.expression, text.dialect)
        followed = at < len(parts) - 1
        replacement = parsed.render(qualifier)
        if parsed.needs_parentheses(column, followed):
            replacement = f"({replacement})"
        start, end = locate(parts[: at + 1], text.sql)
        is_projection = isinstance(column.parent, exp.Select) and column.arg_key == "expressions"
        if is_projection and not followed and parsed.output_name.lower() != name.lower():
            written = (start, end) if at == 0 else locate(parts[at : at + 1], text.sql)
            replacement = f"{replacement} AS {text.sql[written[0] : written[1]]}"
        return [TextEdit(start, end, replacement)]

    def clash(self, name: str, resolution: Resolution, scope: Scope) -> TableMapping | None:
        """An old table of this scope whose mapping brings in a column called ``name``.

        ``SELECT track_id FROM plays_v1 JOIN tracks`` reads ``tracks.track_id``; once
        ``plays_v1.track_uri`` is ``plays_v2.track_id``, the bare name is ambiguous.
        """
        sources = self.ownership.selected(scope)
        if len(sources) < 2:
            return None
        owned = resolution.table if isinstance(resolution, Owner) else None
        for source in sources.values():
            mapping = self.tracked.get(id(source)) if isinstance(source, exp.Table) else None
            if (
                mapping is not None
                and source is not owned
                and name.lower() in self.produced(mapping)
            ):
                return mapping
        return None

    def disambiguate(
        self, identifier: exp.Identifier, resolution: Resolution, scope: Scope, clash: TableMapping
    ) -> list[TextEdit]:
        """Qualify a column a mapping would make ambiguous, or guard if its owner is unknown."""
        name = identifier.name
        qualifier: str | None = None
        if isinstance(resolution, Owner) and not resolution.through_star:
            qualifier, _ = self.qualifier([identifier], 0, resolution, scope)
        elif resolution is None:
            other = self.ownership.only_candidate(scope, name, lambda t: id(t) in self.tracked)
            if other is not None:
                qualifier = quoted_text(other, self.text.quote)
        if qualifier is None:
            raise Guarded(f"{name} would become ambiguous once {clash.old} is {clash.new}")
        start, _ = locate([identifier], self.text.sql)
        return [TextEdit(start, start, f"{qualifier}.")]

    @staticmethod
    def maps(resolution: Resolution, name: str) -> bool:
        """Whether the column is an old table's and changes (it then gets qualified anyway)."""
        return isinstance(resolution, Owner) and resolution.mapping.changes(name)

    def produced(self, mapping: TableMapping) -> frozenset[str]:
        """Column names of the new table that the mapping's changed columns read."""
        found = self.introduced.get(id(mapping))
        if found is None:
            found = frozenset(
                name
                for column, expression in mapping.columns.items()  # what target() maps them to
                if expression is not None
                for name in parse_mapping(expression, self.text.dialect).reads
                if name != column.lower()
            )
            self.introduced[id(mapping)] = found
        return found

    def resolve(
        self,
        column: exp.Column,
        parts: list[exp.Identifier],
        scope: Scope | None,
        outside: dict[str, exp.Table],
    ) -> tuple[int, Resolution]:
        """Like ``scopes.resolve_column``, plus columns outside any query (MERGE, UPDATE)."""
        ownership = self.ownership
        if scope is not None:
            return resolve_column(ownership, scope, parts, column)
        if _assigned(column):
            return 0, None
        if len(parts) >= 2 and parts[0].name.lower() in outside:
            return 1, ownership.of_source(outside[parts[0].name.lower()], parts[1].name)
        candidates = tuple(
            owner.mapping
            for owner in (ownership.of_source(table, parts[0].name) for table in outside.values())
            if isinstance(owner, Owner) and owner.mapping.owns(parts[0].name) is not False
        )
        return 0, Undecided(candidates) if candidates else None

    def qualifier(
        self, parts: list[exp.Identifier], at: int, owner: Owner, scope: Scope | None
    ) -> tuple[str | None, bool]:
        """(qualifier to write before the mapped column, whether it differs from the original).

        A qualifier that is the old table's own name becomes the new table's name; an
        unqualified column in a join is qualified so its mapping cannot become ambiguous.
        """
        table, text = owner.table, self.text
        if at == 1:
            qualifier = parts[0]
            if not owner.through_star and not table.alias and qualifier.name == table.name:
                return quoted_name(qualifier, table_name(owner.mapping.new).table, text.quote), True
            start, end = locate([qualifier], text.sql)
            return text.sql[start:end], False
        if scope is None or owner.through_star or len(self.ownership.selected(scope)) < 2:
            return None, False
        alias = table.args.get("alias")
        if alias is not None and isinstance(alias.this, exp.Identifier):
            return quoted_name(alias.this, alias.this.name, text.quote), False
        return quoted_name(table.this, table_name(owner.mapping.new).table, text.quote), False


def _needs_no_human(refs: list[TableRef]) -> None:
    """Rule 4: references whose meaning a new name cannot carry over."""
    reasons: list[str] = []
    for ref in refs:
        written = ".".join(part.name for part in ref.node.parts)
        if ref.kind == ReferenceKind.BARE:
            reason = f"{written} has no dataset: check whether it means {ref.mapping.old}"
        elif ref.kind == ReferenceKind.WILDCARD:
            reason = f"wildcard table {written} includes {ref.mapping.old}"
        elif ref.kind in HUMAN_KINDS:
            reason = f"{written} reads a partition or snapshot of {ref.mapping.old}"
        elif ref.node.args.get("version") is not None:
            reason = f"FOR SYSTEM_TIME AS OF reads the history of {ref.mapping.old}"
        else:
            continue
        if reason not in reasons:
            reasons.append(reason)
    if reasons:
        raise Guarded("; ".join(reasons))


def _is_written(table: exp.Table) -> bool:
    """Whether the statement writes to (rather than reads) this table."""
    node: exp.Expr = table
    while node.parent is not None and isinstance(node.parent, exp.Schema):
        node = node.parent
    return isinstance(node.parent, _WRITES) and node.arg_key == "this"


def _star_qualifier(
    node: exp.Expr, table: exp.Table, mapping: TableMapping, text: _Text
) -> str | None:
    """The qualifier of ``t.*`` as it must be written after the rewrite."""
    qualifier = node.args.get("table") if isinstance(node, exp.Column) else None
    if not isinstance(qualifier, exp.Identifier):
        return None
    if not table.alias and qualifier.name == table.name:
        return quoted_name(qualifier, table_name(mapping.new).table, text.quote)
    start, end = locate([qualifier], text.sql)
    return text.sql[start:end]


def _is_value(column: exp.Column, opaque: Callable[[str], bool]) -> bool:
    """Whether a masked placeholder stands where only a value makes sense.

    ``LIMIT {{ n }}``, ``played_at > {{ var('start') }}``, ``x IN ($a, $b)``: the
    placeholder is compared with a real column or bounds a result, so it supplies
    a value, not a column name. Anywhere else it may name a column.
    """
    if column.find_ancestor(exp.Limit, exp.Offset) is not None:
        return True
    parent = column.parent
    if isinstance(parent, exp.In) or (isinstance(parent, exp.Between) and column.arg_key != "this"):
        return column.arg_key != "this"
    if isinstance(parent, exp.Binary):
        other = parent.expression if column.arg_key == "this" else parent.this
        return any(
            not any(opaque(part.name) for part in found.parts)
            for found in other.find_all(exp.Column)
        )
    return False


def _assigned(column: exp.Column) -> bool:
    """Whether a column is one the statement writes (``SET c = ...``, ``INSERT (c, ...)``)."""
    parent = column.parent
    if isinstance(parent, exp.EQ) and column.arg_key == "this":
        return isinstance(parent.parent, exp.Update)
    return (
        isinstance(parent, exp.Tuple)
        and parent.arg_key == "this"
        and (isinstance(parent.parent, exp.Insert))
    )


def _expected_names(tree: exp.Expr, plan: _Plan) -> list[str] | None:
    projections = output_names(tree)
    if projections is None:
        return None
    names: list[str] = []
    for projection in projections:
        expanded = plan.expanded.get(id(projection))
        if expanded is None:
            names.append(projection_name(projection))
        else:
            names.extend(name.lower() for name in expanded)
    return names
