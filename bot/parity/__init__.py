"""Parity: a rewritten statement is run, old against new, on synthetic data before it is kept.

The verifier proves a rewrite is well formed; parity shows that it means the
same thing. ``Prover.prove`` runs the original statement over a synthetic old
table and the rewrite over the matching new table (DuckDB, in process) and
compares what they return. Only ``bot.parity.duck`` talks to DuckDB.
"""

from bot.parity.outcome import Counterexample, Outcome, Verdict

__all__ = ["Counterexample", "Outcome", "Verdict"]
