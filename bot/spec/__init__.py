"""The campaign definition: which tables move where, and how their columns map.

This package is the campaign document itself (validated from YAML or an issue's
Markdown); ``bot.campaigns`` is the pure campaign logic the App runs on it
(commands, states, texts), and ``bot.service`` the GitHub-side flows.

Validation is strict and pure, so the CLI and the GitHub App share it and a
campaign that would make the engine guess is refused before any code is read.
Every problem is reported at once with its key path and line, because the
author fixes them in one edit of a file or an issue body, not one per round trip.
``load_campaign_file`` is the only function here that touches the disk.

- ``model``: ``Campaign``, ``TableMapping``, ``TableName``, ``ColumnTarget`` and options.
- ``yaml_lines``: ``load_campaign(text)``, ``load_campaign_file(path)``, errors on their lines.
- ``markdown``: ``campaign_from_markdown(body)`` for a campaign issue.
- ``errors``: ``CampaignIssue`` and ``CampaignError``.
- ``limits``: ``CampaignLimits``, the largest campaign accepted.
- ``fingerprint``: ``spec_hash(campaign)``.
"""

from bot.spec.errors import CampaignError, CampaignIssue
from bot.spec.fingerprint import spec_hash
from bot.spec.limits import CAMPAIGN_LIMITS, CampaignLimits
from bot.spec.markdown import campaign_from_markdown
from bot.spec.model import (
    SUPPORTED_DIALECTS,
    AgentOptions,
    Campaign,
    ColumnTarget,
    Scope,
    TableMapping,
    TableName,
    VerifyOptions,
)
from bot.spec.yaml_lines import load_campaign, load_campaign_file

__all__ = [
    "CAMPAIGN_LIMITS",
    "SUPPORTED_DIALECTS",
    "AgentOptions",
    "Campaign",
    "CampaignError",
    "CampaignIssue",
    "CampaignLimits",
    "ColumnTarget",
    "Scope",
    "TableMapping",
    "TableName",
    "VerifyOptions",
    "campaign_from_markdown",
    "load_campaign",
    "load_campaign_file",
    "spec_hash",
]
