package com.acme.pipelines

import com.spotify.scio.ContextAndArgs
import com.spotify.scio.bigquery._

/** Counts the rows of the plays table, for the data-quality dashboard.
  *
  * Rows are only counted, never read by field name.
  */
object PlaysRowCount {
  // Fed by the playback backend (legacy-proj:music.plays_v1), partitioned by day.
  val PlaysTable = "legacy-proj:music.plays_v1"

  def main(cmdlineArgs: Array[String]): Unit = {
    val (sc, args) = ContextAndArgs(cmdlineArgs)

    sc.bigQueryTable(Table.Spec(PlaysTable))
      .count
      .map(n => s"${args("date")},$n")
      .saveAsTextFile(args("output"), numShards = 1)

    sc.run()
  }
}
