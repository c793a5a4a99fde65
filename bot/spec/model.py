"""The campaign's model: which tables move where, and how their columns map.

Validation is strict and pure: a campaign that would make the engine guess is
refused before any code is read, every problem reported at once with its key path.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Annotated, Any

import sqlglot
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    HttpUrl,
    PrivateAttr,
    TypeAdapter,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

from bot.spec.errors import _Loc, _Problem, _raise_all, _reject
from bot.spec.limits import CAMPAIGN_LIMITS

_PROJECT = re.compile(r"[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?")
_DATASET_OR_TABLE = re.compile(r"[A-Za-z0-9_]{1,1024}")
_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,299}")
_CAMPAIGN_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
_REPO_GLOB = re.compile(r"[A-Za-z0-9._\-*?\[\]!]+/[A-Za-z0-9._\-*?\[\]!]+")


@dataclass(frozen=True)
class TableName:
    """A fully qualified BigQuery table name, compared part by part and exactly."""

    project: str
    dataset: str
    table: str

    @classmethod
    def parse(cls, text: str) -> TableName:
        """Parse ``project.dataset.table``; raise ``ValueError`` with a readable reason."""
        parts = text.split(".")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"expected project.dataset.table, got {text!r}")
        project, dataset, table = parts
        if not _PROJECT.fullmatch(project):
            raise ValueError(
                f"{project!r} is not a BigQuery project id "
                "(lowercase letters, digits and hyphens, starting with a letter)"
            )
        for kind, part in (("dataset", dataset), ("table", table)):
            if not _DATASET_OR_TABLE.fullmatch(part):
                raise ValueError(f"{part!r} is not a {kind} name (letters, digits, underscores)")
        return cls(project, dataset, table)

    @property
    def parts(self) -> tuple[str, str, str]:
        return (self.project, self.dataset, self.table)

    def __str__(self) -> str:
        return ".".join(self.parts)


@dataclass(frozen=True)
class ColumnTarget:
    """What one old column becomes on the new table.

    ``expression`` is SQL over the new table's columns, or ``None`` when no
    mechanical equivalent exists and a person must decide (a guardrail).
    """

    column: str
    expression: str | None
    changed: bool


def _table_name(text: str) -> str:
    try:
        TableName.parse(text)
    except ValueError as exc:
        _reject(str(exc))
    return text


def _parse_expression(sql: str, dialect: str) -> exp.Expr:
    """Parse one row-level SQL expression, or raise ``ValueError`` saying why it is not one.

    Aggregates, windows, subqueries, stars and aliases are refused: a column
    mapping is substituted into every statement that reads the column, where
    only a plain scalar expression keeps the statement's meaning.
    """
    limit = CAMPAIGN_LIMITS.max_expression_chars
    if len(sql) > limit:
        raise ValueError(f"{len(sql):,} characters, more than the limit of {limit:,}")
    try:
        tree = sqlglot.parse_one(sql, read=dialect, into=exp.Condition)
    except RecursionError:
        raise ValueError("nested too deeply to be a column mapping") from None
    except ParseError as exc:
        reason = exc.errors[0]["description"] if exc.errors else str(exc)
        raise ValueError(f"not a {dialect} SQL expression ({reason})") from None
    except SqlglotError as exc:
        raise ValueError(f"not a {dialect} SQL expression ({exc})") from None
    refused: tuple[tuple[type[exp.Expr], str], ...] = (
        (exp.Block, "several statements"),
        (exp.Query, "a query"),
        (exp.AggFunc, "an aggregate"),
        (exp.Window, "a window function"),
        (exp.Star, "a star"),
    )
    for kind, what in refused:
        if tree.find(kind) is not None:
            raise ValueError(f"must be a scalar expression, not {what}")
    return tree


def _columns_read(tree: exp.Expr) -> set[str]:
    """Top-level column names an expression reads (``geo`` for ``geo.country_code``)."""
    return {column.parts[0].name.lower() for column in tree.find_all(exp.Column)}


COLUMN_MODES = ("NULLABLE", "REQUIRED", "REPEATED")
"""BigQuery's column modes; a plain type string in ``new_columns`` means NULLABLE."""


