"""``godwit demo``: a whole campaign against a sandboxed GitHub, narrated, on this machine.

Nothing to configure: the sandbox plays GitHub and the people, Godwit runs with
embedded defaults, and the last line printed is a JSON summary for scripts.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from bot.demo.idle import NotIdleError
from bot.demo.narration import Narrator
from bot.demo.outcome import Outcome
from bot.demo.stack import Stack, running_stack
from bot.demo.story import DemoError, Played, play
from bot.demo.world import LEAD, ORG, Organisation, examples_dir, seed_organisation
from bot.sandbox import Sandbox

EXIT_FAILED = 1
DEMO_MUTATION_INTERVAL_S = 0.05
"""Far below GitHub's one second, which only the sandbox tolerates; the narration says so."""


def run_demo(
    sandbox: Sandbox, console: Console, *, speed: float, settle_timeout: float, keep: bool
) -> Outcome:
    """Seed ``sandbox``, run both servers and the story; the JSON line is the last output.

    With ``keep`` the servers stay up after the JSON line until Ctrl-C.
    """
    narrator = Narrator(console, speed=speed)
    narrator.note("starting")  # at once: seeding and starting both servers take seconds
    examples = examples_dir()
    org = seed_organisation(sandbox, examples / "repos")
    campaign_yaml = (examples / "campaign.yml").read_text(encoding="utf-8")
    with (
        tempfile.TemporaryDirectory(prefix="godwit-demo-") as workdir,
        running_stack(
            sandbox, ORG, Path(workdir), mutation_interval=DEMO_MUTATION_INTERVAL_S
        ) as stack,
    ):
        played = play(stack, org, narrator, campaign_yaml, settle_timeout_s=settle_timeout)
        if keep:
            show_servers(stack, org, played, narrator)
        console.out(played.outcome.json_line(), highlight=False)
        if keep:
            wait_for_interrupt(narrator)
    return played.outcome


def show_servers(stack: Stack, org: Organisation, played: Played, narrator: Narrator) -> None:
    installation = stack.sandbox.state.installations[stack.installation_id]
    narrator.step(
        "keep",
        wrap=False,
        github_url=stack.github.url,
        api_url=stack.github.api_url,
        godwit_url=stack.godwit_url,
        dashboard_url=f"{stack.godwit_url}/dashboard/campaigns/{org.host}/{played.issue}",
        host=org.host,
        issue=played.issue,
        lead=LEAD,
        token=stack.sandbox.tokens.issue(installation),
    )


def wait_for_interrupt(narrator: Narrator) -> None:
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        narrator.note("stopped")


def demo_command(
    keep: Annotated[
        bool, typer.Option("--keep", help="Leave both servers running afterwards, until Ctrl-C.")
    ] = False,
    speed: Annotated[
        float,
        typer.Option(
            "--speed", min=0.01, help="Narration pace: 2 halves the pauses between steps."
        ),
    ] = 1.0,
    settle_timeout: Annotated[
        float,
        typer.Option("--timeout", min=1.0, help="Seconds each step may take to settle."),
    ] = 120.0,
) -> None:
    """Run a migration campaign end to end against a local GitHub sandbox, narrated."""
    logging.basicConfig(level=logging.WARNING)
    console = Console(highlight=False)
    try:
        run_demo(Sandbox(), console, speed=speed, settle_timeout=settle_timeout, keep=keep)
    except (DemoError, NotIdleError) as error:
        console.print(f"godwit demo: {error}", style="bold red", markup=False)
        raise typer.Exit(EXIT_FAILED) from None


def register(app: typer.Typer) -> None:
    app.command("demo")(demo_command)
