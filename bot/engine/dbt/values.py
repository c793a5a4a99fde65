"""Read the simple Jinja that packaged dbt projects put in their sources YAML and vars.

Packages declare ``schema: "{{ var('github_schema', 'github') }}"`` and ``database:
"{% if target.type != 'spark' %}{{ var('github_database', target.database) }}{% endif %}"``,
so the project that installs them can point a source elsewhere. What such a value
means here is decided from the project's own ``vars`` and the var's default; the
target is BigQuery (the only dialect a campaign accepts), but its database is the
deployment's. Anything beyond these few forms is *unknown*, never guessed: this is
a reader of a handful of patterns, not a template engine, so every input is
bounded by construction.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

_TARGET_TYPE = "bigquery"
_MAX_DEPTH = 4  # a var whose value names another var, and so on
_MAX_TEXT = 1000  # longer values are not simple Jinja

_STRING = r"""(?:'(?P<{0}s>[^'\\]*)'|"(?P<{0}d>[^"\\]*)")"""
_IF = re.compile(
    r"\{%-?\s*if\s+target\.type\s*(?P<op>==|!=)\s*" + _STRING.format("t") + r"\s*-?%\}"
    r"(?P<then>.*?)"
    r"(?:\{%-?\s*else\s*-?%\}(?P<else>.*?))?"
    r"\{%-?\s*endif\s*-?%\}",
    re.DOTALL,
)
_EXPRESSION = re.compile(r"\{\{-?(?P<body>.*?)-?\}\}", re.DOTALL)
_VAR = re.compile(
    r"\s*var\s*\(\s*"
    + _STRING.format("n")
    + r"\s*(?:,\s*(?:"
    + _STRING.format("v")
    + r"|target\.(?P<target>database|project)|(?P<literal>[A-Za-z0-9_.-]+))\s*)?\)\s*"
)
_TARGET = re.compile(r"\s*target\.(?:database|project)\s*")
_LITERAL = re.compile(r"\s*" + _STRING.format("l") + r"\s*")


@dataclass(frozen=True)
class Value:
    """What a YAML value says: its text, the target's database, or unknown (``text`` None)."""

    text: str | None
    target: bool = False  # the deployment's target supplies it

    @property
    def known(self) -> bool:
        return self.text is not None


TARGET = Value(None, target=True)
UNKNOWN = Value(None)


def resolve(raw: object, variables: Mapping[str, object], depth: int = 0) -> Value:
    """The value of a YAML scalar after dbt would render it, when that is certain here."""
    if raw is None or isinstance(raw, (dict, list)):
        return UNKNOWN
    text = str(raw)
    if "{{" not in text and "{%" not in text:
        return Value(text)
    if depth > _MAX_DEPTH or len(text) > _MAX_TEXT:
        return UNKNOWN
    text = _IF.sub(_branch, text)
    if "{%" in text or "{#" in text:
        return UNKNOWN
    parts: list[Value] = []
    cursor = 0
    for match in _EXPRESSION.finditer(text):
        if match.start() > cursor:
            parts.append(Value(text[cursor : match.start()]))
        parts.append(_expression(match["body"], variables, depth))
        cursor = match.end()
    if cursor < len(text):
        parts.append(Value(text[cursor:]))
    return _joined([part for part in parts if part.target or part.text != ""])


def _branch(match: re.Match[str]) -> str:
    wanted = _string(match, "t")
    holds = (wanted == _TARGET_TYPE) == (match["op"] == "==")
    return match["then"] if holds else (match["else"] or "")


def _string(match: re.Match[str], group: str) -> str | None:
    single, double = match[f"{group}s"], match[f"{group}d"]
    return single if single is not None else double


def _expression(body: str, variables: Mapping[str, object], depth: int) -> Value:
    var = _VAR.fullmatch(body)
    if var is not None:
        name = _string(var, "n") or ""
        if name in variables:
            return resolve(variables[name], variables, depth + 1)
        default = _string(var, "v")
        if default is not None:
            return Value(default)
        if var["target"]:
            return TARGET
        if var["literal"] is not None and not var["literal"].startswith("target"):
            return Value(var["literal"])
        return UNKNOWN  # no default: dbt itself would fail, or it is an expression
    if _TARGET.fullmatch(body):
        return TARGET
    literal = _LITERAL.fullmatch(body)
    if literal is not None:
        return Value(_string(literal, "l"))
    return UNKNOWN


def _joined(parts: list[Value]) -> Value:
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return Value("")
    if any(not part.known for part in parts):
        return UNKNOWN
    return Value("".join(part.text or "" for part in parts))


def project_vars(config: object) -> dict[str, object]:
    """The ``vars`` of a parsed ``dbt_project.yml`` that apply to the project itself.

    Global vars, overlaid by the ones scoped to the project's ``name`` (dbt gives a
    package's own scope precedence); other packages' scopes are theirs.
    """
    if not isinstance(config, dict):
        return {}
    declared = config.get("vars")
    if not isinstance(declared, dict):
        return {}
    name = config.get("name")
    found = {str(k): v for k, v in declared.items() if k != name}
    scoped = declared.get(name) if isinstance(name, str) else None
    if isinstance(scoped, dict):
        found.update({str(k): v for k, v in scoped.items()})
    return found
