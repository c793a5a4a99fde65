"""GitHub's error responses, raised anywhere in the sandbox and rendered by the server."""

from __future__ import annotations

from typing import Any

DOCS = "https://docs.github.com/rest"


class GitHubError(Exception):
    """An API error with GitHub's status code, message and optional validation errors."""

    def __init__(
        self,
        status: int,
        message: str,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"message": self.message, "documentation_url": DOCS}
        if self.errors is not None:
            body["errors"] = self.errors
        body["status"] = str(self.status)
        return body


def not_found() -> GitHubError:
    return GitHubError(404, "Not Found")


def validation_failed(message: str, resource: str = "", field: str = "") -> GitHubError:
    """GitHub's 422 with one ``custom`` error carrying the human message."""
    error = {"resource": resource, "code": "custom", "field": field, "message": message}
    return GitHubError(422, "Validation Failed", [error])


def invalid_field(resource: str, field: str) -> GitHubError:
    """GitHub's 422 for a field whose value names nothing (e.g. a missing head branch)."""
    return GitHubError(
        422, "Validation Failed", [{"resource": resource, "field": field, "code": "invalid"}]
    )


def unprocessable(message: str) -> GitHubError:
    """A 422 whose top-level message is the explanation (e.g. a non-fast-forward ref update)."""
    return GitHubError(422, message)
