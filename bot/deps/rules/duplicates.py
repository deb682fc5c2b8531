"""DH405: the same package is listed twice in one file."""

from __future__ import annotations

from collections.abc import Iterator

from bot.deps.model import Dependency, ParsedFile
from bot.deps.rules.context import DepContext
from bot.model import Severity, Suggestion
from bot.rule import Hit, rule
from bot.text import split_lines

_CONFLICTING_SECTIONS = ("", "dev")
"""package.json: npm uses the `dependencies` entry and ignores a `devDependencies` one."""


@rule("DH405", "duplicate-dependency", Severity.MEDIUM, "A package is listed twice in one file")
def duplicate_dependency(parsed: ParsedFile, context: DepContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a package listed twice in the same list of one manifest (under the same
    environment marker), a key a package.json gives twice (JSON keeps only the last one), a
    package in both `dependencies` and `devDependencies` of a package.json with different
    ranges, and a module required twice in go.mod. When the second entry is an exact copy of
    the first on a line of its own, the suggestion deletes it.

    ## Why it matters
    Only one of the entries takes effect, and which one depends on the tool: pip rejects
    conflicting double requirements, JSON parsers keep the last key, npm prefers
    `dependencies`. The entry a reviewer reads may not be the one that is installed, and a
    later bump of one copy leaves the other behind.

    ## Example
    ```text
    requests==2.32.3
    flask==3.0.3
    requests==2.31.0
    ```

    ## Fix
    Keep one entry per package (per marker); for different needs per platform, use
    environment markers that do not overlap.
    """
    if parsed.is_lock or not parsed.ok:
        return
    lines = _lines(parsed, context)
    seen: dict[tuple[str, str, str], Dependency] = {}
    for dependency in parsed.dependencies:
        key = (dependency.name, dependency.group, dependency.marker)
        first = seen.get(key)
        if first is None:
            seen[key] = dependency
        elif dependency.group not in ("replace", "exclude", "directive") and not _extras_only(first, dependency, lines):
            yield _hit(first, dependency, lines)
    for name, line in parsed.duplicates:
        yield Hit(line, f"{name} is given twice in one object: JSON keeps only the last entry")
    if parsed.format == "package.json":
        yield from _dependencies_and_dev(parsed)


def _extras_only(first: Dependency, again: Dependency, lines: list[str]) -> bool:
    """`pkg[a]==1.0` and `pkg[b]==1.0` on two lines ask for one version with more extras: pip merges them."""
    if first.spec != again.spec or first.line is None or again.line is None or again.line > len(lines):
        return False
    return lines[first.line - 1].strip() != lines[again.line - 1].strip() and "[" in lines[again.line - 1]


def _hit(first: Dependency, again: Dependency, lines: list[str]) -> Hit:
    where = f"line {first.line}" if first.line else "above"
    if first.spec == again.spec:
        return Hit(
            again.line, f"{again.label} is listed again (also on {where})", suggestion=_delete(again, first, lines)
        )
    return Hit(
        again.line,
        f"{again.label} is listed twice with different versions: {first.spec or '*'} ({where}) and {again.spec or '*'}",
    )


def _delete(again: Dependency, first: Dependency, lines: list[str]) -> Suggestion | None:
    """Delete the repeated line: replace it and the line before it by the line before it."""
    if again.line is None or first.line is None or again.line < 2 or again.line > len(lines):
        return None
    if lines[again.line - 1].strip() != lines[first.line - 1].strip():
        return None
    if lines[again.line - 1].rstrip().endswith("\\"):
        return None  # a requirement continued on the next line: not a line of its own
    previous = lines[again.line - 2]
    return Suggestion(again.line - 1, again.line, previous, original="\n".join(lines[again.line - 2 : again.line]))


def _dependencies_and_dev(parsed: ParsedFile) -> Iterator[Hit]:
    runtime = {d.name: d for d in parsed.dependencies if d.group == _CONFLICTING_SECTIONS[0]}
    for dependency in parsed.dependencies:
        other = runtime.get(dependency.name)
        if dependency.group == _CONFLICTING_SECTIONS[1] and other is not None and other.spec != dependency.spec:
            yield Hit(
                dependency.line,
                f"{dependency.name} is in dependencies ({other.spec}) and devDependencies ({dependency.spec}): "
                "npm installs the dependencies one",
            )


def _lines(parsed: ParsedFile, context: DepContext) -> list[str]:
    text = context.side.text(parsed.path)
    return split_lines(text) if text is not None else []
