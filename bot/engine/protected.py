"""Paths Godwit never writes: CI, build and tool configuration, whoever the writer is.

Changing such a file changes how code is built, tested or deployed, not what it
reads, and a migration PR is reviewed as a data change. So the one list below
binds the deterministic engine (which reports a consumer there as "protected,
migrate by hand" and leaves it byte for byte) and the agent's scope check
alike. Matching is on the path alone, so every product classifies a file the
same way before reading it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import PurePosixPath

from bot.engine.model import Action, FileRewrite, Framework
from bot.engine.plan import FilePlan, locate

PROTECTED_DIRECTORIES = frozenset(
    {
        ".github",
        ".circleci",
        ".buildkite",
        ".gitlab",
        ".ci",
        ".semaphore",
        ".tekton",
        ".woodpecker",
        ".drone",
        ".azure-pipelines",
        ".devcontainer",
        ".mvn",
        ".bsp",
    }
)
"""Any file below one of these folders, at any depth (matched case-insensitively)."""

PROTECTED_NAMES = frozenset(
    {
        # sbt, Mill, Maven, Gradle and JVM tool configuration
        "build.sbt",
        ".sbtopts",
        ".jvmopts",
        ".scalafmt.conf",
        ".scalafix.conf",
        "build.sc",
        "pom.xml",
        "build.gradle",
        "build.gradle.kts",
        "settings.gradle",
        "settings.gradle.kts",
        "gradle.properties",
        "gradlew",
        "gradlew.bat",
        "mvnw",
        "mvnw.cmd",
        "mill",
        "mill.bat",
        ".mill-version",
        ".mill-jvm-opts",
        ".mill-opts",
        "build.mill.scala",
        ".java-version",
        ".tool-versions",
        ".sdkmanrc",
        # make and containers
        "makefile",
        "gnumakefile",
        "dockerfile",
        "docker-compose.yml",
        "docker-compose.yaml",
        "compose.yml",
        "compose.yaml",
        # CI services configured by one file
        ".gitlab-ci.yml",
        "jenkinsfile",
        ".travis.yml",
        "azure-pipelines.yml",
        "cloudbuild.yaml",
        "cloudbuild.yml",
        "bitbucket-pipelines.yml",
        ".drone.yml",
        "appveyor.yml",
        ".appveyor.yml",
        "buildspec.yml",
        "bitrise.yml",
        ".cirrus.yml",
        "codeowners",
        # dbt project configuration (models and sources YAML are not in it)
        "dbt_project.yml",
        "packages.yml",
        "dependencies.yml",
        "profiles.yml",
        "selectors.yml",
        # Python and JavaScript packaging
        "package.json",
        "pyproject.toml",
        "setup.py",
        "setup.cfg",
        "requirements.txt",
        "tox.ini",
        "noxfile.py",
        ".pre-commit-config.yaml",
    }
)
"""File names protected wherever they are (matched case-insensitively)."""

PROTECTED_SUFFIXES = (".sbt", ".mill", ".gradle", ".gradle.kts", ".mk", ".dockerfile")
"""Endings of build definitions with free names (``*.sbt``, ``*.mill``, ``*.gradle.kts``)."""

SBT_PROJECT_DIRECTORY = "project"
"""sbt's meta-build folder: its ``*.scala``, ``*.sbt`` and ``*.properties`` define the build."""

_SBT_PROJECT_SUFFIXES = (".scala", ".sbt", ".properties")
_SOURCE_ROOT = "src"


@lru_cache(maxsize=65536)  # paths repeat across plans; the bound keeps a worker small
def protected_reason(path: str) -> str | None:
    """Why no writer may change ``path``, or None; a plain phrase people read in plans and PRs.

    ``project/*.scala`` counts as sbt's build only outside a source tree: a
    ``src/main/scala/acme/project/Job.scala`` is code in a package called project.
    """
    pure = PurePosixPath(path)
    if pure.is_absolute() or ".." in pure.parts:
        return f"{path} is not a path inside the repository"
    folders = [part.lower() for part in pure.parts[:-1]]
    name = pure.name.lower()
    if any(part in PROTECTED_DIRECTORIES for part in folders):
        return f"{path} is CI or tool configuration"
    if name in PROTECTED_NAMES or name.endswith(PROTECTED_SUFFIXES):
        return f"{path} is build or CI configuration"
    in_sbt_project = bool(folders) and folders[-1] == SBT_PROJECT_DIRECTORY
    if in_sbt_project and _SOURCE_ROOT not in folders and name.endswith(_SBT_PROJECT_SUFFIXES):
        return f"{path} is sbt build configuration"
    return None


def protected_plan(
    path: str, framework: Framework, text: str, rewrite: FileRewrite, reason: str
) -> FilePlan:
    """The plan of a consumer in a protected file: its references, and no change at all.

    Guardrail comments are changes too, so none is placed; the references are
    what a person needs to migrate the file by hand.
    """
    references, _ = locate(text, rewrite.references, [])
    return FilePlan(
        path=path,
        framework=framework,
        action=Action.PROTECTED,
        references=references,
        guardrails=(),
        verification=(),
        statements_rewritten=0,
        original=text,
        new_text=None,
        protected=reason,
    )
