package com.acme.pipelines

import com.spotify.scio.ContextAndArgs
import com.spotify.scio.bigquery._

/** Yesterday's ten most played tracks in every country, as CSV. */
object TopTracksByCountry {
  val TopTracksSql: String =
    """SELECT country, track_uri, plays
      |FROM (
      |  SELECT
      |    p.country,
      |    p.track_uri,
      |    COUNT(*) AS plays,
      |    ROW_NUMBER() OVER (PARTITION BY p.country ORDER BY COUNT(*) DESC) AS rank
      |  FROM `legacy-proj.music.plays_v1` AS p
      |  WHERE p.played_date = DATE_SUB(CURRENT_DATE(), INTERVAL 1 DAY)
      |  GROUP BY p.country, p.track_uri
      |)
      |WHERE rank <= 10
      |""".stripMargin

  def main(cmdlineArgs: Array[String]): Unit = {
    val (sc, args) = ContextAndArgs(cmdlineArgs)

    sc.bigQuerySelect(Query(TopTracksSql))
      .map(row => Seq("country", "track_uri", "plays").map(row.get(_)).mkString(","))
      .saveAsTextFile(args("output"), suffix = ".csv")

    sc.run()
  }
}
