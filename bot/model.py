"""The review's data: findings, sections and the verdict. Plain dataclasses, nothing else.

Analyzers produce `Section`s, the pipeline gathers them into a `Review`, and renderers and
publishers read the `Review` and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import Any


class Severity(IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """`"high"` -> `Severity.HIGH`; raises ValueError naming the accepted values."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            accepted = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (one of: {accepted})") from None


class Verdict(StrEnum):
    PASS = "pass"
    WARN = "warn"
    FAIL = "fail"

    @property
    def decision(self) -> str:
        """The verdict in the words of the teams' own reports."""
        return {"pass": "GO", "warn": "GO with warnings", "fail": "NO-GO"}[self.value]


@dataclass(frozen=True)
class Suggestion:
    """Replace head lines `start`..`end` (1-based, inclusive) by `replacement`.

    `original` is the text being replaced, as the report may show it: rules that handle
    credentials mask the value there, so nothing secret is ever rendered.
    """

    start: int
    end: int
    replacement: str
    original: str = ""


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: Severity
    path: str
    line: int | None
    end_line: int | None
    message: str
    suggestion: Suggestion | None = None
    docs: str | None = None
    in_diff: bool = False
    new: bool = True
    """False when the same finding already exists on the base side (pre-existing)."""
    fingerprint: str = ""
    """Stable across runs and line moves: rule, path and the normalised text of the line."""
    column: int | None = None
    """1-based column on `line`, when the tool that found it knows (ShellCheck does)."""
    redundant_with: tuple[str, ...] = ()
    """Rules whose new finding in the same file says the same; the pipeline drops this one then."""

    @property
    def counts_for_policy(self) -> bool:
        """Only what the pull request touched or introduced can fail it."""
        return self.in_diff or self.new

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line or 0, -int(self.severity), self.rule, self.message)


@dataclass(frozen=True)
class Table:
    """A table of plain cells; renderers escape every cell."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    path: str | None = None
    """When set, the table belongs to that file's part of the report."""
    collapsed: bool = False
    note: str = ""
    links: tuple[tuple[str, ...], ...] = ()
    """Per row, per cell, an https URL the cell's text links to ("" for none)."""

    def link(self, row: int, column: int) -> str:
        if row < len(self.links) and column < len(self.links[row]):
            return self.links[row][column]
        return ""


@dataclass(frozen=True)
class Section:
    """What one analyzer found. `data` is machine-readable and goes to JSON as it is."""

    key: str
    title: str
    findings: tuple[Finding, ...] = ()
    tables: tuple[Table, ...] = ()
    notes: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Suppressed:
    """A finding switched off by an ignore comment in the file, and the reason given there."""

    finding: Finding
    reason: str


@dataclass(frozen=True)
class ReviewedFile:
    path: str
    kind: str
    status: str
    old_path: str | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    base: str
    head: str
    files: tuple[ReviewedFile, ...]
    sections: tuple[Section, ...]
    findings: tuple[Finding, ...]
    verdict: Verdict
    reason: str
    fail_on: Severity
    notes: tuple[str, ...] = ()
    suppressed: tuple[Suppressed, ...] = ()

    def interruptions(self) -> list[str]:
        """Work that started and could not finish (`data.interrupted` of a section: the Docker
        engine died mid-build, Trivy was killed, the disk filled up): the review is incomplete."""
        return [f"{s.title}: {s.data['interrupted']}" for s in self.sections if s.data.get("interrupted")]

    def counts_by_severity(self) -> dict[Severity, int]:
        counts = {severity: 0 for severity in Severity}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts
