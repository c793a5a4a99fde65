"""``/migrate`` parsing per context, permission decisions and campaign-level transitions."""

from __future__ import annotations

import pytest

from bot.campaigns.commands import Command, CommandError, Context, parse_command, render_help
from bot.campaigns.lifecycle import CampaignState, TransitionError, campaign_transition
from bot.campaigns.permissions import Decision, may_command, render_refusal

ISSUE, PR = Context.ISSUE, Context.PR


@pytest.mark.parametrize(
    ("body", "context", "expected"),
    [
        ("/migrate plan", ISSUE, Command("plan", ISSUE)),
        ("/migrate start", ISSUE, Command("start", ISSUE)),
        ("/migrate start --batch 5", ISSUE, Command("start", ISSUE, batch=5)),
        ("/migrate start --batch=12", ISSUE, Command("start", ISSUE, batch=12)),
        ("  /migrate   pause  \r\nbecause the freeze starts", ISSUE, Command("pause", ISSUE)),
        ("/migrate resume", ISSUE, Command("resume", ISSUE)),
        (
            "/migrate exclude acme/radio Acme/legacy.jobs acme/radio",
            ISSUE,
            Command("exclude", ISSUE, repos=("acme/radio", "Acme/legacy.jobs")),
        ),
        ("/migrate include acme/radio", ISSUE, Command("include", ISSUE, repos=("acme/radio",))),
        (
            "/migrate waive acme/radio:jobs/a.sql 'retired with the radio app' in May",
            ISSUE,
            Command(
                "waive",
                ISSUE,
                repos=("acme/radio",),
                path="jobs/a.sql",
                reason="retired with the radio app in May",
            ),
        ),
        (
            "/migrate waive acme/radio owned by platform",
            ISSUE,
            Command("waive", ISSUE, repos=("acme/radio",), reason="owned by platform"),
        ),
        ("/migrate status", ISSUE, Command("status", ISSUE)),
        ("/migrate cancel", ISSUE, Command("cancel", ISSUE)),
        ("/migrate help", ISSUE, Command("help", ISSUE)),
        ("/migrate rerun", PR, Command("rerun", PR)),
        ("/migrate rerun --force", PR, Command("rerun", PR, force=True)),
        ("/migrate rebase --force", PR, Command("rebase", PR, force=True)),
        ("/migrate skip", PR, Command("skip", PR)),
        (
            "/migrate skip 'owned by the data platform team' for now\nmore words",
            PR,
            Command("skip", PR, reason="owned by the data platform team for now"),
        ),
        ("/migrate explain", PR, Command("explain", PR)),
        ("/migrate help", PR, Command("help", PR)),
    ],
)
def test_valid_commands(body: str, context: Context, expected: Command) -> None:
    assert parse_command(body, context) == expected


@pytest.mark.parametrize(
    "body",
    [
        "",
        "LGTM",
        "please run /migrate start",
        "/migrated start",
        "> /migrate start",
        "thanks!\n/migrate start",
    ],
)
def test_comments_not_addressed_to_godwit(body: str) -> None:
    assert parse_command(body, ISSUE) is None


@pytest.mark.parametrize(
    ("body", "context", "problem"),
    [
        ("/migrate", ISSUE, "no command was given after `/migrate`"),
        ("/migrate frobnicate", ISSUE, "`frobnicate` is not a command here"),
        (
            "/migrate rerun",
            ISSUE,
            "`rerun` is not a command here (it works on a campaign pull request)",
        ),
        ("/migrate start", PR, "`start` is not a command here (it works on the campaign issue)"),
        ("/migrate start --batch", ISSUE, "`start`: `--batch` needs a number"),
        (
            "/migrate start --batch five",
            ISSUE,
            "`start`: the batch size must be a whole number of at least 1, got `five`",
        ),
        (
            "/migrate start --batch 0",
            ISSUE,
            "`start`: the batch size must be a whole number of at least 1, got `0`",
        ),
        (
            "/migrate start --batch -3",
            ISSUE,
            "`start`: the batch size must be a whole number of at least 1, got `-3`",
        ),
        ("/migrate start --batch 2 3", ISSUE, "`start`: unexpected `3` after the batch size"),
        ("/migrate start now", ISSUE, "`start`: unexpected `now` (only `--batch N`)"),
        ("/migrate exclude", ISSUE, "`exclude`: name at least one repository as OWNER/REPO"),
        ("/migrate waive acme/radio", ISSUE, "`waive`: name OWNER/REPO[:PATH] and give a reason"),
        (
            "/migrate waive acme/radio:../x because",
            ISSUE,
            "`waive`: `../x` is not a file path in the repository",
        ),
        (
            "/migrate exclude acme/*",
            ISSUE,
            "`exclude`: `acme/*` is not a repository name (OWNER/REPO)",
        ),
        (
            "/migrate include radio",
            ISSUE,
            "`include`: `radio` is not a repository name (OWNER/REPO)",
        ),
        ("/migrate pause now", ISSUE, "`pause`: takes no arguments, got `now`"),
        ("/migrate rerun --hard", PR, "`rerun`: unexpected `--hard` (only `--force`)"),
        ("/migrate explain everything", PR, "`explain`: takes no arguments, got `everything`"),
        (
            "/migrate exclude @jane",
            ISSUE,
            "`exclude`: `@jane` is not a repository name (OWNER/REPO)",
        ),
        ("/migrate `@jane`", ISSUE, "`'@jane'` is not a command here"),
        (
            "/migrate skip 'unbalanced",
            PR,
            "the command line could not be read (No closing quotation)",
        ),
    ],
)
def test_invalid_commands_say_what_was_wrong(body: str, context: Context, problem: str) -> None:
    assert parse_command(body, context) == CommandError(problem, context)


