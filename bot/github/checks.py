"""The required check: a check run named `dockhand` (or a commit status) on the head commit.

Conclusion from the policy (pass -> success, warn -> neutral, fail -> failure), the verdict as
its title, the report as its summary (within GitHub's 65,535 characters), and the most severe
findings as annotations: one request carries at most 50, so the check holds the 50 that matter
most and says that the report has all of them (a second request could not be retried safely:
annotations are appended).
"""

from __future__ import annotations

from typing import Any

from github.GithubObject import NotSet
from github.Repository import Repository

from bot.github.client import Retrier
from bot.model import Finding, Review, Severity, Verdict
from bot.report.fit import CHECK_SUMMARY_LIMIT, fit_report, most_severe_first
from bot.text import shortened

CHECK_NAME = "dockhand"
ANNOTATIONS_PER_REQUEST = 50
STATUS_DESCRIPTION_LIMIT = 140
CONCLUSIONS = {Verdict.PASS: "success", Verdict.WARN: "neutral", Verdict.FAIL: "failure"}
STATUS_STATES = {Verdict.PASS: "success", Verdict.WARN: "success", Verdict.FAIL: "failure"}


def title(review: Review) -> str:
    text = f"{review.verdict.decision}: {review.reason}"
    return shortened(text, 200)


def check_annotations(review: Review) -> list[dict[str, Any]]:
    counted = [f for f in most_severe_first(review.findings) if f.counts_for_policy]
    return [_annotation(f, review.fail_on) for f in counted[:ANNOTATIONS_PER_REQUEST]]


def _annotation(finding: Finding, fail_on: Severity) -> dict[str, Any]:
    start = finding.line or 1
    level = "failure" if finding.severity >= fail_on else "warning" if finding.severity >= Severity.LOW else "notice"
    note: dict[str, Any] = {
        "path": finding.path,
        "start_line": start,
        "end_line": max(start, finding.end_line or start),
        "annotation_level": level,
        "message": finding.message,
        "title": f"{finding.rule} ({finding.severity.label})"[:255],
    }
    if finding.suggestion is not None:
        note["raw_details"] = f"Suggested replacement:\n{finding.suggestion.replacement}"[:60000]
    return note


def check_summary(review: Review, where_full: str) -> str:
    notes = check_annotations(review)
    counted = sum(1 for f in review.findings if f.counts_for_policy)
    extra = ""
    if counted > len(notes):
        extra = f"_{len(notes)} of {counted} findings are annotated on the code; the report above has all of them._"
    return fit_report(review, CHECK_SUMMARY_LIMIT, where_full, extra)


def publish_check_run(
    repo: Repository,
    head: str,
    review: Review,
    where_full: str,
    details_url: str | None,
    external_id: str | None,
    retrier: Retrier,
) -> str:
    """Create the completed check run; a retry first looks for the one an earlier attempt made."""
    output: dict[str, Any] = {
        "title": title(review),
        "summary": check_summary(review, where_full),
        "annotations": check_annotations(review),
    }
    attempts = 0

    def attempt() -> str:
        nonlocal attempts
        attempts += 1
        if attempts > 1 and external_id:
            for run in repo.get_commit(head).get_check_runs(check_name=CHECK_NAME):
                if run.external_id == external_id:
                    return str(run.html_url)
        run = repo.create_check_run(
            name=CHECK_NAME,
            head_sha=head,
            status="completed",
            conclusion=CONCLUSIONS[review.verdict],
            output=output,
            details_url=details_url or NotSet,
            external_id=external_id or NotSet,
        )
        return str(run.html_url)

    return retrier.call("create the check run", attempt)


def publish_status(repo: Repository, head: str, review: Review, target_url: str | None, retrier: Retrier) -> str:
    """A commit status: latest wins per context, so a retry can simply post again."""
    description = shortened(title(review), STATUS_DESCRIPTION_LIMIT)
    commit = repo.get_commit(head)
    retrier.call(
        "set the commit status",
        lambda: commit.create_status(
            state=STATUS_STATES[review.verdict],
            description=description,
            context=CHECK_NAME,
            target_url=target_url or NotSet,
        ),
    )
    return f"commit status {CHECK_NAME!r}: {STATUS_STATES[review.verdict]}"
