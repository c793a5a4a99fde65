"""How large a campaign may be, declared once and named in every refusal."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CampaignLimits:
    """The largest campaign accepted, declared once and named in every refusal.

    A campaign comes from whoever can open an issue, so every dimension a
    document can stretch is bounded before any of it is built: the text, its
    nesting, and how many tables and columns it lists. A real campaign stays far
    below each (the example is 1 KB, nested 4 deep).
    """

    max_bytes: int = 256 * 1024
    """UTF-8 bytes of the campaign text (for an issue, its whole body)."""
    max_depth: int = 10
    """Nested mappings and lists; a campaign needs 4."""
    max_tables: int = 200
    max_columns: int = 10_000
    """Entries of one table's ``columns``, ``old_columns`` or ``new_columns`` (BigQuery's cap)."""
    max_expression_chars: int = 2_000
    """One column mapping's SQL, or one declared type."""


CAMPAIGN_LIMITS = CampaignLimits()
