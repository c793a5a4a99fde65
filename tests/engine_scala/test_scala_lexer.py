"""The Scala lexer: which characters are literals, which are comments, which are code."""

from __future__ import annotations

import pytest

from bot.engine.scala.lexer import UNKNOWN_MARGIN, lex

# (title, source, every literal as written, in order of appearance)
LITERAL_CASES = [
    (
        "quotes inside comments open nothing",
        'val a = 1 // it\'s "quoted"\n/* "also" */ val b = "real"',
        ['"real"'],
    ),
    (
        "nested block comments end at their own closer",
        '/* outer /* inner "x" */ still comment "y" */ val c = "after"',
        ['"after"'],
    ),
    (
        "a char literal holding a double quote",
        "val q = '\"'; val s = \"text\"; val e = '\\''",
        ['"text"'],
    ),
    (
        "escaped quotes stay inside the string",
        'val s = "say \\"hi\\" \\\\"; val t = "next"',
        ['"say \\"hi\\" \\\\"', '"next"'],
    ),
    (
        "triple quotes hold quotes; a longer run of closers keeps the extras",
        'val q = """a "b" ""c"""" ; val r = """"""',
        ['"""a "b" ""c""""', '""""""'],
    ),
    (
        "splices hold code with braces and strings of their own",
        's"a ${ m.map { x => "}" + x } } b ${s"in ${d}"} c"',
        ['s"a ${ m.map { x => "}" + x } } b ${s"in ${d}"} c"', '"}"', 's"in ${d}"'],
    ),
    (
        "interpolators are identifiers right before the quote; keywords are not",
        'val x = raw"\\d" + f"$n%d" + sql"q" ; if"a" == b then "c" else"d"',
        ['raw"\\d"', 'f"$n%d"', 'sql"q"', '"a"', '"c"', '"d"'],
    ),
    (
        "an unterminated plain string stops at the end of its line",
        'val a = "open\nval b = "closed"',
        ['"open', '"closed"'],
    ),
    (
        "a symbol-like quote and backquoted names are code",
        'val `type` = \'sym; val s = "x"',
        ['"x"'],
    ),
]


@pytest.mark.parametrize(
    ("source", "expected"), [c[1:] for c in LITERAL_CASES], ids=[c[0] for c in LITERAL_CASES]
)
def test_literals_found(source: str, expected: list[str]) -> None:
    assert [source[lit.start : lit.end] for lit in lex(source).literals] == expected


def test_code_blanks_comments_and_literals_keeping_lines() -> None:
    source = "val a = \"x(\" // )\n/* ( */ f('(')"
    code = lex(source).code
    assert code == "val a =          \n        f(   )"
    assert len(code) == len(source)


def test_splices_are_located() -> None:
    source = 's"x $name y ${a + "}"} z $$ $"q"'
    (literal, _) = lex(source).literals
    assert [source[s.start : s.end] for s in literal.splices] == ["$name", '${a + "}"}']


def test_margin_argument_that_is_not_a_char_literal() -> None:
    assert lex('"""x""".stripMargin(sep)').literals[0].margin == UNKNOWN_MARGIN


def test_offsets_are_characters_after_non_ascii_text() -> None:
    # tree-sitter counts bytes; "é" and "🎵" are two and four bytes of UTF-8.
    source = '// café 🎵\nval s = "légacy"; val t = s"x${"ü"}y"'
    literals = lex(source).literals
    assert [source[lit.start : lit.end] for lit in literals] == ['"légacy"', 's"x${"ü"}y"', '"ü"']
    assert lex(source).code.startswith("         \nval s = ")
