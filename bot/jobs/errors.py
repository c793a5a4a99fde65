"""Failures that say whether trying again later can help."""

from __future__ import annotations


class TransientError(Exception):
    """A failure worth retrying with backoff (GitHub 5xx, a rate limit, a timeout)."""


class RepositoryBusyError(Exception):
    """Another job holds this repository's lock; run again shortly, without using a retry."""
