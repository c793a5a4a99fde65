"""The libyaml path reads a sources file exactly as ruamel's round-trip loader does.

"Exactly" is what the engine reads from a document: its values, their types and
text, every entry's line and column, and flow style. Generated files cover the
layouts sources files come in; the edge cases are the ones where the two parsers
differ, which must take (or fall back to) the pure loader.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from bot.engine.dbt import yaml_reader
from bot.engine.dbt.yaml_reader import load_round_trip, load_safe


def _shape(value: object) -> object:
    """Everything the engine may read from a loaded value, as plain comparable data."""
    if isinstance(value, CommentedMap):
        return (
            "map",
            value.fa.flow_style(),
            (value.lc.line, value.lc.col),
            [(_shape(k), value.lc.data.get(k), _shape(v)) for k, v in value.items()],
        )
    if isinstance(value, CommentedSeq):
        return (
            "seq",
            value.fa.flow_style(),
            (value.lc.line, value.lc.col),
            [(value.lc.data.get(i), _shape(v)) for i, v in enumerate(value)],
        )
    return (type(value).__name__, str(value), repr(value))


def _pure(text: str) -> object:
    try:
        return _shape(YAML(typ="rt").load(text))
    except YAMLError as error:
        return type(error).__name__


def _fast(text: str) -> object:
    try:
        return _shape(load_round_trip(text))
    except YAMLError as error:
        return type(error).__name__


def _libyaml_only(text: str) -> object:
    """The C path alone, without the gate and the fallback."""
    try:
        return _shape(yaml_reader._load(yaml_reader._RoundTripLoader, text))
    except YAMLError as error:
        return type(error).__name__


EDGE_CASES = {
    "comments only": "# sources live elsewhere\n# nothing here\n",
    "empty": "",
    "blank lines": "\n\n",
    "byte order mark": "\ufeffversion: 2\nsources:\n  - name: music\n",
    "YAML 1.1 directive": "%YAML 1.1\n---\nsources:\n  - name: on\n",
    "YAML 1.2 directive": "%YAML 1.2\n---\nsources:\n  - name: music\n",
    "tags": "sources: !!seq\n  - name: !custom music\n",
    "tab after a key": "sources:\n  - name:\tmusic\n",
    "line separator": "sources:\n  - name: a\u2028b\n",
    "next line": "sources:\n  - name: a\x85b\n",
    "non-ASCII": "sources:\n  - name: müsic  # é\n    tables:\n      - name: ✓\n      - name: x\n",
    "CRLF": "sources:\r\n  - name: music\r\n    tables:\r\n      - name: plays_v1\r\n",
    "anchors and merge": "b: &b\n  database: x\nsources:\n  - <<: *b\n    name: music\n",
    "scalars that are not strings": (
        "sources:\n  - name: yes\n    database: on\n    schema: null\n    tables:\n"
        "      - name: 2024\n      - name: 1.10\n      - name: 0x1F\n      - name: 2024-01-01\n"
        "      - name: ~\n      - name: True\n"
    ),
    "flow style": "sources: [{name: music, tables: [{name: plays_v1}, {name: users}]}]\n",
    "block scalars": "sources:\n  - name: >-\n      folded\n    description: |\n      kept\n",
    "indentless sequences": "sources:\n- name: music\n  tables:\n  - name: plays_v1\n",
    "several documents": "a: 1\n---\nb: 2\n",
    "duplicate keys": "a: 1\na: 2\n",
    "unclosed flow list": "a: [1, 2\n",
    "bad indentation": "a:\n  b: 1\n c: 2\n",
    "a scalar document": "just text\n",
}


@pytest.mark.parametrize("text", list(EDGE_CASES.values()), ids=list(EDGE_CASES))
def test_edge_cases_read_as_the_pure_loader_reads_them(text: str) -> None:
    assert _fast(text) == _pure(text)


@pytest.mark.parametrize(
    "text",
    [
        EDGE_CASES["YAML 1.1 directive"],
        EDGE_CASES["tags"],
        EDGE_CASES["tab after a key"],
        EDGE_CASES["line separator"],
    ],
)
def test_libyaml_differs_where_the_gate_sends_text_to_the_pure_loader(text: str) -> None:
    """Why the gate exists: without it these would read differently."""
    assert _libyaml_only(text) != _pure(text)


def test_safe_load_is_the_safe_loaders() -> None:
    text = "name: w\nmodel-paths: ['transform']\nversion: 1.0\nflag: yes\n"
    assert load_safe(text) == YAML(typ="safe").load(text)


_SCALARS = st.sampled_from(
    ["music", "plays_v1", "legacy-proj", "'quoted'", '"double"', "1.10", "2024", "yes", "null"]
)
_COMMENTS = st.sampled_from(["", "  # note", "  # plays_v1 is old"])


@st.composite
def sources_files(draw: st.DrawFn) -> str:
    """A sources file in one of the layouts people write them in."""
    indent = draw(st.sampled_from([2, 4]))
    dash = " " * draw(st.sampled_from([0, 2]))
    newline = draw(st.sampled_from(["\n", "\r\n"]))

    def entries(level: int, items: list[list[tuple[str, str]]]) -> list[str]:
        lines: list[str] = []
        for item in items:
            if draw(st.booleans()):
                lines.append(f"{' ' * level}{dash}# an entry{draw(_COMMENTS)}")
            for index, (key, value) in enumerate(item):
                lead = "- " if index == 0 else "  "
                lines.append(f"{' ' * level}{dash}{lead}{key}: {value}{draw(_COMMENTS)}")
            if draw(st.booleans()):
                lines.append("")
        return lines

    lines = ["version: 2", ""] if draw(st.booleans()) else []
    lines.append(f"sources:{draw(_COMMENTS)}")
    for _ in range(draw(st.integers(1, 3))):
        fields = [("name", draw(_SCALARS))]
        fields += [(key, draw(_SCALARS)) for key in ("database", "schema") if draw(st.booleans())]
        lines += entries(0, [fields])
        nested = " " * (len(dash) + 2)
        tables = [[("name", draw(_SCALARS))] for _ in range(draw(st.integers(0, 3)))]
        if tables and draw(st.booleans()):
            flow = ", ".join(f"{{name: {table[0][1]}}}" for table in tables)
            lines.append(f"{nested}tables: [{flow}]")
        elif tables:
            lines.append(f"{nested}tables:")
            lines += entries(len(nested) + indent - 2, tables)
    if draw(st.booleans()):
        lines += ["models:", f"{dash}- name: daily"]
    return newline.join(lines) + (newline if draw(st.booleans()) else "")


@settings(max_examples=300, deadline=None)
@given(sources_files())
def test_generated_sources_files_read_the_same(text: str) -> None:
    assert yaml_reader._PURE_ONLY.search(text) is None  # so libyaml reads them
    assert _libyaml_only(text) == _pure(text)
