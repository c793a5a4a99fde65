package com.acme.pipelines

import com.spotify.scio.ContextAndArgs
import com.spotify.scio.bigquery._
import com.spotify.scio.bigquery.types.BigQueryType

/** Total listening minutes per user, skips excluded. */
object ListeningMinutes {
  // Fields are generated from the table schema at compile time.
  @BigQueryType.fromTable("legacy-proj:music.plays_v1")
  class Play

  @BigQueryType.toTable
  case class UserMinutes(user_id: String, minutes: Double)

  def main(cmdlineArgs: Array[String]): Unit = {
    val (sc, args) = ContextAndArgs(cmdlineArgs)

    sc.typedBigQuery[Play]()
      .filter(r => r.ms_played.exists(_ >= 30000L))
      .map(r => (r.user_id.getOrElse("unknown"), r.ms_played.getOrElse(0L) / 60000.0))
      .sumByKey
      .map { case (user, minutes) => UserMinutes(user, minutes) }
      .saveAsTypedBigQueryTable(Table.Spec(args("output")))

    sc.run()
  }
}