def _split_modes(data: Any) -> tuple[Any, dict[str, str]]:
    """``new_columns`` entries written ``{type: INT64, mode: REQUIRED}`` become type strings.

    The types stay plain strings so every reader of ``new_columns`` keeps working;
    a REPEATED column's type becomes ``ARRAY<type>``, which is what BigQuery stores.
    The modes are kept aside for the readers that need them (the agent's typed reads).
    """
    if not isinstance(data, dict) or not isinstance(data.get("new_columns"), dict):
        return data, {}
    columns: dict[Any, Any] = {}
    modes: dict[str, str] = {}
    for name, entry in data["new_columns"].items():
        if not isinstance(entry, dict):
            columns[name] = entry
            continue
        unknown = sorted(str(key) for key in entry if key not in ("type", "mode"))
        if unknown or not isinstance(entry.get("type"), str):
            _reject(f"new column {name!r} must be a type or {{type, mode}}; got keys {unknown}")
        mode = entry.get("mode", "NULLABLE")
        if not isinstance(mode, str) or mode.upper() not in COLUMN_MODES:
            _reject(f"new column {name!r} has mode {mode!r}; modes are {', '.join(COLUMN_MODES)}")
        modes[str(name).lower()] = mode.upper()
        type_text = entry["type"]
        columns[name] = f"ARRAY<{type_text}>" if mode.upper() == "REPEATED" else type_text
    return {**data, "new_columns": columns}, modes


def _column_name_problems(entries: list[tuple[_Loc, str]]) -> list[_Problem]:
    """Invalid and case-insensitively repeated names (BigQuery columns ignore case)."""
    problems: list[_Problem] = []
    seen: dict[str, str] = {}
    for loc, name in entries:
        if not _COLUMN.fullmatch(name):
            problems.append((loc, f"{name!r} is not a column name", name))
        elif name.lower() in seen:
            problems.append((loc, f"{name!r} is listed twice (as {seen[name.lower()]!r})", name))
        else:
            seen[name.lower()] = name
    return problems


class TableMapping(BaseModel):
    """One row of the campaign's ``tables`` list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    old: Annotated[str, AfterValidator(_table_name)]
    new: Annotated[str, AfterValidator(_table_name)]
    columns: dict[str, str | None] = {}
    old_columns: list[str] | None = None
    new_columns: dict[str, str] | None = None
    _modes: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="wrap")
    @classmethod
    def _with_modes(cls, data: Any, handler: ValidatorFunctionWrapHandler) -> TableMapping:
        plain, modes = _split_modes(data)
        mapping = handler(plain)
        if not isinstance(mapping, TableMapping):
            raise TypeError("a table mapping")
        if modes:
            mapping._modes = modes
        return mapping

    def mode(self, column: str) -> str:
        """The new column's mode: REPEATED for an ARRAY type, else as declared (NULLABLE)."""
        declared = self._modes.get(column.lower())
        if declared is not None:
            return declared
        types = {name.lower(): text for name, text in (self.new_columns or {}).items()}
        if types.get(column.lower(), "").strip().upper().startswith("ARRAY"):
            return "REPEATED"
        return "NULLABLE"

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> TableMapping:
        """Check what needs several fields together, and SQL in the campaign's dialect.

        The dialect comes from the validation context that ``Campaign`` passes;
        ``None`` there means the dialect itself is invalid, so SQL is not judged.
        """
        context = info.context if isinstance(info.context, dict) else {}
        dialect: str | None = context.get("dialect", "bigquery")
        problems: list[_Problem] = []
        if self.old_name == self.new_name:
            problems.append((("new",), "must differ from old", self.new))
        problems += self._name_problems()
        if dialect is not None:
            problems += self._sql_problems(dialect)
        _raise_all("TableMapping", problems)
        return self

    def _name_problems(self) -> list[_Problem]:
        problems = _column_name_problems([(("columns", name), name) for name in self.columns])
        problems += _column_name_problems(
            [(("old_columns", index), name) for index, name in enumerate(self.old_columns or [])]
        )
        problems += _column_name_problems(
            [(("new_columns", name), name) for name in self.new_columns or {}]
        )
        if self.old_columns is not None:
            old_names = {name.lower() for name in self.old_columns}
            problems += [
                (("columns", column), f"{column!r} is not in old_columns", column)
                for column in self.columns
                if column.lower() not in old_names
            ]
        return problems

    def _sql_problems(self, dialect: str) -> list[_Problem]:
        """Mappings must be scalar SQL over the new table; declared types must be types."""
        problems: list[_Problem] = []
        new_names = {name.lower() for name in self.new_columns or {}}
        for column, expression in self.columns.items():
            if expression is None:
                continue
            try:
                read = _columns_read(_parse_expression(expression, dialect))
            except ValueError as exc:
                problems.append((("columns", column), str(exc), expression))
                continue
            if self.new_columns is not None:
                problems += [
                    (
                        ("columns", column),
                        f"reads {name!r}, which is not in new_columns",
                        expression,
                    )
                    for name in sorted(read - new_names)
                ]
        for column, type_text in (self.new_columns or {}).items():
            problem = _type_problem(type_text, dialect)
            if problem is not None:
                problems.append((("new_columns", column), problem, type_text))
        return problems

    # The engine asks the lookups below for every column of every statement, so what
    # they need is derived once per mapping and kept on it: the model is frozen.

    @cached_property
    def old_name(self) -> TableName:
        return TableName.parse(self.old)

    @cached_property
    def new_name(self) -> TableName:
        return TableName.parse(self.new)

    @cached_property
    def _mapped(self) -> dict[str, str | None]:
        """``columns`` by lower-case name (names are unique case-insensitively)."""
        return {key.lower(): expression for key, expression in self.columns.items()}

    @cached_property
    def _renamed(self) -> frozenset[str]:
        """Lower-case names of the mapped columns that do not stay as they are."""
        return frozenset(
            key
            for key, expression in self._mapped.items()
            if expression is None or expression.lower() != key
        )

    @cached_property
    def _new_names(self) -> frozenset[str] | None:
        return None if self.new_columns is None else frozenset(map(str.lower, self.new_columns))

    @cached_property
    def _old_names(self) -> frozenset[str] | None:
        return None if self.old_columns is None else frozenset(map(str.lower, self.old_columns))

    def target(self, column: str) -> ColumnTarget:
        """Map an old column (matched case-insensitively, as BigQuery does)."""
        wanted = column.lower()
        if wanted in self._mapped:
            return ColumnTarget(column, self._mapped[wanted], changed=self.changes(column))
        if self.changes(column):  # absent from new_columns
            return ColumnTarget(column, None, changed=True)
        return ColumnTarget(column, column, changed=False)

    def changes(self, column: str) -> bool:
        """``target(column).changed``, without building the target."""
        wanted = column.lower()
        if wanted in self._mapped:
            return wanted in self._renamed
        return self._new_names is not None and wanted not in self._new_names

    def owns(self, column: str) -> bool | None:
        """Whether the old table has ``column``; ``None`` when ``old_columns`` is not given.

        Mapping keys alone never settle ownership: only the declared schema does.
        """
        if self._old_names is None:
            return None
        return column.lower() in self._old_names


