"""The agent's only means of acting, and the workspace that enforces every bound.

The tool list is fixed here; nothing in a prompt can add to it. Every edit goes
through the scope check before it is kept, and the engine's verifier decides
which edited files survive: a rejected edit comes back to the model as a tool
error with the reason, so it can correct course.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from anthropic.types import ToolParam

from bot.agent.fencing import fence, numbered, redact
from bot.agent.frameworks import comment_syntax, framework_of
from bot.agent.scope import ScopeRules, check_change
from bot.agent.verify import verify_file
from bot.engine.edits import LineIndex
from bot.engine.edits import render as render_edits
from bot.engine.model import GuardrailSite
from bot.spec import Campaign

_PATH = {"type": "string", "description": "Path inside the repository, as listed."}

TOOLS: tuple[ToolParam, ...] = (
    {
        "name": "read_file",
        "description": (
            "Read the current text of a file of the task (your edits included). Each line "
            "starts with its number and a tab, which are not part of the file: quote the text "
            "after them in propose_edit, and pass the number to insert_guardrail."
        ),
        "input_schema": {"type": "object", "properties": {"path": _PATH}, "required": ["path"]},
    },
    {
        "name": "list_files",
        "description": "List the files you can read, optionally only those under a prefix.",
        "input_schema": {
            "type": "object",
            "properties": {"prefix": {"type": "string", "description": "A folder prefix."}},
        },
    },
    {
        "name": "propose_edit",
        "description": (
            "Replace old_string by new_string in a file. old_string must occur exactly once "
            "in the file's current text. The edit is checked against the campaign's scope "
            "and rejected with a reason if it falls outside it."
        ),
        "input_schema": {
            "type": "object",
            "properties": {
                "path": _PATH,
                "old_string": {"type": "string", "description": "Exact text to replace."},
                "new_string": {"type": "string", "description": "Replacement text."},
            },
            "required": ["path", "old_string", "new_string"],
        },
    },
    {
        "name": "run_verifier",
        "description": (
            "Run Godwit's engine on your edited files (or one file) and report what is left "
            "to fix. Only files that pass are kept."
        ),
        "input_schema": {"type": "object", "properties": {"path": _PATH}},
    },
    {
        "name": "insert_guardrail",
        "description": (
            "Insert a `godwit:` guardrail comment, linking to the migration guide, directly "
            "above a line (1-based, in the file's current text) whose code needs a person."
        ),
        "input_schema": {
            "type": "object",
            "properties": {
                "path": _PATH,
                "line": {"type": "integer", "minimum": 1},
                "reason": {"type": "string", "description": "One line: why a person decides."},
            },
            "required": ["path", "line", "reason"],
        },
    },
    {
        "name": "finish",
        "description": "End the task with a short summary of what changed and why.",
        "input_schema": {
            "type": "object",
            "properties": {"summary": {"type": "string"}},
            "required": ["summary"],
        },
    },
)
TOOL_NAMES = frozenset(tool["name"] for tool in TOOLS)


@dataclass(frozen=True)
class ToolOutcome:
    content: str
    is_error: bool = False


@dataclass
class Workspace:
    """The files of one task: what they were, what the model made of them, and the bounds."""

    campaign: Campaign
    files: Mapping[str, str]
    rules: ScopeRules
    secrets: tuple[str, ...] = ()
    current: dict[str, str] = field(init=False)
    rejected_edits: int = 0
    rejected_out_of_scope: int = 0
    summary: str | None = None
    finish_refused: bool = False

    def __post_init__(self) -> None:
        self.current = dict(self.files)

    def call(self, name: str, arguments: Mapping[str, Any]) -> ToolOutcome:
        """Run one tool call; a wrong argument is a tool error, never an exception."""
        handlers = {
            "read_file": self._read_file,
            "list_files": self._list_files,
            "propose_edit": self._propose_edit,
            "run_verifier": self._run_verifier,
            "insert_guardrail": self._insert_guardrail,
            "finish": self._finish,
        }
        handler = handlers.get(name)
        if handler is None:
            return ToolOutcome(f"unknown tool {name!r}; the tools are {sorted(TOOL_NAMES)}", True)
        try:
            outcome = handler(arguments)
        except (KeyError, TypeError, ValueError) as error:
            outcome = ToolOutcome(f"invalid arguments for {name}: {error}", True)
        return ToolOutcome(redact(outcome.content, self.secrets), outcome.is_error)

    @property
    def finished(self) -> bool:
        return self.summary is not None

    def edited(self) -> dict[str, str]:
        return {p: t for p, t in self.current.items() if t != self.files[p]}

    def problems(self, path: str) -> list[str]:
        """Scope and verification problems of the file's current text (none if unedited)."""
        before, after = self.files[path], self.current[path]
        if before == after:
            return []
        return check_change(self.rules, path, before, after) or verify_file(
            self.campaign, self.current, path, before, after
        )

    def accepted(self) -> dict[str, str]:
        """Edited files that pass scope and verification: the only ones that leave the task."""
        return {p: t for p, t in self.edited().items() if not self.problems(p)}

    def _text(self, arguments: Mapping[str, Any], key: str) -> str:
        value = arguments[key]
        if not isinstance(value, str):
            raise TypeError(f"{key} must be a string")
        return value

    def _path(self, arguments: Mapping[str, Any]) -> str:
        path = self._text(arguments, "path")
        if path not in self.current:
            raise ValueError(f"{path!r} is not a file of this task; use list_files")
        return path

    def _read_file(self, arguments: Mapping[str, Any]) -> ToolOutcome:
        path = self._path(arguments)
        return ToolOutcome(fence("file", numbered(self.current[path]), path=path))

    def _list_files(self, arguments: Mapping[str, Any]) -> ToolOutcome:
        prefix = arguments.get("prefix") or ""
        if not isinstance(prefix, str):
            raise TypeError("prefix must be a string")
        paths = sorted(p for p in self.current if p.startswith(prefix))
        lines = [
            f"{p}{'' if self.rules.editable(p, self.files[p]) is None else ' (read only)'}"
            for p in paths
        ]
        return ToolOutcome("\n".join(lines) or "no files")

    def _reject(self, reasons: list[str], *, scope: bool) -> ToolOutcome:
        self.rejected_edits += 1
        self.rejected_out_of_scope += scope
        return ToolOutcome("rejected: " + "; ".join(reasons), True)

    def _apply(self, path: str, new_text: str) -> ToolOutcome:
        reasons = check_change(self.rules, path, self.files[path], new_text)
        if reasons:
            return self._reject(reasons, scope=True)
        self.current[path] = new_text
        return ToolOutcome(f"edited {path}; call run_verifier when your edits are complete")

    def _propose_edit(self, arguments: Mapping[str, Any]) -> ToolOutcome:
        path = self._path(arguments)
        old, new = self._text(arguments, "old_string"), self._text(arguments, "new_string")
        reason = self.rules.editable(path, self.files[path])
        if reason is not None:
            return self._reject([reason], scope=True)
        count = self.current[path].count(old) if old else 0
        if count != 1:
            found = "does not occur" if count == 0 else f"occurs {count} times"
            reason = f"old_string {found} in {path}; it must occur exactly once"
            return self._reject([reason], scope=False)
        return self._apply(path, self.current[path].replace(old, new, 1))

    def _insert_guardrail(self, arguments: Mapping[str, Any]) -> ToolOutcome:
        path = self._path(arguments)
        line, reason = arguments["line"], self._text(arguments, "reason")
        text = self.current[path]
        if not isinstance(line, int) or not 1 <= line <= max(1, text.count("\n") + 1):
            raise ValueError(f"line must be between 1 and the number of lines of {path}")
        site = GuardrailSite(LineIndex(text).line_start(line), reason)
        syntax = comment_syntax(framework_of(path, self.current))
        rendered = render_edits(text, [], [site], syntax=syntax, guide=self.campaign.guide)
        return self._apply(path, rendered.text)

    def _run_verifier(self, arguments: Mapping[str, Any]) -> ToolOutcome:
        paths = [self._path(arguments)] if arguments.get("path") else sorted(self.edited())
        if not paths:
            return ToolOutcome("no file is edited yet")
        report = []
        failed = False
        for path in paths:
            problems = self.problems(path)
            failed |= bool(problems)
            report.append(f"{path}: " + ("; ".join(problems) if problems else "passes"))
        return ToolOutcome("\n".join(report), failed)

    def _finish(self, arguments: Mapping[str, Any]) -> ToolOutcome:
        summary = self._text(arguments, "summary")
        failing = {p: self.problems(p) for p in self.edited()}
        failing = {p: problems for p, problems in failing.items() if problems}
        if failing and not self.finish_refused:
            # Once: the model may fix the files, or finish again and lose them.
            self.finish_refused = True
            listed = "; ".join(f"{p}: {', '.join(problems)}" for p, problems in failing.items())
            return ToolOutcome(
                f"these edited files fail verification and would be dropped: {listed}. "
                "Fix them, or call finish again to end without them.",
                True,
            )
        self.summary = summary
        return ToolOutcome("finished")
