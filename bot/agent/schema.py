"""The new table's schema as typed rows see it: fields with modes, nested fields under STRUCTs.

Scio generates a case class per schema: a REQUIRED column is a bare value, a
NULLABLE one an ``Option``, a REPEATED one a ``List``, and a STRUCT a nested case
class with the same rules. The agent's checks resolve every field a pipeline
reads against this, so a field the new table lacks, or an ``Option`` used as a
bare value, is refused before it reaches a build. Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlglot import exp, parse_one
from sqlglot.errors import SqlglotError

from bot.spec import TableMapping


@dataclass(frozen=True)
class RowField:
    """One field of a typed row; ``children`` is set for a STRUCT (its nested fields)."""

    name: str
    type: str  # the BigQuery type as declared, "" when a query's expression hides it
    mode: str  # NULLABLE, REQUIRED or REPEATED
    children: Mapping[str, RowField] | None = None

    def scala(self) -> str:
        """How the generated case class declares it, for messages the model acts on."""
        inner = "Record" if self.children is not None else (_SCALA.get(self.type, self.type) or "?")
        if self.mode == "REPEATED":
            return f"List[{inner}]"
        return inner if self.mode == "REQUIRED" else f"Option[{inner}]"


@dataclass(frozen=True)
class RowSchema:
    """The fields of one typed row class, by lower-case name, and where they come from."""

    source: str  # "core-proj.d.t" or "a query on core-proj.d.t"
    fields: Mapping[str, RowField] = field(default_factory=dict)

    def get(self, name: str) -> RowField | None:
        return self.fields.get(name.lower())


_SCALA = {
    "INT64": "Long",
    "INT": "Long",
    "BIGINT": "Long",
    "FLOAT64": "Double",
    "DOUBLE": "Double",
    "BOOL": "Boolean",
    "BOOLEAN": "Boolean",
    "STRING": "String",
    "VARCHAR": "String",
    "BYTES": "ByteString",
    "DATE": "LocalDate",
    "TIMESTAMP": "Instant",
    "DATETIME": "LocalDateTime",
    "TIME": "LocalTime",
    "NUMERIC": "BigDecimal",
}


def _field(name: str, data_type: exp.DataType, mode: str) -> RowField:
    if data_type.this == exp.DataType.Type.ARRAY and data_type.expressions:
        inner = data_type.expressions[0]
        element = inner if isinstance(inner, exp.DataType) else exp.DataType.build("STRING")
        return _field(name, element, "REPEATED")
    if data_type.this == exp.DataType.Type.STRUCT:
        children: dict[str, RowField] = {}
        for member in data_type.expressions:
            if isinstance(member, exp.ColumnDef) and isinstance(
                member.args.get("kind"), exp.DataType
            ):
                children[member.name.lower()] = _field(member.name, member.args["kind"], "NULLABLE")
        return RowField(name, "STRUCT", mode, children)
    return RowField(name, data_type.sql("bigquery").split("(")[0].upper(), mode)


def table_schema(mapping: TableMapping) -> RowSchema | None:
    """The new table's typed row, or None when the campaign gives no ``new_columns``."""
    if mapping.new_columns is None:
        return None
    fields: dict[str, RowField] = {}
    for name, type_text in mapping.new_columns.items():
        try:
            data_type = exp.DataType.build(type_text, dialect="bigquery")
        except SqlglotError:
            fields[name.lower()] = RowField(name, "", mapping.mode(name))
            continue
        built = _field(name, data_type, mapping.mode(name))
        if mapping.mode(name) == "REQUIRED" and built.mode != "REPEATED":
            built = RowField(built.name, built.type, "REQUIRED", built.children)
        fields[name.lower()] = built
    return RowSchema(mapping.new, fields)


def query_schema(sql: str, table: RowSchema) -> RowSchema | None:
    """The row a ``fromQuery`` annotation generates: one field per output name of ``sql``.

    A column (or nested column) keeps its type and mode; an expression such as
    ``EXTRACT(MONTH FROM observed_on)`` gets a NULLABLE field of unknown type,
    which is what the macro's dry run would make of most. ``SELECT *`` yields
    the table's fields. None when the query does not parse.
    """
    try:
        tree = parse_one(sql, dialect="bigquery")
    except (SqlglotError, RecursionError):
        return None
    if not isinstance(tree, exp.Select):
        return None
    fields: dict[str, RowField] = {}
    for projection in tree.expressions:
        if isinstance(projection, exp.Star):
            fields.update(table.fields)
            continue
        name = projection.alias_or_name
        if not name:
            continue
        inner = projection.this if isinstance(projection, exp.Alias) else projection
        resolved = _column_field(inner, table)
        if resolved is None:
            resolved = RowField(name, "", "NULLABLE")
        fields[name.lower()] = RowField(name, resolved.type, resolved.mode, resolved.children)
    return RowSchema(f"a query on {table.source}", fields)


def _column_field(node: exp.Expression, table: RowSchema) -> RowField | None:
    """The schema field a plain (possibly nested) column reference names, else None."""
    if isinstance(node, exp.Dot):
        parts = [part.name for part in node.flatten()]
    elif isinstance(node, exp.Column):
        parts = [part.name for part in node.parts]
    else:
        return None
    current: Mapping[str, RowField] = table.fields
    found: RowField | None = None
    for part in parts:
        found = current.get(part.lower())
        if found is None:
            return None
        current = found.children or {}
    return found
