"""Plan a repository: the one entry point the CLI and the GitHub App share.

``plan_repository`` takes a campaign and an in-memory snapshot (path → text) and
returns a :class:`RepoPlan`. It never reads the disk or the network: the callers
own I/O, which keeps the engine testable and identical in both products. Each
adapter of ``bot.engine.adapters.ADAPTERS`` claims its files and plans them;
this module only turns what they found into file plans.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from bot.engine.adapters import claimed_files
from bot.engine.discovery import is_ignored
from bot.engine.edits import CommentSyntax, render
from bot.engine.model import Action, FileRewrite, Framework
from bot.engine.plan import FilePlan, RepoPlan, locate, locate_parity
from bot.engine.prefilter import may_reference_raw, needle_pattern
from bot.engine.protected import protected_plan, protected_reason
from bot.engine.snapshot import UTF8, SkippedFile, SkipReason, Snapshot
from bot.spec import Campaign


def plan_repository(campaign: Campaign, snapshot: Mapping[str, str]) -> RepoPlan:
    """Discover every consumer of the campaign's old tables in ``snapshot`` and plan its rewrite.

    A :class:`Snapshot` also brings the files its reader skipped and the
    encodings of files not in UTF-8; a plain mapping is all UTF-8 text.
    """
    encodings: Mapping[str, str] = {}
    skipped_files: list[SkippedFile] = []
    if isinstance(snapshot, Snapshot):
        encodings = snapshot.encodings
        skipped_files = [s for s in snapshot.skipped if not is_ignored(s.path)]
    paths = sorted(p for p in snapshot if not is_ignored(p))
    files: list[FilePlan] = []
    scanned = skipped = 0
    counts: Counter[Framework] = Counter()
    for adapter, claimed in claimed_files(paths, snapshot):
        if not claimed:
            continue
        found = adapter.plan(campaign, snapshot, claimed)
        scanned += found.scanned
        skipped += found.skipped
        counts[adapter.framework] += found.scanned
        for path, (framework, rewrite) in sorted(found.files.items()):
            text = snapshot[path]
            syntax = adapter.comment_for(framework)
            planned = _plan_file(path, framework, text, rewrite, syntax, campaign)
            unwritable = _unwritable(planned, encodings.get(path, UTF8))
            if unwritable is None:
                files.append(planned)
            else:
                skipped_files.append(unwritable)
    files.sort(key=lambda f: f.path)
    return RepoPlan(
        tuple(files),
        scanned,
        skipped,
        {f: n for f, n in counts.items() if n},
        skipped=_skipped_references(campaign, skipped_files),
        encodings=dict(encodings),
    )


def _unwritable(planned: FilePlan, encoding: str) -> SkippedFile | None:
    """The file as skipped when its new text cannot be written in its own encoding.

    Writing it in another encoding would garble every byte outside the edit, so
    the file is left as it is and reported instead.
    """
    if planned.new_text is None or encoding == UTF8:
        return None
    try:
        planned.new_text.encode(encoding)
    except UnicodeEncodeError:
        raw = planned.original.encode(encoding)
        return SkippedFile(planned.path, SkipReason.UNWRITABLE, raw, len(raw), detail=encoding)
    return None


def _skipped_references(
    campaign: Campaign, skipped_files: list[SkippedFile]
) -> tuple[SkippedFile, ...]:
    """Skipped files whose raw bytes may name an old table, or that were not read whole."""
    if not skipped_files:
        return ()
    pattern = needle_pattern(campaign)
    named = (
        s
        for s in skipped_files
        if s.reason is SkipReason.UNWRITABLE or not s.complete or may_reference_raw(s.raw, pattern)
    )
    return tuple(sorted(named, key=lambda s: s.path))


def _plan_file(
    path: str,
    framework: Framework,
    text: str,
    rewrite: FileRewrite,
    syntax: CommentSyntax,
    campaign: Campaign,
) -> FilePlan:
    protected = protected_reason(path)
    if protected is not None:  # build or CI configuration: reported, never written
        return protected_plan(path, framework, text, rewrite, protected)
    rendered = render(text, rewrite.edits, rewrite.guardrails, syntax=syntax, guide=campaign.guide)
    references, issues = locate(text, rewrite.references, rewrite.verification)
    if rendered.guardrails or any(r.reference.needs_human for r in references) or issues:
        action = Action.GUARDRAIL
    elif rendered.text != text:
        action = Action.REWRITE
    else:
        action = Action.UNTOUCHED
    return FilePlan(
        path=path,
        framework=framework,
        action=action,
        references=references,
        guardrails=rendered.guardrails,
        verification=issues,
        statements_rewritten=rewrite.statements_rewritten,
        original=text,
        new_text=rendered.text if rendered.text != text else None,
        notes=tuple(rewrite.notes),
        parity=locate_parity(text, rewrite.parity),
    )
