"""The markdown report within a size limit: whole when it fits, else the verdict and the most
severe findings, saying where the full report is.

Sizes are counted in UTF-8 bytes, which is never less than the characters or UTF-16 units
GitHub might count, so a body that fits here fits there.
"""

from __future__ import annotations

from bot.model import Finding, Review
from bot.report.markdown import render_compact, render_markdown

COMMENT_LIMIT = 65536
"""GitHub's limit for an issue or review comment body."""
CHECK_SUMMARY_LIMIT = 65535
"""GitHub's limit for a check run's `output.summary`."""


def size(text: str) -> int:
    return len(text.encode("utf-8", "surrogatepass"))


def fit_report(review: Review, limit: int, where_full: str, extra: str = "") -> str:
    """`render_markdown(review)` plus `extra` (dockhand's own markdown) within `limit` bytes."""
    full = render_markdown(review)
    whole = f"{full.rstrip()}\n\n{extra.strip()}\n" if extra.strip() else full
    if size(whole) <= limit:
        return whole
    ordered = most_severe_first(review.findings)
    low, high = 0, len(ordered)
    best = _compact(review, ordered, 0, where_full)
    while low <= high:
        middle = (low + high) // 2
        candidate = _compact(review, ordered, middle, where_full)
        if size(candidate) <= limit:
            best, low = candidate, middle + 1
        else:
            high = middle - 1
    if size(best) > limit:
        return truncate(best, limit, "\n\n…(shortened)\n")
    return best


def most_severe_first(findings: tuple[Finding, ...] | list[Finding]) -> list[Finding]:
    """What the PR is answerable for first, then by severity, then by place."""
    return sorted(findings, key=lambda f: (not f.counts_for_policy, -int(f.severity), f.path, f.line or 0, f.rule))


def truncate(text: str, limit: int, note: str) -> str:
    """Cut `text` at a line end so that it and `note` fit in `limit` bytes."""
    if size(text) <= limit:
        return text
    room = max(0, limit - size(note))
    cut = text.encode("utf-8", "surrogatepass")[:room].decode("utf-8", "ignore")
    if "\n" in cut:
        cut = cut[: cut.rindex("\n") + 1]
    return cut + note


def _compact(review: Review, ordered: list[Finding], count: int, where_full: str) -> str:
    total = len(ordered)
    note = (
        f"**This report is shortened to fit GitHub's size limit**: {count} of {total} finding"
        f"{'s' if total != 1 else ''} shown, those this change is answerable for and the most severe first. "
        f"{where_full}"
    )
    return render_compact(review, ordered[:count], note)
