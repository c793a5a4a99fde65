"""GitHub-side helpers of the coding agent's flows."""
