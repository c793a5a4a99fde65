"""Runtime text of literals and chains of literals, traced back to the file."""

from __future__ import annotations

import pytest

from bot.engine.scala.concatenation import concatenations
from bot.engine.scala.lexer import lex
from bot.engine.scala.literal_text import LiteralError, encode, literal_text

# (title, source, runtime text of the first literal)
RUNTIME_CASES = [
    ("escapes are decoded", r'"a\tb\n\"c\" \\ \u0041"', 'a\tb\n"c" \\ A'),
    ("triple quotes keep backslashes", r'"""a\nb"""', r"a\nb"),
    ("raw keeps backslashes", r'raw"\d+"', r"\d+"),
    ("dollar escapes", 's"$$1 $"q"', '$1 "q'),
    ("splices become placeholders", 's"x $a ${b.c} y"', "x godwit_splice_1 godwit_splice_2 y"),
    ("f splices take their format", 'f"$n%5d rows, 100%%"', "godwit_splice_1 rows, 100%"),
    (
        "stripMargin blanks each margin, one space per character",
        '"""SELECT a\n  |FROM t\n  | WHERE b""".stripMargin',
        "SELECT a\n   FROM t\n    WHERE b",
    ),
    (
        "a margin character given as argument",
        '"""SELECT a\n  #FROM t""".stripMargin(\'#\')',
        "SELECT a\n   FROM t",
    ),
    ("no stripMargin: the bars stay", '"""a\n  |b"""', "a\n  |b"),
]


@pytest.mark.parametrize(
    ("source", "expected"), [c[1:] for c in RUNTIME_CASES], ids=[c[0] for c in RUNTIME_CASES]
)
def test_runtime_text(source: str, expected: str) -> None:
    runtime = literal_text(source, lex(source).literals[:1])
    assert runtime.text == expected
    assert len(runtime.starts) == len(runtime.ends) == len(runtime.text)


def test_origin_maps_runtime_spans_back_to_the_file() -> None:
    source = 'val q = s"SELECT\\t$col FROM \\"t\\""'
    runtime = literal_text(source, lex(source).literals[:1])
    start = runtime.text.index('"t"')
    file_start, file_end = runtime.file_span(start, start + 3)
    assert source[file_start:file_end] == '\\"t\\"'
    splice = runtime.text.index("godwit_splice_1")
    assert runtime.touches_splice(splice, splice + 3)
    assert runtime.touches_splice(splice + 2, splice + 2)
    assert not runtime.touches_splice(0, 6)
    assert runtime.is_placeholder("godwit_splice_1")
    assert not runtime.is_placeholder("col")


@pytest.mark.parametrize(
    "source",
    ['"bad \\q escape"', 'sql"SELECT 1"', 's"cost $ 5"', 'f"50% off"', '"""x""".stripMargin(sep)'],
)
def test_unknowable_runtime_text_is_an_error(source: str) -> None:
    with pytest.raises(LiteralError):
        literal_text(source, lex(source).literals[:1])


# (title, literal, replacement, spelled in the literal or None)
ENCODE_CASES = [
    ("plain strings escape quotes and newlines", '"x"', 'a "b"\nc', 'a \\"b\\"\\nc'),
    ("interpolated strings double dollars", 's"x"', "a$b", "a$$b"),
    ("f strings double percent signs", 'f"x"', "100%", "100%%"),
    ("triple quotes hold quotes as they are", '"""x"""', 'a "b"', 'a "b"'),
    ("triple quotes cannot hold their closer", '"""x"""', 'a """ b', None),
    ("raw strings cannot hold a quote", 'raw"x"', 'a "b"', None),
    ("stripMargin literals cannot take a new line", '"""x""".stripMargin', "a\nb", None),
]


@pytest.mark.parametrize(
    ("source", "replacement", "expected"),
    [c[1:] for c in ENCODE_CASES],
    ids=[c[0] for c in ENCODE_CASES],
)
def test_encode(source: str, replacement: str, expected: str | None) -> None:
    assert encode(replacement, lex(source).literals[0]) == expected


# (title, source, the runtime texts of the file's chains of literals)
CHAIN_CASES = [
    (
        "literals joined by + read as one text",
        'val q = "SELECT a " +\n  "FROM t " + // why\n  "WHERE b"',
        ["SELECT a FROM t WHERE b"],
    ),
    (
        "a plain name between pieces is a splice",
        'val q = "WHERE d = \'" + day + "\'"',
        ["WHERE d = 'godwit_splice_1'"],
    ),
    (
        "a call between pieces ends the chain",
        'val q = "a" + f(x) + "b"',
        ["a", "b"],
    ),
    (
        "stripMargin applies to its own piece",
        'val q = """SELECT a\n  |""".stripMargin + "FROM t"',
        ["SELECT a\n   FROM t"],
    ),
    (
        "literals in splices stay apart",
        's"x ${"y" + "z"} w" + "v"',
        ["x godwit_splice_1 wv", "y", "z"],
    ),
]


@pytest.mark.parametrize(
    ("source", "expected"), [c[1:] for c in CHAIN_CASES], ids=[c[0] for c in CHAIN_CASES]
)
def test_chains(source: str, expected: list[str]) -> None:
    chains = concatenations(lex(source))
    texts = [literal_text(source, chain.literals, chain.joints).text for chain in chains]
    assert texts == expected


def test_chain_spans() -> None:
    source = 'val q = "SELECT a " +\n  "FROM t"'
    (chain,) = concatenations(lex(source))
    runtime = literal_text(source, chain.literals, chain.joints)
    joint = runtime.text.index("FROM")
    start, end = runtime.file_span(7, 8)
    assert source[start:end] == "a"
    start, end = runtime.file_span(joint, joint + 6)
    assert source[start:end] == "FROM t"
    assert runtime.touches_splice(7, joint + 4)  # across the +
    assert not runtime.touches_splice(7, joint)
    assert runtime.literal_holding(*runtime.file_span(joint, joint + 4)) is chain.literals[1]
    assert runtime.literal_holding(*runtime.file_span(7, joint + 4)) is None


def test_a_name_spliced_between_literals_is_code_on_both_sides() -> None:
    source = 'val q = "WHERE d = " + day + " AND x"'
    (chain,) = concatenations(lex(source))
    runtime = literal_text(source, chain.literals, chain.joints)
    name = runtime.text.index("godwit_splice_1")
    assert runtime.touches_splice(name + 1, name + 1)
    assert runtime.literal_holding(*runtime.file_span(name, name)) is None
    after = name + len("godwit_splice_1")
    assert runtime.literal_holding(*runtime.file_span(after, after)) is chain.literals[1]
