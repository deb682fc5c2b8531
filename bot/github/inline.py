"""ONE review per run whose inline comments sit on the diff, each finding commented on once.

Every inline comment starts with a hidden fingerprint (rule + path + normalised line text). A
finding whose fingerprint already has a live comment is not posted again; a live comment whose
finding is gone is edited to say it was resolved. A comment GitHub refuses (422: the line is
not part of the diff as GitHub sees it) is moved to the report comment, never dropped.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from github import GithubException
from github.PullRequest import PullRequest, ReviewComment
from github.PullRequestComment import PullRequestComment
from github.Repository import Repository

from bot.github.bodies import inline_body, inline_marker, resolved_body, review_body
from bot.github.client import PermissionDenied, Retrier
from bot.github.hunks import DiffMap
from bot.github.identity import Identity
from bot.model import Finding
from bot.report.fit import most_severe_first

INLINE_LIMIT = 30
"""Inline comments per run (and so per review request)."""


@dataclass(frozen=True)
class InlineComment:
    finding: Finding
    start: int
    end: int
    body: str

    def payload(self) -> ReviewComment:
        comment = ReviewComment(path=self.finding.path, body=self.body, line=self.end, side="RIGHT")
        if self.start < self.end:
            comment["start_line"] = self.start
            comment["start_side"] = "RIGHT"
        return comment


@dataclass(frozen=True)
class Unplaced:
    """A finding the PR is answerable for that has no inline comment, and why."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class InlinePlan:
    comments: tuple[InlineComment, ...] = ()
    unplaced: tuple[Unplaced, ...] = ()


@dataclass
class InlineOutcome:
    posted: list[InlineComment] = field(default_factory=list)
    already_there: int = 0
    resolved: int = 0
    moved: list[Unplaced] = field(default_factory=list)


@dataclass(frozen=True)
class ExistingComment:
    fingerprint: str
    resolved: bool
    comment: PullRequestComment


def plan_inline(findings: Iterable[Finding], diffmap: DiffMap, limit: int = INLINE_LIMIT) -> InlinePlan:
    """Which findings get an inline comment, anchored where: the most severe `limit` that fit."""
    comments: list[InlineComment] = []
    unplaced: list[Unplaced] = []
    for finding in most_severe_first([f for f in findings if f.counts_for_policy]):
        comment = anchor(finding, diffmap)
        if comment is None:
            unplaced.append(Unplaced(finding, "not on a line of this diff"))
        elif len(comments) >= limit:
            unplaced.append(Unplaced(finding, f"over the {limit} inline comments of one review"))
        else:
            comments.append(comment)
    return InlinePlan(tuple(comments), tuple(unplaced))


def anchor(finding: Finding, diffmap: DiffMap) -> InlineComment | None:
    """A suggestion replaces exactly the lines its comment spans, so it anchors the comment."""
    if finding.line is None:
        return None
    suggestion = finding.suggestion
    if suggestion is not None and diffmap.fits(finding.path, suggestion.start, suggestion.end):
        return InlineComment(finding, suggestion.start, suggestion.end, inline_body(finding, True))
    end = finding.end_line or finding.line
    if end > finding.line and diffmap.fits(finding.path, finding.line, end):
        return InlineComment(finding, finding.line, end, inline_body(finding, False))
    if diffmap.fits(finding.path, finding.line, finding.line):
        return InlineComment(finding, finding.line, finding.line, inline_body(finding, False))
    return None


def publish_inline(
    repo: Repository,
    pull: PullRequest,
    head: str,
    findings: Sequence[Finding],
    plan: InlinePlan,
    identity: Identity,
    retrier: Retrier,
    github_diffmap: Callable[[], DiffMap],
) -> InlineOutcome:
    existing = list_existing(pull, identity, retrier)
    to_post = missing(plan.comments, existing)
    outcome = InlineOutcome(already_there=len(plan.comments) - len(to_post))
    if to_post:
        poster = _ReviewPoster(repo, pull, head, identity, retrier, existing)
        outcome.posted, outcome.moved = poster.post(to_post, github_diffmap)
    outcome.resolved = resolve_gone(existing, findings, head, retrier)
    return outcome


