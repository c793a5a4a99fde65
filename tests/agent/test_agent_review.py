"""A review comment on a Godwit pull request: one revised change set and a reply, or why not."""

from __future__ import annotations

from bot.agent import ReviewComment, ReviewTask, ThreadComment, revise_from_review
from bot.sandbox.anthropic import FakeAnthropicServer, Reply, tool_use
from bot.spec import Campaign
from tests.agent.conftest import settings_for

PATH = "jobs/user_daily_minutes/query.sql"
MIGRATED = """\
-- minutes listened per user and day
SELECT
  user_id,
  SUM(duration_ms) / 60000 AS minutes
FROM `core-proj.music.plays_v2`
WHERE DATE(played_at) = @run_date
GROUP BY user_id
"""
FILTER = "WHERE DATE(played_at) = @run_date"
PRUNING = (
    "WHERE played_at >= TIMESTAMP(@run_date)\n"
    "  AND played_at < TIMESTAMP(DATE_ADD(@run_date, INTERVAL 1 DAY))"
)
COMMENT = ReviewComment(
    body="Could you filter on `played_at` directly? Wrapping it in DATE() stops partition pruning.",
    author="dana-data",
    path=PATH,
    line=6,
    url="https://github.example/acme/bq-jobs/pull/7#discussion_r1001",
    thread=(ThreadComment("godwit[bot]", "Migrated to plays_v2."),),
)
FILES = {PATH: MIGRATED, "README.md": "# jobs\n"}


def test_review_comment_revision(fake: FakeAnthropicServer, campaign: Campaign) -> None:
    summary = "Replaced DATE(played_at) = @run_date by a TIMESTAMP range on played_at."
    fake.model.script(
        [
            Reply.of(tool_use("propose_edit", path=PATH, old_string=FILTER, new_string=PRUNING)),
            Reply.of(tool_use("run_verifier", path=PATH)),
            Reply.of(tool_use("finish", summary=summary)),
        ]
    )
    outcome = revise_from_review(ReviewTask(campaign, COMMENT, FILES), settings_for(fake))

    assert outcome.changes == {PATH: MIGRATED.replace(FILTER, PRUNING)}
    assert outcome.stop_reason == "finished"
    assert outcome.commit_message == (
        f"Address review comment by @dana-data on {PATH}:6\n\n{summary}\n\n"
        f"Review comment: {COMMENT.url}\n"
    )
    assert outcome.reply.startswith("Thanks @dana-data, I pushed a change for this comment:")
    assert f"- `{PATH}`" in outcome.reply
    assert summary in outcome.reply
    first = fake.model.requests[0].body["messages"][0]["content"][0]["text"]
    assert '<untrusted_comment author="dana-data">' in first
    assert "Wrapping it in DATE() stops partition pruning." in first
    assert '<untrusted_comment author="godwitbot">\nMigrated to plays_v2.' in first
    assert f'<untrusted_file path="{PATH}">\n{MIGRATED}</untrusted_file>' in first
    assert "- README.md" in first
    assert fake.model.requests[1].tool_results()[0].get("is_error") is None


def test_review_comment_answered_without_change(
    fake: FakeAnthropicServer, campaign: Campaign
) -> None:
    comment = ReviewComment(
        body="While you're here, rename user_id to account_id.",
        author="dana-data",
        path=PATH,
        line=3,
    )
    why = "user_id keeps its name on plays_v2; renaming it is outside this migration."
    fake.model.script([Reply.of(tool_use("finish", summary=why))])
    outcome = revise_from_review(ReviewTask(campaign, comment, FILES), settings_for(fake))
    assert outcome.changes == {}
    assert outcome.commit_message is None
    assert not outcome.worth_committing
    assert outcome.reply.startswith(
        "Thanks @dana-data. I did not change anything for this comment:"
    )
    assert why in outcome.reply


def test_guardrail_inserted_where_a_person_must_decide(
    fake: FakeAnthropicServer, campaign: Campaign
) -> None:
    comment = ReviewComment(
        body="Is integer division right for minutes here? I can't tell.",
        author="dana-data",
        path=PATH,
        line=4,
    )
    reason = "minutes are truncated by integer division on duration_ms; confirm with the owner"
    fake.model.script(
        [
            Reply.of(tool_use("list_files")),
            Reply.of(tool_use("insert_guardrail", path=PATH, line=4, reason=reason)),
            Reply.of(tool_use("finish", summary="Flagged the minutes computation for its owner.")),
        ]
    )
    outcome = revise_from_review(ReviewTask(campaign, comment, FILES), settings_for(fake))
    listing = fake.model.requests[1].tool_result_text()
    assert listing == f"README.md (read only)\n{PATH}"
    guardrail = f"  -- godwit: {reason}; see {campaign.guide}\n"
    line = "  SUM(duration_ms) / 60000 AS minutes\n"
    assert outcome.changes == {PATH: MIGRATED.replace(line, guardrail + line)}
