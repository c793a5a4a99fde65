"""Scala and Java consumers planned as whole repositories: input files in, exact files out.

Each case is a small repository in the style of real Scio and Beam pipelines,
the campaign it runs under, and every file as it must be afterwards (a file
left out of ``expected`` must stay as it is). The cases are the defects found
by running the engine on public pipelines: table names read through constants
in other files, typed rows, names built from pieces, and false references.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from textwrap import dedent

import pytest

from bot.engine.model import Action, Framework
from bot.engine.planner import plan_repository
from bot.spec import Campaign
from tests.support.campaigns import GUIDE, plays_v2

CAMPAIGN = plays_v2()
SAME_PROJECT = plays_v2(new="legacy-proj.music.plays_v2")


def code(text: str) -> str:
    return dedent(text).lstrip("\n")


def godwit(reason: str) -> str:
    return f"// godwit: {reason}; see {GUIDE}"


OLD, NEW = "legacy-proj.music.plays_v1", "core-proj.music.plays_v2"
MS_PLAYED = godwit(f"TableRow field ms_played changes in {NEW}")


@dataclass(frozen=True)
class Case:
    title: str
    files: dict[str, str]
    expected: dict[str, str]  # path → text afterwards; unlisted files stay as they are
    campaign: Campaign = CAMPAIGN
    actions: dict[str, Action] = field(default_factory=dict)


CASES = [
    Case(
        "a spec constant read in another file whose rows use a renamed column",
        {
            "src/main/scala/acme/Tables.scala": code("""
                package acme

                object Tables {
                  val Plays = "legacy-proj:music.plays_v1"
                }
            """),
            "src/main/scala/acme/TopTracks.scala": code("""
                package acme

                object TopTracks {
                  def main(cmdlineArgs: Array[String]): Unit = {
                    val (sc, args) = ContextAndArgs(cmdlineArgs)
                    sc.bigQueryTable(Table.Spec(Tables.Plays))
                      .map(row => row.getString("ms_played"))
                    sc.run()
                  }
                }
            """),
        },
        {
            "src/main/scala/acme/Tables.scala": code(f"""
                package acme

                object Tables {{
                  {
                godwit(
                    f"Tables.Plays names {OLD} and is read in code that needs a person "
                    f"(src/main/scala/acme/TopTracks.scala:6); move them to {NEW} together by hand"
                )
            }
                  val Plays = "legacy-proj:music.plays_v1"
                }}
            """),
            "src/main/scala/acme/TopTracks.scala": code(f"""
                package acme

                object TopTracks {{
                  def main(cmdlineArgs: Array[String]): Unit = {{
                    val (sc, args) = ContextAndArgs(cmdlineArgs)
                    {MS_PLAYED}
                    sc.bigQueryTable(Table.Spec(Tables.Plays))
                      .map(row => row.getString("ms_played"))
                    sc.run()
                  }}
                }}
            """),
        },
        actions={"src/main/scala/acme/TopTracks.scala": Action.GUARDRAIL},
    ),
    Case(
        "a spec constant whose readers only use kept columns is rewritten where it is defined",
        {
            "src/main/scala/acme/Tables.scala": code("""
                object Tables {
                  final val Plays = "legacy-proj:music.plays_v1"
                }
            """),
            "src/main/scala/acme/Users.scala": code("""
                import Tables._
                object Users {
                  def run(sc: ScioContext) =
                    sc.bigQueryTable(Table.Spec(Plays)).map(_.getString("user_id"))
                }
            """),
        },
        {
            "src/main/scala/acme/Tables.scala": code("""
                object Tables {
                  final val Plays = "core-proj:music.plays_v2"
                }
            """),
        },
        actions={"src/main/scala/acme/Users.scala": Action.UNTOUCHED},
    ),
    Case(
        "a constant spliced into a query elsewhere keeps the old name and says why",
        {
            "src/main/scala/acme/Tables.scala": code("""
                object Tables { val Plays = "legacy-proj.music.plays_v1" }
            """),
            "src/main/scala/acme/Daily.scala": code("""
                object Daily {
                  val query = s"SELECT track_uri FROM `${Tables.Plays}`"
                }
            """),
        },
        {
            "src/main/scala/acme/Tables.scala": code(f"""
                {
                godwit(
                    f"Tables.Plays names {OLD} and is read in code that needs a person "
                    f"(src/main/scala/acme/Daily.scala:2); move them to {NEW} together by hand"
                )
            }
                object Tables {{ val Plays = "legacy-proj.music.plays_v1" }}
            """),
            "src/main/scala/acme/Daily.scala": code(f"""
                object Daily {{
                  {
                godwit(
                    f"Tables.Plays names {OLD} and is spliced into a longer string here; "
                    f"point it at {NEW} by hand where that string reads the table"
                )
            }
                  val query = s"SELECT track_uri FROM `${{Tables.Plays}}`"
                }}
            """),
        },
    ),
    Case(
        "a name built from a shared project constant: the constant is not changed under others",
        {
            "src/main/scala/acme/Config.scala": code("""
                object Config { val Project = "legacy-proj" }
            """),
            "src/main/scala/acme/Job.scala": code("""
                object Job {
                  val input = Table.Spec(Config.Project + ":music.plays_v1")
                }
            """),
        },
        {
            "src/main/scala/acme/Job.scala": code(f"""
                object Job {{
                  {
                godwit(
                    f"part of the name of {OLD} comes from Config.Project; "
                    f"point it at {NEW} by hand"
                )
            }
                  val input = Table.Spec(Config.Project + ":music.plays_v1")
                }}
            """),
        },
    ),
    Case(
        "identifier + literal, new table in the same project: the literal part is rewritten",
        {
            "src/main/scala/acme/Config.scala": code("""
                object Config { val Project = "legacy-proj" }
            """),
            "src/main/scala/acme/Job.scala": code("""
                object Job {
                  val input = Table.Spec(Config.Project + ":music.plays_v1")
                }
            """),
        },
        {
            "src/main/scala/acme/Job.scala": code("""
                object Job {
                  val input = Table.Spec(Config.Project + ":music.plays_v2")
                }
            """),
        },
        campaign=SAME_PROJECT,
    ),
    Case(
        "typedBigQueryTable into a case class with old field names is a guardrail",
        {
            "src/main/scala/acme/Model.scala": code("""
                case class Listen(user_id: String, track_uri: String, ms_played: Long)
            """),
            "src/main/scala/acme/Job.scala": code("""
                object Job {
                  val t = "legacy-proj:music.plays_v1"
                  def run(sc: ScioContext) = sc.typedBigQueryTable[Listen](Table.Spec(t))
                }
            """),
        },
        {
            "src/main/scala/acme/Job.scala": code(f"""
                object Job {{
                  {
                godwit(
                    f"Job.t names {OLD} and is read in code that needs a person "
                    f"(src/main/scala/acme/Job.scala:3); move them to {NEW} together by hand"
                )
            }
                  val t = "legacy-proj:music.plays_v1"
                  {
                godwit(
                    f"typed rows Listen of {OLD} follow its schema; move to {NEW} "
                    "and map fields track_uri, ms_played by hand"
                )
            }
                  def run(sc: ScioContext) = sc.typedBigQueryTable[Listen](Table.Spec(t))
                }}
            """),
        },
    ),
    Case(
        "typedBigQuery overriding an annotated class's table is a guardrail",
        {
            "src/main/scala/acme/Job.scala": code("""
                object Job {
                  @BigQueryType.fromTable("other-proj:music.listens")
                  class Row
                  def run(sc: ScioContext) =
                    sc.typedBigQuery[Row](Table.Spec("legacy-proj:music.plays_v1")).map(_.country)
                }
            """),
        },
        {
            "src/main/scala/acme/Job.scala": code(f"""
                object Job {{
                  @BigQueryType.fromTable("other-proj:music.listens")
                  class Row
                  def run(sc: ScioContext) =
                    {
                godwit(
                    f"typed rows Row of {OLD} follow its schema; move to {NEW} "
                    "and map fields country by hand"
                )
            }
                    sc.typedBigQuery[Row](Table.Spec("legacy-proj:music.plays_v1")).map(_.country)
                }}
            """),
        },
    ),
    Case(
        "a Magnolify case class: the reason names its fields, not TableRow keys",
        {
            "src/main/scala/acme/Job.scala": code("""
                object Job {
                  case class Play(user_id: String, country: String)
                  val playType = TableRowType[Play]
                  def run(sc: ScioContext) =
                    sc.bigQueryTable(Table.Spec("legacy-proj:music.plays_v1")).map(playType(_))
                }
            """),
        },
        {
            "src/main/scala/acme/Job.scala": code(f"""
                object Job {{
                  case class Play(user_id: String, country: String)
                  val playType = TableRowType[Play]
                  def run(sc: ScioContext) =
                    {
                godwit(
                    f"typed rows Play of {OLD} follow its schema; move to {NEW} "
                    "and map fields country by hand"
                )
            }
                    sc.bigQueryTable(Table.Spec("legacy-proj:music.plays_v1")).map(playType(_))
                }}
            """),
        },
    ),
    Case(
        "a TableReference built part by part is rewritten part by part",
        {
            "src/main/scala/acme/Job.scala": code("""
                object Job {
                  val ref = new TableReference()
                    .setProjectId("legacy-proj")
                    .setDatasetId("music")
                    .setTableId("plays_v1")
                }
            """),
        },
        {
            "src/main/scala/acme/Job.scala": code("""
                object Job {
                  val ref = new TableReference()
                    .setProjectId("core-proj")
                    .setDatasetId("music")
                    .setTableId("plays_v2")
                }
            """),
        },
    ),
    Case(
        "a TableReference of another dataset with the same table name is not a reference",
        {
            "src/main/scala/acme/Job.scala": code("""
                object Job {
                  val ref = new TableReference()
                    .setProjectId("legacy-proj").setDatasetId("archive").setTableId("plays_v1")
                }
            """),
        },
        {},
        actions={"src/main/scala/acme/Job.scala": Action.UNTOUCHED},
    ),
    Case(
        "a TableReference without a project cannot gain one by a rewrite: a guardrail",
        {
            "src/main/scala/acme/Job.scala": code("""
                object Job {
                  val ref = new TableReference().setDatasetId("music").setTableId("plays_v1")
                }
            """),
        },
        {
            "src/main/scala/acme/Job.scala": code(f"""
                object Job {{
                  {
                godwit(
                    "a TableReference names plays_v1 with parts that cannot be read or set "
                    f"here; point it at {NEW} by hand"
                )
            }
                  val ref = new TableReference().setDatasetId("music").setTableId("plays_v1")
                }}
            """),
        },
    ),
    Case(
        "a JobTest --input argument is a spec",
        {
            "src/test/scala/acme/JobTest.scala": code("""
                class JobTest extends PipelineSpec {
                  "Job" should "count" in {
                    JobTest[Job.type]
                      .args("--input=legacy-proj:music.plays_v1", "--output=out.txt")
                      .run()
                  }
                }
            """),
        },
        {
            "src/test/scala/acme/JobTest.scala": code("""
                class JobTest extends PipelineSpec {
                  "Job" should "count" in {
                    JobTest[Job.type]
                      .args("--input=core-proj:music.plays_v2", "--output=out.txt")
                      .run()
                  }
                }
            """),
        },
    ),
    Case(
        "selectedFields and rowRestriction naming old columns are listed in the reason",
        {
            "src/main/scala/acme/Job.scala": code("""
                object Job {
                  def run(sc: ScioContext) =
                    sc.bigQueryStorage(
                      Table.Spec("legacy-proj:music.plays_v1"),
                      selectedFields = List("user_id", "track_uri"),
                      rowRestriction = "ms_played > 30000"
                    )
                }
            """),
        },
        {
            "src/main/scala/acme/Job.scala": code(f"""
                object Job {{
                  def run(sc: ScioContext) =
                    sc.bigQueryStorage(
                      {godwit(f"TableRow fields track_uri, ms_played change in {NEW}")}
                      Table.Spec("legacy-proj:music.plays_v1"),
                      selectedFields = List("user_id", "track_uri"),
                      rowRestriction = "ms_played > 30000"
                    )
                }}
            """),
        },
    ),
    Case(
        "legacy SQL of another project whose table shares only the last name is no reference",
        {
            "src/main/scala/acme/Job.scala": code("""
                object Job {
                  val query = "SELECT user_id FROM [other-proj:music_%s.plays_v1]".format(day)
                }
            """),
        },
        {},
        actions={"src/main/scala/acme/Job.scala": Action.UNTOUCHED},
    ),
    Case(
        "an interpolated name of another dataset that shares the table name is no reference",
        {
            "src/main/scala/acme/Populate.scala": code("""
                object Populate {
                  def target(projectId: String) = s"$projectId:music_eu.plays_v1"
                }
            """),
        },
        {},
        actions={"src/main/scala/acme/Populate.scala": Action.UNTOUCHED},
    ),
    Case(
        "non-ASCII text before a spec: the rewrite is a splice at character offsets",
        {
            "src/main/scala/acme/Café.scala": code("""
                // Écoutes par pays — 🎵
                object Café {
                  val input = Table.Spec("legacy-proj:music.plays_v1") // «plays»
                }
            """),
        },
        {
            "src/main/scala/acme/Café.scala": code("""
                // Écoutes par pays — 🎵
                object Café {
                  val input = Table.Spec("core-proj:music.plays_v2") // «plays»
                }
            """),
        },
    ),
    Case(
        "Beam Java: a static final spec, a standard SQL query, a legacy query and row keys",
        {
            "src/main/java/acme/Tables.java": code("""
                package acme;

                public final class Tables {
                  public static final String PLAYS = "legacy-proj:music.plays_v1";
                }
            """),
            "src/main/java/acme/Minutes.java": code("""
                package acme;

                public class Minutes {
                  public static void main(String[] args) {
                    Pipeline p = Pipeline.create();
                    p.apply(BigQueryIO.readTableRows().from(Tables.PLAYS))
                        .apply(MapElements.via(row -> (Long) row.get("ms_played")));
                    p.apply(BigQueryIO.readTableRows()
                        .fromQuery("SELECT user_id FROM `legacy-proj.music.plays_v1`")
                        .usingStandardSql());
                    p.apply(BigQueryIO.readTableRows()
                        .fromQuery("SELECT user_id FROM [legacy-proj:music.plays_v1]"));
                  }
                }
            """),
        },
        {
            "src/main/java/acme/Tables.java": code(f"""
                package acme;

                public final class Tables {{
                  {
                godwit(
                    f"Tables.PLAYS names {OLD} and is read in code that needs a person "
                    f"(src/main/java/acme/Minutes.java:6); move them to {NEW} together by hand"
                )
            }
                  public static final String PLAYS = "legacy-proj:music.plays_v1";
                }}
            """),
            "src/main/java/acme/Minutes.java": code(f"""
                package acme;

                public class Minutes {{
                  public static void main(String[] args) {{
                    Pipeline p = Pipeline.create();
                    {MS_PLAYED}
                    p.apply(BigQueryIO.readTableRows().from(Tables.PLAYS))
                        .apply(MapElements.via(row -> (Long) row.get("ms_played")));
                    p.apply(BigQueryIO.readTableRows()
                        .fromQuery("SELECT user_id FROM `core-proj.music.plays_v2`")
                        .usingStandardSql());
                    {godwit(f"legacy SQL reads {OLD}; move the query to standard SQL by hand")}
                    p.apply(BigQueryIO.readTableRows()
                        .fromQuery("SELECT user_id FROM [legacy-proj:music.plays_v1]"));
                  }}
                }}
            """),
        },
    ),
    Case(
        "Beam Java: a spec read whose rows keep their columns, and a TableReference builder",
        {
            "src/main/java/acme/Users.java": code("""
                class Users {
                  void run(Pipeline p) {
                    TableReference ref = new TableReference()
                        .setProjectId("legacy-proj").setDatasetId("music").setTableId("plays_v1");
                    p.apply(BigQueryIO.readTableRows().from(ref));
                    p.apply(BigQueryIO.readTableRows().from("legacy-proj:music.plays_v1"))
                        .apply(MapElements.via(row -> (String) row.get("user_id")));
                  }
                }
            """),
        },
        {
            "src/main/java/acme/Users.java": code("""
                class Users {
                  void run(Pipeline p) {
                    TableReference ref = new TableReference()
                        .setProjectId("core-proj").setDatasetId("music").setTableId("plays_v2");
                    p.apply(BigQueryIO.readTableRows().from(ref));
                    p.apply(BigQueryIO.readTableRows().from("core-proj:music.plays_v2"))
                        .apply(MapElements.via(row -> (String) row.get("user_id")));
                  }
                }
            """),
        },
    ),
    Case(
        "Beam Java: a pipeline option's default is judged by the rows read anywhere",
        {
            "src/main/java/acme/Options.java": code("""
                public interface Options extends PipelineOptions {
                  @Description("Table to read")
                  @Default.String("legacy-proj:music.plays_v1")
                  String getInput();
                }
            """),
            "src/main/java/acme/Minutes.java": code("""
                class Minutes {
                  void run(Pipeline p, Options options) {
                    p.apply(BigQueryIO.readTableRows().from(options.getInput()))
                        .apply(MapElements.via(row -> (Long) row.get("ms_played")));
                  }
                }
            """),
        },
        {
            "src/main/java/acme/Options.java": code(f"""
                public interface Options extends PipelineOptions {{
                  @Description("Table to read")
                  {
                godwit(
                    f"a pipeline option defaults to {OLD}, and the repository reads fields "
                    f"ms_played of its rows, which change in {NEW}; move them together by hand"
                )
            }
                  @Default.String("legacy-proj:music.plays_v1")
                  String getInput();
                }}
            """),
        },
    ),
    Case(
        "Beam Java: keys read from another statement's query do not count for a table read",
        {
            "src/main/java/acme/Reads.java": code("""
                class Reads {
                  void run(Pipeline p) {
                    p.apply(BigQueryIO.read((SchemaAndRecord r) -> r.getRecord().get("ms_played"))
                        .fromQuery("SELECT ms_played FROM legacy-proj.music.plays_v1")
                        .usingStandardSql());
                    p.apply(BigQueryIO.readTableRows()
                        .from("legacy-proj.music.plays_v1")
                        .withSelectedFields(Arrays.asList("user_id", "platform"))
                        .withRowRestriction("country = 'SE'"));
                  }
                }
            """),
        },
        {
            "src/main/java/acme/Reads.java": code(f"""
                class Reads {{
                  void run(Pipeline p) {{
                    p.apply(BigQueryIO.read((SchemaAndRecord r) -> r.getRecord().get("ms_played"))
                        .fromQuery("SELECT duration_ms AS ms_played FROM core-proj.music.plays_v2")
                        .usingStandardSql());
                    p.apply(BigQueryIO.readTableRows()
                        {godwit(f"TableRow field country changes in {NEW}")}
                        .from("legacy-proj.music.plays_v1")
                        .withSelectedFields(Arrays.asList("user_id", "platform"))
                        .withRowRestriction("country = 'SE'"));
                  }}
                }}
            """),
        },
    ),
    Case(
        "Beam Java: a query in a text block joined with + is rewritten by the SQL rules",
        {
            "src/main/java/acme/Daily.java": code("""
                class Daily {
                  static final String QUERY = "SELECT user_id, ms_played "
                      + "FROM `legacy-proj.music.plays_v1`";
                  void run(Pipeline p) {
                    p.apply(BigQueryIO.readTableRows().fromQuery(QUERY).usingStandardSql());
                  }
                }
            """),
        },
        {
            "src/main/java/acme/Daily.java": code("""
                class Daily {
                  static final String QUERY = "SELECT user_id, duration_ms AS ms_played "
                      + "FROM `core-proj.music.plays_v2`";
                  void run(Pipeline p) {
                    p.apply(BigQueryIO.readTableRows().fromQuery(QUERY).usingStandardSql());
                  }
                }
            """),
        },
    ),
    Case(
        "Beam Java: a legacy query of another project's table of the same name is no reference",
        {
            "src/main/java/acme/Snippets.java": code("""
                package acme;

                public class Snippets {
                  static void read(Pipeline p) {
                    p.apply(
                        BigQueryIO.read(elem -> (Double) elem.getRecord().get("ms_played"))
                            .fromQuery("SELECT ms_played FROM [other-proj:music.plays_v1]"));
                    p.apply(
                        BigQueryIO.read(elem -> (Double) elem.getRecord().get("ms_played"))
                            .fromQuery("SELECT ms_played FROM [music_eu.plays_v1]"));
                  }
                }
            """),
        },
        {},
        actions={"src/main/java/acme/Snippets.java": Action.UNTOUCHED},
    ),
    Case(
        "Beam Java: a legacy query naming the old table without its project is a guardrail",
        {
            "src/main/java/acme/Snippets.java": code("""
                package acme;

                public class Snippets {
                  static void read(Pipeline p) {
                    p.apply(
                        BigQueryIO.read(elem -> (Double) elem.getRecord().get("ms_played"))
                            .fromQuery("SELECT ms_played FROM [music.plays_v1]"));
                  }
                }
            """),
        },
        {
            "src/main/java/acme/Snippets.java": code(f"""
                package acme;

                public class Snippets {{
                  static void read(Pipeline p) {{
                    p.apply(
                        {godwit(f"legacy SQL reads {OLD}; move the query to standard SQL by hand")}
                        BigQueryIO.read(elem -> (Double) elem.getRecord().get("ms_played"))
                            .fromQuery("SELECT ms_played FROM [music.plays_v1]"));
                  }}
                }}
            """),
        },
        actions={"src/main/java/acme/Snippets.java": Action.GUARDRAIL},
    ),
    Case(
        "keys read from another table's rows are not this read's fields, only maybe its",
        {
            "src/main/scala/acme/Join.scala": code("""
                object Join {
                  def run(sc: ScioContext): Unit = {
                    val plays = sc.bigQueryTable(Table.Spec("legacy-proj:music.plays_v1"))
                    val counted = plays.map(row => row.getString("ms_played"))
                    val tracks = sc.bigQueryTable(Table.Spec("core-proj:music.tracks"))
                    tracks.map(row => row.getString("track_uri")).saveAsTextFile("out")
                    counted.saveAsTextFile("counts")
                  }
                }
            """),
        },
        {
            "src/main/scala/acme/Join.scala": code(f"""
                object Join {{
                  def run(sc: ScioContext): Unit = {{
                    {
                godwit(
                    f"TableRow field ms_played changes in {NEW}; the file also reads track_uri "
                    f"by name in code these rows may reach, which changes in {NEW}"
                )
            }
                    val plays = sc.bigQueryTable(Table.Spec("legacy-proj:music.plays_v1"))
                    val counted = plays.map(row => row.getString("ms_played"))
                    val tracks = sc.bigQueryTable(Table.Spec("core-proj:music.tracks"))
                    tracks.map(row => row.getString("track_uri")).saveAsTextFile("out")
                    counted.saveAsTextFile("counts")
                  }}
                }}
            """),
        },
        actions={"src/main/scala/acme/Join.scala": Action.GUARDRAIL},
    ),
    Case(
        "rows handed to a helper of the file: the helper's keys are the read's fields",
        {
            "src/main/scala/acme/Helper.scala": code("""
                object Helper {
                  def durations(rows: SCollection[TableRow]) = rows.map(_.getLong("ms_played"))
                  def country(row: TableRow): String = row.getString("platform")
                  def premium(row: TableRow): Boolean = row.getBoolean("is_premium")
                  def run(sc: ScioContext): Unit = {
                    val plays = sc.bigQueryTable(Table.Spec("legacy-proj:music.plays_v1"))
                    durations(plays).saveAsTextFile("out")
                    plays.map(country).saveAsTextFile("countries")
                  }
                }
            """),
        },
        {
            "src/main/scala/acme/Helper.scala": code(f"""
                object Helper {{
                  def durations(rows: SCollection[TableRow]) = rows.map(_.getLong("ms_played"))
                  def country(row: TableRow): String = row.getString("platform")
                  def premium(row: TableRow): Boolean = row.getBoolean("is_premium")
                  def run(sc: ScioContext): Unit = {{
                    {
                godwit(
                    f"TableRow field ms_played changes in {NEW}; the file also reads is_premium "
                    f"by name in code these rows may reach, which changes in {NEW}"
                )
            }
                    val plays = sc.bigQueryTable(Table.Spec("legacy-proj:music.plays_v1"))
                    durations(plays).saveAsTextFile("out")
                    plays.map(country).saveAsTextFile("countries")
                  }}
                }}
            """),
        },
        actions={"src/main/scala/acme/Helper.scala": Action.GUARDRAIL},
    ),
    Case(
        "a local value of the same name in another block is not followed",
        {
            "src/main/scala/acme/Blocks.scala": code("""
                object Blocks {
                  def run(sc: ScioContext): Unit = {
                    val rows = sc.bigQueryTable(Table.Spec("legacy-proj:music.plays_v1"))
                    rows.saveAsTextFile("out")
                  }
                  def other(sc: ScioContext): Unit = {
                    val rows = sc.textFile("in")
                    rows.map(line => Map("ms_played" -> line)).saveAsTextFile("copy")
                  }
                }
            """),
        },
        {
            "src/main/scala/acme/Blocks.scala": code(f"""
                object Blocks {{
                  def run(sc: ScioContext): Unit = {{
                    {
                godwit(
                    f"the file reads ms_played by name in code these rows may reach, "
                    f"which changes in {NEW}"
                )
            }
                    val rows = sc.bigQueryTable(Table.Spec("legacy-proj:music.plays_v1"))
                    rows.saveAsTextFile("out")
                  }}
                  def other(sc: ScioContext): Unit = {{
                    val rows = sc.textFile("in")
                    rows.map(line => Map("ms_played" -> line)).saveAsTextFile("copy")
                  }}
                }}
            """),
        },
        actions={"src/main/scala/acme/Blocks.scala": Action.GUARDRAIL},
    ),
    Case(
        "Beam Java: a method the read's rows are mapped with is where its fields are read",
        {
            "src/main/java/acme/Plays.java": code("""
                class Plays {
                  static Long duration(TableRow row) {
                    return (Long) row.get("ms_played");
                  }
                  static String label(TableRow row) {
                    return (String) row.get("country");
                  }
                  void run(Pipeline p) {
                    p.apply(BigQueryIO.readTableRows().from("legacy-proj:music.plays_v1"))
                        .apply(MapElements.into(longs()).via(Plays::duration));
                  }
                }
            """),
        },
        {
            "src/main/java/acme/Plays.java": code(f"""
                class Plays {{
                  static Long duration(TableRow row) {{
                    return (Long) row.get("ms_played");
                  }}
                  static String label(TableRow row) {{
                    return (String) row.get("country");
                  }}
                  void run(Pipeline p) {{
                    {
                godwit(
                    f"TableRow field ms_played changes in {NEW}; the file also reads country "
                    f"by name in code these rows may reach, which changes in {NEW}"
                )
            }
                    p.apply(BigQueryIO.readTableRows().from("legacy-proj:music.plays_v1"))
                        .apply(MapElements.into(longs()).via(Plays::duration));
                  }}
                }}
            """),
        },
        actions={"src/main/java/acme/Plays.java": Action.GUARDRAIL},
    ),
    Case(
        "Beam Java: the DoFn the rows go through is read, not another DoFn of the file",
        {
            "src/main/java/acme/Weather.java": code("""
                class Weather {
                  static class ProjectionFn extends DoFn<TableRow, Long> {
                    @ProcessElement
                    public void processElement(ProcessContext c) {
                      c.output((Long) c.element().get("ms_played"));
                    }
                  }
                  static class CountryFn extends DoFn<TableRow, String> {
                    @ProcessElement
                    public void processElement(ProcessContext c) {
                      c.output((String) c.element().get("country"));
                    }
                  }
                  void run(Pipeline p) {
                    p.apply(BigQueryIO.readTableRows().from("legacy-proj:music.plays_v1"))
                        .apply(ParDo.of(new ProjectionFn()));
                  }
                }
            """),
        },
        {
            "src/main/java/acme/Weather.java": code(f"""
                class Weather {{
                  static class ProjectionFn extends DoFn<TableRow, Long> {{
                    @ProcessElement
                    public void processElement(ProcessContext c) {{
                      c.output((Long) c.element().get("ms_played"));
                    }}
                  }}
                  static class CountryFn extends DoFn<TableRow, String> {{
                    @ProcessElement
                    public void processElement(ProcessContext c) {{
                      c.output((String) c.element().get("country"));
                    }}
                  }}
                  void run(Pipeline p) {{
                    {
                godwit(
                    f"TableRow field ms_played changes in {NEW}; the file also reads country "
                    f"by name in code these rows may reach, which changes in {NEW}"
                )
            }
                    p.apply(BigQueryIO.readTableRows().from("legacy-proj:music.plays_v1"))
                        .apply(ParDo.of(new ProjectionFn()));
                  }}
                }}
            """),
        },
        actions={"src/main/java/acme/Weather.java": Action.GUARDRAIL},
    ),
    Case(
        "Beam Java: keys read from the variable a read defines are that read's fields",
        {
            "src/main/java/acme/Durations.java": code("""
                class Durations {
                  void run(Pipeline p) {
                    PCollection<TableRow> plays =
                        p.apply(BigQueryIO.readTableRows().from("legacy-proj:music.plays_v1"));
                    PCollection<Long> ms = plays.apply(
                        MapElements.into(longs()).via(r -> (Long) r.get("ms_played")));
                    ms.apply(Count.globally());
                  }
                }
            """),
        },
        {
            "src/main/java/acme/Durations.java": code(f"""
                class Durations {{
                  void run(Pipeline p) {{
                    PCollection<TableRow> plays =
                        {MS_PLAYED}
                        p.apply(BigQueryIO.readTableRows().from("legacy-proj:music.plays_v1"));
                    PCollection<Long> ms = plays.apply(
                        MapElements.into(longs()).via(r -> (Long) r.get("ms_played")));
                    ms.apply(Count.globally());
                  }}
                }}
            """),
        },
        actions={"src/main/java/acme/Durations.java": Action.GUARDRAIL},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.title for case in CASES])
def test_repository_case(case: Case) -> None:
    plan = plan_repository(case.campaign, case.files)
    after = {path: plan.changes.get(path, text) for path, text in case.files.items()}
    assert after == {**case.files, **case.expected}
    by_path = {f.path: f for f in plan.files}
    for path, action in case.actions.items():
        assert by_path[path].action is action, path


def test_java_files_are_reported_as_beam() -> None:
    files = next(c for c in CASES if c.title.startswith("Beam Java: a spec read")).files
    plan = plan_repository(CAMPAIGN, files)
    assert {f.framework for f in plan.files} == {Framework.BEAM_JAVA}
    assert plan.counts_by_framework == {Framework.BEAM_JAVA: 1}


def test_a_reader_of_a_constant_lists_the_reference_where_it_reads() -> None:
    case = CASES[1]
    plan = plan_repository(case.campaign, case.files)
    users = next(f for f in plan.files if f.path.endswith("Users.scala"))
    assert [(r.reference.text, r.line) for r in users.references] == [("Plays", 4)]
