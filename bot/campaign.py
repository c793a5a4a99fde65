"""The campaign: which tables move where, and how their columns map.

Validation is strict and pure, so the CLI and the GitHub App share it and a
campaign that would make the engine guess is refused before any code is read.
Every problem is reported at once with its key path and line, because the
author fixes them in one edit of a file or an issue body, not one per round trip.
``load_campaign_file`` is the only function here that touches the disk.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import ipaddress
import json
import os
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, NoReturn

import sqlglot
from markdown_it import MarkdownIt
from markdown_it.token import Token
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
from pydantic_core import InitErrorDetails, PydanticCustomError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    NodeEvent,
)
from ruamel.yaml.scalarbool import ScalarBoolean
from sqlglot import exp
from sqlglot.errors import ParseError, SqlglotError

_PROJECT = re.compile(r"[a-z](?:[a-z0-9-]{0,28}[a-z0-9])?")
_DATASET_OR_TABLE = re.compile(r"[A-Za-z0-9_]{1,1024}")
_COLUMN = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,299}")
_CAMPAIGN_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,62}")
_REPO_GLOB = re.compile(r"[A-Za-z0-9._\-*?\[\]!]+/[A-Za-z0-9._\-*?\[\]!]+")


@dataclass(frozen=True)
class CampaignLimits:
    """The largest campaign accepted, declared once and named in every refusal.

    A campaign comes from whoever can open an issue, so every dimension a
    document can stretch is bounded before any of it is built: the text, its
    nesting, and how many tables and columns it lists. A real campaign stays far
    below each (the example is 1 KB, nested 4 deep).
    """

    max_bytes: int = 256 * 1024
    """UTF-8 bytes of the campaign text (for an issue, its whole body)."""
    max_depth: int = 10
    """Nested mappings and lists; a campaign needs 4."""
    max_tables: int = 200
    max_columns: int = 10_000
    """Entries of one table's ``columns``, ``old_columns`` or ``new_columns`` (BigQuery's cap)."""
    max_expression_chars: int = 2_000
    """One column mapping's SQL, or one declared type."""


CAMPAIGN_LIMITS = CampaignLimits()

_Loc = tuple[int | str, ...]
_Problem = tuple[_Loc, str, object]  # where, what is wrong, the offending value


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


def _custom_error(message: str) -> PydanticCustomError:
    # The message goes through the context, so braces in it are never read as placeholders.
    return PydanticCustomError("campaign", "{reason}", {"reason": message})


def _reject(message: str) -> NoReturn:
    raise _custom_error(message)


def _raise_all(title: str, problems: list[_Problem]) -> None:
    """Raise every problem as its own error; pydantic keeps them and prefixes their paths."""
    if problems:
        raise ValidationError.from_exception_data(
            title,
            [
                InitErrorDetails(
                    type=_custom_error(message),
                    loc=loc,
                    input=value,
                )
                for loc, message, value in problems
            ],
        )


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


