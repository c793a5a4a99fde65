"""The agent's commits keep a file's own encoding: a cp1252 file stays cp1252, byte for byte.

A consumer stored in cp1252 (an accented comment, as older Windows editors save
it) is migrated by the engine in its encoding; a review comment then has the
agent revise it. The revision is committed in cp1252 too, so the accented bytes
outside the edit are unchanged; a revision holding a character cp1252 cannot
hold is not committed, and the reply says why. A rerun compares the tree a
commit would write, so the branch it already holds is found up to date.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.demo.world import ORG
from bot.sandbox.anthropic import Reply, tool_use
from tests.agent_e2e.conftest import API_KEY, AgentWorld, Conversations, started_world

BQ = "acme-bq-jobs"
REPORT = "jobs/regional_report/query.sql"
ORIGINAL = """\
-- Écoutes par utilisateur et par jour (rapport régional, équipe Montréal)
SELECT user_id, COUNT(*) AS plays
FROM `legacy-proj.music.plays_v1`
WHERE played_date = @run_date
GROUP BY user_id
"""
FILTER = "WHERE DATE(played_at) = @run_date"
PRUNING = (
    "WHERE played_at >= TIMESTAMP(@run_date)\n"
    "  AND played_at < TIMESTAMP(DATE_ADD(@run_date, INTERVAL 1 DAY))"
)
TABLE = "FROM `core-proj.music.plays_v2`"
ARROW = "FROM `core-proj.music.plays_v2`  -- plays_v1 → plays_v2"
PRUNE = "Please filter on played_at directly, for partition pruning."
ANNOTATE = "Please say in a comment which table this used to read."


def _scripts(conversations: Conversations) -> None:
    conversations.add(
        (PRUNE,),
        [
            Reply.of(tool_use("propose_edit", path=REPORT, old_string=FILTER, new_string=PRUNING)),
            Reply.of(tool_use("run_verifier", path=REPORT)),
            Reply.of(tool_use("finish", summary="Filtered on a played_at range.")),
        ],
    )
    conversations.add(
        (ANNOTATE,),
        [
            Reply.of(tool_use("propose_edit", path=REPORT, old_string=TABLE, new_string=ARROW)),
            Reply.of(tool_use("run_verifier", path=REPORT)),
            Reply.of(tool_use("finish", summary="Said which table it used to read.")),
        ],
    )


@pytest.fixture(scope="module")
def agent(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AgentWorld]:
    pushed = {BQ: {REPORT: ORIGINAL.encode("cp1252")}}
    yield from started_world(tmp_path_factory.mktemp("encodings"), API_KEY, _scripts, pushed)


def _raw(agent: AgentWorld, ref: str) -> bytes:
    return agent.sandbox.read_file(f"{ORG}/{BQ}", ref, REPORT)


def test_a_rerun_of_a_cp1252_branch_finds_it_up_to_date(agent: AgentWorld) -> None:
    """The tree compared is the one a commit would write: cp1252 bytes, not their UTF-8."""
    number = agent.pull(BQ)
    head = agent.head(BQ, number)
    agent.world.command(number, "/migrate rerun", login="bruno-jobs", repo=f"{ORG}/{BQ}")
    assert agent.head(BQ, number) == head
    reply = agent.world.bot_comments(number, f"{ORG}/{BQ}")[-1].body
    assert "already up to date" in reply


def test_the_migration_and_the_revision_are_committed_in_cp1252(agent: AgentWorld) -> None:
    number = agent.pull(BQ)
    head = agent.head(BQ, number)
    migrated = _raw(agent, head)
    assert FILTER in migrated.decode("cp1252")
    assert "Écoutes".encode("cp1252") in migrated  # the engine kept the encoding

    agent.sandbox.review_comment(f"{ORG}/{BQ}", number, "bruno-jobs", REPORT, 4, PRUNE)
    agent.world.settle()

    revised_head = agent.head(BQ, number)
    assert revised_head != head
    revised = _raw(agent, revised_head)
    assert revised == migrated.replace(FILTER.encode(), PRUNING.encode())
    assert b"\xc3" not in revised  # never re-encoded as UTF-8


def test_a_revision_its_encoding_cannot_hold_is_not_committed_and_the_reply_says_why(
    agent: AgentWorld,
) -> None:
    number = agent.pull(BQ)
    head = agent.head(BQ, number)
    assert TABLE in _raw(agent, head).decode("cp1252")
    comment_id = agent.sandbox.review_comment(
        f"{ORG}/{BQ}", number, "bruno-jobs", REPORT, 4, ANNOTATE
    )
    agent.world.settle()

    assert agent.head(BQ, number) == head  # nothing committed
    pull = agent.sandbox.issue(f"{ORG}/{BQ}", number).pull
    assert pull is not None
    [reply] = [c for c in pull.review_comments if c.in_reply_to == comment_id]
    assert f"`{REPORT}` is stored in cp1252" in reply.body
    assert "never re-encodes a file" in reply.body
