"""Applying suggestions to text, and merging the ones that edit the same lines into one.

GitHub shows one ```suggestion block per comment and cannot apply two that overlap, so when
several findings want to edit the same lines, the first gets one suggestion that makes all
of those edits (computed by applying them one after another and re-checking), and the others
point to it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from dataclasses import replace

from bot.model import Finding, Suggestion
from bot.text import split_lines

Recheck = Callable[[str, frozenset[str]], list[Finding]]
"""Lint text again with only the given rules and return their findings (with their suggestions)."""


def apply_suggestion(text: str, suggestion: Suggestion) -> str:
    lines = split_lines(text)
    replacement = suggestion.replacement.split("\n") if suggestion.replacement else []  # "": the lines go, as on GitHub
    new_lines = [*lines[: suggestion.start - 1], *replacement, *lines[suggestion.end :]]
    return "\n".join(new_lines) + ("\n" if text.endswith("\n") or not text else "")


def narrowed(suggestion: Suggestion) -> Suggestion:
    """The same edit on only the lines it changes: the lines at either end that the replacement
    keeps as they are are left out (one stays, for a suggestion that only adds lines). A
    fix to the first line of an 80-line RUN becomes a one-line suggestion, which also fits in a
    diff hunk that does not hold the whole RUN. One whose `original` is not the lines it spans
    (not given) stays as it is."""
    old = suggestion.original.split("\n")
    if not suggestion.original or len(old) != suggestion.end - suggestion.start + 1:
        return suggestion
    new = suggestion.replacement.split("\n") if suggestion.replacement else []
    kept_before = 0
    while kept_before < min(len(old), len(new)) and old[kept_before] == new[kept_before]:
        kept_before += 1
    kept_after = 0
    while kept_after < min(len(old), len(new)) - kept_before and old[-1 - kept_after] == new[-1 - kept_after]:
        kept_after += 1
    while not _holds(old[kept_before : len(old) - kept_after], new[kept_before : len(new) - kept_after]):
        if kept_after:
            kept_after -= 1
        elif kept_before:
            kept_before -= 1
        else:
            return suggestion
    changed_old = old[kept_before : len(old) - kept_after]
    changed_new = new[kept_before : len(new) - kept_after]
    return Suggestion(
        suggestion.start + kept_before,
        suggestion.end - kept_after,
        "\n".join(changed_new),
        "\n".join(changed_old),
    )


def _holds(old: list[str], new: list[str]) -> bool:
    """Whether replacing lines `old` by `new` can be a suggestion: it spans a line at least, and
    its replacement is not one blank line (an empty replacement deletes the lines)."""
    return bool(old) and new != [""]


def merge_overlapping(findings: list[Finding], text: str, recheck: Recheck) -> list[Finding]:
    groups = [g for g in _overlapping_groups([f for f in findings if f.suggestion is not None]) if len(g) > 1]
    replaced: dict[int, Finding] = {}
    for group, combined in zip(groups, _combined(groups, text, recheck), strict=True):
        first, *rest = group
        replaced[id(first)] = replace(first, suggestion=combined)
        for other in rest:
            by = (
                f"the suggestion on {first.rule}"
                if first.rule != other.rule
                else f"the suggestion on line {first.line}"
            )
            replaced[id(other)] = replace(other, suggestion=None, message=f"{other.message} (fixed by {by})")
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


def _combined(groups: list[list[Finding]], text: str, recheck: Recheck) -> list[Suggestion]:
    """One suggestion per group that makes all of its edits.

    Step k applies the k-th finding's edit of every group at once (groups never share a line),
    as the text edited so far re-checked says it: a file with hundreds of groups is linted
    again as many times as the largest group has findings, not twice per group."""
    windows = [[min(_start(f) for f in group), max(_end(f) for f in group)] for group in groups]
    original = [(start, end) for start, end in windows]
    rules = frozenset(f.rule for group in groups for f in group)
    current = text
    for step in range(max((len(group) for group in groups), default=0)):
        found = _by_rule(recheck(current, rules))
        edits: dict[int, Suggestion] = {}
        for index, group in enumerate(groups):
            if step < len(group):
                match = _first_within(found.get(group[step].rule, []), *windows[index])
                if match is not None:
                    edits[index] = match
        current = _apply_all(current, edits, windows)
    lines = split_lines(current)
    old_lines = split_lines(text)
    merged = []
    for group, (start, end), (new_start, new_end) in zip(groups, original, windows, strict=True):
        first = group[0].suggestion
        assert first is not None
        shown = "\n".join(old_lines[start - 1 : end])
        if first.start == start and first.end == end and first.original != shown:
            shown = first.original  # keep a masked original (secrets) as the rule gave it
        merged.append(Suggestion(start, end, "\n".join(lines[new_start - 1 : new_end]), shown))
    return merged


def _by_rule(findings: list[Finding]) -> dict[str, list[Suggestion]]:
    """Each rule's suggestions, by start line."""
    found: dict[str, list[Suggestion]] = {}
    for finding in findings:
        if finding.suggestion is not None:
            found.setdefault(finding.rule, []).append(finding.suggestion)
    for suggestions in found.values():
        suggestions.sort(key=lambda s: s.start)
    return found


def _first_within(suggestions: list[Suggestion], start: int, end: int) -> Suggestion | None:
    index = bisect.bisect_left(suggestions, start, key=lambda s: s.start)
    for suggestion in suggestions[index:]:
        if suggestion.start > end:
            return None
        if suggestion.end <= end:
            return suggestion
    return None


def _apply_all(text: str, edits: dict[int, Suggestion], windows: list[list[int]]) -> str:
    """Apply one edit per group in one pass (groups are in file order and never share a line), and
    move every window by the lines the edits above it, and its own, added or removed."""
    lines = split_lines(text)
    out: list[str] = []
    position, shift = 0, 0
    for index, window in enumerate(windows):
        window[0] += shift
        window[1] += shift
        suggestion = edits.get(index)
        if suggestion is None:
            continue
        replacement = suggestion.replacement.split("\n")
        out.extend(lines[position : suggestion.start - 1])
        out.extend(replacement)
        position = suggestion.end
        delta = len(replacement) - (suggestion.end - suggestion.start + 1)
        window[1] += delta
        shift += delta
    out.extend(lines[position:])
    return "\n".join(out) + ("\n" if text.endswith("\n") or not text else "")


def _start(finding: Finding) -> int:
    assert finding.suggestion is not None
    return finding.suggestion.start


def _end(finding: Finding) -> int:
    assert finding.suggestion is not None
    return finding.suggestion.end
