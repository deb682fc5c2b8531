"""Applying suggestions to text, and merging the ones that edit the same lines into one.

GitHub shows one ```suggestion block per comment and cannot apply two that overlap, so when
several findings want to edit the same lines, the first gets one suggestion that makes all
of those edits (computed by applying them one after another and re-checking), and the others
point to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.model import Finding, Suggestion
from bot.text import split_lines

Recheck = Callable[[str], list[Finding]]
"""Lint text again and return its findings (with their suggestions)."""


def apply_suggestion(text: str, suggestion: Suggestion) -> str:
    lines = split_lines(text)
    replacement = suggestion.replacement.split("\n")
    new_lines = [*lines[: suggestion.start - 1], *replacement, *lines[suggestion.end :]]
    return "\n".join(new_lines) + ("\n" if text.endswith("\n") or not text else "")


def merge_overlapping(findings: list[Finding], text: str, recheck: Recheck) -> list[Finding]:
    groups = _overlapping_groups([f for f in findings if f.suggestion is not None])
    replaced: dict[int, Finding] = {}
    for group in groups:
        if len(group) < 2:
            continue
        combined = _combined(group, text, recheck)
        if combined is None:
            continue
        first, *rest = group
        replaced[id(first)] = replace(first, suggestion=combined)
        for other in rest:
            replaced[id(other)] = replace(
                other, suggestion=None, message=f"{other.message} (fixed by the suggestion on {first.rule})"
            )
    return [replaced.get(id(f), f) for f in findings]


def _overlapping_groups(findings: list[Finding]) -> list[list[Finding]]:
    ordered = sorted(findings, key=lambda f: (f.suggestion.start, f.suggestion.end, f.rule))  # type: ignore[union-attr]
    groups: list[list[Finding]] = []
    group_end = -1
    for finding in ordered:
        suggestion = finding.suggestion
        assert suggestion is not None
        if groups and suggestion.start <= group_end:
            groups[-1].append(finding)
            group_end = max(group_end, suggestion.end)
        else:
            groups.append([finding])
            group_end = suggestion.end
    return groups


def _combined(group: list[Finding], text: str, recheck: Recheck) -> Suggestion | None:
    start = min(f.suggestion.start for f in group)  # type: ignore[union-attr]
    end = max(f.suggestion.end for f in group)  # type: ignore[union-attr]
    original_count = len(split_lines(text))
    current = text
    for finding in group:
        current_end = end + len(split_lines(current)) - original_count
        match = next(
            (
                again.suggestion
                for again in recheck(current)
                if again.rule == finding.rule
                and again.suggestion is not None
                and start <= again.suggestion.start
                and again.suggestion.end <= current_end
            ),
            None,
        )
        if match is not None:
            current = apply_suggestion(current, match)
    new_end = end + len(split_lines(current)) - original_count
    lines = split_lines(current)
    first = group[0].suggestion
    assert first is not None
    original = "\n".join(split_lines(text)[start - 1 : end])
    if first.start == start and first.end == end and first.original != original:
        original = first.original  # keep a masked original (secrets) as the rule gave it
    return Suggestion(start, end, "\n".join(lines[start - 1 : new_end]), original)