def _type_problem(type_text: str, dialect: str) -> str | None:
    """Why ``type_text`` is not a column type of ``dialect``, or None."""
    limit = CAMPAIGN_LIMITS.max_expression_chars
    if len(type_text) > limit:
        return f"{len(type_text):,} characters, more than the limit of {limit:,}"
    try:
        exp.DataType.build(type_text, dialect=dialect)
    except SqlglotError:
        return f"not a {dialect} type"
    except RecursionError:
        return f"nested too deeply to be a {dialect} type"
    return None


def _repo_glob(text: str) -> str:
    if not _REPO_GLOB.fullmatch(text):
        _reject(f"expected an owner/name glob such as 'acme/*', got {text!r}")
    return text


def _campaign_id(text: str) -> str:
    if not _CAMPAIGN_ID.fullmatch(text):
        _reject(
            "must be 2-63 lowercase letters, digits and hyphens, "
            "starting with a letter or digit (it becomes part of branch names)"
        )
    return text


def _title(text: str) -> str:
    if not text.strip():
        _reject("must not be empty")
    return text


_HTTP_URL = TypeAdapter(HttpUrl)
_URL_MARKUP = frozenset("<>\"'`()[]{}\\|^")
"""Characters that end or break a Markdown link or an HTML attribute."""
_LOCAL_HOSTS = frozenset({"localhost", "localhost.localdomain", "0.0.0.0"})


def _guide(text: str) -> str:
    """Check the URL but keep it as written: guardrail comments quote it verbatim.

    The guide is copied into PR bodies, code comments and the dashboard, so it
    must not be able to close a link, open markup or start a new line there,
    and it must not point readers (or anything that follows links) at the
    reader's own machine or a link-local metadata service.
    """
    try:
        url = _HTTP_URL.validate_python(text)
    except ValidationError:
        _reject(f"expected an http(s) URL, got {text!r}")
    if not text.lower().startswith(("https://", "http://")):
        _reject(f"expected an http(s) URL, got {text!r}")
    host = (url.host or "").lower().rstrip(".")
    if _is_local_host(host):
        _reject(f"the guide must not point at a loopback or link-local host, got {host!r}")
    unsafe = next((c for c in text if c in _URL_MARKUP or c.isspace() or not c.isprintable()), None)
    if unsafe is not None:
        _reject(f"{unsafe!r} is not allowed in the guide URL (percent-encode it)")
    return text


