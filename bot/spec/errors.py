"""What is wrong with a campaign document, in the form its author reads and fixes.

Validation raises pydantic errors with key paths; the loaders turn them into
``CampaignIssue`` lines (path, line, message) gathered in one ``CampaignError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NoReturn

from pydantic import ValidationError
from pydantic_core import InitErrorDetails, PydanticCustomError

_Loc = tuple[int | str, ...]
_Problem = tuple[_Loc, str, object]  # where, what is wrong, the offending value


def _custom_error(message: str) -> PydanticCustomError:
    # The message goes through the context, so braces in it are never read as placeholders.
    return PydanticCustomError("campaign", "{reason}", {"reason": message})


def _reject(message: str) -> NoReturn:
    raise _custom_error(message)


def _raise_all(title: str, problems: list[_Problem]) -> None:
    """Raise every problem as its own error; pydantic keeps them and prefixes their paths."""
    if problems:
        raise ValidationError.from_exception_data(
            title,
            [
                InitErrorDetails(
                    type=_custom_error(message),
                    loc=loc,
                    input=value,
                )
                for loc, message, value in problems
            ],
        )


@dataclass(frozen=True)
class CampaignIssue:
    """One problem in a campaign document; ``line`` is 1-based in the text given."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = [f"line {self.line}"] if self.line is not None else []
        where += [self.path] if self.path else []
        return ": ".join([*where, self.message])


class CampaignError(ValueError):
    """A campaign that cannot be used, with every problem found in it."""

    def __init__(self, source: str, errors: list[CampaignIssue]) -> None:
        self.source = source
        self.errors = errors
        count = f"{len(errors)} problem" + ("" if len(errors) == 1 else "s")
        lines = [f"{source} is not a valid campaign ({count}):"]
        lines += [f"  - {issue}" for issue in errors]
        super().__init__("\n".join(lines))
