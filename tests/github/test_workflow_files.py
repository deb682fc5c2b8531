"""What a step gives back to the workflow: log commands, job summary, outputs."""

from __future__ import annotations

import io
from pathlib import Path

from bot.github.workflow import (
    STEP_SUMMARY_LIMIT,
    ActionLog,
    annotate_findings,
    append_step_summary,
    command,
    review_outputs,
    write_outputs,
)
from bot.model import Finding, Review, Section, Severity, Verdict
from tests.support.action_run import read_outputs


def review(findings: list[Finding], sections: tuple[Section, ...] = ()) -> Review:
    return Review("a" * 40, "b" * 40, (), sections, tuple(findings), Verdict.FAIL, "r", Severity.HIGH)


def finding(severity: Severity, line: int = 3, message: str = "m", in_diff: bool = True) -> Finding:
    return Finding("DH101", severity, "Dockerfile", line, line, message, in_diff=in_diff, new=in_diff)


def test_commands_escape_what_the_pull_request_wrote() -> None:
    text = command("error", "50% done\n::set-output name=x::y\r", file="a,b:c.txt", line=3)
    assert text == "::error file=a%2Cb%3Ac.txt,line=3::50%25 done%0A::set-output name=x::y%0D"
    assert "\n" not in text


def test_annotations_keep_githubs_limit_of_ten_per_level() -> None:
    log = io.StringIO()
    findings = [finding(Severity.HIGH, n) for n in range(1, 15)] + [finding(Severity.LOW, n) for n in range(1, 4)]
    findings.append(finding(Severity.CRITICAL, 99, in_diff=False))  # pre-existing: not annotated
    shown = annotate_findings(review(findings), ActionLog(log))
    lines = log.getvalue().splitlines()
    assert shown == 13
    assert sum(line.startswith("::error ") for line in lines) == 10
    assert sum(line.startswith("::warning ") for line in lines) == 3
    assert lines[-1] == "::notice::4 more finding(s) are in the job summary and the report file"


def test_the_step_summary_is_cut_at_1_mib_with_a_note(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step content\n")
    report = "".join(f"| row {n} | {'x' * 80} |\n" for n in range(20000))
    append_step_summary(summary, report, "See report.md.")
    written = summary.read_bytes()
    assert len(written) <= STEP_SUMMARY_LIMIT
    assert written.startswith(b"earlier step content\n| row 0 |")
    assert written.endswith(b"**The report was cut here to fit the job summary's 1 MiB limit.** See report.md.\n")


def test_outputs_use_the_multiline_form_and_read_sections(tmp_path: Path) -> None:
    sections = (
        Section("image", "Images", data={"size_delta_bytes": -2048}),
        Section("scan", "Vulnerabilities", data={"new_vulnerabilities": 3}),
    )
    outputs = review_outputs(review([finding(Severity.HIGH)], sections), {"report-path": "dockhand-report/report.md"})
    path = tmp_path / "output"
    write_outputs(path, outputs)
    assert read_outputs(path) == {
        "verdict": "fail",
        "findings": "1",
        "critical": "0",
        "high": "1",
        "medium": "0",
        "low": "0",
        "info": "0",
        "size-delta-bytes": "-2048",
        "new-vulnerabilities": "3",
        "report-path": "dockhand-report/report.md",
    }
