"""``POST /v1/messages`` and ``/v1/messages/count_tokens``: authenticate, check, answer.

The checks are the ones the real API applies and an agent loop most easily
gets wrong: the key, the version header, alternating roles, and every
``tool_result`` answering a ``tool_use`` of the assistant turn just before it.
``count_tokens`` takes the same request without ``max_tokens`` and answers with
the total the messages endpoint would bill as input (uncached, written and read
together), counted by the same approximation, so an estimate made with it can
be checked against the usage the messages endpoint then reports.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from bot.agent.caching import approx_prompt_tokens
from bot.sandbox.anthropic.cache import MAX_BREAKPOINTS, PromptCache, approx_tokens, breakpoints
from bot.sandbox.anthropic.script import Fault, RecordedRequest, Reply, ScriptedModel

Answered = tuple[int, dict[str, Any], dict[str, str]]  # status, body, extra headers


def _error(status: int, kind: str, message: str, headers: dict[str, str] | None = None) -> Answered:
    return status, {"type": "error", "error": {"type": kind, "message": message}}, headers or {}


def _id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:24]}"


def _authorised(headers: dict[str, str], api_key: str) -> bool:
    bearer = headers.get("authorization", "")
    return headers.get("x-api-key") == api_key or bearer == f"Bearer {api_key}"


def _shape_problem(body: Any, *, counting: bool = False) -> str | None:
    """The first reason the body is not a valid Messages (or token-counting) request, or None."""
    if not isinstance(body, dict):
        return "body must be a JSON object"
    if not isinstance(body.get("model"), str):
        return "model: Field required"
    max_tokens = body.get("max_tokens")
    if counting and "max_tokens" in body:
        return "max_tokens: Extra inputs are not permitted"
    if not counting and (not isinstance(max_tokens, int) or max_tokens < 1):
        return "max_tokens: must be a positive integer"
    messages = body.get("messages")
    if not isinstance(messages, list) or not messages:
        return "messages: at least one message is required"
    pending: set[str] = set()
    for index, message in enumerate(messages):
        expected = "user" if index % 2 == 0 else "assistant"
        if not isinstance(message, dict) or message.get("role") != expected:
            return f"messages.{index}.role: roles must alternate, starting with user"
        content = message.get("content")
        blocks = content if isinstance(content, list) else []
        answered = {b.get("tool_use_id") for b in blocks if b.get("type") == "tool_result"}
        if expected == "user" and answered - pending:
            return f"messages.{index}: tool_result for an unknown tool_use id"
        if expected == "user" and pending - answered:
            return f"messages.{index}: tool_use ids were found without tool_result blocks"
        pending = {b["id"] for b in blocks if b.get("type") == "tool_use"}
    marked = breakpoints(body)
    if marked > MAX_BREAKPOINTS:
        return (
            f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided. "
            f"Found {marked}."
        )
    return None


def _message(body: dict[str, Any], reply: Reply, cache: PromptCache) -> dict[str, Any]:
    prompt = cache.account(body)
    content = list(reply.content)
    estimated = approx_tokens(json.dumps(content))
    output = reply.output_tokens if reply.output_tokens is not None else estimated
    return {
        "id": _id("msg"),
        "type": "message",
        "role": "assistant",
        "model": body["model"],
        "content": content,
        "stop_reason": reply.resolved_stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": prompt.input_tokens,
            "output_tokens": min(output, int(body["max_tokens"])),
            "cache_creation_input_tokens": prompt.cache_creation_input_tokens,
            "cache_read_input_tokens": prompt.cache_read_input_tokens,
        },
    }


def create_app(model: ScriptedModel) -> FastAPI:
    api = FastAPI(title="Fake Anthropic Messages API", docs_url=None, redoc_url=None)
    cache = PromptCache(min_tokens=model.min_cacheable_tokens)

    @api.post("/v1/messages/count_tokens")
    async def count_tokens(request: Request) -> JSONResponse:
        return await _answer(request, model.token_counts, lambda h, b, _: _count(model, h, b))

    @api.post("/v1/messages")
    async def messages(request: Request) -> JSONResponse:
        return await _answer(
            request, model.requests, lambda h, b, raw: _respond(model, cache, h, b, raw)
        )

    return api


async def _answer(
    request: Request,
    log: list[RecordedRequest],
    respond: Callable[[dict[str, str], object, bytes], Answered],
) -> JSONResponse:
    """Read the request as the real API would (any body at all), answer it and record both."""
    raw = await request.body()
    headers = {name.lower(): value for name, value in request.headers.items()}
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    status, answer, extra = respond(headers, body, raw)
    parsed = body if isinstance(body, dict) else {}
    log.append(RecordedRequest(headers, parsed, raw, status, answer))
    return JSONResponse(answer, status_code=status, headers={"request-id": _id("req"), **extra})


def _refused(model: ScriptedModel, headers: dict[str, str]) -> Answered | None:
    if not _authorised(headers, model.api_key):
        return _error(401, "authentication_error", "invalid x-api-key")
    if "anthropic-version" not in headers:
        return _error(400, "invalid_request_error", "anthropic-version header is required")
    return None


def _count(model: ScriptedModel, headers: dict[str, str], body: Any) -> Answered:
    refused = _refused(model, headers)
    if refused is not None:
        return refused
    problem = _shape_problem(body, counting=True)
    if problem is not None:
        model.failures.append(problem)
        return _error(400, "invalid_request_error", problem)
    return 200, {"input_tokens": approx_prompt_tokens(body)}, {}


def _respond(
    model: ScriptedModel,
    cache: PromptCache,
    headers: dict[str, str],
    body: Any,
    raw: bytes,
) -> Answered:
    refused = _refused(model, headers)
    if refused is not None:
        return refused
    problem = _shape_problem(body)
    if problem is not None:
        model.failures.append(problem)
        return _error(400, "invalid_request_error", problem)
    answer = model.answer(RecordedRequest(headers, body, raw))
    if answer is None:
        return _error(400, "invalid_request_error", model.failures[-1])
    if isinstance(answer, Fault):
        return _error(answer.status, answer.error_type, answer.message, answer.headers())
    return 200, _message(body, answer, cache), {}
