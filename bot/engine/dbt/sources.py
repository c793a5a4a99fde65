"""What a dbt project's sources YAML says each ``source('s', 't')`` reads.

dbt fills in what a source leaves out: ``schema`` is the source's name,
``identifier`` is the table's name and ``database`` is the target's, which only
the deployment knows. A source without ``database`` therefore matches like a
two-part SQL reference: its schema and identifier equal the trailing parts of the
old table's name. A Jinja ``database`` (``{{ env_var(...) }}``) is just as unknown;
a Jinja schema or identifier never matches.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache

from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from bot.campaign import TableName
from bot.engine.dbt.yaml_reader import load_round_trip


@dataclass(frozen=True)
class SourceTable:
    """One ``tables`` entry of one source, as dbt resolves it."""

    path: str  # the YAML file declaring it
    source: str
    table: str
    database: str | None  # None: the target's database, unknown here
    schema: str | None  # None: Jinja, unknown
    identifier: str | None  # None: Jinja, unknown
    source_index: int  # position in the file's ``sources`` list
    table_index: int  # position in the source's ``tables`` list

    def resolves_to(self, name: TableName) -> bool:
        if self.schema is None or self.identifier is None:
            return False
        if (self.schema, self.identifier) != (name.dataset, name.table):
            return False
        return self.database is None or self.database == name.project


@dataclass(frozen=True)
class SourceCatalog:
    """Every source table a project declares, looked up as ``source()`` does."""

    tables: tuple[SourceTable, ...]

    def lookup(self, source: str, table: str) -> SourceTable | None:
        return next((t for t in self.tables if (t.source, t.table) == (source, table)), None)

    def resolving_to(self, name: TableName) -> list[SourceTable]:
        return [t for t in self.tables if t.resolves_to(name)]

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


def _known(value: object) -> str | None:
    if value is None:
        return None
    text = str(value)
    return None if "{{" in text or "{%" in text else text


def declared_sources(document: object) -> CommentedSeq | None:
    """The ``sources`` list of a property file, if it has one."""
    if isinstance(document, CommentedMap) and isinstance(document.get("sources"), CommentedSeq):
        sources: CommentedSeq = document["sources"]
        return sources
    return None


def _file_tables(path: str, document: object) -> Iterator[SourceTable]:
    sources = declared_sources(document)
    if sources is None:
        return
    for source_index, source in enumerate(sources):
        if not isinstance(source, CommentedMap) or "name" not in source:
            continue
        name = str(source["name"])
        database = source.get("database", source.get("project"))
        schema = source.get("schema", source.get("dataset", name))
        tables = source.get("tables")
        if not isinstance(tables, CommentedSeq):
            continue
        for table_index, table in enumerate(tables):
            if not isinstance(table, CommentedMap) or "name" not in table:
                continue
            yield SourceTable(
                path=path,
                source=name,
                table=str(table["name"]),
                database=_known(database),
                schema=_known(schema),
                identifier=_known(table.get("identifier", table["name"])),
                source_index=source_index,
                table_index=table_index,
            )


def read_catalog(paths: Iterable[str], files: Mapping[str, str]) -> SourceCatalog:
    """The sources declared in the property files ``paths`` of a project."""
    found: list[SourceTable] = []
    for path in paths:
        found.extend(_file_tables(path, load_yaml(files[path])))
    return SourceCatalog(tuple(found))