def test_command_error_renders_help_with_the_problem() -> None:
    error = parse_command("/migrate frobnicate", ISSUE)
    assert isinstance(error, CommandError)
    text = error.render()
    assert text.startswith("<!-- godwit:help -->\n")
    assert "Godwit did not understand that: `frobnicate` is not a command here." in text
    names = ["plan", "start", "pause", "resume", "exclude", "include", "waive", "status", "cancel"]
    for name in names:
        assert f"| `/migrate {name}` |" in text
    assert "`/migrate rerun`" not in text


def test_pr_help_lists_pr_commands_only() -> None:
    text = render_help(PR)
    assert "did not understand" not in text
    assert [line.split("`")[1] for line in text.splitlines() if line.startswith("| `/migrate")] == [
        "/migrate rerun",
        "/migrate rebase",
        "/migrate skip",
        "/migrate explain",
        "/migrate help",
    ]


@pytest.mark.parametrize(
    ("author", "issue_author", "permission", "is_bot", "expected"),
    [
        ("jane", "jane", None, False, Decision.ACCEPT),
        ("Jane", "jane", "read", False, Decision.ACCEPT),
        ("omar", "jane", "write", False, Decision.ACCEPT),
        ("omar", "jane", "maintain", False, Decision.ACCEPT),
        ("omar", "jane", "admin", False, Decision.ACCEPT),
        ("omar", "jane", "triage", False, Decision.REFUSE),
        ("omar", "jane", "read", False, Decision.REFUSE),
        ("omar", "jane", "none", False, Decision.REFUSE),
        ("omar", "jane", None, False, Decision.REFUSE),
        ("dependabot[bot]", "jane", "write", False, Decision.IGNORE),
        ("godwit[bot]", "godwit[bot]", "admin", False, Decision.IGNORE),
        ("ci-helper", "jane", "admin", True, Decision.IGNORE),
    ],
)
def test_may_command(
    author: str, issue_author: str, permission: str | None, is_bot: bool, expected: Decision
) -> None:
    assert may_command(author, issue_author, permission, is_bot) is expected


def test_refusal_is_polite_and_names_who_can() -> None:
    text = render_refusal("omar", "/migrate start", "jane")
    assert text.startswith("<!-- godwit:refusal -->\nThanks, @omar!")
    assert "(jane)" in text
    assert "@jane" not in text
    assert "`/migrate start`" in text


S = CampaignState


@pytest.mark.parametrize(
    ("state", "action", "expected"),
    [
        (S.DISCOVERING, "planned", S.PLANNED),
        (S.PLANNED, "start", S.RUNNING),
        (S.RUNNING, "start", S.RUNNING),
        (S.RUNNING, "pause", S.PAUSED),
        (S.PAUSED, "resume", S.RUNNING),
        (S.PAUSED, "start", S.RUNNING),
        (S.PLANNED, "plan", S.DISCOVERING),
        (S.RUNNING, "plan", S.RUNNING),
        (S.PAUSED, "plan", S.PAUSED),
        (S.RUNNING, "done", S.COMPLETED),
        (S.RUNNING, "cancel", S.CANCELLED),
        (S.PLANNED, "exclude", S.PLANNED),
        (S.RUNNING, "status", S.RUNNING),
        (S.COMPLETED, "status", S.COMPLETED),
        (S.CANCELLED, "help", S.CANCELLED),
    ],
)
def test_campaign_transitions(state: CampaignState, action: str, expected: CampaignState) -> None:
    assert campaign_transition(state, action) is expected


@pytest.mark.parametrize(
    ("state", "action", "message"),
    [
        (S.DISCOVERING, "start", "`start` does not apply while the campaign is discovering"),
        (S.PLANNED, "pause", "`pause` does not apply while the campaign is planned"),
        (S.RUNNING, "resume", "`resume` does not apply while the campaign is running"),
        (S.DISCOVERING, "pause", "`pause` does not apply while the campaign is discovering"),
        (S.COMPLETED, "start", "the campaign is completed; `start` no longer applies"),
        (S.CANCELLED, "cancel", "the campaign is cancelled; `cancel` no longer applies"),
        (S.CANCELLED, "include", "the campaign is cancelled; `include` no longer applies"),
    ],
)
def test_campaign_transitions_refused(state: CampaignState, action: str, message: str) -> None:
    with pytest.raises(TransitionError) as caught:
        campaign_transition(state, action)
    assert str(caught.value) == message
