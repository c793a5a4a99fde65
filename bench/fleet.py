"""A synthetic fleet of repositories for the engine benchmark.

Deterministic (seeded) and realistic in mix: BigQuery job repos, dbt projects and
Scio pipelines, where a share of files consume the old table and the rest read
other tables, carry configuration, docs or application code. The generator
records which files are consumers and the plain SQL each consumer holds, so the
benchmark can check the prefilter and measure a parse floor on the same queries.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

OLD = "legacy-proj.music.plays_v1"
OTHER_TABLES = [
    "core-proj.music.tracks",
    "core-proj.music.artists",
    "core-proj.users.accounts",
    "ads-proj.revenue.daily_revenue",
    "core-proj.music.playlists",
]
CAMPAIGN_YAML = """\
id: plays-v2
title: Move consumers of plays_v1 to plays_v2
guide: https://wiki.example.com/migrations/plays-v2
tables:
  - old: legacy-proj.music.plays_v1
    new: core-proj.music.plays_v2
    columns:
      track_uri: track_id
      ms_played: duration_ms
      played_date: DATE(played_at)
      country: geo.country_code
      is_premium: null
    old_columns: [user_id, track_uri, ms_played, played_date, country, is_premium, platform]
"""
MAPPED = ["track_uri", "ms_played", "played_date", "country", "user_id", "platform"]


@dataclass
class Fleet:
    repos: dict[str, dict[str, str]] = field(default_factory=dict)
    consumers: set[tuple[str, str]] = field(default_factory=set)
    consumer_sql: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def files(self) -> int:
        return sum(len(files) for files in self.repos.values())


def consumer_query(rng: random.Random, table_sql: str) -> str:
    """A 20-40 line analytics query over the old table, in one of several shapes."""
    cols = rng.sample(MAPPED, 3)
    other = rng.choice(OTHER_TABLES)
    shape = rng.randrange(3)
    if shape == 0:
        return f"""-- Daily listening per {cols[0]}
-- owner: data-insights
SELECT
  p.{cols[0]},
  p.{cols[1]},
  COUNT(*) AS plays,
  SUM(p.ms_played) AS total_ms
FROM {table_sql} AS p
JOIN `{other}` AS o
  ON o.id = p.user_id
WHERE p.played_date >= DATE_SUB(CURRENT_DATE(), INTERVAL 7 DAY)
  AND p.platform IN ('ios', 'android')
GROUP BY 1, 2
ORDER BY total_ms DESC
LIMIT 1000
"""
    if shape == 1:
        return f"""WITH recent AS (
  SELECT
    user_id,
    {cols[0]},
    ms_played,
    played_date
  FROM {table_sql}
  WHERE played_date BETWEEN '2024-01-01' AND '2024-01-31'
),
per_user AS (
  SELECT user_id, SUM(ms_played) AS listened_ms, COUNT(DISTINCT {cols[0]}) AS n
  FROM recent
  GROUP BY user_id
)
SELECT
  u.user_id,
  u.listened_ms,
  u.n
FROM per_user AS u
WHERE u.listened_ms > 60000
ORDER BY u.listened_ms DESC
"""
    return f"""INSERT INTO `analytics-proj.reports.weekly_plays` (user_id, {cols[0]}, ms_played)
SELECT
  user_id,
  {cols[0]},
  ms_played
FROM {table_sql}
WHERE played_date = @run_date
  AND ms_played > 30000
  AND {cols[1]} IS NOT NULL
"""


def other_query(rng: random.Random) -> str:
    table = rng.choice(OTHER_TABLES)
    return f"""-- Report over {table.split(".")[-1]}
SELECT
  t.id,
  t.name,
  COUNT(*) AS n,
  MAX(t.updated_at) AS last_update
