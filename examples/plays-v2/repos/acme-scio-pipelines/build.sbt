ThisBuild / scalaVersion := "2.13.14"
ThisBuild / organization := "com.acme"

val scioVersion = "0.14.6"
val beamVersion = "2.57.0"

lazy val root = (project in file("."))
  .enablePlugins(PackPlugin)
  .settings(
    name := "acme-scio-pipelines",
    scalacOptions ++= Seq("-Ymacro-annotations", "-deprecation", "-feature"),
    libraryDependencies ++= Seq(
      "com.spotify" %% "scio-core" % scioVersion,
      "com.spotify" %% "scio-google-cloud-platform" % scioVersion,
      "org.apache.beam" % "beam-runners-dataflow-java" % beamVersion,
      "org.slf4j" % "slf4j-simple" % "2.0.13",
      "com.spotify" %% "scio-test-core" % scioVersion % Test
    )
  )
