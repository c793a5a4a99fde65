"""Scala/Scio consumers: table specs, SQL in string literals and typed BigQuery annotations.

The rules here are shared with Java (``bot.engine.java``); ``bot.engine.jvm`` runs them
over a repository's files.
"""
