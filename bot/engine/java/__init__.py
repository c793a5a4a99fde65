"""Java/Beam consumers: the Scala adapter's rules on the tree-sitter Java tree.

Beam pipelines in Java read BigQuery through the same strings Scio does (table
specs, SQL in literals, ``TableReference`` builders, ``row.get("col")``), so
the JVM core in ``bot.engine.jvm`` decides for both; this package only lexes.
"""
