from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.engine.dbt.jinja import ExpressionRole, _tag_end, mask, placeholder, source_calls

MASKING = [
    pytest.param(
        "select a from {{ ref('x') }}",
        "select a from __j0__________",
        id="ref placeholder",
    ),
    pytest.param(
        "{{ config(materialized='table') }}\nselect 1",
        "                                  \nselect 1",
        id="config blanked",
    ),
    pytest.param(
        "{{ header() }}\n{{ more() }}\nwith a as (select 1) select * from a",
        "              \n            \nwith a as (select 1) select * from a",
        id="expressions opening a statement blanked",
    ),
    pytest.param(
        "select 1;\n{{ log('x') }}\nselect {{x}}",
        "select 1;\n              \nselect __j1_",
        id="opener after a semicolon",
    ),
    pytest.param(
        "select a{# note\nmore #} from t {%- if x -%}\nwhere b{% endif %}",
        "select a       \n        from t             \nwhere b           ",
        id="blocks and comments blanked, newlines kept",
    ),
    pytest.param(
        "select '{{ var(\"d\") }}' as d from t",
        "select '__j0__________' as d from t",
        id="expression inside a string",
    ),
    pytest.param(
        "select a from {{ fn('}}') }}",
        "select a from __j0__________",
        id="closer inside a string literal",
    ),
]


@pytest.mark.parametrize(("text", "masked"), MASKING)
def test_mask_keeps_offsets(text: str, masked: str) -> None:
    result = mask(text, "bigquery")
    assert result.text == masked
    assert len(result.text) == len(text)


def test_expression_roles_and_source_spans() -> None:
    text = "select {{ c }} from {{ source('music', \"plays_v1\") }} join {{ this }} using (x)"
    result = mask(text, "bigquery")
    roles = [(e.text, e.role) for e in result.expressions]
    assert roles == [
        ("{{ c }}", ExpressionRole.OPAQUE),
        ("{{ source('music', \"plays_v1\") }}", ExpressionRole.SOURCE),
        ("{{ this }}", ExpressionRole.RELATION),
    ]
    call = result.expressions[1].source
    assert call is not None
    assert (call.source, call.table) == ("music", "plays_v1")
    assert text[call.start : call.end] == "source('music', \"plays_v1\")"
    assert text[slice(*call.source_span)] == "music"
    assert text[slice(*call.table_span)] == "plays_v1"


@pytest.mark.parametrize(
    ("text", "calls"),
    [
        ("{{ source('a', 'b') }}", [("a", "b")]),
        ('{{source("a","b")}}', [("a", "b")]),
        ("{{ source( 'a' ,  \"b\" ) }}", [("a", "b")]),
        ("{{ source(source_name='a', table_name='b') }}", [("a", "b")]),
        (
            "{% set r = source('a', 'b') %}{{ dbt_utils.star(source('c', 'd')) }}",
            [("a", "b"), ("c", "d")],
        ),
        ("{{ my_source('a', 'b') }}", []),
        ("{{ source('a', b) }}", []),
    ],
)
def test_source_calls(text: str, calls: list[tuple[str, str]]) -> None:
    assert [(c.source, c.table) for c in source_calls(text)] == calls


def test_placeholder_fills_the_width() -> None:
    assert placeholder(0, 5) == "__j0_"
    assert placeholder(35, 5) == "__jz_"
    assert placeholder(36, 5) == "__j10"
    with pytest.raises(ValueError, match="no 5-character placeholder"):
        placeholder(36 * 36, 5)


def test_unclosed_tag_is_an_error() -> None:
    with pytest.raises(ValueError, match="unclosed Jinja tag at offset 9"):
        mask("select 1 {{ x", "bigquery")


def test_statement_start_skips_blanked_jinja() -> None:
    text = "{{ config() }}\n\nselect a from t;\nselect b from u"
    result = mask(text, "bigquery")
    assert result.statement_start(0) == text.index("select a")
    assert result.statement_start(text.index("from t")) == text.index("select a")
    assert result.statement_start(text.index("from u")) == text.index("select b")


_PIECES = st.sampled_from(
    [
        "select ",
        "a, ",
        "from t ",
        "\n",
        "'x' ",
        "-- note\n",
        ";",
        "{{ c }}",
        "{{x}}",
        "{{ source('s', 't') }}",
        '{{ ref("m") }}',
        "{%- if is_incremental() -%}",
        "{% endif %}",
        "{# a\ncomment #}",
        "{{ config(x='}}') }}",
    ]
)


@given(st.lists(_PIECES, max_size=30))
@settings(max_examples=200, deadline=None)
def test_masking_moves_nothing_outside_jinja(pieces: list[str]) -> None:
    text = "".join(pieces)
    result = mask(text, "bigquery")
    assert len(result.text) == len(text)
    for e in result.expressions:
        blank = "".join(c if c == "\n" else " " for c in e.text)
        assert result.text[e.start : e.end] == (e.placeholder or blank)
    named = {o for e in result.expressions if e.placeholder for o in range(e.start, e.end)}
    for offset, (before, after) in enumerate(zip(text, result.text, strict=True)):
        assert after in (before, " ") or offset in named
        assert (before == "\n") == (after == "\n")
    assert not any(opener in result.text for opener in ("{{", "{%", "{#"))


def _reference_tag_end(text: str, start: int, closer: str) -> int | None:
    """The tag end, character by character: quotes open strings (not in comments)."""
    i, quote = start + 2, ""
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == "\\":
                i += 1
            elif ch == quote:
                quote = ""
        elif closer != "#}" and ch in "'\"":
            quote = ch
        elif text.startswith(closer, i):
            return i + 2
        i += 1
    return None


_TAG_PIECES = st.sampled_from(["}}", "%}", "#}", "}", "%", "#", "'", '"', "\\", "x", "\n", " "])


@given(st.sampled_from(["{{", "{%", "{#"]), st.lists(_TAG_PIECES, max_size=12))
@settings(max_examples=500, deadline=None)
def test_tag_end_skips_strings_like_a_character_scan(opener: str, pieces: list[str]) -> None:
    text = opener + "".join(pieces)
    closer = {"{{": "}}", "{%": "%}", "{#": "#}"}[opener]
    expected = _reference_tag_end(text, 0, closer)
    if expected is None:
        with pytest.raises(ValueError, match="unclosed Jinja tag"):
            _tag_end(text, 0, opener)
    else:
        assert _tag_end(text, 0, opener) == expected
