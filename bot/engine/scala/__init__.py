"""Scala/Scio consumers: table specs, SQL in string literals and typed BigQuery annotations."""

from bot.engine.scala.adapter import rewrite_scala

__all__ = ["rewrite_scala"]
