"""A scripted Anthropic Messages API on loopback, for tests and benchmarks of the agent."""

from bot.sandbox.anthropic.script import (
    Fault,
    RecordedRequest,
    Reply,
    ScriptedModel,
    text,
    tool_use,
)
from bot.sandbox.anthropic.server import FakeAnthropicServer, serve_anthropic

__all__ = [
    "FakeAnthropicServer",
    "Fault",
    "RecordedRequest",
    "Reply",
    "ScriptedModel",
    "serve_anthropic",
    "text",
    "tool_use",
]
