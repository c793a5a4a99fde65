"""Planning as if Godwit's guardrail lines were not there, in the file's own offsets."""

from __future__ import annotations

from bot.engine.edits import SCALA_COMMENT
from bot.engine.guardrail_lines import without_guardrails
from bot.engine.model import FileRewrite, GuardrailSite, Reference, ReferenceKind, TextEdit
from bot.engine.planner import plan_repository
from tests.support.campaigns import plays_v2

GUARD = "  // godwit: TableRow field ms_played changes; see https://wiki.example.com/g\n"


def test_guardrail_lines_are_taken_out_and_offsets_map_back() -> None:
    text = 'val a = "x"\n' + GUARD + GUARD + 'val b = "legacy"\n' + GUARD + "val c = 1\n"
    stripped = without_guardrails(text, SCALA_COMMENT)
    assert stripped.text == 'val a = "x"\nval b = "legacy"\nval c = 1\n'
    for needle in ('"x"', '"legacy"', "val c", "val b"):
        assert stripped.original(stripped.text.index(needle)) == text.index(needle)
    start = stripped.text.index('"legacy"')
    rewrite = FileRewrite(
        references=[Reference("t", ReferenceKind.TABLE_SPEC, start, start + 8, '"legacy"')],
        edits=[TextEdit(start, start + 8, '"new"')],
        guardrails=[GuardrailSite(stripped.text.index("val b"), "why")],
    )
    restored = stripped.restore(rewrite)
    (reference,) = restored.references
    assert text[reference.start : reference.end] == '"legacy"'
    assert restored.guardrails[0].offset == text.index("val b")  # below its comment lines
    assert restored.edits[0].start == text.index('"legacy"')


def test_a_text_without_guardrails_is_kept_as_it_is() -> None:
    text = "// a comment of the team's\nval a = 1\n"
    stripped = without_guardrails(text, SCALA_COMMENT)
    assert stripped.text == text
    rewrite = FileRewrite(guardrails=[GuardrailSite(3, "why")])
    assert stripped.restore(rewrite) is rewrite


def test_a_guardrail_inside_a_statement_does_not_change_the_next_plan() -> None:
    """The comment lands between a declaration and its value; planning again changes nothing."""
    files = {
        "src/main/java/acme/Durations.java": (
            "class Durations {\n"
            "  void run(Pipeline p) {\n"
            "    PCollection<TableRow> plays =\n"
            '        p.apply(BigQueryIO.readTableRows().from("legacy-proj:music.plays_v1"));\n'
            '    plays.apply(MapElements.via(r -> (Long) r.get("ms_played")));\n'
            "  }\n"
            "}\n"
        ),
        "src/main/scala/acme/Broken.scala": (
            'row.getString("track_uri")"legacy-proj:music.plays_v1"\n'
            'object Tables { val P = "legacy-proj:music.plays_v1"'
        ),
    }
    campaign = plays_v2()
    first = plan_repository(campaign, files)
    assert set(first.changes) == set(files)
    again = plan_repository(campaign, {**files, **first.changes})
    assert again.changes == {}
    assert [len(f.guardrails) for f in again.files] == [len(f.guardrails) for f in first.files]
