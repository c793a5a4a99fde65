"""Usage evidence: BigQuery's own job history says who read an old table, code or not.

Code search finds the consumers that live in repositories; the warehouse also
knows the ones that do not (a notebook, a scheduled query in the console, a
pipeline in a repository the App is not installed on). An export of
``INFORMATION_SCHEMA.JOBS`` (what ``bq query --format=json`` writes: a JSON
array, or JSON lines) names every job that read an old table; each one is
matched to a consumer Godwit found in code by normalised query text or by a job
label naming its repository. A job that matches none is a reader nobody has
migrated: it counts as a residual reference until someone waives it.

Pure: the export's text and the found consumers in, evidence out.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlglot
from sqlglot.errors import SqlglotError
from sqlglot.tokenizer_core import TokenType

from bot.campaign import Campaign
from bot.campaigns.residual import ResidualKind, ResidualReference

MAX_EXPORT_BYTES = 64 * 1024 * 1024
MAX_JOBS = 200_000
MAX_QUERY_CHARS = 1_000_000  # BigQuery's own limit on a query's length
LABEL_KEYS = ("repo", "repository", "github_repo", "git_repo")
"""Job labels that name the repository a job runs from (values compared with repo names)."""


class UsageExportError(ValueError):
    """The export is not what ``bq query --format=json`` writes, or is over a limit."""


@dataclass(frozen=True)
class Job:
    job_id: str
    user_email: str | None
    creation_time: str | None
    referenced_tables: tuple[str, ...]  # project.dataset.table, lower-case
    query: str | None
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchedJob:
    job: Job
    repo: str
    path: str | None  # the file whose statement the job ran, when the query text matched


@dataclass(frozen=True)
class UsageEvidence:
    """Jobs that read an old table, split by whether a consumer in code explains them."""

    matched: tuple[MatchedJob, ...]
    unmatched: tuple[Job, ...]

    def residuals(self, tables: Sequence[str]) -> tuple[ResidualReference, ...]:
        """Each unexplained job as a residual reference of the warehouse itself."""
        return tuple(
            ResidualReference(
                repo="(warehouse)",
                kind=ResidualKind.UNREAD,
                path=f"job {job.job_id}",
                table=next((t for t in tables if t.lower() in job.referenced_tables), None),
                detail=(
                    f"read the old table on {job.creation_time or 'an unknown date'}"
                    f" as {job.user_email or 'an unknown user'}, not found in any repository"
                ),
            )
            for job in self.unmatched
        )


def parse_jobs_export(text: str) -> list[Job]:
    """Every job of the export; ``UsageExportError`` names the first problem."""
    if len(text.encode("utf-8")) > MAX_EXPORT_BYTES:
        raise UsageExportError(f"the export is larger than {MAX_EXPORT_BYTES // 2**20} MB")
    rows = list(_rows(text))
    if len(rows) > MAX_JOBS:
        raise UsageExportError(f"the export holds more than {MAX_JOBS} jobs")
    return [_job(row, number) for number, row in enumerate(rows, start=1)]


def _rows(text: str) -> Iterator[Any]:
    stripped = text.strip()
    if not stripped:
        return
    try:
        if stripped.startswith("["):
            document = json.loads(stripped)
            if not isinstance(document, list):
                raise UsageExportError("the export is not a JSON array of jobs")
            yield from document
            return
        for number, line in enumerate(stripped.splitlines(), start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as error:
                    raise UsageExportError(f"line {number} is not JSON: {error.msg}") from None
    except RecursionError:
        raise UsageExportError("the export is nested too deeply to be a job list") from None
    except json.JSONDecodeError as error:
        raise UsageExportError(f"the export is not JSON: {error.msg} at {error.pos}") from None


def _job(row: Any, number: int) -> Job:
    if not isinstance(row, dict):
        raise UsageExportError(f"job {number} is not an object")
    job_id = row.get("job_id")
    if not isinstance(job_id, str) or not job_id:
        raise UsageExportError(f"job {number} has no job_id")
    query = row.get("query")
    if query is not None and (not isinstance(query, str) or len(query) > MAX_QUERY_CHARS):
        raise UsageExportError(f"job {job_id}: query is not text of at most {MAX_QUERY_CHARS}")
    return Job(
        job_id=job_id,
        user_email=_text(row.get("user_email")),
        creation_time=_text(row.get("creation_time")),
        referenced_tables=tuple(_tables(row.get("referenced_tables"), job_id)),
        query=query,
        labels=_labels(row.get("labels"), job_id),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _tables(value: Any, job_id: str) -> Iterator[str]:
    """``bq`` writes records as objects; a string ``project.dataset.table`` is taken too."""
    if value is None:
        return
    if not isinstance(value, list):
        raise UsageExportError(f"job {job_id}: referenced_tables is not a list")
    for item in value:
        if isinstance(item, str):
            yield item.replace(":", ".").lower()
        elif isinstance(item, dict):
            parts = [item.get(key) for key in ("project_id", "dataset_id", "table_id")]
            if all(isinstance(part, str) for part in parts):
                yield ".".join(str(part) for part in parts).lower()


def _labels(value: Any, job_id: str) -> dict[str, str]:
    """Labels as ``[{"key": k, "value": v}]`` (bq) or a plain object."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items()}
    if not isinstance(value, list):
        raise UsageExportError(f"job {job_id}: labels is neither a list nor an object")
    return {
        str(item["key"]): str(item.get("value", ""))
        for item in value
        if isinstance(item, dict) and "key" in item
    }


