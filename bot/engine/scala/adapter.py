"""The Scala/Scio adapter: table specs, embedded SQL and typed annotations (contract section 2).

Every decision is taken on string literals found by the lexer, so comments and
identifiers are never touched. Literals joined by ``+`` are read as one text
when together they form a query. A literal naming an old table is, in order:
part of a typed annotation (a guardrail: generated fields follow the old
schema), a table spec (rewritten, unless the file reads changed fields by name),
a wildcard or decorated spec, a name built by interpolation, legacy SQL (all
guardrails), or standard SQL handed to the SQL core. Anything else, such as a
log message that mentions the table, is not a reference.
"""

from __future__ import annotations

from bot.engine.model import FileRewrite, GuardrailSite, ReferenceKind
from bot.engine.prefilter import needle_pattern
from bot.engine.scala.annotations import rewrite_typed, typed_annotations
from bot.engine.scala.concatenation import Concatenation, concatenations
from bot.engine.scala.embedded_sql import rewrite_embedded
from bot.engine.scala.lexer import Lexed
from bot.engine.scala.literal_text import LiteralError, LiteralText, literal_text
from bot.engine.scala.specs import guard_spec, plain_values, rewrite_spec
from bot.engine.scala.tables import (
    SpecMatch,
    legacy_mentions,
    looks_like_sql,
    match_spec,
    names_whole,
    spliced_mentions,
)
from bot.spec import Campaign


def rewrite_lexed(
    text: str,
    lexed: Lexed,
    campaign: Campaign,
    handled: frozenset[int] = frozenset(),
    decided: FileRewrite | None = None,
) -> FileRewrite:
    """Find and rewrite the old tables named by the literals of one lexed Scala or Java file.

    ``handled`` are the starts of literals already decided across files
    (``decided``, in offsets of this file): table names followed to their uses.
    """
    mentioning = _mentioning(text, lexed, campaign) - handled
    result = FileRewrite()
    if decided is not None:
        _merge(result, decided)
    in_annotation: set[int] = set()
    for annotation in typed_annotations(lexed):
        in_annotation.update(literal.start for literal in annotation.literals)
        literals = [literal for literal in annotation.literals if literal.start in mentioning]
        _merge(result, rewrite_typed(text, lexed, annotation, literals, campaign))
    specs: list[tuple[LiteralText, SpecMatch]] = []
    for chain in concatenations(lexed):
        starts = {literal.start for literal in chain.literals}
        if not starts & mentioning or starts & in_annotation:
            continue
        for reading in _readings(text, chain, mentioning, campaign):
            try:
                runtime = literal_text(text, reading.literals, reading.joints)
            except LiteralError as error:
                _merge(result, _unreadable(text, reading, error, campaign))
                continue
            spec = match_spec(runtime.text, campaign)
            if spec is not None and spec.kind is ReferenceKind.TABLE_SPEC:
                specs.append((runtime, spec))
            elif spec is not None:
                _merge(result, guard_spec(text, runtime, spec))
            else:
                _merge(result, _query(text, runtime, campaign))
    if specs:
        names = list(plain_values(text, lexed))
        for runtime, spec in specs:
            _merge(result, rewrite_spec(text, names, runtime, spec))
    result.references.sort(key=lambda reference: (reference.start, reference.end))
    result.guardrails = sorted(
        (
            GuardrailSite(_outside_literals(text, lexed, site.offset), site.reason)
            for site in result.guardrails
        ),
        key=lambda site: site.offset,
    )
    return result


def _readings(
    text: str, chain: Concatenation, mentioning: set[int], campaign: Campaign
) -> list[Concatenation]:
    """A chain read whole when it is a query or a spec, else each mentioning literal alone.

    In ``"reading " + "legacy-proj:music.plays_v1"`` the whole is prose, but the
    second literal is exactly a spec and so still a reference by itself.
    """
    if len(chain.literals) == 1:
        return [chain]
    try:
        whole = literal_text(text, chain.literals, chain.joints).text
    except LiteralError:
        whole = ""
    if match_spec(whole, campaign) is not None or looks_like_sql(whole):
        return [chain]
    return [Concatenation((lit,)) for lit in chain.literals if lit.start in mentioning]


def _unreadable(
    text: str, reading: Concatenation, error: LiteralError, campaign: Campaign
) -> FileRewrite:
    """A literal whose runtime text is unknown: a guardrail if it reads as a query or a spec."""
    source = text[reading.literals[0].content_start : reading.literals[-1].content_end]
    if match_spec(source, campaign) is None and not (
        looks_like_sql(source) and names_whole(source, campaign)
    ):
        return FileRewrite()
    reason = f"a string literal naming a migrated table has {error}"
    return FileRewrite(guardrails=[GuardrailSite(reading.literals[0].start, reason)])


def _mentioning(text: str, lexed: Lexed, campaign: Campaign) -> set[int]:
    """Starts of terminated literals whose source spells something that may name an old table."""
    needles = needle_pattern(campaign)
    return {
        literal.start
        for literal in lexed.literals
        if literal.terminated
        and needles.search(text, literal.content_start, literal.content_end) is not None
    }


def _outside_literals(text: str, lexed: Lexed, offset: int) -> int:
    """Move a guardrail site off a line that starts inside a multi-line literal.

    A literal inside a splice of a triple-quoted query can start on a line that
    is part of the query; a comment inserted above it would become query text.
    """
    while True:
        line_start = text.rfind("\n", 0, offset) + 1
        enclosing = [lit.start for lit in lexed.literals if lit.start < line_start < lit.end]
        if not enclosing:
            return offset
        offset = min(enclosing)


def _merge(into: FileRewrite, part: FileRewrite) -> None:
    into.references += part.references
    into.edits += part.edits
    into.guardrails += part.guardrails
    into.verification += part.verification
    into.statements_rewritten += part.statements_rewritten
    into.parity += part.parity


def _query(text: str, runtime: LiteralText, campaign: Campaign) -> FileRewrite:
    """A literal that is neither a spec nor typed: a query, a name the code builds, or prose."""
    result = FileRewrite()
    anchor = runtime.start
    for mapping in campaign.tables:
        for span in spliced_mentions(runtime.text, mapping):
            result.references.append(
                runtime.reference(text, mapping.old, ReferenceKind.TABLE, *span)
            )
            reason = f"an interpolation builds the name of {mapping.old}; point it at {mapping.new}"
            result.guardrails.append(GuardrailSite(anchor, reason))
    if result.guardrails or not looks_like_sql(runtime.text):
        return result
    for mapping in campaign.tables:
        for span in legacy_mentions(runtime.text, mapping):
            result.references.append(
                runtime.reference(text, mapping.old, ReferenceKind.TABLE, *span)
            )
            reason = f"legacy SQL reads {mapping.old}; move the query to standard SQL by hand"
            result.guardrails.append(GuardrailSite(anchor, reason))
    if result.guardrails:
        return result
    embedded = rewrite_embedded(text, runtime, campaign)
    if embedded.guardrails and not embedded.references and not names_whole(runtime.text, campaign):
        return FileRewrite()  # unparsable, and naming another table that shares a part
    return embedded
