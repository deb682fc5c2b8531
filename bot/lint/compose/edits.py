"""Certain fixes in a Compose file: one-line edits, kept only when the edited file says so."""

from __future__ import annotations

from collections.abc import Callable

from bot.lint.compose.subject import ComposeReview
from bot.model import Suggestion
from bot.parsing.compose import ComposeFile, parse_compose
from bot.suggestions import apply_suggestion


def replace_once(review: ComposeReview, line: int, old: str, new: str) -> Suggestion | None:
    """Replace the only occurrence of `old` on `line` by `new`; None if it is not there exactly once."""
    lines = review.file.lines
    if not 0 < line <= len(lines) or lines[line - 1].count(old) != 1:
        return None
    original = lines[line - 1]
    return Suggestion(line, line, original.replace(old, new), original)


def verified(
    review: ComposeReview, suggestion: Suggestion | None, holds: Callable[[ComposeFile], bool]
) -> Suggestion | None:
    """The suggestion, if the file still parses once it is applied and `holds` of the result."""
    if suggestion is None:
        return None
    text = apply_suggestion("\n".join(review.file.lines) + "\n", suggestion)
    fixed = parse_compose(review.file.path, text)
    return suggestion if not fixed.problems and holds(fixed) else None
