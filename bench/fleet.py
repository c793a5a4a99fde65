"""A synthetic fleet of repositories for the engine benchmark.

Deterministic (seeded) and realistic in mix: BigQuery job repos, dbt projects,
Scio pipelines (SQL in strings, typed reads, table constants in objects,
``TableReference`` builders, Storage reads) and Beam Java pipelines, where a
share of files consume the old table and the rest read other tables, carry
configuration, docs or application code.

Every file is labelled, so the benchmark's figures can fail:

- a *consumer* is a file a correct migration must change or flag (a reference
  to rewrite, or a guardrail);
- a *near miss* names the old table's text without reading it: in a comment, in
  a string that is no table, as part of a longer name (``plays_v10``), or the
  same table name in another dataset or project. A correct engine plans none of
  them with a change, a reference or a guardrail;
- ``sql`` holds, for every file that carries SQL, each statement as the engine
  reads it (a dbt model with its ``source()`` rendered, a Scala or Java query
  with its margin and quoting removed): what a parse-only floor must parse.
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
    near_misses: set[tuple[str, str]] = field(default_factory=set)
    sql: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    """Each SQL statement a file carries, as the engine reads it (see the module docstring)."""

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


def near_miss_query(rng: random.Random) -> str:
    """A query that names the old table's text somewhere it is no reference."""
    other = rng.choice(OTHER_TABLES)
    kind = rng.randrange(4)
    if kind == 0:  # the old name in comments only
        return f"""-- Replaces the job that read {OLD} (retired in 2023).
/* Do not point this back at plays_v1: the new report reads {other}. */
SELECT t.id, COUNT(*) AS n
FROM `{other}` AS t
GROUP BY t.id
"""
    if kind == 1:  # the old name in string literals that are no table
        return f"""-- Audit of which jobs still mention the old table
SELECT job_id, user_email, creation_time
FROM `region-eu`.INFORMATION_SCHEMA.JOBS_BY_PROJECT
WHERE query LIKE '%{OLD}%'
  OR destination_table.table_id = 'plays_v1'
  AND state = 'DONE'
"""
    if kind == 2:  # longer names that only start with the old one
        table = rng.choice(["plays_v10", "plays_v1_backup", "plays_v1_2019"])
        return f"""SELECT user_id, COUNT(*) AS plays
FROM `legacy-proj.music.{table}`
WHERE played_date >= '2019-01-01'
GROUP BY user_id
"""
    # The same table name in another dataset or project.
    table = rng.choice(["legacy-proj.archive.plays_v1", "sandbox-proj.music.plays_v1"])
    return f"""SELECT user_id, SUM(ms_played) AS total_ms
FROM `{table}`
GROUP BY user_id
"""


