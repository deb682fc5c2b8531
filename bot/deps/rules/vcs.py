"""DH406: a git or URL dependency without a pinned commit or hash."""

from __future__ import annotations

from collections.abc import Iterator

from bot.deps.model import ParsedFile, Source
from bot.deps.rules.context import DepContext
from bot.model import Severity
from bot.rule import Hit, rule


@rule("DH406", "unpinned-vcs-dependency", Severity.MEDIUM, "A git or URL dependency names no commit or hash")
def unpinned_vcs_dependency(parsed: ParsedFile, context: DepContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports dependencies fetched from git that follow a branch, a tag or the default branch
    instead of a full commit SHA, and dependencies downloaded from a URL without a hash
    (`#sha256=`, pip's `--hash`) — in requirements files, and in manifests (pyproject.toml,
    Pipfile, package.json, Cargo.toml) that have no lock file to record the commit.

    ## Why it matters
    A branch moves and a tag can be re-pointed: the same commit of your repository builds
    different code tomorrow, and whoever controls that repository controls your build. A URL
    without a hash installs whatever the server returns.

    ## Example
    ```text
    git+https://github.com/org/lib.git@main#egg=lib
    https://example.com/dist/tool-1.0.tar.gz
    ```

    ## Fix
    Name the full commit (`git+https://github.com/org/lib.git@4f2a…c9e1#egg=lib`,
    `rev = "<sha>"`, `"github:org/lib#<sha>"`) and add a hash to URL downloads
    (`https://…/tool-1.0.tar.gz#sha256=<digest>`), or commit a lock file that records them.
    """
    if parsed.is_lock or not parsed.ok:
        return
    if parsed.format != "requirements" and context.side.lock_for(parsed) is not None:
        return
    for dependency in parsed.dependencies:
        if dependency.pinned:
            continue
        if dependency.source is Source.GIT:
            yield Hit(
                dependency.line, f"{dependency.label} comes from git without a full commit SHA: {dependency.location}"
            )
        elif dependency.source is Source.URL:
            yield Hit(
                dependency.line, f"{dependency.label} is downloaded from a URL without a hash: {dependency.location}"
            )
