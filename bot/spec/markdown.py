"""A campaign written in a GitHub issue: the first fenced ``yaml`` block of its body."""

from __future__ import annotations

from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.spec.errors import CampaignError, CampaignIssue
from bot.spec.model import Campaign
from bot.spec.yaml_lines import _load, _size_issue


def campaign_from_markdown(markdown: str, *, source: str = "issue body") -> Campaign:
    """Validate the first fenced ``yaml`` block of a Markdown text (a campaign issue).

    Issue forms render a ``render: yaml`` textarea as such a block, so both a
    hand-written issue and a form-filed one work. Lines in errors are lines of
    the Markdown text, which is what the author sees when editing the issue.
    """
    too_large = _size_issue(markdown, line_offset=0)
    if too_large is not None:
        raise CampaignError(source, [too_large])
    tokens = _block_parser().parse(markdown)
    for token in tokens:
        language = token.info.split(maxsplit=1)[0].lower() if token.info.strip() else ""
        if token.type == "fence" and language in {"yaml", "yml"} and token.map is not None:
            return _load(token.content, source=source, line_offset=token.map[0] + 1)
    message = "no ```yaml block found"
    unanswered = _unanswered_form_fields(tokens)
    if unanswered:
        message += "; no response under " + ", ".join(f"'{label}'" for label in unanswered)
    raise CampaignError(source, [CampaignIssue("", None, message)])


def _block_parser() -> MarkdownIt:
    """Block structure only: fences and headings are all a campaign issue needs.

    Inline parsing (links, emphasis) is skipped: it is where hostile text such as
    thousands of ``[`` costs time out of proportion to its size.
    """
    parser = MarkdownIt("commonmark")
    parser.core.ruler.disable("inline")
    return parser


def _unanswered_form_fields(tokens: list[Token]) -> list[str]:
    """Labels of issue-form fields left empty (``### label`` then ``_No response_``)."""
    unanswered: list[str] = []
    label: str | None = None
    after_h3 = False
    for token in tokens:
        if token.type == "heading_open":
            after_h3, label = token.tag == "h3", None
        elif token.type == "inline" and after_h3:
            after_h3, label = False, token.content
        elif token.type == "inline" and label is not None:
            if token.content.strip() == "_No response_":
                unanswered.append(label)
            label = None
    return unanswered
