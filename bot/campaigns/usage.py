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

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlglot
from sqlglot.errors import SqlglotError
from sqlglot.tokenizer_core import TokenType

from bot.campaigns.residual import JOB_LABEL, WAREHOUSE, ResidualKind, ResidualReference
from bot.spec import Campaign

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
        """One residual reference per reader found in no repository: its jobs, grouped.

        A scheduled query runs daily under a new job id each time, so jobs are
        grouped by their normalised query (``query_id``): the reader, not each
        run, is what someone migrates or waives. Its ``path`` is the query id
        (a job without query text keeps its job id); its aliases are the labels
        every one of its jobs carries, so ``/migrate waive warehouse:KEY=VALUE``
        covers a whole pipeline.
        """
        groups: dict[str, list[Job]] = {}
        for job in self.unmatched:
            groups.setdefault(query_id(job.query) or f"job:{job.job_id}", []).append(job)
        days = self.days_covered
        span = "" if days is None else f" in the {days} day{'' if days == 1 else 's'} exported"
        found: list[ResidualReference] = []
        for key, jobs in groups.items():
            read = [t for t in tables if any(t.lower() in job.referenced_tables for job in jobs)]
            users = sorted({job.user_email for job in jobs if job.user_email})
            last = max((job.creation_time for job in jobs if job.creation_time), default=None)
            runs = f"{len(jobs)} job{'' if len(jobs) == 1 else 's'}"
            found.append(
                ResidualReference(
                    repo=WAREHOUSE,
                    kind=ResidualKind.WAREHOUSE,
                    path=key,
                    table=read[0] if read else None,
                    detail=(
                        f"read the old table{span} ({runs}, last {last or 'at an unknown time'}"
                        f", as {', '.join(users[:3]) or 'an unknown user'}"
                        f"{' and others' if len(users) > 3 else ''}),"
                        " not found in any repository"
                    ),
                    aliases=_common_labels(jobs),
                )
            )
        return tuple(found)

    @property
    def days_covered(self) -> int | None:
        """Days from the first to the last job that read an old table (both counted)."""
        days = sorted(
            {
                job.creation_time[:10]
                for job in (*self.unmatched, *(m.job for m in self.matched))
                if job.creation_time and _DATE.fullmatch(job.creation_time[:10])
            }
        )
        if not days:
            return None
        first, last = (date.fromisoformat(day) for day in (days[0], days[-1]))
        return (last - first).days + 1


_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _common_labels(jobs: Sequence[Job]) -> tuple[str, ...]:
    """``key=value`` of the labels every job carries (what a waiver by label may name)."""
    sets = [{f"{key}={value}".lower() for key, value in job.labels.items()} for job in jobs]
    common = set.intersection(*sets) if sets else set()
    return tuple(sorted(label for label in common if JOB_LABEL.fullmatch(label)))


def query_id(query: str | None) -> str | None:
    """A short, stable name for a query: equal for the same text in another layout.

    ``q`` and 12 hex digits of the fingerprint's SHA-256; None when the text has no
    single statement's fingerprint (nothing to compare, so nothing to name).
    """
    keys = fingerprints(query) if query else []
    if len(keys) != 1:
        return None
    return "q" + hashlib.sha256(keys[0].encode("utf-8")).hexdigest()[:12]


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


@dataclass(frozen=True)
class ExportLocation:
    """A file of a repository the App reads the export from; ``ref`` None is the default branch."""

    repo: str
    path: str
    ref: str | None

    def __str__(self) -> str:
        return f"{self.repo}/{self.path}" + ("" if self.ref is None else f" at {self.ref}")


_REPO_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}")
_REF_PART = re.compile(r"[A-Za-z0-9._-]{1,255}")
_PATH_PART = re.compile(r"[^\s\\:*?\"<>|]{1,400}")


def export_location(text: str, web_base: str) -> ExportLocation:
    """Where the App reads ``usage.jobs_export``: ``OWNER/REPO/PATH`` or a blob URL.

    The URL is one of this GitHub's (``web_base``, as the App links files), so
    what the App reads is what the link shows; ``REF`` is one path segment (a
    branch with a ``/`` in its name is given by its commit instead).
    Raises ``UsageExportError`` saying which form was expected.
    """
    rest = text
    ref: str | None = None
    base = web_base.rstrip("/") + "/"
    if "://" in text:
        if not text.startswith(base):
            raise UsageExportError(
                f"{text} is not a link to a file on {web_base}: link a file of a repository "
                "(…/OWNER/REPO/blob/REF/PATH) or write OWNER/REPO/PATH"
            )
        owner_repo_blob = text.removeprefix(base).split("/", 4)
        if len(owner_repo_blob) < 5 or owner_repo_blob[2] != "blob":
            raise UsageExportError(f"{text} is not a link to a file (…/OWNER/REPO/blob/REF/PATH)")
        owner, name, _, ref, path = owner_repo_blob
        rest = f"{owner}/{name}/{path.split('#', 1)[0].split('?', 1)[0]}"
        if not _REF_PART.fullmatch(ref):
            raise UsageExportError(f"{ref!r} is not a branch name or commit")
    parts = rest.split("/", 2)
    repo = "/".join(parts[:2])
    path = parts[2] if len(parts) == 3 else ""
    if not _REPO_PART.fullmatch(repo) or not _PATH_PART.fullmatch(path.strip("/")):
        raise UsageExportError(
            f"{text} does not name a file of a repository: write OWNER/REPO/PATH "
            "or link the file (…/OWNER/REPO/blob/REF/PATH)"
        )
    if ".." in path.split("/"):
        raise UsageExportError(f"'..' is not allowed in {text}")
    return ExportLocation(repo, path.strip("/"), ref)
