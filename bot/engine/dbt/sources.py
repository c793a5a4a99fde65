"""What a dbt project's sources YAML says each ``source('s', 't')`` reads.

dbt fills in what a source leaves out: ``schema`` is the source's name,
``identifier`` is the table's name and ``database`` is the target's, which only
the deployment knows. A source without ``database`` therefore matches like a
two-part SQL reference: its schema and identifier equal the trailing parts of the
old table's name. Simple Jinja (``{{ var('github_schema', 'github') }}``,
``{{ var('db', target.database) }}``, ``{% if target.type ... %}``) is read with the
project's ``vars`` and the vars' defaults (``bot.engine.dbt.values``). A
``database`` whose Jinja cannot be read is as unknown as the target's; a schema or
identifier that cannot be read never matches for certain, but an entry whose
other parts match the old table *may* read it, and its callers get a guardrail.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from bot.engine.dbt.values import resolve
from bot.engine.dbt.yaml_reader import load_round_trip
from bot.spec import TableName


@dataclass(frozen=True)
class SourceTable:
    """One ``tables`` entry of one source, as dbt resolves it."""

    path: str  # the YAML file declaring it
    source: str
    table: str
    database: str | None  # None: the target's database, unknown here
    schema: str | None  # None: Jinja that cannot be read here
    identifier: str | None  # None: Jinja that cannot be read here
    source_index: int  # position in the file's ``sources`` list
    table_index: int  # position in the source's ``tables`` list
    literal: bool = True  # database and schema are written as plain text, no Jinja
    unread: str = ""  # the Jinja that could not be read, for a guardrail's reason

    def resolves_to(self, name: TableName) -> bool:
        if self.schema is None or self.identifier is None:
            return False
        if (self.schema, self.identifier) != (name.dataset, name.table):
            return False
        return self.database is None or self.database == name.project

    def may_resolve_to(self, name: TableName) -> bool:
        """Whether the parts that could be read match ``name`` but some could not be read."""
        if self.schema is not None and self.identifier is not None:
            return False
        if self.schema is not None and self.schema != name.dataset:
            return False
        if (self.identifier or self.table) != name.table:
            return False
        return self.database is None or self.database == name.project


@dataclass(frozen=True)
class SourceCatalog:
    """Every source table a project declares, looked up as ``source()`` does."""

    tables: tuple[SourceTable, ...]
    variables: Mapping[str, object] = field(default_factory=dict)  # the project's vars

    def lookup(self, source: str, table: str) -> SourceTable | None:
        return next((t for t in self.tables if (t.source, t.table) == (source, table)), None)

    def resolving_to(self, name: TableName) -> list[SourceTable]:
        return [t for t in self.tables if t.resolves_to(name)]

    def maybe_resolving_to(self, name: TableName) -> list[SourceTable]:
        return [t for t in self.tables if t.may_resolve_to(name)]

    def source_names(self) -> set[str]:
        return {t.source for t in self.tables}


@lru_cache(maxsize=256)
def load_yaml(text: str) -> object:
    """Round-trip load (positions kept); ``None`` when it does not parse.

    Resolving, checking and editing a sources file each need its document, and
    loading is the slowest step of planning a dbt project, so documents are cached
    by text. They are shared: callers read them and never mutate them.
    """
    try:
        return load_round_trip(text)
    except YAMLError:
        return None


def declared_sources(document: object) -> CommentedSeq | None:
    """The ``sources`` list of a property file, if it has one."""
    if isinstance(document, CommentedMap) and isinstance(document.get("sources"), CommentedSeq):
        sources: CommentedSeq = document["sources"]
        return sources
    return None


def _file_tables(
    path: str, document: object, variables: Mapping[str, object]
) -> Iterator[SourceTable]:
    sources = declared_sources(document)
    if sources is None:
        return
    for source_index, source in enumerate(sources):
        if not isinstance(source, CommentedMap) or "name" not in source:
            continue
        name = str(source["name"])
        raw_database = source.get("database", source.get("project"))
        raw_schema = source.get("schema", source.get("dataset", name))
        database = resolve(raw_database, variables) if raw_database is not None else None
        schema = resolve(raw_schema, variables)
        literal = _plain(raw_database) and _plain(raw_schema)
        tables = source.get("tables")
        if not isinstance(tables, CommentedSeq):
            continue
        for table_index, table in enumerate(tables):
            if not isinstance(table, CommentedMap) or "name" not in table:
                continue
            raw_identifier = table.get("identifier", table["name"])
            identifier = resolve(raw_identifier, variables)
            unread = [
                f"its {key} is {raw!s}"
                for key, raw, value in (
                    ("schema", raw_schema, schema),
                    ("identifier", raw_identifier, identifier),
                )
                if not value.known
            ]
            yield SourceTable(
                path=path,
                source=name,
                table=str(table["name"]),
                database=None if database is None else database.text,
                schema=schema.text,
                identifier=identifier.text,
                source_index=source_index,
                table_index=table_index,
                literal=literal,
                unread="; ".join(unread),
            )


def _plain(raw: object) -> bool:
    text = "" if raw is None else str(raw)
    return "{{" not in text and "{%" not in text


def read_catalog(
    paths: Iterable[str], files: Mapping[str, str], variables: Mapping[str, object] | None = None
) -> SourceCatalog:
    """The sources declared in the property files ``paths`` of a project, read with its vars."""
    variables = variables or {}
    found: list[SourceTable] = []
    for path in paths:
        found.extend(_file_tables(path, load_yaml(files[path]), variables))
    return SourceCatalog(tuple(found), variables)
