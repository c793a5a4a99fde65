"""Acting in a sandboxed GitHub as people: issues, comments, pushes, reviews, merges, CI.

Every action goes through the same operations the REST routes use, so a person's comment,
push or merge sends exactly the webhooks GitHub would send for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.sandbox import ops_checks, ops_git, ops_issues, ops_pulls
from bot.sandbox.admin import Admin
from bot.sandbox.errors import validation_failed
from bot.sandbox.ops_checks import RunResult
from bot.sandbox.state import (
    ANNOTATION_LEVELS,
    Account,
    Annotation,
    App,
    Issue,
    Repo,
)
from bot.sandbox.webhooks import Delivery

CI_APP_SLUG = "github-actions"

AnnotationSpec = tuple[str, int, str, str]
"""(path, line, level, message); level is notice, warning or failure."""
RunSpec = tuple[str, str] | tuple[str, str, str] | tuple[str, str, str, Iterable[AnnotationSpec]]
"""(name, conclusion[, summary[, annotations]])."""


class Sandbox(Admin):
    """One sandboxed GitHub: set it up (see ``Admin``) and act in it as people."""

    # Acting as a person ---------------------------------------------------------------

    def _who(self, full_name: str, login: str) -> tuple[Repo, Account]:
        return self.state.repo_by_full_name(full_name), self.state.account(login)

    def open_issue(
        self, full_name: str, login: str, title: str, body: str = "", labels: Iterable[str] = ()
    ) -> int:
        repo, person = self._who(full_name, login)
        return ops_issues.create_issue(self, repo, person, title, body, list(labels)).number

    def edit_issue(
        self,
        full_name: str,
        number: int,
        login: str,
        *,
        title: str | None = None,
        body: str | None = None,
        state: str | None = None,
        state_reason: str | None = None,
    ) -> None:
        repo, person = self._who(full_name, login)
        ops_issues.edit_issue(
            self,
            repo,
            repo.issue(number),
            person,
            title=title,
            body=body,
            state=state,
            state_reason=state_reason,
        )

    def comment(self, full_name: str, number: int, login: str, body: str) -> int:
        repo, person = self._who(full_name, login)
        return ops_issues.create_comment(self, repo, repo.issue(number), person, body).id

    def edit_comment(self, full_name: str, comment_id: int, login: str, body: str) -> None:
        repo, person = self._who(full_name, login)
        ops_issues.edit_comment(self, repo, comment_id, body, person)

    def add_label(self, full_name: str, number: int, login: str, *labels: str) -> None:
        repo, person = self._who(full_name, login)
        ops_issues.add_labels(self, repo, repo.issue(number), list(labels), person)

    def push(
        self,
        full_name: str,
        branch: str,
        files: Mapping[str, str | bytes],
        *,
        deletes: Iterable[str] = (),
        message: str = "Update files",
        author: str,
        onto: str | None = None,
    ) -> str:
        """Commit and push to ``branch``, creating it from the default branch if needed.

        The commit goes on top of the branch, or on top of ``onto`` (a branch or commit id)
        as a force push that rewrites the branch, like a person rebasing a pull request.
        """
        repo, person = self._who(full_name, author)
        with self.state.lock:
            tip = repo.branch_sha(branch)
            if onto is not None:
                parent: str | None = repo.resolve(onto)
            else:
                parent = tip or repo.branch_sha(repo.default_branch)
            signature = ops_git.signature_of(person)
            commit = ops_git.commit_files(repo, parent, files, tuple(deletes), message, signature)
            ref = f"heads/{branch}"
            if tip is None:
                ops_git.create_ref(self, repo, ref, commit.sha, person)
            else:
                ops_git.update_ref(self, repo, ref, commit.sha, person, force=onto is not None)
            return commit.sha

    def open_pr(
        self,
        full_name: str,
        login: str,
        head: str,
        title: str,
        body: str = "",
        base: str | None = None,
    ) -> int:
        repo, person = self._who(full_name, login)
        issue = ops_pulls.create_pull(
            self, repo, person, title=title, head=head, base=base or repo.default_branch, body=body
        )
        return issue.number

    def review(
        self,
        full_name: str,
        number: int,
        login: str,
        state: str,
        body: str = "",
        comments: Iterable[tuple[str, int, str]] = (),
    ) -> int:
        """Submit a review; ``state`` is APPROVED, CHANGES_REQUESTED or COMMENTED."""
        events = {value: key for key, value in ops_pulls.REVIEW_STATES.items()}
        repo, person = self._who(full_name, login)
        review = ops_pulls.create_review(
            self,
            repo,
            repo.issue(number),
            person,
            event=events.get(state, state),
            body=body,
            comments=[(path, line, text) for path, line, text in comments],
        )
        return review.id

    def review_comment(
        self,
        full_name: str,
        number: int,
        login: str,
        path: str,
        line: int,
        body: str,
        in_reply_to: int | None = None,
    ) -> int:
        repo, person = self._who(full_name, login)
        issue = repo.issue(number)
        if in_reply_to is not None:
            reply = ops_pulls.reply_to_review_comment(self, repo, issue, person, in_reply_to, body)
            return reply.id
        comment = ops_pulls.create_review_comment(
            self, repo, issue, person, path=path, line=line, body=body
        )
        return comment.id

    def merge(
        self, full_name: str, number: int, login: str, method: ops_pulls.MergeMethod = "merge"
    ) -> str:
        repo, person = self._who(full_name, login)
        return ops_pulls.merge_pull(self, repo, repo.issue(number), person, method=method)

    def close_pr(self, full_name: str, number: int, login: str) -> None:
        self.edit_issue(full_name, number, login, state="closed")

    def reopen(self, full_name: str, number: int, login: str) -> None:
        self.edit_issue(full_name, number, login, state="open")

    def complete_check_suite(
        self, full_name: str, sha: str, conclusion: str, runs: Iterable[RunSpec] = ()
    ) -> int:
        """CI finished on ``sha`` with the given runs; sends check_run and check_suite events."""
        repo = self.state.repo_by_full_name(full_name)
        results = [_run_result(*run) for run in runs]
        if conclusion not in ("success", "failure", "neutral", "cancelled", "timed_out"):
            raise validation_failed(f"{conclusion} is not a valid conclusion")
        suite = ops_checks.complete_check_suite(
            self, repo, self._ci_app(), sha, conclusion, results
        )
        return suite.id

    def _ci_app(self) -> App:
        with self.state.lock:
            for app in self.state.apps.values():
                if app.slug == CI_APP_SLUG:
                    return app
            credentials = self.create_app("GitHub Actions", None, events=())
            return self.state.apps[credentials.app_id]

    # Reading --------------------------------------------------------------------------

    def issue(self, full_name: str, number: int) -> Issue:
        return self.state.repo_by_full_name(full_name).issue(number)

    def branch_sha(self, full_name: str, branch: str) -> str | None:
        return self.state.repo_by_full_name(full_name).branch_sha(branch)

    def read_file(self, full_name: str, ref: str, path: str) -> bytes:
        """A file's bytes at a branch or commit."""
        repo = self.state.repo_by_full_name(full_name)
        sha = repo.branch_sha(ref) or ref
        entry = repo.objects.flatten(repo.objects.commit(sha).tree)[path]
        return repo.objects.blob(entry.sha)

    def deliveries(self, event: str | None = None) -> list[Delivery]:
        return [d for d in self.webhooks.deliveries() if event is None or d.event == event]

    def redeliver(self, delivery_id: str) -> Delivery:
        """Send a logged delivery again under the same id; ``KeyError`` if there is none."""
        delivery = next((d for d in self.webhooks.deliveries() if d.id == delivery_id), None)
        if delivery is None:
            raise KeyError(delivery_id)
        return self.webhooks.redeliver(delivery_id, self.state.apps[delivery.app_id].webhook_secret)


def _run_result(
    name: str, conclusion: str, summary: str = "", annotations: Iterable[AnnotationSpec] = ()
) -> RunResult:
    notes = [
        Annotation(path, line, line, level, message) for path, line, level, message in annotations
    ]
    if any(note.level not in ANNOTATION_LEVELS for note in notes):
        raise ValueError(f"annotation levels are {', '.join(ANNOTATION_LEVELS)}")
    return RunResult(name, conclusion, summary, notes)