def jobs_reading(jobs: Iterable[Job], campaign: Campaign) -> list[Job]:
    """The jobs whose referenced tables include an old table of the campaign."""
    old = {table.old.lower() for table in campaign.tables}
    return [job for job in jobs if old.intersection(job.referenced_tables)]


def fingerprints(sql: str, dialect: str = "bigquery") -> list[str]:
    """Each statement's tokens without comments, case or spacing: equal for the same query.

    The job history holds the text that ran; code holds the same text with other
    comments and layout. Text that does not tokenize has no fingerprint.
    """
    try:
        tokens = sqlglot.tokenize(sql, read=dialect)
    except SqlglotError:
        return []
    found: list[str] = []
    words: list[str] = []
    for token in [*tokens, None]:
        if token is None or token.token_type is TokenType.SEMICOLON:
            if words:
                found.append(" ".join(words))
            words = []
            continue
        words.append(token.text if token.token_type is TokenType.STRING else token.text.lower())
    return found


def match_jobs(jobs: Sequence[Job], sources: Mapping[str, Mapping[str, str]]) -> UsageEvidence:
    """Match each job to a consumer: ``sources`` is repo → path → text of a consumer file.

    A job matches a file when its query's fingerprint equals one of the file's
    statements' (a dbt model's Jinja never does), or a repository when a label in
    ``LABEL_KEYS`` names it (by full name or by its name without the owner).
    """
    by_fingerprint: dict[str, tuple[str, str]] = {}
    for repo, files in sources.items():
        for path, text in files.items():
            for key in fingerprints(text):
                by_fingerprint.setdefault(key, (repo, path))
    names = {repo.lower(): repo for repo in sources}
    names.update({repo.split("/", 1)[-1].lower(): repo for repo in sources})
    matched: list[MatchedJob] = []
    unmatched: list[Job] = []
    for job in jobs:
        keys = fingerprints(job.query) if job.query else []
        found = by_fingerprint.get(keys[0]) if len(keys) == 1 else None
        if found is not None:
            matched.append(MatchedJob(job, found[0], found[1]))
            continue
        labelled = next(
            (
                names[value.lower()]
                for key, value in job.labels.items()
                if key in LABEL_KEYS and value.lower() in names
            ),
            None,
        )
        if labelled is not None:
            matched.append(MatchedJob(job, labelled, None))
        else:
            unmatched.append(job)
    return UsageEvidence(tuple(matched), tuple(unmatched))
