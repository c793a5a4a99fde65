"""Rewrite one dbt project: its models through the SQL core, then its sources YAML.

The YAML follows the models: an old entry goes only once no file of the project
calls it any longer, and the new table is declared only when a call was rewritten
to it, so a project where every model is guardrailed keeps its YAML as it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from bot.engine.dbt.carry import carry
from bot.engine.dbt.jinja import source_calls
from bot.engine.dbt.models import ModelRewrite, rewrite_model
from bot.engine.dbt.placement import Placer, Target
from bot.engine.dbt.project import (
    DbtProject,
    load_project,
    load_vars,
    nested_roots,
    project_file,
)
from bot.engine.dbt.sources import (
    SourceCatalog,
    SourceTable,
    declared_sources,
    load_yaml,
    read_catalog,
)
from bot.engine.dbt.sources_yaml import (
    LayoutError,
    NewSource,
    NewTable,
    SourcesFileEdit,
    check_layout,
    entry_span,
    sources_file_edits,
)
from bot.engine.edits import YAML_COMMENT, guardrail_comment
from bot.engine.model import FileRewrite, Reference, ReferenceKind, VerificationIssue
from bot.spec import Campaign, TableMapping


@dataclass
class DbtProjectRewrite:
    """Per-file rewrites of one project, and how many models the prefilter spared."""

    files: dict[str, FileRewrite] = field(default_factory=dict)
    parsed: int = 0
    skipped: int = 0


def _needles(campaign: Campaign, catalog: SourceCatalog) -> tuple[str, ...]:
    """Words a model must contain to refer to an old table at all.

    A ``source()`` call names its table, so the table names that resolve (or may
    resolve) to an old table are enough, next to the old tables' own names for plain
    SQL references and the names of vars that stand for such a ``source()``.
    """
    words = {m.old_name.table for m in campaign.tables}
    for mapping in campaign.tables:
        words.update(t.table for t in catalog.resolving_to(mapping.old_name))
        words.update(t.table for t in catalog.maybe_resolving_to(mapping.old_name))
    # A model may reach those tables through a var whose value is their source().
    tables = set(words)
    for name, value in catalog.variables.items():
        if isinstance(value, str) and any(c.table in tables for c in source_calls(value)):
            words.add(name)
    return tuple(sorted(words))


def rewrite_dbt_project(
    root: str, files: Mapping[str, str], campaign: Campaign
) -> DbtProjectRewrite:
    """Rewrite the models and sources YAML of the project at ``root`` (pure: no I/O)."""
    project = load_project(root, files.get(project_file(root)))
    yaml_paths = project.yaml_files(files)
    catalog = read_catalog(yaml_paths, files, load_vars(files.get(project_file(root))))
    frozen = _frozen(yaml_paths, files, catalog)
    placer = Placer(catalog, set(frozen))

    def target(mapping: TableMapping, old: SourceTable) -> tuple[str, str] | None:
        placed = placer.place(mapping, old)
        return None if placed is None else (placed.source, placed.table)

    result = DbtProjectRewrite()
    needles = _needles(campaign, catalog)
    models: dict[str, ModelRewrite] = {}
    for path in project.sql_files(files):
        if not any(needle in files[path] for needle in needles):
            result.skipped += 1
            continue
        result.parsed += 1
        model = rewrite_model(files[path], campaign, catalog, target)
        if model is not None:
            models[path] = model
            result.files[path] = model.rewrite
    migrated = {e for m in models.values() for e in m.migrated}
    readers: dict[SourceTable, set[str]] = {}
    for model_path, model in models.items():
        for entry in model.still_used:
            readers.setdefault(entry, set()).add(model_path)
    for entry, paths in _called_elsewhere(project, files, set(models), catalog).items():
        readers.setdefault(entry, set()).update(paths)
    still_used = set(readers) | {e for e in catalog.tables if e.path in frozen}
    notes: dict[str, list[str]] = {}
    plan = _plan_sources(campaign, catalog, placer, migrated, still_used, files, notes)
    for path, edit in plan.items():
        rewrite = _rewrite_sources_file(path, files[path], edit, catalog, campaign)
        if rewrite.edits:
            rewrite.notes.extend(notes.get(path, []))
        rewrite.notes.extend(_kept_entries(path, campaign, catalog, readers))
        if path in frozen and rewrite.references:
            message = f"{frozen[path]}: its entries stay as they are"
            rewrite.verification.append(VerificationIssue(0, message))
        result.files[path] = rewrite
    return result


def _frozen(
    paths: Iterable[str], files: Mapping[str, str], catalog: SourceCatalog
) -> dict[str, str]:
    """Sources files that cannot be edited line by line, with the reason."""
    declaring = {t.path for t in catalog.tables}
    frozen: dict[str, str] = {}
    for path in paths:
        if path not in declaring:
            continue
        try:
            check_layout(files[path])
        except LayoutError as error:
            frozen[path] = f"cannot edit the sources in {path} ({error})"
    return frozen


def _called_elsewhere(
    project: DbtProject, files: Mapping[str, str], rewritten: set[str], catalog: SourceCatalog
) -> dict[SourceTable, set[str]]:
    """Entries still called from files the model rewrite did not handle, with those files."""
    nested = nested_roots(project.root, files)
    used: dict[SourceTable, set[str]] = {}
    for path, text in files.items():
        if path in rewritten or not project.owns(path, [project.root], nested):
            continue
        for call in source_calls(text):
            entry = catalog.lookup(call.source, call.table)
            if entry is not None:
                used.setdefault(entry, set()).add(path)
    return used


MAX_READERS_NAMED = 5


def _kept_entries(
    path: str, campaign: Campaign, catalog: SourceCatalog, readers: Mapping[SourceTable, set[str]]
) -> list[str]:
    """Why an old entry of this file stays: the files that still read it, for the plan's reader.

    Without this a sources file shows a reference and no change, which reads as
    a miss; the entry stays on purpose until its last reader has moved.
    """
    kept: list[str] = []
    for mapping in campaign.tables:
        for entry in catalog.resolving_to(mapping.old_name):
            if entry.path != path or entry not in readers:
                continue
            users = sorted(readers[entry])
            named = ", ".join(users[:MAX_READERS_NAMED])
            more = len(users) - MAX_READERS_NAMED
            named += f" and {more} more" if more > 0 else ""
            kept.append(
                f"source('{entry.source}', '{entry.table}') keeps its entry for {mapping.old}: "
                f"still read by {named}"
            )
    return kept


def _plan_sources(
    campaign: Campaign,
    catalog: SourceCatalog,
    placer: Placer,
    migrated: set[SourceTable],
    still_used: set[SourceTable],
    files: Mapping[str, str],
    notes: dict[str, list[str]],
) -> dict[str, SourcesFileEdit]:
    """Per YAML file: entries to drop, tables and sources to add (files with old entries too).

    ``notes`` gains, per file, what each new entry carried over from the old one.
    """
    plan: dict[str, SourcesFileEdit] = {}
    new_sources: dict[tuple[str, str], list[tuple[Target, SourceTable, TableMapping]]] = {}
    for mapping in campaign.tables:
        olds = catalog.resolving_to(mapping.old_name)
        for entry in olds:
            edit = plan.setdefault(entry.path, SourcesFileEdit())
            if entry not in still_used:
                edit.remove.add((entry.source_index, entry.table_index))
        moved = [e for e in olds if e in migrated]
        if not moved:
            continue
        target = placer.place(mapping, moved[0])
        if target is None:
            continue
        if target.declared:
            dropped = [e for e in olds if e not in still_used]
            if any(
                carry(_yaml_entry(files[e.path], e), mapping, campaign.dialect).body != "{}"
                for e in dropped
            ):
                notes.setdefault(dropped[0].path, []).append(
                    f"source('{target.source}', '{target.table}') was declared already and is kept "
                    f"as it is; the description and tests of the removed entry of {mapping.old} "
                    "were not carried over to it"
                )
            continue
        if target.new_source:
            new_sources.setdefault((target.path, target.source), []).append(
                (target, moved[0], mapping)
            )
            continue
        host = next(t for t in catalog.tables if (t.path, t.source) == (target.path, target.source))
        edit = plan.setdefault(target.path, SourcesFileEdit())
        edit.add_tables.setdefault(host.source_index, []).append(
            _new_table(target, moved[0], mapping, campaign, files, notes)
        )
    for (path, name), targets in new_sources.items():
        first = targets[0]
        tables = tuple(_new_table(t, old, m, campaign, files, notes) for t, old, m in targets)
        source = NewSource(name, first[0].database, first[0].schema, tables)
        plan.setdefault(path, SourcesFileEdit()).add_sources.append(source)
    return plan


def _new_table(
    target: Target,
    old: SourceTable,
    mapping: TableMapping,
    campaign: Campaign,
    files: Mapping[str, str],
    notes: dict[str, list[str]],
) -> NewTable:
    """The new entry, with what the old entry's description, columns and tests hand on."""
    carried = carry(_yaml_entry(files[old.path], old), mapping, campaign.dialect)
    comments = tuple(
        guardrail_comment(reason, campaign.guide, YAML_COMMENT) for reason in carried.guardrails
    )
    said = f"source('{old.source}', '{old.table}') → source('{target.source}', '{target.table}')"
    if carried.moved:
        said += f": carried over {'; '.join(carried.moved)}"
    if carried.guardrails:
        said += f"; left to a person (guardrail in the YAML): {'; '.join(carried.guardrails)}"
    notes.setdefault(target.path, []).append(said)
    return NewTable(target.table, target.identifier, carried.body, comments)


def _yaml_entry(text: str, entry: SourceTable) -> object:
    sources = declared_sources(load_yaml(text))
    if sources is None:
        return None
    tables = sources[entry.source_index].get("tables")
    return tables[entry.table_index] if isinstance(tables, list) else None


def _rewrite_sources_file(
    path: str, text: str, edit: SourcesFileEdit, catalog: SourceCatalog, campaign: Campaign
) -> FileRewrite:
    """The file's line splices, and every old entry as a reference."""
    rewrite = FileRewrite()
    for mapping in campaign.tables:
        for entry in catalog.resolving_to(mapping.old_name):
            if entry.path != path:
                continue
            start, end = entry_span(text, entry.source_index, entry.table_index)
            rewrite.references.append(
                Reference(mapping.old, ReferenceKind.SOURCE_ENTRY, start, end, text[start:end])
            )
    try:
        edits = sources_file_edits(text, edit)
    except LayoutError as error:
        rewrite.verification.append(VerificationIssue(0, f"cannot edit the sources: {error}"))
        return rewrite
    rewrite.edits.extend(e for e in edits if text[e.start : e.end] != e.replacement)
    return rewrite
