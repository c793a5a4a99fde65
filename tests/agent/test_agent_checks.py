"""Failing checks on a Godwit pull request: a verified fix, or a comment on what failed."""

from __future__ import annotations

from bot.agent import Annotation, CheckFailure, CheckTask, fix_failing_checks
from bot.sandbox.anthropic import FakeAnthropicServer, Reply, text, tool_use
from bot.spec import Campaign
from tests.agent.conftest import settings_for

PATH = "jobs/artist_plays/query.sql"
BROKEN = """\
SELECT
  artist_id,
  ms_played
FROM `core-proj.music.plays_v2` AS p
JOIN `core-proj.music.tracks` AS t ON t.track_id = p.track_id
"""
CHECK = CheckFailure(
    name="bq-dry-run",
    summary="1 query failed the BigQuery dry run",
    annotations=(Annotation(PATH, 3, "Unrecognized name: ms_played at [3:3]"),),
)


def test_check_failure_fixed(fake: FakeAnthropicServer, campaign: Campaign) -> None:
    fake.model.script(
        [
            Reply.of(
                tool_use(
                    "propose_edit",
                    path=PATH,
                    old_string="  ms_played\n",
                    new_string="  p.duration_ms AS ms_played\n",
                )
            ),
            Reply.of(tool_use("run_verifier")),
            Reply.of(tool_use("finish", summary="ms_played is duration_ms on plays_v2.")),
        ]
    )
    files = {PATH: BROKEN, "build.sbt": "name := jobs\n"}
    outcome = fix_failing_checks(CheckTask(campaign, (CHECK,), files), settings_for(fake))
    assert outcome.changes == {
        PATH: BROKEN.replace("  ms_played\n", "  p.duration_ms AS ms_played\n")
    }
    assert outcome.commit_message == (
        "Fix failing checks: bq-dry-run\n\nms_played is duration_ms on plays_v2.\n"
    )
    first = fake.model.requests[0].body["messages"][0]["content"][0]["text"]
    assert (
        '<untrusted_check_output name="bq-dry-run">\n1 query failed the BigQuery dry run\n'
        f"{PATH}:3: Unrecognized name: ms_played at [3:3]\n</untrusted_check_output>"
    ) in first


def test_unfixable_check_gives_a_comment(fake: FakeAnthropicServer, campaign: Campaign) -> None:
    flaky = CheckFailure("unit-tests", "Timed out after 30 minutes")
    fake.model.script(
        [Reply.of(text("The test run timed out; nothing in the migration causes that."))]
    )
    outcome = fix_failing_checks(CheckTask(campaign, (flaky,), {PATH: BROKEN}), settings_for(fake))
    assert outcome.changes == {}
    assert outcome.commit_message is None
    assert outcome.stop_reason == "end_turn"
    assert outcome.reply == (
        "Godwit looked at the failing checks on this pull request and did not push a fix.\n\n"
        "- **unit-tests**\n\n"
        "The test run timed out; nothing in the migration causes that.\n"
    )
