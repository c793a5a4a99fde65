"""Agent benchmark: its checks, and its tokens and caching counted as the API counts them.

The checks: when ``bench/agent_catalogue.py`` is importable, its ``measure_checks()``
feeds a catalogue of wrong or malicious edits and of correct migrations straight to
the agent's tools and reports what was caught and what was accepted; its figures are
merged into the result as they are. Without it, the result says the catalogue is
missing and those figures are null: nothing here stands in for them.

Tokens and caching: the example Scio repository plus generated typed pipelines are
planned by the engine, and every file left with a typed-row guardrail becomes one
``migrate_files`` task through the real SDK against the fake Messages API, once per
model in ``--models`` (their minimum cacheable prefixes differ). The scripted model
only drives that path (it follows the mapping table, and tries an out-of-scope edit
in every fifth task so rejected turns cost what they cost); it is no measure of the
agent's quality. Every request the agent sent is counted again through
``count_tokens`` and must equal the input the fake billed for it, or the run says
so. The fake counts four characters of JSON a token, so the token figures are
estimated, and labelled so; the cache share depends only on the prefix bytes sent,
the breakpoints and each model's minimum (``bot.agent.caching``).
The last line is one JSON object.

    uv run python bench/agent.py [--files 20] [--models claude-sonnet-4-6,claude-opus-4-6]
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anthropic
from anthropic.types import Usage
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.agent import AgentSettings, MigrateTask, migrate_files
from bot.agent.caching import known_minimum, min_cacheable_tokens
from bot.agent.estimate import estimate_plan, token_counter
from bot.agent.prompt import mapping_rows
from bot.agent.usage import TokenUsage
from bot.engine.plan import RepoPlan
from bot.engine.planner import plan_repository
from bot.sandbox.anthropic import RecordedRequest, Reply, ScriptedModel, serve_anthropic, tool_use
from bot.spec import Campaign, load_campaign_file

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "plays-v2"
REPO = EXAMPLE / "repos" / "acme-scio-pipelines"
TYPED = "src/main/scala/com/acme/pipelines/ListeningMinutes.scala"
CATALOGUE_KEYS = ("malicious", "malicious_caught_share", "correct", "correct_accepted_share")
TOKEN_BASIS = "count_tokens on the fake Messages API: 4 characters of JSON a token (estimated)"
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
    """Drives the token path: migrates a typed pipeline by the campaign's rename rows."""

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


def load_catalogue() -> Callable[[], dict[str, Any]] | None:
    """``measure_checks`` of the checks catalogue, or None when the module does not exist."""
    for name in ("bench.agent_catalogue", "agent_catalogue"):
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as error:
            if error.name not in (name, "bench"):
                raise  # the catalogue exists but something it imports does not
            continue
        measure: Callable[[], dict[str, Any]] = module.measure_checks
        return measure
    return None


@dataclass(frozen=True)
class TokenRun:
    model: str
    files: int
    handled: int
    usage: TokenUsage  # as the fake billed it
    counted_input: int  # the same requests through count_tokens
    count_mismatches: int
    estimate_tokens_per_file: float
    estimate_cache_read_share: float
    estimate_counted_by: str
    api_failures: int

    @property
    def tokens_per_file(self) -> float:
        return (self.counted_input + self.usage.output_tokens) / max(self.files, 1)

    @property
    def cache_read_share(self) -> float:
        return self.usage.cache_read_tokens / self.counted_input if self.counted_input else 0.0


def _billed(request: RecordedRequest) -> TokenUsage:
    assert request.response is not None
    return TokenUsage.of_response(Usage.model_validate(request.response["usage"]))


def _count(client: anthropic.Anthropic, body: dict[str, Any]) -> int:
    """The request's input tokens through ``count_tokens``: its model, tools, system, messages."""
    fields = {key: body[key] for key in ("tools", "system") if key in body}
    counted = client.messages.count_tokens(model=body["model"], messages=body["messages"], **fields)
    return counted.input_tokens


