"""DH407: a dependency taken from a directory outside the repository."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

from bot.deps.model import Dependency, ParsedFile, Source
from bot.deps.rules.context import DepContext
from bot.model import Severity
from bot.repopaths import outside_repository
from bot.rule import Hit, rule

_PATH_PREFIXES = ("link:", "file:")


@rule("DH407", "dependency-outside-repository", Severity.MEDIUM, "A dependency comes from outside the repository")
def dependency_outside_repository(parsed: ParsedFile, context: DepContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports dependencies taken from a local directory that is not in the repository: a path
    that climbs above the repository's root (`../lib` from the root) or an absolute one
    (`file:///home/me/lib`, `~/src/lib`) — in requirements files, pyproject.toml and its
    `[tool.uv.sources]` or Poetry paths, Pipfile, package.json (`file:`, `link:`), Cargo.toml
    (`path =`) and go.mod (`replace ... => ../dir`). Paths inside the repository (workspaces,
    vendored modules) are fine.

    ## Why it matters
    The directory exists on the author's machine only. CI checks out the repository alone,
    and `docker build` sends only its context, so the install or the build fails there — or,
    on a runner where something else sits at that path, builds code nobody reviewed. It is a
    classic leftover of debugging a library locally (`go mod edit -replace`, `npm link`).

    ## Example
    ```text
    replace github.com/gin-gonic/gin => ../gin-fork
    ```

    ## Fix
    Publish the change and depend on the released version, or on a pinned git commit; or
    move the library into the repository (a workspace member, a vendored module) and point at
    it with a path inside the repository.
    """
    if parsed.is_lock or not parsed.ok:
        return
    directory = posixpath.dirname(parsed.path)
    for dependency in parsed.dependencies:
        path = _local_path(dependency) if dependency.source is Source.PATH else ""
        where = outside_repository(directory, path) if path else None
        if where is not None:
            yield Hit(dependency.line, _message(dependency, where))


def _local_path(dependency: Dependency) -> str:
    """The directory a path dependency names, as written after its `file:` or `link:` prefix."""
    where = dependency.location or dependency.spec
    for prefix in _PATH_PREFIXES:
        if where.startswith(prefix):
            where = where.removeprefix(prefix)
            break
    return where.removeprefix("//") if where.startswith("///") else where


def _message(dependency: Dependency, where: str) -> str:
    named = dependency.location or dependency.spec
    taken = f"is replaced by {named}" if dependency.group == "replace" else f"comes from {named}"
    unseen = "CI and `docker build` (whose context ends at the repository) cannot see it"
    return f"{dependency.label} {taken}, {where}: {unseen}"