FROM `{table}` AS t
WHERE t.updated_at >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL {rng.randrange(1, 30)} DAY)
GROUP BY t.id, t.name
HAVING COUNT(*) > {rng.randrange(1, 100)}
ORDER BY n DESC
"""


def noise_files(rng: random.Random, count: int) -> dict[str, str]:
    files: dict[str, str] = {}
    for i in range(count):
        kind = rng.randrange(4)
        if kind == 0:
            files[f"docs/page_{i}.md"] = f"# Page {i}\n\nThis job reads the music data mart.\n" * 5
        elif kind == 1:
            files[f"config/job_{i}.yaml"] = f"schedule: '0 {i % 24} * * *'\nretries: 3\n"
        elif kind == 2:
            files[f"scripts/tool_{i}.py"] = (
                f"def main() -> None:\n    print('tool {i}')\n\n\nif __name__ == '__main__':\n"
                "    main()\n"
            )
        else:
            files[f"README_{i}.md"] = "Owned by the insights team.\n"
    return files


def bigquery_repo(rng: random.Random, fleet: Fleet, name: str, size: int, share: float) -> None:
    files = noise_files(rng, size // 3)
    for i in range(size - len(files)):
        path = f"jobs/job_{i}/query.sql"
        if rng.random() < share:
            quoted = rng.choice([f"`{OLD}`", "`legacy-proj`.`music`.`plays_v1`", "music.plays_v1"])
            files[path] = consumer_query(rng, quoted)
            fleet.consumers.add((name, path))
            fleet.consumer_sql[(name, path)] = files[path]
        else:
            files[path] = other_query(rng)
    fleet.repos[name] = files


def dbt_repo(rng: random.Random, fleet: Fleet, name: str, size: int, share: float) -> None:
    files = noise_files(rng, size // 4)
    files["dbt_project.yml"] = f"name: {name.replace('-', '_')}\nversion: '1.0.0'\nprofile: bq\n"
    files["models/staging/_sources.yml"] = f"""\
version: 2
# Sources of {name}.
sources:
  - name: music  # the listening data
    database: legacy-proj
    schema: music
    tables:
      - name: plays_v1
      - name: tracks
"""
    for i in range(size - len(files)):
        path = f"models/marts/model_{i}.sql"
        if rng.random() < share:
            body = consumer_query(rng, "{{ source('music', 'plays_v1') }}")
            files[path] = "{{ config(materialized='table') }}\n\n" + body
            fleet.consumers.add((name, path))
            fleet.consumer_sql[(name, path)] = body.replace(
                "{{ source('music', 'plays_v1') }}", f"`{OLD}`"
            )
        else:
            files[path] = "{{ config(materialized='view') }}\n\n" + other_query(rng)
    fleet.repos[name] = files


def scio_repo(rng: random.Random, fleet: Fleet, name: str, size: int, share: float) -> None:
    files = noise_files(rng, size // 4)
    files["build.sbt"] = 'libraryDependencies += "com.spotify" %% "scio-core" % "0.14.0"\n'
    for i in range(size - len(files)):
        path = f"src/main/scala/com/acme/Job{i}.scala"
        consumes = rng.random() < share
        query = consumer_query(rng, f"`{OLD}`") if consumes else other_query(rng)
        margin = "\n".join("      |" + line for line in query.splitlines())
        files[path] = f"""package com.acme

import com.spotify.scio._

object Job{i} {{
  def main(cmdlineArgs: Array[String]): Unit = {{
    val (sc, args) = ContextAndArgs(cmdlineArgs)
    val query =
      \"\"\"
{margin}
      \"\"\".stripMargin
    sc.bigQuerySelect(query).saveAsTextFile(args("output"))
    sc.run()
  }}
}}
"""
        if consumes:
            fleet.consumers.add((name, path))
            fleet.consumer_sql[(name, path)] = query
    fleet.repos[name] = files


def generate(
    repos: int = 300, files_per_repo: int = 20, share: float = 0.1, seed: int = 7
) -> Fleet:
    """``repos`` repositories of about ``files_per_repo`` files, ``share`` of them consumers."""
    rng = random.Random(seed)
    fleet = Fleet()
    builders = [bigquery_repo] * 5 + [dbt_repo] * 3 + [scio_repo] * 2
    for index in range(repos):
        builder = builders[index % len(builders)]
        # Consumers are spread over the SQL-bearing files; noise dilutes the overall share.
        builder(rng, fleet, f"repo-{index:03d}", files_per_repo, share * 1.45)
    return fleet
