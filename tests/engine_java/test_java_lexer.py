"""The Java lexer: literals, text blocks and comments found on the tree-sitter Java tree."""

from __future__ import annotations

import pytest

from bot.engine.java.lexer import lex_java
from bot.engine.scala.literal_text import literal_text

CASES = [
    (
        "quotes inside comments and char literals open nothing",
        'char q = \'"\'; // "not a string"\n/* "nor this" */ String s = "real";',
        ['"real"'],
    ),
    (
        "escaped quotes stay inside the string",
        'String s = "say \\"hi\\""; String t = "next";',
        ['"say \\"hi\\""', '"next"'],
    ),
    (
        "a text block is one literal",
        'String q = """\n    SELECT 1\n    """;',
        ['"""\n    SELECT 1\n    """'],
    ),
]


@pytest.mark.parametrize(("source", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_literals_found(source: str, expected: list[str]) -> None:
    assert [source[lit.start : lit.end] for lit in lex_java(source).literals] == expected


def test_escapes_are_decoded_in_plain_strings_and_text_blocks() -> None:
    source = 'String a = "p:d.t\\u0041"; String b = """\n  x\\ty""";'
    first, second = lex_java(source).literals
    assert literal_text(source, [first]).text == "p:d.tA"
    assert literal_text(source, [second]).text == "\n  x\ty"


def test_code_blanks_comments_and_literals_keeping_lines() -> None:
    source = "f(\"x(\") // )\n/* ( */ g('(')"
    assert lex_java(source).code == "f(    )     \n        g(   )"
