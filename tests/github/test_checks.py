"""The check's title, summary and annotations."""

from __future__ import annotations

from bot.github.checks import CONCLUSIONS, check_annotations, check_summary, title
from bot.model import Finding, Review, Severity, Suggestion, Verdict


def review(findings: list[Finding], verdict: Verdict = Verdict.FAIL) -> Review:
    return Review("a" * 40, "b" * 40, (), (), tuple(findings), verdict, "2 high findings", Severity.MEDIUM)


def test_annotations_are_the_50_that_matter_most() -> None:
    findings = [Finding("DH103", Severity.LOW, "Dockerfile", n, None, "low", new=True) for n in range(1, 80)]
    findings += [
        Finding("DH101", Severity.HIGH, "Dockerfile", 90, 91, "high", Suggestion(90, 91, "USER app"), new=True)
    ]
    findings += [Finding("DH102", Severity.MEDIUM, "Dockerfile", 95, None, "old", new=False)]
    notes = check_annotations(review(findings))
    assert len(notes) == 50
    assert notes[0] == {
        "path": "Dockerfile",
        "start_line": 90,
        "end_line": 91,
        "annotation_level": "failure",
        "message": "high",
        "title": "DH101 (high)",
        "raw_details": "Suggested replacement:\nUSER app",
    }
    assert {n["annotation_level"] for n in notes[1:]} == {"warning"}
    assert all(n["message"] != "old" for n in notes)
    summary = check_summary(review(findings), "where")
    assert "50 of 80 findings are annotated" in summary


def test_title_and_conclusions() -> None:
    assert title(review([])) == "NO-GO: 2 high findings"
    assert CONCLUSIONS == {Verdict.PASS: "success", Verdict.WARN: "neutral", Verdict.FAIL: "failure"}
