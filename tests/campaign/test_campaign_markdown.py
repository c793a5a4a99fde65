"""A campaign issue: the first ```yaml block of its body is the campaign."""

import pytest

from bot.spec import CampaignError, CampaignIssue, campaign_from_markdown

CAMPAIGN = """\
id: plays-v2
title: Move consumers of plays_v1 to plays_v2
guide: https://wiki.example.com/migrations/plays-v2
tables:
  - old: legacy-proj.music.plays_v1
    new: core-proj.music.plays_v2
"""


def problems(markdown: str) -> list[CampaignIssue]:
    with pytest.raises(CampaignError) as caught:
        campaign_from_markdown(markdown)
    return caught.value.errors


def test_plain_fenced_block_after_prose() -> None:
    body = (
        "We retire plays_v1 on 1 March.\n\n"
        "```sql\nSELECT 1\n```\n\n"
        f"```yaml\n{CAMPAIGN}```\n\n"
        "```yaml\nid: ignored-second-block\n```\n"
    )

    campaign = campaign_from_markdown(body)

    assert campaign.id == "plays-v2"
    assert campaign.tables[0].new == "core-proj.music.plays_v2"


def test_yml_tilde_fence_with_extra_info() -> None:
    campaign = campaign_from_markdown(f"~~~yml title=campaign\n{CAMPAIGN}~~~\n")

    assert campaign.title == "Move consumers of plays_v1 to plays_v2"


def test_issue_form_output_with_crlf_line_endings() -> None:
    body = (
        f"### Campaign\n\n```yaml\n{CAMPAIGN}```\n\n### Anything else?\n\n_No response_\n"
    ).replace("\n", "\r\n")

    assert campaign_from_markdown(body).id == "plays-v2"


def test_error_lines_are_lines_of_the_markdown() -> None:
    body = "### Campaign\n\n```yaml\n" + CAMPAIGN.replace("core-proj", "Core") + "```\n"

    assert problems(body) == [
        CampaignIssue(
            "tables[0].new",
            9,
            "'Core' is not a BigQuery project id "
            "(lowercase letters, digits and hyphens, starting with a letter)",
        )
    ]


def test_yaml_syntax_error_line_is_a_markdown_line() -> None:
    body = "Intro\n\n```yaml\nid: plays-v2\nid: again\n```\n"

    assert problems(body) == [
        CampaignIssue(
            "",
            5,
            'invalid YAML: found duplicate key "id" with value "again" '
            '(original value: "plays-v2")',
        )
    ]


def test_an_unclosed_quote_is_placed_on_its_markdown_line() -> None:
    body = 'Intro\n\n```yaml\nid: plays-v2\ntitle: "Move plays\nguide: g\n```\n'

    assert problems(body) == [
        CampaignIssue(
            "",
            5,
            "invalid YAML: the quote opened at column 8 is still open at line 7 "
            "(while scanning a quoted scalar: found unexpected end of stream)",
        )
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("Please migrate plays_v1.\n\n```\nid: plays-v2\n```\n", "no ```yaml block found"),
        (
            "### Campaign\n\n_No response_\n\n### Anything else?\n\nNo.\n",
            "no ```yaml block found; no response under 'Campaign'",
        ),
        (
            "### Campaign\r\n\r\n_No response_\r\n\r\n### Owner\r\n\r\n_No response_\r\n",
            "no ```yaml block found; no response under 'Campaign', 'Owner'",
        ),
    ],
)
def test_body_without_a_yaml_block(body: str, message: str) -> None:
    assert problems(body) == [CampaignIssue("", None, message)]


def test_empty_yaml_block() -> None:
    assert problems("```yaml\n```\n") == [
        CampaignIssue(
            "",
            2,
            "a campaign is a YAML mapping (id, title, guide, tables, ...), got an empty document",
        )
    ]
