"""DH401: a dependency goes down: a lower version, or a lower floor in its specifier."""

from __future__ import annotations

from collections.abc import Iterator

from bot.deps import versions
from bot.deps.diff import Change, ChangeKind
from bot.deps.model import ParsedFile
from bot.deps.rules.context import DepContext
from bot.model import Severity
from bot.rule import Hit, rule


@rule("DH401", "dependency-downgrade", Severity.MEDIUM, "A dependency is downgraded")
def dependency_downgrade(parsed: ParsedFile, context: DepContext) -> Iterator[Hit]:
    """
    ## What it does
    Compares each dependency's version (lock files, exact pins) or specifier floor (manifests)
    between the base and the head, per the ecosystem's version rules (PEP 440, npm and Cargo
    semver, Go module versions), and reports the ones that go down. A lowered floor counts:
    `cryptography>=46.0.3` becoming `cryptography>=45.0.0` allows the older release again.
    A lock file's downgrade is not reported again when its manifest already reports it.

    ## Why it matters
    Downgrades bring back fixed bugs and known vulnerabilities, and they hide easily in a long
    dependency diff or in a sentence of a PR description ("adjusted for compatibility").
    A reviewer should see each one and its reason.

    ## Example
    ```text
    -cryptography>=46.0.3
    +cryptography>=45.0.0
    ```

    ## Fix
    Keep the newer version when the downgrade is not needed. When it is (a conflict, a
    regression), say why next to the line and add an upper bound that documents it, e.g.
    `cryptography>=45.0.0,<46  # 46 breaks the SPIFFE client, see #123`; then switch this rule
    off for that line with `# dockhand ignore=DH401 <reason>`.
    """
    reported = _downgraded_in_manifest(parsed, context)
    for change in context.changes:
        if change.kind is ChangeKind.DOWNGRADED and change.line is not None and change.key not in reported:
            yield Hit(change.line, _message(change))


def _message(change: Change) -> str:
    if change.specifier and _has_no_floor(change):
        return (
            f"{change.name}: {change.base} becomes {change.head}: with no lower bound, older releases may be installed"
        )
    major = _major_note(change)
    if change.specifier:
        return f"{change.name}: the lower bound goes down from {change.base} to {change.head}{major}"
    return f"{change.name} is downgraded from {change.base} to {change.head}{major}"


def _major_note(change: Change) -> str:
    """A compatibility-breaking jump: a major version, or for 0.x versions a minor one."""
    if not change.major:
        return ""
    breaking_part = versions.major_of(change.ecosystem, change.head)
    if breaking_part is not None and len(breaking_part) == 2:
        return " (another 0.x minor version: incompatible by semver)"
    return " (a major version)"


def _has_no_floor(change: Change) -> bool:
    """The head's specifier lets any old release in (`*`, `<4`): "a major version" says nothing then."""
    found = versions.bounds(change.ecosystem, change.head or "*")
    return found is not None and found.floor is None


def _downgraded_in_manifest(parsed: ParsedFile, context: DepContext) -> set[str]:
    if not parsed.is_lock:
        return set()
    manifest = context.side.manifest_for(parsed)
    if manifest is None:
        return set()
    return {c.key for c in context.all_changes.get(manifest.path, ()) if c.kind is ChangeKind.DOWNGRADED}
