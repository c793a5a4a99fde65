"""Trees a caller parsed already, handed to the prover so it does not parse the texts again.

Kept apart from ``bot.parity.prove`` so the SQL core can build one without
importing the prover (which reads SQL with the core's own helpers).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlglot import exp

from bot.spec import TableMapping


@dataclass(frozen=True)
class Parsed:
    """Trees the engine parsed already, handed over so parity does not parse the texts again.

    Parsing was a third of parity's cost on a plan and copying a sqlglot tree
    costs about as much, so the trees are given, not lent: the prover rewrites
    them for DuckDB, and the caller must not read them afterwards.
    """

    original: exp.Expr  # the tree of ``original`` (offsets may be those of a whole file)
    rewritten: exp.Expr  # the tree of ``rewritten``
    old_tables: Sequence[tuple[exp.Expr, TableMapping]]  # the old table nodes of ``original``
