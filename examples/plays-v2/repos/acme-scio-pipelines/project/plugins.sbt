addSbtPlugin("org.xerial.sbt" % "sbt-pack" % "0.20")
