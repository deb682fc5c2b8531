"""DH402: an application's requirement names no version, or no upper bound, and no lock pins it."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from bot.deps import versions
from bot.deps.model import Dependency, ParsedFile, Source
from bot.deps.rules.context import DepContext
from bot.model import Severity
from bot.rule import Hit, rule

_SIDE_LOCKS = ("uv.lock", "poetry.lock", "Pipfile.lock")
_ANY = frozenset({"", "*", "latest", "x", "X"})


@rule("DH402", "unpinned-dependency", Severity.MEDIUM, "An application requirement is unpinned or open-ended")
def unpinned_dependency(parsed: ParsedFile, context: DepContext) -> Iterator[Hit]:
    """
    ## What it does
    In an application's requirements — requirements files, a Pipfile, a private package.json,
    a pyproject.toml without a build system (or with `tool.uv.package = false`), a binary
    crate's Cargo.toml — reports each requirement that names no version at all (`torch`, `"*"`)
    or has a lower bound and no upper bound (`torch>=2.0`), when no lock file pins it: no lock
    beside the manifest, no `-c` constraints file, no compiled `requirements.txt` beside a
    `requirements.in`. The severity is set in the config file: `dependencies.unpinned`
    (default `medium`) and `dependencies.open-ended` (default `low`).

    ## Why it matters
    Each build installs whatever is newest that day. Two images built from the same commit
    differ; a new major release, a yanked release or a compromised one reaches production
    without any change in the repository. Libraries should use ranges; applications should pin.

    ## Example
    ```text
    torch
    fastapi>=0.110
    ```

    ## Fix
    Pin exact versions (`torch==2.3.1`), or keep the ranges and commit a lock file made from
    them (`uv pip compile requirements.in -o requirements.txt`, `uv lock`, `npm install`,
    `cargo generate-lockfile`).
    """
    if not _is_application(parsed, context):
        return
    covered = _covered_names(parsed, context)
    if covered is None:
        return
    for dependency in parsed.dependencies:
        if dependency.name in covered or dependency.source is not Source.REGISTRY or dependency.group == "peer":
            continue
        kind = looseness(parsed.ecosystem, dependency)
        if kind == "unpinned":
            yield Hit(
                dependency.line,
                f"{dependency.label} names no version: any release may be installed",
                severity=context.config.unpinned_severity,
            )
        elif kind == "open-ended":
            yield Hit(
                dependency.line,
                f"{dependency.label}{_spaced(dependency.spec)} has no upper bound and no lock file pins it",
                severity=context.config.open_ended_severity,
            )


def _spaced(spec: str) -> str:
    return f" {spec}" if spec[:1].isalnum() or spec[:1] in "^~*" else spec


def _is_application(parsed: ParsedFile, context: DepContext) -> bool:
    if parsed.is_lock or not parsed.ok:
        return False
    if parsed.format == "requirements":
        return not posixpath.basename(parsed.path).lower().startswith("constraint")
    if parsed.format == "cargo.toml" and parsed.application is None and parsed.project:
        directory = posixpath.dirname(parsed.path)
        main = posixpath.join(directory, "src/main.rs") if directory else "src/main.rs"
        return context.side.text(main) is not None
    return parsed.application is True and parsed.format in ("pipfile", "package.json", "pyproject", "cargo.toml")


def _covered_names(parsed: ParsedFile, context: DepContext) -> set[str] | None:
    """Names a lock or constraints file pins for this manifest; None when a lock covers all of it."""
    if parsed.format != "requirements":
        return None if context.side.lock_for(parsed) is not None else set()
    covered: set[str] = set()
    directory = posixpath.dirname(parsed.path)
    candidates = [include.path for include in parsed.includes if include.constraint]
    candidates += [posixpath.join(directory, name) if directory else name for name in _SIDE_LOCKS]
    if parsed.path.endswith(".in"):
        candidates.append(parsed.path[:-3] + ".txt")
    for path in candidates:
        other = context.side.parsed(path)
        if other is not None and other.ok:
            covered |= {d.name for d in other.dependencies if d.version or other.is_lock}
    return covered


def looseness(ecosystem: str, dependency: Dependency) -> str:
    """ "unpinned" (no version), "open-ended" (a floor, no ceiling), or "" (exact or bounded)."""
    spec = dependency.spec.strip()
    if spec in _ANY:
        return "unpinned"
    found = versions.bounds(ecosystem, spec)
    if found is None or found.exact or found.upper_bounded:
        return ""
    return "unpinned" if found.floor is None else "open-ended"
