"""The SQL core of the migration engine: rewrite one SQL text for a campaign.

Framework adapters (plain ``.sql`` jobs, dbt models with Jinja masked, Scala
string literals) all call :func:`rewrite_sql`; a ``resolver`` lets them say
which table references are an old table when plain name matching cannot.
"""

from bot.engine.sql.rewrite import rewrite_sql
from bot.engine.sql.tables import TableMatch, TableResolver

__all__ = ["TableMatch", "TableResolver", "rewrite_sql"]
