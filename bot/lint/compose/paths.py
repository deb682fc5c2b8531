"""DH218: a path in a Compose file that leaves the repository."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from typing import Any

from bot.lint.compose.subject import ComposeReview
from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.compose import ComposeFile, is_remote, scalar_text
from bot.parsing.envfile import listed_files
from bot.parsing.interpolation import resolve
from bot.parsing.yamllines import item_line, line_or, value_line
from bot.repopaths import outside_repository
from bot.rule import Hit, rule

PathUse = tuple[str, str, int, Severity, str]
"""(what it is, the path as written, its line, how much it matters, the directory it is relative to)."""


@rule("DH218", "compose-path-outside-repository", Severity.MEDIUM, "A Compose path points outside the repository")
def path_outside_repository(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a build context, Dockerfile, `env_file`, `extends: file:`, `include:` or secret or
    config `file:` that resolves outside the repository: above its root (`../..`) or absolute
    (`/srv/app/.env`). Bind-mounted host paths are not checked: mounting the host is what
    they are for.

    ## Why it matters
    A fresh clone (a CI runner, a colleague) does not have the file, so the project builds or
    starts only on the machine it was written on; a build context above the repository sends
    whatever happens to be there (other checkouts, credentials) to the builder. dockhand reads
    files from the repository's git objects only: it neither reads nor builds such a path, and
    this finding says so.

    ## Example
    ```yaml
    services:
      api:
        build: ../..
        env_file: /etc/api/prod.env
    ```

    ## Fix
    Keep what the project needs inside the repository (`build: .`, `env_file: ./api.env` with
    the secret values supplied by the environment), or pass a deployment-specific file with
    `docker compose --env-file` where it is deployed.
    """
    compose = review.file
    for what, text, line, severity, base_dir in path_uses(compose):
        where = _outside(base_dir, text)
        if where is not None:
            message = f"{what} `{text}` is {where}: dockhand does not read it, and a clone lacks it"
            yield Hit(line, message, severity=severity)


def path_uses(compose: ComposeFile) -> Iterator[PathUse]:
    """Every path the file names for Compose to read (not bind mounts)."""
    here = compose.base_dir
    for service in compose.services:
        build = service.get("build")
        if isinstance(build, dict):
            yield from _scalar(build, "context", f"service `{service.name}`: `build.context`", Severity.MEDIUM, here)
            context = posixpath.join(here, resolve(scalar_text(build.get("context")) or ".") or ".")
            what = f"service `{service.name}`: `build.dockerfile`"
            yield from _scalar(build, "dockerfile", what, Severity.MEDIUM, context)  # relative to the context
        elif (text := scalar_text(build)) is not None:
            yield f"service `{service.name}`: `build`", text, service.value_line("build"), Severity.MEDIUM, here
        yield from _files(service.node, "env_file", f"service `{service.name}`: `env_file`", here)
        extends = service.get("extends")
        if isinstance(extends, dict):
            yield from _scalar(extends, "file", f"service `{service.name}`: `extends.file`", Severity.LOW, here)
    data = compose.data if isinstance(compose.data, dict) else {}
    include = data.get("include")
    for index, item in enumerate(include if isinstance(include, list) else []):
        line = line_or(1, item_line(include, index))
        if (text := scalar_text(item)) is not None:
            yield "`include`", text, line, Severity.LOW, here
        elif isinstance(item, dict):
            yield from _files(item, "path", "`include.path`", here)
            yield from _files(item, "env_file", "`include.env_file`", here)
    for section in ("secrets", "configs"):
        for name, item in compose.section(section).items():
            if isinstance(item, dict):
                yield from _scalar(item, "file", f"{section[:-1]} `{name}`: `file`", Severity.LOW, here)


def _scalar(mapping: dict[Any, Any], key: str, what: str, severity: Severity, base_dir: str) -> Iterator[PathUse]:
    text = scalar_text(mapping.get(key))
    if text is not None:
        yield what, text, line_or(1, value_line(mapping, key)), severity, base_dir


def _files(mapping: Any, key: str, what: str, base_dir: str) -> Iterator[PathUse]:
    for path, line in listed_files(mapping, key):
        yield what, path, line, Severity.LOW, base_dir


def _outside(base_dir: str, text: str) -> str | None:
    """ "outside the repository" / "an absolute path", or None for a repository path (or one that
    depends on variables, or a remote build context)."""
    resolved = resolve(text)
    if resolved is None or is_remote(resolved):
        return None
    return outside_repository(base_dir, resolved)
