"""Edit a sources YAML in place: add entries, drop entries, touch nothing else.

Whole-document dumping would carry a removed entry's trailing comments away (ruamel
attaches the comment above an entry to the entry before it), so edits are line
splices at the positions ruamel reports, and only the added lines are written by
ruamel, in the file's own indentation.
"""

from __future__ import annotations

import io
import json
import re
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.util import load_yaml_guess_indent

from bot.engine.dbt.sources import declared_sources, load_yaml
from bot.engine.edits import LineIndex, apply_edits, newline_of
from bot.engine.model import TextEdit


class LayoutError(ValueError):
    """The file's layout (flow style, odd nesting) cannot be edited line by line."""


@dataclass(frozen=True)
class NewTable:
    name: str
    identifier: str | None = None  # only when it differs from ``name``
    body: str = "{}"  # JSON object: keys carried over from the old entry (``carry``)
    comments: tuple[str, ...] = ()  # whole comment lines, written right below ``name``


@dataclass(frozen=True)
class NewSource:
    name: str
    database: str | None
    schema: str
    tables: tuple[NewTable, ...]


_Entries = tuple[NewTable, ...] | tuple[NewSource, ...]


@dataclass
class SourcesFileEdit:
    """Changes to one file; indexes are positions in its ``sources`` / ``tables`` lists."""

    remove: set[tuple[int, int]] = field(default_factory=set)
    add_tables: dict[int, list[NewTable]] = field(default_factory=dict)
    add_sources: list[NewSource] = field(default_factory=list)


@dataclass(frozen=True)
class _Lines:
    text: str
    lines: list[str]
    index: LineIndex

    @classmethod
    def of(cls, text: str) -> _Lines:
        return cls(text, text.splitlines(), LineIndex(text))

    def offset(self, line: int) -> int:
        """Offset of 0-based ``line``; past the last line, the end of the text."""
        return self.index.line_start(line + 1) if line < len(self.lines) else len(self.text)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _item_lines(seq: CommentedSeq, item: int, lines: _Lines) -> tuple[int, int, int]:
    """First line, line after the last, and dash column of a block sequence item.

    The item runs while lines are blank or indented deeper than its dash; trailing
    blank lines and comments in the dash's column are left to whatever follows.
    """
    if seq.fa.flow_style():
        raise LayoutError("flow-style sequence")
    first, column = seq.lc.item(item)
    dash = lines.lines[first].rfind("-", 0, column)
    if dash < 0:
        raise LayoutError(f"no dash before item on line {first + 1}")
    last = first
    for number in range(first + 1, len(lines.lines)):
        line = lines.lines[number]
        if not line.strip():
            continue
        if _indent(line) <= dash:
            break
        last = number
    return first, last + 1, dash


def entry_span(text: str, source_index: int, table_index: int) -> tuple[int, int]:
    """Offsets of a table entry, from its dash to the end of its last line.

    An entry of a flow-style list is located by its first character only.
    """
    lines = _Lines.of(text)
    tables = _tables(_sources(load_yaml(text)), source_index)
    if tables.fa.flow_style():
        line, column = tables.lc.item(table_index)
        return lines.offset(line) + column, lines.offset(line) + column
    first, end, dash = _item_lines(tables, table_index, lines)
    return lines.offset(first) + dash, lines.offset(end - 1) + len(lines.lines[end - 1])


def check_layout(text: str) -> None:
    """Raise ``LayoutError`` unless every source and table entry can be edited by line."""
    lines = _Lines.of(text)
    sources = _sources(load_yaml(text))
    for index in range(len(sources)):
        _item_lines(sources, index, lines)
        source = sources[index]
        tables = source.get("tables") if isinstance(source, CommentedMap) else None
        if isinstance(tables, CommentedSeq):
            for table in range(len(tables)):
                _item_lines(tables, table, lines)


def _sources(document: object) -> CommentedSeq:
    sources = declared_sources(document)
    if sources is None:
        raise LayoutError("no sources list")
    return sources


def _tables(sources: CommentedSeq, source_index: int) -> CommentedSeq:
    source = sources[source_index]
    tables = source.get("tables") if isinstance(source, CommentedMap) else None
    if not isinstance(tables, CommentedSeq):
        raise LayoutError(f"source {source_index} has no tables list")
    return tables


class _Loaded:
    """Stands in for the YAML instance ``load_yaml_guess_indent`` loads with.

    The guess itself only scans the lines; the document it would load again is
    the one ``load_yaml`` holds already, and loading is the slow part.
    """

    @staticmethod
    def load(text: str) -> object:
        return load_yaml(text)


@lru_cache(maxsize=256)
def sequence_indent(text: str) -> tuple[int, int]:
    """The file's own sequence indent and dash offset (cached per file)."""
    _, indent, offset = load_yaml_guess_indent(text, yaml=_Loaded)
    return indent or 2, offset or 0


@lru_cache(maxsize=16)
def _dumper(indent: int, offset: int) -> YAML:
    """Building a round-trip YAML instance is slow; one per layout is enough."""
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=indent, offset=offset)
    return yaml


def _block(entries: _Entries, text: str, dash: int) -> str:
    """``entries`` as a block sequence whose dashes stand in column ``dash``."""
    return textwrap.indent(entries_block(entries, *sequence_indent(text)), " " * dash)


