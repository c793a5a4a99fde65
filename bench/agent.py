"""Agent benchmark: a 20-file typed-Scio campaign through the real SDK and the fake API.

The example Scio repository plus generated typed pipelines are planned by the
engine; every file left with a typed-row guardrail becomes one ``migrate_files``
task, answered by a scripted model that follows the mapping table (point the
annotation at the new table, map each changed field, verify, finish), and that
tries an out-of-scope edit of ``build.sbt`` in every fifth task. Token figures
come from the usage the fake API computed from the requests actually sent, so
the cache share measures the agent's real prompt prefixes.
The last line is one JSON object.

    uv run python bench/agent.py [--files 20]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from anthropic.types import Usage
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.agent import AgentSettings, MigrateTask, migrate_files
from bot.agent.prompt import mapping_rows
from bot.agent.usage import TokenUsage
from bot.campaign import Campaign, load_campaign_file
from bot.engine.planner import plan_repository
from bot.sandbox.anthropic import RecordedRequest, Reply, ScriptedModel, serve_anthropic, tool_use

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "plays-v2"
REPO = EXAMPLE / "repos" / "acme-scio-pipelines"
TYPED = "src/main/scala/com/acme/pipelines/ListeningMinutes.scala"
_FENCED = re.compile(r'<untrusted_file path="([^"]+)">\n(.*?)</untrusted_file>', re.DOTALL)
_VARIANT_FIELDS = (
    ("ms_played", "track_uri"),
    ("ms_played",),
    ("track_uri", "user_id"),
    ("track_uri", "ms_played", "platform"),
)


def example_repo(files: int) -> dict[str, str]:
    """The example repository plus typed pipelines that read different changed fields."""
    repo = {str(p.relative_to(REPO)): p.read_text() for p in sorted(REPO.rglob("*")) if p.is_file()}
    template = repo[TYPED]
    for index in range(files - 1):
        name = f"Pipeline{index:02d}"
        fields = _VARIANT_FIELDS[index % len(_VARIANT_FIELDS)]
        reads = "\n".join(
            f'      .map(r => (r.user_id.getOrElse(""), r.{field}))' for field in fields
        )
        text = template.replace("ListeningMinutes", name)
        text = text.replace("      .sumByKey\n", f"{reads}\n      .sumByKey\n", 1)
        repo[f"src/main/scala/com/acme/generated/{name}.scala"] = text
    return repo


class MappingFollower:
    """A scripted model that migrates a typed pipeline by the campaign's rename rows."""

    def __init__(self, campaign: Campaign) -> None:
        mapping = campaign.tables[0]
        self.renames = {
            str(row["column"]): str(row["expression"])
            for row in mapping_rows(mapping)
            if row["kind"] == "rename"
        }
        old, new = mapping.old_name, mapping.new_name
        self.old_spec = f"{old.project}:{old.dataset}.{old.table}"
        self.new_spec = f"{new.project}:{new.dataset}.{new.table}"
        self.tasks = 0
        self.plan: dict[str, list[str]] = {}

    def __call__(self, request: RecordedRequest) -> Reply:
        first = request.messages[0]["content"][0]["text"]
        match = _FENCED.search(first)
        assert match is not None, "the task prompt carries the fenced file"
        path, text = match.group(1), match.group(2)
        steps = self.plan.get(path)
        if steps is None or len(request.messages) == 1:
            self.tasks += 1
            steps = ["scope"] if self.tasks % 5 == 0 else []
            steps += ["annotation", "fields", "verify", "finish"]
            self.plan[path] = steps
        step = steps[min(len(request.messages) // 2, len(steps) - 1)]
        lines = text.splitlines(keepends=True)
        if step == "scope":
            return Reply.of(
                tool_use("propose_edit", path="build.sbt", old_string="scio", new_string="x")
            )
        if step == "annotation":
            guardrail = next(i for i, line in enumerate(lines) if "// godwit:" in line)
            old = lines[guardrail] + lines[guardrail + 1]
            new = lines[guardrail + 1].replace(self.old_spec, self.new_spec)
            return Reply.of(tool_use("propose_edit", path=path, old_string=old, new_string=new))
        if step == "fields":
            return Reply.of(*self._field_edits(path, lines))
        if step == "verify":
            return Reply.of(tool_use("run_verifier"))
        return Reply.of(tool_use("finish", summary="Typed rows now read plays_v2's fields."))

    def _field_edits(self, path: str, lines: list[str]) -> list[dict[str, object]]:
        """One edit per distinct line that reads a renamed field."""

        def renamed(match: re.Match[str]) -> str:
            return "." + self.renames.get(match.group(1), match.group(1))

        return [
            tool_use(
                "propose_edit",
                path=path,
                old_string=line,
                new_string=re.sub(r"\.(\w+)\b", renamed, line),
            )
            for line in dict.fromkeys(lines)
            if any(f".{old}" in line for old in self.renames)
        ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    args = parser.parse_args()

    campaign = load_campaign_file(EXAMPLE / "campaign.yml")
    repo = example_repo(args.files)
    plan = plan_repository(campaign, repo)
    guarded = {f.path: f.new_text or f.original for f in plan.files if f.guardrails}
    model = ScriptedModel(responder=MappingFollower(campaign))
    migrated = rejected = rejected_scope = 0
    with serve_anthropic(model) as server:
        settings = AgentSettings(api_key=SecretStr(model.api_key), base_url=server.url)
        for path, text in sorted(guarded.items()):
            outcome = migrate_files(MigrateTask(campaign, {path: text}, repo), settings)
            migrated += path in outcome.changes
            rejected += outcome.rejected_edits
            rejected_scope += outcome.rejected_out_of_scope
            total = outcome.usage.prompt_tokens + outcome.usage.output_tokens
            print(f"{path:60} {outcome.stop_reason:9} {total:7d} tokens")
    usage = sum(
        (
            TokenUsage.of_response(Usage.model_validate(r.response["usage"]))
            for r in model.requests
            if r.status == 200 and r.response is not None
        ),
        TokenUsage(),
    )
    tokens = usage.prompt_tokens + usage.output_tokens
    per_file = tokens / migrated if migrated else 0.0
    print(f"{migrated}/{len(guarded)} files migrated in {usage.requests} requests")
    output_per_file = usage.output_tokens / max(migrated, 1)
    print(f"{per_file:.0f} tokens per migrated file ({output_per_file:.0f} of them output)")
    print(f"{usage.cache_read_share:.1%} of input tokens served from the prompt cache")
    print(f"{rejected} edits rejected, {rejected_scope} of them out of scope")
    result = {
        "files": len(guarded),
        "migrated": migrated,
        "requests": usage.requests,
        "tokens_per_file": round(per_file),
        "cache_read_share": round(usage.cache_read_share, 4),
        "rejected_edits": rejected,
        "rejected_out_of_scope_edits": rejected_scope,
        "failures": len(model.failures),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