def _is_local_host(host: str) -> bool:
    """Loopback, link-local or unspecified: the reader's own machine or its metadata service."""
    if host in _LOCAL_HOSTS or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_link_local or address.is_unspecified


# The dialects the engine migrates end to end: table names (project.dataset.table),
# quoting and the scripting the SQL rules follow are BigQuery's. Others are refused
# rather than half-read.
SUPPORTED_DIALECTS = ("bigquery",)


def _dialect(name: str) -> str:
    if name not in SUPPORTED_DIALECTS:
        supported = ", ".join(repr(d) for d in SUPPORTED_DIALECTS)
        _reject(f"unsupported SQL dialect {name!r}: the engine migrates {supported} SQL only")
    return name


class Scope(BaseModel):
    """Which repositories the GitHub App considers (globs over ``owner/name``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    repos: list[Annotated[str, AfterValidator(_repo_glob)]] = ["*/*"]
    exclude: list[Annotated[str, AfterValidator(_repo_glob)]] = []


class AgentOptions(BaseModel):
    """What the coding agent may do in this campaign; off unless the campaign turns it on."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    migrate_guardrails: bool = False
    """Hand the code the engine left with judgment guardrails to the agent."""


class VerifyOptions(BaseModel):
    """Checks a campaign may turn off; every one is on unless the campaign says otherwise."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    parity: bool = True
    """Run every rewritten statement, old against new, on synthetic data (``bot.parity``)."""


MAX_JOBS_EXPORT_CHARS = 500


def _jobs_export(text: str) -> str:
    """A file name, ``OWNER/REPO/PATH`` or a blob URL: where it is read is the reader's choice.

    The CLI reads a path relative to the campaign file; the App reads a file of a
    repository (``bot.campaigns.usage.export_location``). Both need one line of
    plain text, without a way up out of where it points.
    """
    if not text.strip() or len(text) > MAX_JOBS_EXPORT_CHARS:
        _reject(f"expected a file path or link of 1 to {MAX_JOBS_EXPORT_CHARS} characters")
    if text != text.strip() or any(not c.isprintable() for c in text):
        _reject("the path must be one line without leading or trailing spaces")
    if ".." in text.replace("\\", "/").split("/"):
        _reject(f"'..' is not allowed in the path, got {text!r}")
    return text


class UsageOptions(BaseModel):
    """Usage evidence from the warehouse (``bot.campaigns.usage``); optional."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    jobs_export: Annotated[str, AfterValidator(_jobs_export)]
    """An ``INFORMATION_SCHEMA.JOBS`` export: jobs reading an old table that match no code count."""


_TABLES = TypeAdapter(list[TableMapping])


class Campaign(BaseModel):
    """A whole campaign document (contract section 1)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, AfterValidator(_campaign_id)]
    title: Annotated[str, AfterValidator(_title)]
    guide: Annotated[str, AfterValidator(_guide)]
    dialect: Annotated[str, AfterValidator(_dialect)] = "bigquery"
    tables: list[TableMapping]
    scope: Scope = Scope()
    agent: AgentOptions = AgentOptions()
    verify: VerifyOptions = VerifyOptions()
    usage: UsageOptions | None = None

    @field_validator("tables", mode="wrap")
    @classmethod
    def _tables_in_dialect(
        cls, value: object, handler: ValidatorFunctionWrapHandler, info: ValidationInfo
    ) -> list[TableMapping]:
        """Validate the tables with the campaign's dialect, which their SQL is written in.

        ``handler`` is deliberately not called: it would validate the tables again
        without the dialect. A wrap validator (unlike a plain one) leaves the
        field's declared type in charge of serialization.
        """
        context = info.context if isinstance(info.context, dict) else {}
        context = {**context, "dialect": info.data.get("dialect")}
        tables = _TABLES.validate_python(value, context=context)
        if not tables:
            _reject("at least one table is required")
        first_index: dict[TableName, int] = {}
        problems: list[_Problem] = []
        for index, table in enumerate(tables):
            if table.old_name in first_index:
                first = first_index[table.old_name]
                message = f"{table.old} is already migrated by tables[{first}]"
                problems.append(((index, "old"), message, table.old))
            first_index.setdefault(table.old_name, index)
        _raise_all("Campaign", problems)
        return tables
