"""Literals joined by ``+`` into one string, the way long queries are often written.

A query split over ``"SELECT ... " + "FROM ... " + "WHERE ..."`` only makes
sense whole: rewriting the piece that names the table while a column of it sits
in the next piece would break the query silently. Each chain is therefore
handed on as one text. A plain name spliced between pieces (``+ day +``) is
kept as a splice; anything more complex ends the chain.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine.scala.lexer import Lexed, StringLiteral

_MARGIN_CALL = r"(?:\s*\.\s*stripMargin\b(?:\s*\([^()]*\))?)?"
_JOINT = re.compile(rf"{_MARGIN_CALL}\s*\+\s*(?:([A-Za-z_][\w.]*)\s*\+\s*)?")


@dataclass(frozen=True)
class Concatenation:
    """Literals in order; ``joints[i]`` is the span of a name spliced after literal ``i``."""

    literals: tuple[StringLiteral, ...]
    joints: tuple[tuple[int, int] | None, ...] = ()


def concatenations(lexed: Lexed) -> list[Concatenation]:
    """Group the file's literals into chains; every literal is in exactly one.

    Literals inside splices are never joined: their surroundings are masked code.
    """
    chains: list[Concatenation] = []
    literals: list[StringLiteral] = []
    joints: list[tuple[int, int] | None] = []
    outer_end = 0
    for literal in lexed.literals:
        if literal.start < outer_end:
            chains.append(Concatenation((literal,)))
            continue
        outer_end = literal.end
        joint = _joint(lexed.code, literals[-1], literal) if literals else None
        if joint is None:
            if literals:
                chains.append(Concatenation(tuple(literals), tuple(joints)))
            literals, joints = [], []
        else:
            joints.append(joint.span(1) if joint.group(1) else None)
        literals.append(literal)
    if literals:
        chains.append(Concatenation(tuple(literals), tuple(joints)))
    return sorted(chains, key=lambda chain: chain.literals[0].start)


def _joint(code: str, before: StringLiteral, after: StringLiteral) -> re.Match[str] | None:
    """The ``+`` (with perhaps a spliced name) joining two neighbouring literals, if any."""
    if not (before.terminated and after.terminated):
        return None
    return _JOINT.fullmatch(code, before.end, after.start)