def list_existing(pull: PullRequest, identity: Identity, retrier: Retrier) -> list[ExistingComment]:
    """dockhand's own inline comments (it never replies, so a reply is never one of them).

    Only fields every listed comment has are read: a missing one would make PyGithub fetch
    each comment again.
    """

    def read() -> list[ExistingComment]:
        found: list[ExistingComment] = []
        for comment in pull.get_review_comments():
            marker = inline_marker(comment.body)
            if marker is not None and identity.wrote(comment.user):
                found.append(ExistingComment(marker.fingerprint, marker.resolved, comment))
        return found

    return retrier.call("read the inline comments", read)


def missing(planned: Sequence[InlineComment], existing: Sequence[ExistingComment]) -> list[InlineComment]:
    """The planned comments that no live comment carries yet (as many times as planned)."""
    live = Counter(e.fingerprint for e in existing if not e.resolved)
    result = []
    for comment in planned:
        if live[comment.finding.fingerprint] > 0:
            live[comment.finding.fingerprint] -= 1
        else:
            result.append(comment)
    return result


def resolve_gone(existing: Sequence[ExistingComment], findings: Sequence[Finding], head: str, retrier: Retrier) -> int:
    """Mark live comments whose finding is gone (or that repeat one) as resolved."""
    alive = Counter(f.fingerprint for f in findings)
    resolved = 0
    for item in sorted(existing, key=lambda e: e.comment.id):
        if item.resolved:
            continue
        if alive[item.fingerprint] > 0:
            alive[item.fingerprint] -= 1
            continue
        resolved += _edit(item.comment, resolved_body(item.comment.body, item.fingerprint, head), retrier)
    return resolved


def _edit(comment: PullRequestComment, body: str, retrier: Retrier) -> bool:
    """False when the comment is not ours to edit (another bot's that carries our marker)."""
    try:
        retrier.call("mark a resolved inline comment", lambda: comment.edit(body))
    except PermissionDenied:
        return False
    return True


@dataclass
class _ReviewPoster:
    repo: Repository
    pull: PullRequest
    head: str
    identity: Identity
    retrier: Retrier
    first_listing: list[ExistingComment]

    def post(
        self, comments: list[InlineComment], github_diffmap: Callable[[], DiffMap]
    ) -> tuple[list[InlineComment], list[Unplaced]]:
        try:
            self.create(comments)
            return comments, []
        except GithubException as error:
            if error.status != 422:
                raise
        placeable = self.retrier.call("read the pull request's files", github_diffmap)
        fits = [c for c in comments if placeable.fits(c.finding.path, c.start, c.end)]
        moved = [Unplaced(c.finding, "GitHub did not accept a comment on this line") for c in comments if c not in fits]
        if not fits:
            return [], moved
        try:
            self.create(fits)
        except GithubException as error:
            if error.status != 422:
                raise
            return [], moved + [Unplaced(c.finding, "GitHub did not accept a comment on this line") for c in fits]
        return fits, moved

    def create(self, comments: list[InlineComment]) -> None:
        """One review; a retry first looks whether the earlier attempt got through after all."""
        attempts = 0

        def attempt() -> None:
            nonlocal attempts
            attempts += 1
            listing = self.first_listing if attempts == 1 else list_existing(self.pull, self.identity, self.retrier)
            still_missing = missing(comments, listing)
            if not still_missing:
                return
            self.pull.create_review(
                commit=self.repo.get_commit(self.head),
                body=review_body(len(still_missing), 0, self.head),
                event="COMMENT",
                comments=[c.payload() for c in still_missing],
            )

        self.retrier.call("post the inline review", attempt)
