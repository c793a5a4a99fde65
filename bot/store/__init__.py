"""Godwit's durable state (SQLAlchemy 2) and the small functions that read and write it.

Callers use the functions in this package's modules instead of writing queries,
so the schema can change in one place.
"""
