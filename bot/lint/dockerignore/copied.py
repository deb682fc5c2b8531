"""DH303 a file the Dockerfile copies is ignored, DH304 a lock file is left out of the context."""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator

from bot.lint.buildcontexts import CopySource
from bot.lint.context import LintContext
from bot.lint.dockerignore.edits import unexclude
from bot.lint.dockerignore.subject import IGNORE, ContextReview
from bot.model import Severity
from bot.parsing.dockerignore import IgnorePattern
from bot.rule import Hit, rule

LOCK_FILES = frozenset(
    {
        "Cargo.lock", "uv.lock", "poetry.lock", "Pipfile.lock", "pdm.lock", "package-lock.json",
        "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb", "go.sum",
        "composer.lock", "Gemfile.lock", "mix.lock", "pubspec.lock", "packages.lock.json", "gradle.lockfile",
    }
)  # fmt: skip


@rule("DH303", "dockerignore-excludes-copied", Severity.HIGH, "The .dockerignore excludes a file the Dockerfile copies")
def excludes_copied(review: ContextReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Matches every source a Dockerfile names explicitly (`COPY Cargo.lock ./`,
    `ADD config/ /etc/app/`, `RUN --mount=type=bind,source=uv.lock`) against the context's
    `.dockerignore` with Docker's own rules (last match wins, `!` exceptions) and reports the
    ones it leaves out, at the pattern that excludes them.

    ## Why it matters
    The file is not in the context, so the build fails: "failed to compute cache key:
    "/Cargo.lock": not found". It often happens after a broad pattern is added (`*.lock`,
    `config*`) or when a Dockerfile starts copying a file an old `.dockerignore` listed.

    ## Example
    ```
    # .dockerignore
    target/
    Cargo.lock
    ```
    ```dockerfile
    COPY Cargo.toml Cargo.lock ./
    ```

    ## Fix
    Remove the pattern, or add an exception after it (`!Cargo.lock`); the suggestion does
    whichever keeps the rest of the file's meaning.
    """
    ignore = review.ignore
    if ignore is None:
        return
    for source in review.sources:
        if source.wildcard or source.path in (".", ".."):
            continue
        pattern = _excluding_pattern(review, source)
        if pattern is None:
            continue
        line = review.line(pattern=pattern, instruction=source.instruction)
        message = (
            f"this pattern leaves `{source.path}` out of the context, but `{review.build.dockerfile}` copies it "
            f"(line {source.line}, `{source.instruction.keyword} {source.text}`): the build fails"
        )
        if review.target != IGNORE:
            message = (
                f"`{source.path}` is left out of the context by `{pattern.text}` "
                f"(line {pattern.line} of `{review.build.ignore_file}`): the build fails"
            )
        suggestion = unexclude(review, source.path) if review.target == IGNORE else None
        yield Hit(line, message, suggestion=suggestion)


@rule("DH304", "dockerignore-excludes-lockfile", Severity.MEDIUM, "A lock file is left out of the build context")
def excludes_lockfile(review: ContextReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a dependency lock file (`Cargo.lock`, `uv.lock`, `poetry.lock`,
    `package-lock.json`, `yarn.lock`, `pnpm-lock.yaml`, `go.sum` ...) that the repository has in
    the build context and that the Dockerfile would copy (with `COPY . .`, a directory, or a
    wildcard such as `package*.json`), but that the `.dockerignore` excludes.

    ## Why it matters
    The build still succeeds, which is why it goes unnoticed: without the lock file the
    package manager resolves versions afresh at build time. Images stop being reproducible,
    CI and production run different dependency versions, and a compromised new release gets
    in without any change to the repository.

    ## Example
    ```
    # .dockerignore
    target/
    Cargo.lock
    ```
    ```dockerfile
    COPY . .
    RUN cargo build --release
    ```

    ## Fix
    Remove the lock file's pattern from `.dockerignore` (the suggestion does), and install
    with the locked versions (`cargo build --locked`, `npm ci`, `uv sync --locked`).
    """
    ignore = review.ignore
    if ignore is None:
        return
    explicit = {s.path for s in review.sources if not s.wildcard}
    for path in review.files:
        if posixpath.basename(path) not in LOCK_FILES or path in explicit:
            continue
        copier = next((s for s in review.sources if _copies(s, path)), None)
        pattern = ignore.deciding_pattern(path)
        if copier is None or pattern is None:
            continue
        line = review.line(pattern=pattern, instruction=copier.instruction)
        message = (
            f"`{path}` is left out of the build context by `{pattern.text}`, so "
            f"`{copier.instruction.keyword} {copier.text}` (line {copier.line} of `{review.build.dockerfile}`) "
            "builds without it: dependencies are resolved afresh"
        )
        suggestion = unexclude(review, path) if review.target == IGNORE else None
        yield Hit(line, message, suggestion=suggestion)


def _excluding_pattern(review: ContextReview, source: CopySource) -> IgnorePattern | None:
    """The pattern that removes the source from the context, if it is entirely removed."""
    ignore = review.ignore
    assert ignore is not None
    deciding = ignore.deciding_pattern(source.path)
    if deciding is None:
        return None
    below = [path for path in review.files if path.startswith(source.path + "/")]
    if below and not all(ignore.is_excluded(path) for path in below):
        return None
    if not below and any(p.exception and p.pattern.startswith(source.path + "/") for p in ignore.patterns):
        return None
    return deciding


def _copies(source: CopySource, path: str) -> bool:
    if source.path == ".":
        return True
    if source.wildcard:
        return path.count("/") == source.path.count("/") and fnmatch.fnmatchcase(path, source.path)
    return path.startswith(source.path + "/")
