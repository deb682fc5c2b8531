"""Certain fixes in a .dockerignore, each checked by matching again after the edit."""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.lint.dockerignore.subject import ContextReview
from bot.model import Suggestion
from bot.parsing.dockerignore import DockerIgnore, parse_dockerignore
from bot.suggestions import apply_suggestion


def unexclude(review: ContextReview, path: str) -> Suggestion | None:
    """Let `path` into the context: drop the line that names exactly it, or add `!path` after it."""
    ignore = review.ignore
    if ignore is None:
        return None
    deciding = ignore.deciding_pattern(path)
    lines = ignore.lines
    candidates: list[Suggestion] = []
    exception = "!" + re.sub(r"([*?\[\\])", r"\\\1", path)
    if deciding is not None:
        original = lines[deciding.line - 1]
        if not deciding.exception and not deciding.has_wildcards and deciding.pattern == path:
            candidates.append(Suggestion(deciding.line, deciding.line, "", original))
        candidates.append(Suggestion(deciding.line, deciding.line, f"{original}\n{exception}", original))
    if lines:
        candidates.append(Suggestion(len(lines), len(lines), f"{lines[-1]}\n{exception}", lines[-1]))
    return _first_that(ignore, candidates, lambda fixed: not fixed.is_excluded(path))


def append_patterns(review: ContextReview, patterns: list[str], samples: list[str]) -> Suggestion | None:
    """Add `patterns` at the end, when that leaves every one of `samples` out of the context."""
    ignore = review.ignore
    if ignore is None or not ignore.lines or not patterns:
        return None
    last = ignore.lines[-1]
    suggestion = Suggestion(len(ignore.lines), len(ignore.lines), "\n".join([last, *patterns]), last)
    return _first_that(ignore, [suggestion], lambda fixed: all(fixed.is_excluded(sample) for sample in samples))


def _first_that(
    ignore: DockerIgnore, candidates: list[Suggestion], holds: Callable[[DockerIgnore], bool]
) -> Suggestion | None:
    text = "\n".join(ignore.lines) + "\n"
    for candidate in candidates:
        fixed = parse_dockerignore(apply_suggestion(text, candidate))
        if len(fixed.errors) <= len(ignore.errors) and holds(fixed):
            return candidate
    return None