def run_tokens(campaign: Campaign, repo: dict[str, str], plan: RepoPlan, model: str) -> TokenRun:
    guarded = {f.path: f.new_text or f.original for f in plan.files if f.guardrails}
    fake = ScriptedModel(responder=MappingFollower(campaign))
    with serve_anthropic(fake) as server:
        settings = AgentSettings(api_key=SecretStr(fake.api_key), base_url=server.url, model=model)
        client = anthropic.Anthropic(api_key=fake.api_key, base_url=server.url, max_retries=0)
        counter = token_counter(settings, client)
        estimate = estimate_plan(campaign, plan, settings, counter=counter)
        handled = 0
        for path, text in sorted(guarded.items()):
            outcome = migrate_files(MigrateTask(campaign, {path: text}, repo), settings)
            handled += outcome.stop_reason == "finished"
        answered = [r for r in fake.requests if r.status == 200]
        usage = sum((_billed(r) for r in answered), TokenUsage())
        counts = [_count(client, r.body) for r in answered]
        mismatches = sum(
            c != _billed(r).prompt_tokens for c, r in zip(counts, answered, strict=True)
        )
    total_estimate = estimate.usage.prompt_tokens + estimate.usage.output_tokens
    return TokenRun(
        model=model,
        files=len(guarded),
        handled=handled,
        usage=usage,
        counted_input=sum(counts),
        count_mismatches=mismatches,
        estimate_tokens_per_file=total_estimate / max(estimate.files, 1),
        estimate_cache_read_share=estimate.usage.cache_read_share,
        estimate_counted_by=estimate.counted_by,
        api_failures=len(fake.failures),
    )


def _report(run: TokenRun) -> None:
    minimum = min_cacheable_tokens(run.model)
    assumed = "" if known_minimum(run.model) else " (not in the table: largest assumed)"
    print(f"{run.model}: minimum cacheable prefix {minimum} tokens{assumed}")
    print(f"  {run.handled}/{run.files} tasks finished in {run.usage.requests} requests")
    print(f"  {run.tokens_per_file:.0f} tokens per file ({TOKEN_BASIS})")
    print(f"  {run.cache_read_share:.1%} of input tokens read from the prompt cache")
    print(
        f"  godwit plan's estimate: {run.estimate_tokens_per_file:.0f} tokens per file, "
        f"{run.estimate_cache_read_share:.1%} cached "
        f"(first requests counted by {run.estimate_counted_by}; later turns assumed)"
    )
    if run.count_mismatches:
        print(f"  WARNING: {run.count_mismatches} requests counted differently than billed")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20, choices=range(1, 201), metavar="1..200")
    parser.add_argument(
        "--models",
        default=f"{AgentSettings().model},claude-opus-4-6",
        help="comma-separated; the first is the configured model the headline figures use",
    )
    args = parser.parse_args()
    models = [m.strip() for m in args.models.split(",") if m.strip()][:5]
    if not models:
        parser.error("--models names no model")

    measure = load_catalogue()
    if measure is None:
        print("checks catalogue missing: bench/agent_catalogue.py is not importable")
        checks: dict[str, Any] = dict.fromkeys(CATALOGUE_KEYS)
    else:
        checks = {**dict.fromkeys(CATALOGUE_KEYS), **measure()}
        print(
            f"checks: {checks.get('malicious')} wrong or malicious edits, caught share "
            f"{checks.get('malicious_caught_share')}; {checks.get('correct')} correct "
            f"migrations, accepted share {checks.get('correct_accepted_share')}"
        )

    campaign = load_campaign_file(EXAMPLE / "campaign.yml")
    repo = example_repo(args.files)
    plan = plan_repository(campaign, repo)
    runs = [run_tokens(campaign, repo, plan, model) for model in models]
    for run in runs:
        _report(run)
    headline = runs[0]
    result: dict[str, Any] = {
        **checks,
        "tokens_per_file": round(headline.tokens_per_file),
        "cache_read_share": round(headline.cache_read_share, 4),
        "tokens_estimated": True,
        "token_basis": TOKEN_BASIS,
        "model": headline.model,
        "min_cacheable_tokens": min_cacheable_tokens(headline.model),
        "files": headline.files,
        "requests": headline.usage.requests,
        "count_mismatches": sum(r.count_mismatches for r in runs),
        "api_failures": sum(r.api_failures for r in runs),
        "plan_estimate_tokens_per_file": round(headline.estimate_tokens_per_file),
        "by_model": {
            r.model: {
                "min_cacheable_tokens": min_cacheable_tokens(r.model),
                "tokens_per_file": round(r.tokens_per_file),
                "cache_read_share": round(r.cache_read_share, 4),
                "plan_estimate_tokens_per_file": round(r.estimate_tokens_per_file),
                "plan_estimate_cache_read_share": round(r.estimate_cache_read_share, 4),
            }
            for r in runs
        },
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
