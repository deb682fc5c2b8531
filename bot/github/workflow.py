"""What a step hands back to its workflow: the log (with annotations), the job summary, outputs.

Workflow commands are escaped as the runner expects (`%`, CR, LF in data; also `:` and `,` in
properties), so nothing from a pull request can start a command of its own.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bot.model import Finding, Review, Severity
from bot.report.fit import most_severe_first, size, truncate

STEP_SUMMARY_LIMIT = 1024 * 1024
"""GitHub shows at most 1 MiB of job summary per step."""
COMMAND_ANNOTATIONS_PER_LEVEL = 10
"""GitHub keeps 10 error and 10 warning annotations per step from workflow commands."""


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: Any) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


@dataclass
class ActionLog:
    stream: TextIO

    def info(self, message: str) -> None:
        self._write(f"dockhand: {message}")

    def warning(self, message: str, **properties: Any) -> None:
        self._write(command("warning", message, **properties))

    def error(self, message: str, **properties: Any) -> None:
        self._write(command("error", message, **properties))

    def notice(self, message: str, **properties: Any) -> None:
        self._write(command("notice", message, **properties))

    def group(self, title: str, lines: Iterable[str]) -> None:
        self._write(f"::group::{escape_data(title)}")
        for line in lines:
            self._write(line.replace("\n", " ") if not line.startswith("::") else " " + line)
        self._write("::endgroup::")

    def _write(self, line: str) -> None:
        self.stream.write(line + "\n")
        self.stream.flush()


def annotate_findings(review: Review, log: ActionLog) -> int:
    """The findings this change is answerable for as log annotations (for when no check run can
    carry them): errors at or above the threshold, warnings below it, 10 of each at most."""
    counted = [f for f in most_severe_first(review.findings) if f.counts_for_policy]
    errors = [f for f in counted if f.severity >= review.fail_on][:COMMAND_ANNOTATIONS_PER_LEVEL]
    warnings = [f for f in counted if f.severity < review.fail_on][:COMMAND_ANNOTATIONS_PER_LEVEL]
    for finding in errors:
        log.error(finding.message, **_where(finding))
    for finding in warnings:
        log.warning(finding.message, **_where(finding))
    shown = len(errors) + len(warnings)
    if len(counted) > shown:
        log.notice(f"{len(counted) - shown} more finding(s) are in the job summary and the report file")
    return shown


def _where(finding: Finding) -> dict[str, Any]:
    line = finding.line or 1
    return {
        "file": finding.path,
        "line": line,
        "endLine": max(line, finding.end_line or line),
        "title": f"dockhand {finding.rule} ({finding.severity.label})",
    }


def append_step_summary(path: Path, markdown: str, where_full: str) -> None:
    """Append to the job summary, cut at a line end with a note if it would pass 1 MiB."""
    used = path.stat().st_size if path.exists() else 0
    room = STEP_SUMMARY_LIMIT - used
    note = f"\n\n**The report was cut here to fit the job summary's 1 MiB limit.** {where_full}\n"
    text = markdown if size(markdown) <= room else truncate(markdown, room, note)
    if size(text) > room:
        return
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def write_outputs(path: Path, outputs: Mapping[str, str]) -> None:
    """`name<<DELIMITER` blocks, safe for any value (GitHub's multiline form)."""
    with path.open("a", encoding="utf-8") as handle:
        for name, value in outputs.items():
            delimiter = f"dockhand_{uuid.uuid4().hex}"
            handle.write(f"{name}<<{delimiter}\n{value}\n{delimiter}\n")


def review_outputs(review: Review, paths: Mapping[str, str]) -> dict[str, str]:
    counts = review.counts_by_severity()
    outputs = {
        "verdict": review.verdict.value,
        "findings": str(len(review.findings)),
        **{severity.label: str(counts[severity]) for severity in sorted(Severity, reverse=True)},
        "size-delta-bytes": str(_section_number(review, "image", "size_delta_bytes")),
        "new-vulnerabilities": str(_section_number(review, "scan", "new_vulnerabilities")),
    }
    outputs.update(paths)
    return outputs


def _section_number(review: Review, key: str, field: str) -> int:
    """A number from a section's JSON data (`sections.<key>.<field>`), 0 when there is none."""
    for section in review.sections:
        if section.key == key:
            value = section.data.get(field)
            if isinstance(value, int) and not isinstance(value, bool):
                return value
    return 0
