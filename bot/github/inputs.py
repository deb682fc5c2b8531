"""The action's inputs, read from `INPUT_<NAME>` exactly as GitHub passes them to a container
action: upper-cased, hyphens kept (`INPUT_GITHUB-TOKEN`, `INPUT_PR-NUMBER`).

Every input is validated here, all at once, so a typo in a workflow is one clear error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeVar

from bot.github.env import ActionError
from bot.image.plan import parse_only
from bot.image.settings import SizeBudget
from bot.model import Severity
from bot.sizes import parse_size_budget

INPUT_NAMES = (
    "github-token",
    "config",
    "fail-on",
    "build",
    "scan",
    "size-budget",
    "comment",
    "suggestions",
    "check",
    "pr-number",
    "base-ref",
    "head-ref",
    "working-directory",
    "trivy-cache-dir",
    "build-cache-dir",
    "mode",
    "only",
    "reviews",
    "matrix",
    "offline",
)
OUTPUT_NAMES = (
    "verdict",
    "findings",
    "critical",
    "high",
    "medium",
    "low",
    "info",
    "size-delta-bytes",
    "new-vulnerabilities",
    "report-path",
    "json-path",
    "sarif-path",
    "matrix",
    "count",
)


_E = TypeVar("_E", bound=StrEnum)


class Toggle(StrEnum):
    AUTO = "auto"
    TRUE = "true"
    FALSE = "false"


class CommentMode(StrEnum):
    STICKY = "sticky"
    OFF = "off"


class ActionMode(StrEnum):
    REVIEW = "review"
    PLAN = "plan"
    """Print the images to build as a matrix (outputs `matrix` and `count`)."""
    MERGE = "merge"
    """Merge the matrix jobs' review JSON files (`reviews`) into one report and publish it."""


class CheckMode(StrEnum):
    CHECK_RUN = "check-run"
    STATUS = "status"
    OFF = "off"


@dataclass(frozen=True)
class ActionInputs:
    github_token: str = field(default="", repr=False)
    config: Path | None = None
    fail_on: Severity | None = None
    build: Toggle = Toggle.AUTO
    scan: Toggle = Toggle.AUTO
    size_budget: SizeBudget | None = None
    comment: CommentMode = CommentMode.STICKY
    suggestions: bool = True
    check: CheckMode = CheckMode.CHECK_RUN
    pr_number: int | None = None
    base_ref: str | None = None
    head_ref: str | None = None
    working_directory: Path = field(default_factory=Path)
    trivy_cache_dir: Path | None = None
    build_cache_dir: Path | None = None
    mode: ActionMode = ActionMode.REVIEW
    only: frozenset[str] | None = None
    """A matrix job's images (`only: ${{ matrix.image }}`); None: not a matrix job."""
    reviews: tuple[str, ...] = ()
    """Glob patterns of the review JSON files to merge, relative to the workspace."""
    matrix: str = ""
    """The plan's matrix JSON, so that merge names the images whose job left no review."""
    offline: bool = False

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> ActionInputs:
        reader = _Reader(environ)
        inputs = cls(
            github_token=reader.raw("github-token") or environ.get("GITHUB_TOKEN", ""),
            config=reader.path("config"),
            fail_on=reader.severity("fail-on"),
            build=reader.choice("build", Toggle, Toggle.AUTO),
            scan=reader.choice("scan", Toggle, Toggle.AUTO),
            size_budget=reader.budget("size-budget"),
            comment=reader.choice("comment", CommentMode, CommentMode.STICKY),
            suggestions=reader.boolean("suggestions", True),
            check=reader.choice("check", CheckMode, CheckMode.CHECK_RUN),
            pr_number=reader.pr_number("pr-number"),
            base_ref=reader.raw("base-ref") or None,
            head_ref=reader.raw("head-ref") or None,
            working_directory=reader.path("working-directory") or Path(),
            trivy_cache_dir=reader.path("trivy-cache-dir"),
            build_cache_dir=reader.path("build-cache-dir"),
            mode=reader.choice("mode", ActionMode, ActionMode.REVIEW),
            only=parse_only([only]) if (only := reader.raw("only")) else None,
            reviews=tuple(reader.raw("reviews").split()),
            matrix=reader.raw("matrix"),
            offline=reader.boolean("offline", False),
        )
        if inputs.mode is ActionMode.MERGE and not inputs.reviews:
            reader.problems.append("mode: merge needs `reviews`, the review JSON files to merge (a glob)")
        if reader.problems:
            raise ActionError("invalid input: " + "; ".join(reader.problems))
        return inputs


@dataclass
class _Reader:
    environ: Mapping[str, str]
    problems: list[str] = field(default_factory=list)

    def raw(self, name: str) -> str:
        """GitHub's spelling first; the underscore form helps people who export inputs in a shell."""
        upper = name.upper()
        value = self.environ.get(f"INPUT_{upper}")
        if value is None:
            value = self.environ.get(f"INPUT_{upper.replace('-', '_')}", "")
        return value.strip()

    def choice(self, name: str, kind: type[_E], default: _E) -> _E:
        value = self.raw(name).lower()
        if not value:
            return default
        try:
            return kind(value)
        except ValueError:
            self.problems.append(f"{name} must be one of {', '.join(m.value for m in kind)}, not {value!r}")
            return default

    def boolean(self, name: str, default: bool) -> bool:
        value = self.raw(name).lower()
        if not value:
            return default
        if value in ("true", "false"):
            return value == "true"
        self.problems.append(f"{name} must be true or false, not {value!r}")
        return default

    def severity(self, name: str) -> Severity | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            return Severity.parse(value)
        except ValueError as error:
            self.problems.append(f"{name}: {error}")
            return None

    def budget(self, name: str) -> SizeBudget | None:
        value = self.raw(name)
        if not value:
            return None
        try:
            return parse_size_budget(value)
        except ValueError as error:
            self.problems.append(f"{name}: {error}")
            return None

    def pr_number(self, name: str) -> int | None:
        value = self.raw(name).lstrip("#")
        if not value:
            return None
        if not value.isdigit() or int(value) < 1:
            self.problems.append(f"{name} must be a pull request number, not {value!r}")
            return None
        return int(value)

    def path(self, name: str) -> Path | None:
        value = self.raw(name)
        return Path(value) if value else None
