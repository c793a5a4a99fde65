"""``/migrate`` parsing per context, permission decisions and campaign-level transitions."""

from __future__ import annotations

import pytest

from bot.campaigns.commands import (
    COMMANDS,
    Command,
    CommandError,
    Context,
    parse_command,
    render_help,
)
from bot.campaigns.lifecycle import CampaignState, TransitionError, campaign_transition
from bot.campaigns.permissions import (
    GROWING_COMMANDS,
    Decision,
    campaign_authors,
    may_command,
    may_run_campaign,
    needs_permission,
    render_refusal,
    render_unauthorised,
)

ISSUE, PR = Context.ISSUE, Context.PR
NOBODY: frozenset[str] = frozenset()


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
    # Not the help's marker: a new reply each time, which ``/migrate help`` never edits.
    assert text.startswith("<!-- godwit:not-understood -->\n")
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
    ("author", "permission", "is_bot", "authors", "expected"),
    [
        ("omar", "write", False, NOBODY, Decision.ACCEPT),
        ("omar", "maintain", False, NOBODY, Decision.ACCEPT),
        ("omar", "admin", False, NOBODY, Decision.ACCEPT),
        ("Omar", "WRITE", False, NOBODY, Decision.ACCEPT),
        ("omar", "triage", False, NOBODY, Decision.REFUSE),
        ("omar", "read", False, NOBODY, Decision.REFUSE),
        ("omar", "none", False, NOBODY, Decision.REFUSE),
        ("omar", None, False, NOBODY, Decision.REFUSE),
        # Having written the campaign counts for nothing: only the permission does.
        ("jane", "read", False, NOBODY, Decision.REFUSE),
        ("jane", None, False, frozenset({"jane"}), Decision.ACCEPT),
        ("Jane", None, False, frozenset({"jane"}), Decision.ACCEPT),
        ("omar", None, False, frozenset({"jane"}), Decision.REFUSE),
        ("dependabot[bot]", "write", False, NOBODY, Decision.IGNORE),
        ("godwit[bot]", "admin", False, frozenset({"godwit[bot]"}), Decision.IGNORE),
        ("ci-helper", "admin", True, NOBODY, Decision.IGNORE),
    ],
)
def test_may_command(
    author: str, permission: str | None, is_bot: bool, authors: frozenset[str], expected: Decision
) -> None:
    assert may_command(author, is_bot, permission, authors) is expected


@pytest.mark.parametrize(
    ("author", "is_bot", "permission", "authors", "expected"),
    [
        ("jane", False, "write", NOBODY, True),
        ("jane", False, "maintain", NOBODY, True),
        ("jane", False, "admin", NOBODY, True),
        ("jane", False, "triage", NOBODY, False),
        ("jane", False, "read", NOBODY, False),
        ("jane", False, "none", NOBODY, False),
        ("jane", False, None, NOBODY, False),
        ("jane", False, None, frozenset({"jane"}), True),
        ("JANE", False, "none", frozenset({"jane"}), True),
        ("jane", False, None, frozenset({"omar"}), False),
        (None, False, "admin", NOBODY, False),
        ("", False, "admin", NOBODY, False),
        ("release[bot]", True, "write", NOBODY, False),
        ("release[bot]", True, None, frozenset({"release[bot]"}), True),
    ],
)
def test_may_run_campaign(
    author: str | None,
    is_bot: bool,
    permission: str | None,
    authors: frozenset[str],
    expected: bool,
) -> None:
    assert may_run_campaign(author, is_bot, permission, authors) is expected


def test_only_unlisted_people_are_worth_a_permission_request() -> None:
    authors = campaign_authors([" Jane ", "", "omar"])
    assert authors == {"jane", "omar"}
    assert not needs_permission("JANE", False, authors)
    assert not needs_permission("helper[bot]", True, authors)
    assert not needs_permission(None, False, authors)
    assert needs_permission("mallory", False, authors)


def test_the_growing_commands_are_campaign_issue_commands() -> None:
    assert set(COMMANDS[Context.ISSUE]) >= GROWING_COMMANDS
    assert {"pause", "exclude", "cancel", "status", "help"}.isdisjoint(GROWING_COMMANDS)


def test_refusal_is_polite_and_names_who_can() -> None:
    text = render_refusal("omar", "/migrate start", on_issue=True)
    assert text.startswith("<!-- godwit:refusal -->\nThanks, @omar!")
    assert "write access to this repository" in text
    assert "campaign authors" in text
    assert "`/migrate start`" in text
    on_pr = render_refusal("omar", "/migrate skip", on_issue=False)
    assert "campaign authors" not in on_pr
    assert "campaign's author" not in on_pr


def test_unauthorised_campaign_names_the_rule_and_who_wrote_it() -> None:
    text = render_unauthorised("mallory", "acme/hub", marker="<!-- m -->")
    assert text.startswith("<!-- m -->\nThanks for this campaign!")
    assert "write access to `acme/hub`" in text
    assert "(mallory)" in text
    assert "@mallory" not in text
    later = render_unauthorised("jane", "acme/hub", marker="<!-- m -->", command="start")
    assert "did not run `/migrate start`" in later
    assert "(jane) may no longer run campaigns" in later


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