@lru_cache(maxsize=256)
def entries_block(entries: _Entries, indent: int, offset: int) -> str:
    """``entries`` as a block sequence in a layout, dashes in column 0.

    ruamel's emitter takes about a millisecond for these few lines, and a campaign
    adds the same entries to every project that reads its old table, so the text
    is kept per entries and layout.
    """
    out = io.StringIO()
    counter = iter(range(1 << 30))
    _dumper(indent, offset).dump([_entry(entry, counter) for entry in entries], out)
    comments = [c for entry in entries for c in _comments(entry)]
    return _COMMENT_KEY.sub(lambda m: m[1] + comments[int(m[2])], textwrap.dedent(out.getvalue()))


# A key standing where a comment line goes: ruamel writes it in the entry's indentation.
_COMMENT_KEY = re.compile(r"^( *)__godwit_comment_(\d+)__: .*$", re.MULTILINE)


def _comments(entry: NewTable | NewSource) -> tuple[str, ...]:
    if isinstance(entry, NewTable):
        return entry.comments
    return tuple(c for table in entry.tables for c in table.comments)


def _entry(entry: NewTable | NewSource, counter: Iterator[int]) -> dict[str, object]:
    if isinstance(entry, NewTable):
        return _table_entry(entry, counter)
    return _source_entry(entry, counter)


def _table_entry(table: NewTable, counter: Iterator[int]) -> dict[str, object]:
    entry: dict[str, object] = {"name": table.name}
    for _ in table.comments:
        entry[f"__godwit_comment_{next(counter)}__"] = ""
    if table.identifier is not None:
        entry["identifier"] = table.identifier
    carried: dict[str, object] = json.loads(table.body)
    entry.update((k, v) for k, v in carried.items() if k not in entry)
    return entry


def _source_entry(source: NewSource, counter: Iterator[int]) -> dict[str, object]:
    entry: dict[str, object] = {"name": source.name}
    if source.database is not None:
        entry["database"] = source.database
    entry["schema"] = source.schema
    entry["tables"] = [_table_entry(t, counter) for t in source.tables]
    return entry


def _delete(seq: CommentedSeq, item: int, lines: _Lines) -> TextEdit:
    """Delete an item with the comment lines right above it, which describe it.

    Blank lines above it go too when a blank line follows it, so no gap doubles.
    """
    first, end, dash = _item_lines(seq, item, lines)
    while first > 0 and _is_comment_at(lines.lines[first - 1], dash):
        first -= 1
    blank_after = end >= len(lines.lines) or not lines.lines[end].strip()
    while blank_after and first > 0 and not lines.lines[first - 1].strip():
        first -= 1
    return TextEdit(lines.offset(first), lines.offset(end), "")


def _is_comment_at(line: str, column: int) -> bool:
    return line.lstrip().startswith("#") and _indent(line) == column


def _append(seq: CommentedSeq, entries: _Entries, lines: _Lines) -> TextEdit:
    _, end, dash = _item_lines(seq, len(seq) - 1, lines)
    at = lines.offset(end)
    block = _block(entries, lines.text, dash)
    if at == len(lines.text) and lines.text and not lines.text.endswith("\n"):
        block = "\n" + block
    newline = newline_of(lines.text)  # the file's line ending: CRLF stays CRLF
    return TextEdit(at, at, block.replace("\n", newline) if newline != "\n" else block)


def _removals(sources: CommentedSeq, edit: SourcesFileEdit, lines: _Lines) -> list[TextEdit]:
    """Line deletions for removed entries; a source losing all its tables goes too."""
    edits: list[TextEdit] = []
    for source_index in sorted({s for s, _ in edit.remove}):
        tables = _tables(sources, source_index)
        doomed = sorted(t for s, t in edit.remove if s == source_index)
        if _emptied(sources, source_index, edit):
            edits.append(_delete(sources, source_index, lines))
        else:
            edits.extend(_delete(tables, t, lines) for t in doomed)
    return edits


def _emptied(sources: CommentedSeq, source_index: int, edit: SourcesFileEdit) -> bool:
    """Whether the edit leaves the source without tables (then the source goes)."""
    removed = {t for s, t in edit.remove if s == source_index}
    if not removed or edit.add_tables.get(source_index):
        return False
    return len(removed) == len(_tables(sources, source_index))


def edit_sources_file(text: str, edit: SourcesFileEdit) -> str:
    """The file with ``edit`` applied; everything not edited stays byte for byte."""
    return apply_edits(text, sources_file_edits(text, edit))


def sources_file_edits(text: str, edit: SourcesFileEdit) -> list[TextEdit]:
    """The line splices that apply ``edit`` to the file.

    A ``sources:`` key left without sources is removed as well: dbt rejects a null list.
    """
    document = load_yaml(text)
    if not isinstance(document, CommentedMap):
        raise LayoutError("not a mapping")
    sources = _sources(document)
    lines = _Lines.of(text)
    if not edit.add_sources and all(_emptied(sources, i, edit) for i in range(len(sources))):
        key_line, _ = document.lc.key("sources")
        end = _item_lines(sources, len(sources) - 1, lines)[1]
        return [TextEdit(lines.offset(key_line), lines.offset(end), "")]
    edits = _removals(sources, edit, lines)
    for source_index, tables in sorted(edit.add_tables.items()):
        seq = _tables(sources, source_index)
        edits.append(_append(seq, tuple(tables), lines))
    if edit.add_sources:
        edits.append(_append(sources, tuple(edit.add_sources), lines))
    return edits
