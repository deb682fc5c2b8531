"""What GitHub Actions tells a step through its environment: the event, the repository, files."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SERVER_URL = "https://github.com"
MAX_EVENT_BYTES = 25 * 1024 * 1024


class ActionError(Exception):
    """A problem with how the action was set up: one line for the log, exit code 2."""


@dataclass(frozen=True)
class GitHubEnv:
    event_name: str
    repository: str
    """owner/name of the repository the workflow runs in."""
    api_url: str = DEFAULT_API_URL
    server_url: str = DEFAULT_SERVER_URL
    workspace: Path = field(default_factory=Path)
    event: dict[str, Any] = field(default_factory=dict)
    sha: str | None = None
    run_id: str | None = None
    run_attempt: str | None = None
    step_summary: Path | None = None
    output: Path | None = None

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> GitHubEnv:
        repository = environ.get("GITHUB_REPOSITORY", "")
        if repository.count("/") != 1:
            raise ActionError("GITHUB_REPOSITORY is not set to owner/name: run dockhand action inside GitHub Actions")
        return cls(
            event_name=environ.get("GITHUB_EVENT_NAME", ""),
            repository=repository,
            api_url=(environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
            server_url=(environ.get("GITHUB_SERVER_URL") or DEFAULT_SERVER_URL).rstrip("/"),
            workspace=Path(environ.get("GITHUB_WORKSPACE") or "."),
            event=read_event(environ.get("GITHUB_EVENT_PATH")),
            sha=environ.get("GITHUB_SHA") or None,
            run_id=environ.get("GITHUB_RUN_ID") or None,
            run_attempt=environ.get("GITHUB_RUN_ATTEMPT") or None,
            step_summary=_path(environ.get("GITHUB_STEP_SUMMARY")),
            output=_path(environ.get("GITHUB_OUTPUT")),
        )

    @property
    def run_url(self) -> str | None:
        if not self.run_id:
            return None
        return f"{self.server_url}/{self.repository}/actions/runs/{self.run_id}"

    @property
    def run_key(self) -> str | None:
        """Identifies this run (and attempt) as a check run's `external_id`."""
        return f"{self.run_id}-{self.run_attempt or 1}" if self.run_id else None


def read_event(path: str | None) -> dict[str, Any]:
    if not path:
        return {}
    try:
        with Path(path).open("rb") as handle:
            data = handle.read(MAX_EVENT_BYTES + 1)
    except OSError as error:
        raise ActionError(f"cannot read the event payload {path}: {error.strerror}") from None
    if len(data) > MAX_EVENT_BYTES:
        raise ActionError(f"the event payload {path} is larger than {MAX_EVENT_BYTES:,} bytes")
    try:
        event = json.loads(data)
    except ValueError as error:
        raise ActionError(f"the event payload {path} is not JSON: {error}") from None
    if not isinstance(event, dict):
        raise ActionError(f"the event payload {path} is not a JSON object")
    return event


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None
