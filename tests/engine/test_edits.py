"""The splice step: byte-exact edits and guardrail comments (contract sections 3.6, 4, 6)."""

from __future__ import annotations

import pytest

from bot.engine.edits import (
    JINJA_COMMENT,
    SCALA_COMMENT,
    SQL_COMMENT,
    CommentSyntax,
    OverlappingEditsError,
    apply_edits,
    render,
)
from bot.engine.model import GuardrailSite, TextEdit

GUIDE = "https://wiki.example.com/migrations/plays-v2"


def test_edits_apply_right_to_left_and_leave_other_bytes_alone() -> None:
    text = "SELECT a,\r\n  b -- keep me\r\nFROM t\r\n"
    edits = [TextEdit(7, 8, "alpha"), TextEdit(13, 14, "beta AS b")]
    assert apply_edits(text, edits) == "SELECT alpha,\r\n  beta AS b -- keep me\r\nFROM t\r\n"


def test_insertions_at_one_offset_are_applied_once_each() -> None:
    assert apply_edits("ab", [TextEdit(1, 1, "X"), TextEdit(1, 1, "X")]) == "aXb"


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(OverlappingEditsError):
        apply_edits("abcdef", [TextEdit(0, 3, "x"), TextEdit(2, 4, "y")])


@pytest.mark.parametrize(
    ("syntax", "text", "offset", "expected"),
    [
        (
            SQL_COMMENT,
            "SELECT 1;\n    SELECT is_premium FROM t;\n",
            14,
            f"SELECT 1;\n    -- godwit: why; see {GUIDE}\n    SELECT is_premium FROM t;\n",
        ),
        (
            SCALA_COMMENT,
            'object A {\n\tval q = "x"\n}\n',
            12,
            f'object A {{\n\t// godwit: why; see {GUIDE}\n\tval q = "x"\n}}\n',
        ),
        (JINJA_COMMENT, "select 1", 0, f"{{# godwit: why; see {GUIDE} #}}\nselect 1"),
    ],
)
def test_guardrail_comment_goes_above_the_statement_with_its_indentation(
    syntax: CommentSyntax, text: str, offset: int, expected: str
) -> None:
    rendered = render(text, [], [GuardrailSite(offset, "why")], syntax=syntax, guide=GUIDE)
    assert rendered.text == expected
    (placed,) = rendered.guardrails
    assert rendered.text.splitlines()[placed.line - 1].strip() == placed.comment


def test_rendering_twice_does_not_repeat_the_comment() -> None:
    text = "SELECT is_premium FROM t;\n"
    once = render(text, [], [GuardrailSite(0, "why")], syntax=SQL_COMMENT, guide=GUIDE)
    twice = render(
        once.text,
        [],
        [GuardrailSite(once.text.index("SELECT"), "why")],
        syntax=SQL_COMMENT,
        guide=GUIDE,
    )
    assert twice.text == once.text
    assert twice.guardrails[0].line == 1


def test_an_earlier_godwit_comment_is_kept_as_it_is_not_stacked() -> None:
    # Applying a campaign to code it guarded before changes nothing, even when the
    # comment's wording (an earlier version's) differs from today's.
    text = f"-- godwit: old reason; see {GUIDE}\nSELECT x FROM t;\n"
    rendered = render(
        text,
        [],
        [GuardrailSite(text.index("SELECT"), "new reason")],
        syntax=SQL_COMMENT,
        guide=GUIDE,
    )
    assert rendered.text == text
    assert [(g.line, g.statement_line, g.comment) for g in rendered.guardrails] == [
        (1, 2, f"-- godwit: old reason; see {GUIDE}")
    ]


def test_two_statements_on_one_line_share_one_comment() -> None:
    text = "SELECT a FROM t; SELECT b FROM t;\n"
    rendered = render(
        text,
        [],
        [GuardrailSite(0, "a is gone"), GuardrailSite(17, "b is gone")],
        syntax=SQL_COMMENT,
        guide=GUIDE,
    )
    assert rendered.text.splitlines()[0] == f"-- godwit: a is gone; b is gone; see {GUIDE}"


def test_guardrail_lines_account_for_earlier_insertions() -> None:
    text = "SELECT a FROM t;\nSELECT b FROM t;\n"
    rendered = render(
        text,
        [TextEdit(7, 8, "x\n  ")],
        [GuardrailSite(0, "first"), GuardrailSite(17, "second")],
        syntax=SQL_COMMENT,
        guide=GUIDE,
    )
    lines = rendered.text.splitlines()
    assert [(g.statement_line, g.line) for g in rendered.guardrails] == [(1, 1), (2, 4)]
    assert [lines[g.line - 1] for g in rendered.guardrails] == [
        g.comment for g in rendered.guardrails
    ]