@dataclass(frozen=True)
class CampaignIssue:
    """One problem in a campaign document; ``line`` is 1-based in the text given."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line is not None else []
        where += [self.path] if self.path else []
        return ": ".join([*where, self.message])


class CampaignError(ValueError):
    """A campaign that cannot be used, with every problem found in it."""

    def __init__(self, source: str, errors: list[CampaignIssue]) -> None:
        self.source = source
        self.errors = errors
        count = f"{len(errors)} problem" + ("" if len(errors) == 1 else "s")
        lines = [f"{source} is not a valid campaign ({count}):"]
        lines += [f"  - {issue}" for issue in errors]
        super().__init__("\n".join(lines))


def load_campaign(text: str, *, source: str = "campaign") -> Campaign:
    """Validate a campaign from YAML text; raise ``CampaignError`` listing every problem."""
    return _load(text, source=source, line_offset=0)


def load_campaign_file(path: str | os.PathLike[str]) -> Campaign:
    """Read and validate a campaign file; errors name the file, and a huge one is not read."""
    size, limit = Path(path).stat().st_size, CAMPAIGN_LIMITS.max_bytes
    if size > limit:
        message = f"the campaign is {size:,} bytes, more than the limit of {limit:,}"
        raise CampaignError(str(path), [CampaignIssue("", None, message)])
    return load_campaign(Path(path).read_text(encoding="utf-8"), source=str(path))


def campaign_from_markdown(markdown: str, *, source: str = "issue body") -> Campaign:
    """Validate the first fenced ``yaml`` block of a Markdown text (a campaign issue).

    Issue forms render a ``render: yaml`` textarea as such a block, so both a
    hand-written issue and a form-filed one work. Lines in errors are lines of
    the Markdown text, which is what the author sees when editing the issue.
    """
    too_large = _size_issue(markdown, line_offset=0)
    if too_large is not None:
        raise CampaignError(source, [too_large])
    tokens = _block_parser().parse(markdown)
    for token in tokens:
        language = token.info.split(maxsplit=1)[0].lower() if token.info.strip() else ""
        if token.type == "fence" and language in {"yaml", "yml"} and token.map is not None:
            return _load(token.content, source=source, line_offset=token.map[0] + 1)
    message = "no ```yaml block found"
    unanswered = _unanswered_form_fields(tokens)
    if unanswered:
        message += "; no response under " + ", ".join(f"'{label}'" for label in unanswered)
    raise CampaignError(source, [CampaignIssue("", None, message)])


def _block_parser() -> MarkdownIt:
    """Block structure only: fences and headings are all a campaign issue needs.

    Inline parsing (links, emphasis) is skipped: it is where hostile text such as
    thousands of ``[`` costs time out of proportion to its size.
    """
    parser = MarkdownIt("commonmark")
    parser.core.ruler.disable("inline")
    return parser


def _unanswered_form_fields(tokens: list[Token]) -> list[str]:
    """Labels of issue-form fields left empty (``### label`` then ``_No response_``)."""
    unanswered: list[str] = []
    label: str | None = None
    after_h3 = False
    for token in tokens:
        if token.type == "heading_open":
            after_h3, label = token.tag == "h3", None
        elif token.type == "inline" and after_h3:
            after_h3, label = False, token.content
        elif token.type == "inline" and label is not None:
            if token.content.strip() == "_No response_":
                unanswered.append(label)
            label = None
    return unanswered


def spec_hash(campaign: Campaign) -> str:
    """A fingerprint of everything that can change a rewrite, to tell when a PR is stale.

    Defaults are part of the dump, so spelling out ``dialect: bigquery`` or
    reordering keys does not change the hash; anything with meaning does. The
    agent options are left out: they change who finishes a PR, not its rewrite.
    The verify options count only when they differ from the defaults, so campaigns
    hashed before they existed keep their hash (turning parity off can change a
    rewrite: a statement whose rewrite differs is then rewritten instead of guarded).
    The usage evidence is left out too: it says who reads a table, not how to rewrite it.
    """
    excluded = {"agent", "usage"}
    if campaign.verify == VerifyOptions():
        excluded.add("verify")
    canonical = json.dumps(
        campaign.model_dump(mode="json", exclude=excluded),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _load(text: str, *, source: str, line_offset: int) -> Campaign:
    too_large = _size_issue(text, line_offset)
    if too_large is not None:
        raise CampaignError(source, [too_large])
    try:
        shape = _shape_issue(text, line_offset)
        if shape is not None:
            raise CampaignError(source, [shape])
        tree = YAML(typ="rt").load(text)
    except YAMLError as exc:
        raise CampaignError(source, [_yaml_issue(exc, text, line_offset)]) from None
    if not isinstance(tree, CommentedMap):
        kind = "an empty document" if tree is None else _yaml_kind(_plain(tree))
        message = f"a campaign is a YAML mapping (id, title, guide, tables, ...), got {kind}"
        raise CampaignError(source, [CampaignIssue("", line_offset + 1, message)])
    issues = _count_issues(tree, line_offset)
    if not issues:
        try:
            return Campaign.model_validate(_plain(tree))
        except ValidationError as exc:
            issues = [_issue(error, tree, line_offset) for error in exc.errors()]
        except RecursionError:  # a safety net: the limits above should make this unreachable
            issues = [CampaignIssue("", line_offset + 1, "nested too deeply to validate")]
    issues.sort(key=lambda issue: (issue.line is None, issue.line or 0, issue.path))
    raise CampaignError(source, issues)


def _size_issue(text: str, line_offset: int) -> CampaignIssue | None:
    size, limit = len(text.encode("utf-8")), CAMPAIGN_LIMITS.max_bytes
    if size <= limit:
        return None
    message = f"the campaign is {size:,} bytes, more than the limit of {limit:,}"
    return CampaignIssue("", line_offset + 1, message)


def _shape_issue(text: str, line_offset: int) -> CampaignIssue | None:
    """Refuse anchors, aliases and deep nesting from the parser's events, before composing.

    Composing is where an alias bomb multiplies and where deep nesting recurses,
    so neither may get that far. Events carry no paths, only lines.
    """
    depth, limit = 0, CAMPAIGN_LIMITS.max_depth
    for event in YAML(typ="rt").parse(text):
        line = event.start_mark.line + 1 + line_offset
        if isinstance(event, AliasEvent) or (isinstance(event, NodeEvent) and event.anchor):
            name = f"*{event.anchor}" if isinstance(event, AliasEvent) else f"&{event.anchor}"
            message = f"YAML anchors and aliases ({name}) are not accepted in a campaign"
            return CampaignIssue("", line, message)
        if isinstance(event, CollectionStartEvent):
            depth += 1
            if depth > limit:
                message = f"nested more than {limit} mappings or lists deep (the limit)"
                return CampaignIssue("", line, message)
        elif isinstance(event, CollectionEndEvent):
            depth -= 1
    return None


def _count_issues(tree: CommentedMap, line_offset: int) -> list[CampaignIssue]:
    """Too many tables or columns, found before validation spends time on each."""
    limits = CAMPAIGN_LIMITS
    found: list[tuple[_Loc, int, int, str]] = []
    tables = tree.get("tables")
    if isinstance(tables, list):
        found.append((("tables",), len(tables), limits.max_tables, "tables"))
        for index, table in enumerate(tables):
            if not isinstance(table, dict):
                continue
            for key in ("columns", "old_columns", "new_columns"):
                entries = table.get(key)
                if isinstance(entries, dict | list):
                    found.append((("tables", index, key), len(entries), limits.max_columns, key))
    issues = []
    for loc, count, limit, what in found:
        if count > limit:
            line = _line_of(tree, loc)
            message = f"{count:,} {what}, more than the limit of {limit:,}"
            issues.append(
                CampaignIssue(_path(loc), None if line is None else line + 1 + line_offset, message)
            )
    return issues


_OPENERS = {'"': "quote", "'": "quote", "[": "[", "{": "{"}
"""What a person left open when the parser fails far below it, at the end of the text."""


def _yaml_issue(exc: YAMLError, text: str, line_offset: int) -> CampaignIssue:
    """The problem, placed where an unclosed quote or bracket began rather than where it hurt.

    An unclosed ``"`` or ``[`` makes the parser fail lines later (often at the end of
    the text); the line that needs the fix is the one that opened it.
    """
    mark = getattr(exc, "problem_mark", None)
    line = None if mark is None else mark.line + 1 + line_offset
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if context and not isinstance(exc, DuplicateKeyError):
        problem = f"{context}: {problem}"
    opener = None if isinstance(exc, DuplicateKeyError) else _unclosed_opener(exc, text)
    if opener is None or line is None or line <= opener[0] + line_offset:
        return CampaignIssue("", line, f"invalid YAML: {problem}")
    opened_line, column, what = opener
    message = (
        f"invalid YAML: the {what} opened at column {column} is still open at line {line}"
        f" ({problem})"
    )
    return CampaignIssue("", opened_line + line_offset, message)


def _unclosed_opener(exc: YAMLError, text: str) -> tuple[int, int, str] | None:
    """(1-based line, column, what) of the quote or flow bracket still open at the error.

    The scanner marks an unclosed quote itself; for brackets the parser's events are
    replayed up to the error, keeping the flow collections still open.
    """
    lines = text.splitlines()
    context_mark = getattr(exc, "context_mark", None)
    if context_mark is not None and context_mark.line < len(lines):
        char = lines[context_mark.line][context_mark.column : context_mark.column + 1]
        if char in _OPENERS:
            return context_mark.line + 1, context_mark.column + 1, _OPENERS[char]
    open_collections: list[tuple[bool, Any]] = []
    try:
        for event in YAML(typ="rt").parse(text):
            if isinstance(event, CollectionStartEvent):
                open_collections.append((bool(event.flow_style), event.start_mark))
            elif isinstance(event, CollectionEndEvent) and open_collections:
                open_collections.pop()
    except YAMLError:
        pass
    flows = [mark for flow, mark in open_collections if flow]
    if not flows:
        return None
    start = flows[-1]
    char = lines[start.line][start.column : start.column + 1] if start.line < len(lines) else ""
    return start.line + 1, start.column + 1, _OPENERS.get(char, "bracket")


def _plain(node: Any) -> Any:
    """Turn ruamel's round-trip nodes into plain Python values before validation."""
    if isinstance(node, dict):
        return {_plain(key): _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(item) for item in node]
    if isinstance(node, ScalarBoolean):
        return bool(node)
    for kind in (str, bool, int, float):
        if isinstance(node, kind):
            return kind(node)
    return node


def _issue(error: Any, tree: CommentedMap, line_offset: int) -> CampaignIssue:
    loc: _Loc = tuple(error["loc"])
    line = _line_of(tree, loc)
    return CampaignIssue(
        _path(loc),
        None if line is None else line + 1 + line_offset,
        _message(error, loc),
    )


def _line_of(tree: CommentedMap, loc: _Loc) -> int | None:
    """The 0-based line of the deepest node on ``loc`` that exists in the document.

    A missing key thus points at the mapping that lacks it.
    """
    node: Any = tree
    line = None
    for element in loc:
        if isinstance(node, CommentedMap) and element in node:
            line = node.lc.key(element)[0]
        elif isinstance(node, CommentedSeq) and isinstance(element, int) and element < len(node):
            line = node.lc.item(element)[0]
        else:
            break
        node = node[element]
    return line


def _path(loc: _Loc) -> str:
    path = ""
    for element in loc:
        if isinstance(element, int):
            path += f"[{element}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", element):
            path += f".{element}" if path else element
        else:
            path += f"[{element!r}]"
    return path


def _message(error: Any, loc: _Loc) -> str:
    kind = error["type"]
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        return _unknown_key(loc)
    if kind == "string_type":
        value = error["input"]
        hint = "" if value is None or isinstance(value, dict | list) else " (quote it)"
        return f"expected a string, got {_yaml_kind(value)}{hint}"
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "expected a mapping"
    if kind == "list_type":
        return "expected a list"
    return str(error["msg"])


def _unknown_key(loc: _Loc) -> str:
    key = str(loc[-1])
    parent = tuple(element for element in loc[:-1] if isinstance(element, str))
    models: dict[tuple[str, ...], type[BaseModel]] = {
        (): Campaign,
        ("tables",): TableMapping,
        ("scope",): Scope,
        ("verify",): VerifyOptions,
        ("usage",): UsageOptions,
    }
    model = models.get(parent)
    if model is None:
        return "unknown key"
    allowed = list(model.model_fields)
    close = difflib.get_close_matches(key, allowed, n=1)
    if close:
        return f"unknown key (did you mean {close[0]!r}?)"
    return "unknown key (expected one of: " + ", ".join(allowed) + ")"


def _yaml_kind(value: object) -> str:
    """Name a plain value the way a YAML author thinks of it."""
    kinds: tuple[tuple[type | tuple[type, ...], str], ...] = (
        (bool, "a boolean"),
        ((int, float), "a number"),
        (str, "a string"),
        (list, "a list"),
        (dict, "a mapping"),
        (datetime.date, "a date"),
        (type(None), "null"),
    )
    return next((name for kind, name in kinds if isinstance(value, kind)), "a value")
