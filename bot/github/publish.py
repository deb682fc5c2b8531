"""A Review onto a pull request: the inline review, then the report comment, then the check.

Each step is independent: a step GitHub refuses or that runs out of retries is recorded and
the next one still runs. A token that may not write (a fork's pull request) stops the writes
without failing anything; the caller falls back to the job summary and log annotations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from github import Github, GithubException
from github.Repository import Repository

from bot.github.bodies import not_inline_block
from bot.github.checks import publish_check_run, publish_status
from bot.github.client import GitHubUnavailable, PermissionDenied, Retrier, describe
from bot.github.hunks import DiffMap, diffmap_from_files
from bot.github.identity import resolve_identity
from bot.github.inline import InlineOutcome, InlinePlan, Unplaced, plan_inline, publish_inline
from bot.github.inputs import CheckMode, CommentMode
from bot.github.sticky import upsert_sticky
from bot.model import Review
from bot.report.fit import COMMENT_LIMIT, fit_report


@dataclass(frozen=True)
class PublishRequest:
    repository: str
    number: int
    head: str
    review: Review
    comment: CommentMode = CommentMode.STICKY
    suggestions: bool = True
    check: CheckMode = CheckMode.CHECK_RUN
    diffmap: DiffMap | None = None
    """Where inline comments may go; None: read it from the PR files API."""
    where_full: str = ""
    """Markdown saying where the full report is, for when a comment must be shortened."""
    run_url: str | None = None
    run_key: str | None = None


@dataclass
class PublishOutcome:
    comment_url: str | None = None
    inline: InlineOutcome = field(default_factory=InlineOutcome)
    check: str | None = None
    check_annotated: bool = False
    read_only: str | None = None
    """Why the token could not write, when it could not."""
    failures: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What was published, for the log and the job summary."""
        lines = []
        if self.comment_url:
            lines.append(f"report comment: {self.comment_url}")
        inline = self.inline
        if inline.posted or inline.already_there or inline.resolved or inline.moved:
            lines.append(
                f"inline comments: {len(inline.posted)} posted, {inline.already_there} already there, "
                f"{inline.resolved} marked resolved, {len(inline.moved)} moved to the report comment"
            )
        if self.check:
            lines.append(self.check)
        if self.read_only:
            lines.append(f"not published: {self.read_only}")
        lines.extend(f"failed: {failure}" for failure in self.failures)
        return lines


def publish(client: Github, token: str, request: PublishRequest, retrier: Retrier) -> PublishOutcome:
    outcome = PublishOutcome()
    repo = client.get_repo(request.repository)
    pull = repo.get_pull(request.number)
    try:
        identity = resolve_identity(client, token, retrier)
    except (GitHubUnavailable, GithubException) as error:
        outcome.failures.append(f"cannot tell which comments are dockhand's, so nothing was edited: {error}")
        return outcome
    review = request.review
    plan = InlinePlan()

    def from_github() -> DiffMap:
        return diffmap_from_files({"filename": f.filename, "patch": f.patch} for f in pull.get_files())

    posted = False

    def inline() -> None:
        nonlocal plan, posted
        diffmap = request.diffmap if request.diffmap is not None else retrier.call("read the files", from_github)
        plan = plan_inline(review.findings, diffmap)
        outcome.inline = publish_inline(repo, pull, request.head, review.findings, plan, identity, retrier, from_github)
        posted = True

    def comment() -> None:
        failed = [] if posted else [Unplaced(c.finding, "the inline review could not be posted") for c in plan.comments]
        moved = [(u.finding, u.reason) for u in (*plan.unplaced, *outcome.inline.moved, *failed)]
        inline_count = len(plan.comments) - len(outcome.inline.moved) - len(failed)
        extra = not_inline_block(moved, inline_count) if request.suggestions else ""
        body = fit_report(review, COMMENT_LIMIT, request.where_full, extra)
        outcome.comment_url = upsert_sticky(
            repo.get_issue(request.number), body, identity, retrier, create_if_missing=bool(review.files)
        ).url

    if request.suggestions:
        _step(outcome, "inline review", inline)
    if request.comment is CommentMode.STICKY:
        _step(outcome, "report comment", comment)
    if request.check is not CheckMode.OFF:
        _step(outcome, "check", lambda: _publish_check(repo, request, outcome, retrier))
    return outcome


def _publish_check(repo: Repository, request: PublishRequest, outcome: PublishOutcome, retrier: Retrier) -> None:
    """A check run; a personal access token cannot create one, so it gets a commit status."""
    if request.check is CheckMode.CHECK_RUN:
        try:
            url = publish_check_run(
                repo, request.head, request.review, request.where_full, request.run_url, request.run_key, retrier
            )
        except PermissionDenied as error:
            if "github app" not in str(error).lower():
                raise
        else:
            outcome.check, outcome.check_annotated = f"check run 'dockhand': {url}", True
            return
    outcome.check = publish_status(repo, request.head, request.review, request.run_url, retrier)


def _step(outcome: PublishOutcome, name: str, action: Callable[[], None]) -> None:
    if outcome.read_only:
        return
    try:
        action()
    except PermissionDenied as error:
        outcome.read_only = f"the token may not write to this pull request ({name}: {error})"
    except GitHubUnavailable as error:
        outcome.failures.append(f"{name}: {error}")
    except GithubException as error:
        outcome.failures.append(f"{name}: GitHub refused it: {describe(error)}")