def bigquery_repo(
    rng: random.Random,
    fleet: Fleet,
    name: str,
    size: int,
    share: float,
    near_miss: float = 0.0,
) -> None:
    files = noise_files(rng, size // 3)
    for i in range(size - len(files)):
        path = f"jobs/job_{i}/query.sql"
        draw = rng.random()
        if draw < share:
            quoted = rng.choice([f"`{OLD}`", "`legacy-proj`.`music`.`plays_v1`", "music.plays_v1"])
            files[path] = consumer_query(rng, quoted)
            fleet.consumers.add((name, path))
            fleet.consumer_sql[(name, path)] = files[path]
        elif draw < share + near_miss:
            files[path] = near_miss_query(rng)
            fleet.near_misses.add((name, path))
        else:
            files[path] = other_query(rng)
        fleet.sql[(name, path)] = [files[path]]
    fleet.repos[name] = files


def dbt_repo(
    rng: random.Random,
    fleet: Fleet,
    name: str,
    size: int,
    share: float,
    near_miss: float = 0.0,
) -> None:
    files = noise_files(rng, size // 4)
    files["dbt_project.yml"] = f"name: {name.replace('-', '_')}\nversion: '1.0.0'\nprofile: bq\n"
    sources = "models/staging/_sources.yml"
    files[sources] = f"""\
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
        draw = rng.random()
        if draw < share:
            body = consumer_query(rng, "{{ source('music', 'plays_v1') }}")
            files[path] = "{{ config(materialized='table') }}\n\n" + body
            fleet.consumers.add((name, path))
            fleet.consumer_sql[(name, path)] = body.replace(
                "{{ source('music', 'plays_v1') }}", f"`{OLD}`"
            )
            fleet.sql[(name, path)] = [fleet.consumer_sql[(name, path)]]
        elif draw < share + near_miss:
            body = near_miss_query(rng)
            files[path] = "{{ config(materialized='view') }}\n\n" + body
            fleet.near_misses.add((name, path))
            fleet.sql[(name, path)] = [body]
        else:
            body = other_query(rng)
            files[path] = "{{ config(materialized='view') }}\n\n" + body
            fleet.sql[(name, path)] = [body]
    fleet.consumers.add((name, sources))  # it declares the old table: the new entry goes next to it
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
        fleet.sql[(name, path)] = [query]
    fleet.repos[name] = files


# Scala and Java pipelines: each job file takes one of these shapes.
JVM_SHAPES = ("query", "typed", "constant", "reference", "storage")
OTHER_SPECS = [t.replace(".", ":", 1) for t in OTHER_TABLES]
OLD_SPEC = OLD.replace(".", ":", 1)
NEAR_MISS_SPECS = [
    "legacy-proj:music.plays_v10",
    "legacy-proj:music.plays_v1_backup",
    "legacy-proj:archive.plays_v1",
    "sandbox-proj:music.plays_v1",
]


def _package(name: str) -> str:
    return "com.acme." + name.replace("-", "")


def _scala_job(pkg: str, job: str, imports: str, members: str, body: str) -> str:
    return f"""package {pkg}

import com.spotify.scio._
import com.spotify.scio.bigquery._
{imports}
object {job} {{
{members}
  def main(cmdlineArgs: Array[String]): Unit = {{
    val (sc, args) = ContextAndArgs(cmdlineArgs)
{body}
      .saveAsTextFile(args("output"))
    sc.run().waitUntilDone()
  }}
}}
"""


def _scala_query(query: str) -> str:
    margin = "\n".join("        |" + line for line in query.rstrip("\n").splitlines())
    return f"""    sc.bigQuerySelect(
        Query(\"\"\"
{margin}
        |\"\"\".stripMargin)
      )
      .map(row => row.getString("user_id"))"""


def scio_job(
    rng: random.Random, pkg: str, job: str, shape: str, spec: str, column: str
) -> tuple[str, list[str]]:
    """One Scio job reading ``spec`` in ``shape``, and the SQL it carries."""
    project, rest = spec.split(":")
    dataset, table = rest.split(".")
    if shape == "query":
        query = consumer_query(rng, f"`{OLD}`") if spec == OLD_SPEC else other_query(rng)
        return _scala_job(pkg, job, "", "", _scala_query(query)), [query]
    if shape == "typed":
        members = f'  @BigQueryType.fromTable("{spec}")\n  class Row\n'
        body = '    sc.typedBigQuery[Row]()\n      .map(r => r.user_id.getOrElse(""))'
        imports = "import com.spotify.scio.bigquery.types.BigQueryType\n"
        return _scala_job(pkg, job, imports, members, body), []
    if shape == "constant":
        body = (
            "    sc.bigQueryTable(Table.Spec(Tables.Source))\n"
            f'      .map(row => row.get("{column}").toString)'
        )
        members = f'  private val Source = "{spec}"\n'
        return _scala_job(pkg, job, "", members, body.replace("Tables.Source", "Source")), []
    if shape == "reference":
        body = f"""    val source = new TableReference()
      .setProjectId("{project}")
      .setDatasetId("{dataset}")
      .setTableId("{table}")
    sc.bigQueryTable(Table.Ref(source))
      .map(row => row.get("{column}").toString)"""
        imports = "import com.google.api.services.bigquery.model.TableReference\n"
        return _scala_job(pkg, job, imports, "", body), []
    body = f"""    sc.bigQueryStorage(
        Table.Spec("{spec}"),
        selectedFields = List("user_id", "{column}"),
        rowRestriction = "user_id IS NOT NULL"
      )
      .map(row => row.get("{column}").toString)"""
    return _scala_job(pkg, job, "", "", body), []


def scio_near_miss(rng: random.Random, pkg: str, job: str) -> str:
    """A Scio job that names the old table's text without reading it."""
    spec = rng.choice(NEAR_MISS_SPECS)
    return f"""package {pkg}

import com.spotify.scio._
import com.spotify.scio.bigquery._
import org.slf4j.LoggerFactory

// This job used to read {OLD_SPEC}; it now reads {spec}.
object {job} {{
  private val log = LoggerFactory.getLogger(getClass)

  def main(cmdlineArgs: Array[String]): Unit = {{
    val (sc, args) = ContextAndArgs(cmdlineArgs)
    log.info("reading {spec}, not plays_v1 (see the migration guide)")
    sc.bigQueryTable(Table.Spec("{spec}"))
      .map(row => row.get("user_id").toString)
      .saveAsTextFile(args("output"))
    sc.run().waitUntilDone()
  }}
}}
"""


def scio_pipeline_repo(
    rng: random.Random,
    fleet: Fleet,
    name: str,
    size: int,
    share: float,
    near_miss: float = 0.0,
) -> None:
    """Scio pipelines in every shape the engine reads, over the old table or others."""
    files = noise_files(rng, size // 4)
    files["build.sbt"] = (
        'libraryDependencies += "com.spotify" %% "scio-google-cloud-platform" % "0.14.0"\n'
    )
    pkg = _package(name)
    base = "src/main/scala/" + pkg.replace(".", "/")
    for i in range(size - len(files)):
        job = f"Job{i}"
        path = f"{base}/{job}.scala"
        draw = rng.random()
        if draw < share + near_miss and draw >= share:
            files[path] = scio_near_miss(rng, pkg, job)
            fleet.near_misses.add((name, path))
            continue
        spec = OLD_SPEC if draw < share else rng.choice(OTHER_SPECS)
        files[path], statements = scio_job(
            rng, pkg, job, rng.choice(JVM_SHAPES), spec, rng.choice(MAPPED)
        )
        if statements:
            fleet.sql[(name, path)] = statements
        if spec == OLD_SPEC:
            fleet.consumers.add((name, path))
    fleet.repos[name] = files


def _java_string(query: str, text_block: bool) -> str:
    lines = query.rstrip("\n").splitlines()
    if text_block:
        inner = "\n".join("        " + line for line in lines)
        return f'"""\n{inner}\n        """'
    return "\n        + ".join(f'"{line}\\n"' for line in lines)


def beam_job(
    rng: random.Random, pkg: str, job: str, shape: str, spec: str, column: str
) -> tuple[str, list[str]]:
    """One Beam Java job reading ``spec`` in ``shape``, and the SQL it carries."""
    project, rest = spec.split(":")
    dataset, table = rest.split(".")
    fields = option = imports = ""
    statements: list[str] = []
    if shape == "query":
        query = consumer_query(rng, f"`{OLD}`") if spec == OLD_SPEC else other_query(rng)
        text_block = rng.random() < 0.5
        statements = [query]  # a literal per line, each ending in an escaped newline
        fields = (
            f"  private static final String QUERY =\n        {_java_string(query, text_block)};\n"
        )
        read = "BigQueryIO.readTableRows().fromQuery(QUERY).usingStandardSql()"
    elif shape == "constant":
        fields = f'  static final String SOURCE_TABLE = "{spec}";\n'
        read = "BigQueryIO.readTableRows().from(SOURCE_TABLE)"
    elif shape == "reference":
        imports = "import com.google.api.services.bigquery.model.TableReference;\n"
        fields = (
            "  private static TableReference sourceTable() {\n"
            "    return new TableReference()\n"
            f'        .setProjectId("{project}")\n'
            f'        .setDatasetId("{dataset}")\n'
            f'        .setTableId("{table}");\n'
            "  }\n"
        )
        read = "BigQueryIO.readTableRows().from(sourceTable())"
    else:
        option = (
            '    @Description("BigQuery table to read, as project:dataset.table")\n'
            f'    @Default.String("{spec}")\n'
            "    String getInputTable();\n\n"
            "    void setInputTable(String value);\n\n"
        )
        read = "BigQueryIO.readTableRows().from(options.getInputTable())"
    fields += (
        "\n  public interface Options extends PipelineOptions {\n"
        f"{option}"
        '    @Description("Where the counts go")\n'
        "    String getOutput();\n\n"
        "    void setOutput(String value);\n"
        "  }\n"
    )
    text = f"""package {pkg};

import com.google.api.services.bigquery.model.TableRow;
{imports}import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.TypeDescriptors;

public class {job} {{
{fields}
  public static void main(String[] args) {{
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("Read", {read})
        .apply(
            MapElements.into(TypeDescriptors.strings())
                .via((TableRow row) -> String.valueOf(row.get("{column}"))))
        .apply(TextIO.write().to(options.getOutput()));
    pipeline.run().waitUntilFinish();
  }}
}}
"""
    return text, statements


def beam_near_miss(rng: random.Random, pkg: str, job: str) -> str:
    spec = rng.choice(NEAR_MISS_SPECS)
    return f"""package {pkg};

import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.gcp.bigquery.BigQueryIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/** Copies {spec}; it never read {OLD_SPEC}, whatever the old name says. */
public class {job} {{
  private static final String DESCRIPTION = "backfill, not the plays_v1 reader";
  static final String SOURCE_TABLE = "{spec}";

  public static void main(String[] args) {{
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.fromArgs(args).create());
    pipeline.apply(DESCRIPTION, BigQueryIO.readTableRows().from(SOURCE_TABLE));
    pipeline.run().waitUntilFinish();
  }}
}}
"""


def beam_repo(
    rng: random.Random,
    fleet: Fleet,
    name: str,
    size: int,
    share: float,
    near_miss: float = 0.0,
) -> None:
    """Beam Java pipelines: queries (concatenated and text blocks), constants, builders, options."""
    files = noise_files(rng, size // 4)
    files["pom.xml"] = (
        "<project>\n  <artifactId>beam-jobs</artifactId>\n  <dependencies>\n"
        "    <dependency><artifactId>beam-sdks-java-io-google-cloud-platform</artifactId>"
        "</dependency>\n  </dependencies>\n</project>\n"
    )
    pkg = _package(name)
    base = "src/main/java/" + pkg.replace(".", "/")
    for i in range(size - len(files)):
        job = f"Job{i}"
        path = f"{base}/{job}.java"
        draw = rng.random()
        if share <= draw < share + near_miss:
            files[path] = beam_near_miss(rng, pkg, job)
            fleet.near_misses.add((name, path))
            continue
        spec = OLD_SPEC if draw < share else rng.choice(OTHER_SPECS)
        shape = rng.choice(("query", "constant", "reference", "option"))
        files[path], statements = beam_job(rng, pkg, job, shape, spec, rng.choice(MAPPED))
        if statements:
            fleet.sql[(name, path)] = statements
        if spec == OLD_SPEC:
            fleet.consumers.add((name, path))
    fleet.repos[name] = files


DEFAULT_NEAR_MISS = 0.01
"""Share of SQL-bearing files that name the old table's text without reading it."""


def generate(
    repos: int = 300,
    files_per_repo: int = 20,
    share: float = 0.1,
    seed: int = 7,
    near_miss: float = DEFAULT_NEAR_MISS,
) -> Fleet:
    """``repos`` repositories of about ``files_per_repo`` files, ``share`` of them consumers."""
    rng = random.Random(seed)
    fleet = Fleet()
    builders = [bigquery_repo] * 4 + [dbt_repo] * 3 + [scio_pipeline_repo] * 2 + [beam_repo]
    for index in range(repos):
        builder = builders[index % len(builders)]
        # Consumers are spread over the SQL-bearing files; noise dilutes the overall share.
        builder(rng, fleet, f"repo-{index:03d}", files_per_repo, share * 1.45, near_miss)
    return fleet
