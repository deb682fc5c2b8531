"""DH403 and DH404: a manifest and its lock file disagree."""

from __future__ import annotations

from collections.abc import Iterator

from bot.deps.model import ParsedFile
from bot.deps.projects import LOCKS_FOR
from bot.deps.python.uv_sync import stale_requirements
from bot.deps.rules.context import LOCK_COMMANDS, DepContext
from bot.deps.sync import Mismatch, mismatches
from bot.model import Severity
from bot.rule import Hit, rule

_RECORDING_LOCKS = frozenset({"pyproject", "pipfile", "package.json"})
"""Manifests whose lock files record what the manifest asked for, so any change makes them stale."""


@rule("DH403", "lock-not-updated", Severity.HIGH, "The manifest's dependencies changed but its lock file did not")
def lock_not_updated(parsed: ParsedFile, context: DepContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a pyproject.toml, Pipfile or package.json whose dependencies changed in the pull
    request while the lock file that belongs to it (uv.lock, poetry.lock, Pipfile.lock,
    package-lock.json, yarn.lock, pnpm-lock.yaml — beside it, or a workspace lock above it)
    did not change. These lock files record what the manifest asked for, so they are stale
    after any change to it. (Cargo.lock and go.sum only need to change when they no longer
    satisfy the manifest: DH404 checks that.)

    ## Why it matters
    `uv sync --locked`, `poetry install`, `pipenv install --deploy` and `npm ci` refuse a stale
    lock, so CI or the image build fails; `uv sync --frozen` and a plain `COPY` of the lock
    install the old versions silently — the change the PR describes never ships.

    ## Example
    ```toml
    # pyproject.toml changed; uv.lock did not
    dependencies = ["requests>=2.32.4"]
    ```

    ## Fix
    Run the package manager's lock command (`uv lock`, `poetry lock`, `pipenv lock`,
    `npm install`, `yarn install`, `pnpm install`) and commit the lock file with the manifest.
    """
    lock = context.side.lock_for(parsed)
    if lock is None or not _left_behind(parsed, lock, context):
        return
    names = sorted({c.name for c in context.changes})
    shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
    line = next((c.line for c in context.changes if c.line is not None), None) or _first_line(parsed)
    yield Hit(line, f"dependencies changed ({shown}) but {lock.path} did not: run `{LOCK_COMMANDS[lock.format]}`")


@rule("DH404", "lock-out-of-sync", Severity.HIGH, "The lock file does not satisfy its manifest")
def lock_out_of_sync(parsed: ParsedFile, context: DepContext) -> Iterator[Hit]:
    """
    ## What it does
    Checks each direct dependency of a changed manifest against the lock file that belongs to
    it, and each entry of a changed lock file against its manifest: the lock must hold the
    package, at a version the manifest's specifier accepts (PEP 440 for Python, npm ranges —
    for yarn.lock and pnpm-lock.yaml the exact requested range — Cargo requirements for
    Cargo.lock), and go.sum must hold a checksum for every module version go.mod requires.
    A dependency the manifest now takes from git must not be locked from the registry still.
    A uv.lock must also have been locked against what pyproject.toml asks for now: the
    requirements it records for the project (`[package.metadata]` `requires-dist` and
    `requires-dev`) are compared with the dependencies, optional dependencies and dependency
    groups by name, source (the index, git, a URL, a path: `[tool.uv.sources]`),
    specifier set, marker and extras, so a changed bound the locked version
    still satisfies is reported too (once per package; when the lock did not change at all,
    DH403 reports it). The finding is on the manifest's line when the manifest changed (a
    removed dependency on its list's line), else on the lock's.

    ## Why it matters
    The lock installs something the manifest forbids: `pyproject.toml` asks for
    `requests>=2.32.4` — the security fix — while uv.lock still installs 2.32.3. Locked installs
    (`uv sync --locked`, `npm ci`, `cargo build --locked`, `go build` with a missing go.sum
    entry) fail; unlocked ones ship the old version. `uv sync --locked` also fails when uv.lock
    was locked against other requirements (`requests>=2.31` while pyproject.toml now asks
    `>=2.32.4`), even when every locked version satisfies them.

    ## Example
    ```toml
    # pyproject.toml
    dependencies = ["requests>=2.32.4"]
    # uv.lock
    [[package]]
    name = "requests"
    version = "2.32.3"
    [package.metadata]  # of the project's own package
    requires-dist = [{ name = "requests", specifier = ">=2.31" }]
    ```

    ## Fix
    Regenerate the lock file from the manifest (`uv lock`, `poetry lock`, `npm install`,
    `yarn install`, `pnpm install`, `cargo update -p <crate>`, `go mod tidy`) and commit both.
    """
    if not parsed.ok:
        return
    if parsed.is_lock:
        manifest = context.side.manifest_for(parsed)
        if manifest is None or not manifest.ok or context.side.changed(manifest.path) is not None:
            return
        for mismatch in _mismatches(manifest, parsed, recorded=True):
            yield Hit(mismatch.lock_line or 1, _message(mismatch))
        return
    if parsed.format not in LOCKS_FOR:
        return
    lock = context.side.lock_for(parsed)
    recorded = lock is not None and not _left_behind(parsed, lock, context)
    for mismatch in _mismatches(parsed, lock, recorded):
        yield Hit(mismatch.dependency.line, _message(mismatch))


def _left_behind(manifest: ParsedFile, lock: ParsedFile, context: DepContext) -> bool:
    """The manifest's dependencies changed and its recording lock did not: DH403's finding."""
    return manifest.format in _RECORDING_LOCKS and bool(context.changes) and context.side.changed(lock.path) is None


def _mismatches(manifest: ParsedFile, lock: ParsedFile | None, recorded: bool) -> list[Mismatch]:
    """The lock's versions against the manifest, then (once per package) what uv.lock was locked against."""
    found = mismatches(manifest, lock)
    if lock is None or not recorded:
        return found
    reported = {m.dependency.name for m in found}
    return found + [m for m in stale_requirements(manifest, lock) if m.dependency.name not in reported]


def _message(mismatch: Mismatch) -> str:
    return f"{mismatch.message}: run `{LOCK_COMMANDS.get(mismatch.lock_format, 'the lock command')}`"


def _first_line(parsed: ParsedFile) -> int:
    return min((d.line for d in parsed.dependencies if d.line is not None), default=1)
