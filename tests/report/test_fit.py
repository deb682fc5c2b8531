"""The report within GitHub's size limits: whole when it fits, else the verdict and the worst first."""

from __future__ import annotations

from bot.model import Finding, Review, ReviewedFile, Severity, Verdict
from bot.report.fit import fit_report, size, truncate
from bot.report.markdown import MARKER, render_markdown


def big_review(count: int) -> Review:
    findings = [
        Finding("DH105", Severity.LOW, "Dockerfile", n, n, "pip install without --no-cache-dir " + "x" * 200, new=True)
        for n in range(2, count + 2)
    ]
    findings.append(Finding("DH101", Severity.HIGH, "Dockerfile", 1, 1, "no USER", in_diff=True))
    findings.append(Finding("DH102", Severity.MEDIUM, "Dockerfile", 900, 900, "old", in_diff=False, new=False))
    files = (ReviewedFile("Dockerfile", "dockerfile", "modified"),)
    return Review("a" * 40, "b" * 40, files, (), tuple(findings), Verdict.FAIL, "1 high finding", Severity.HIGH)


def test_a_report_that_fits_is_whole_with_the_extra_block() -> None:
    review = big_review(3)
    body = fit_report(review, 65536, "see the summary", "### Not commented inline\n\nrow")
    assert body.startswith(render_markdown(review).rstrip()) and body.endswith("row\n")


def test_a_long_report_keeps_the_verdict_and_the_worst_findings() -> None:
    review = big_review(1000)
    assert size(render_markdown(review)) > 65536
    body = fit_report(review, 65536, "The full report is in the job summary.")
    assert size(body) <= 65536 and body.startswith(MARKER)
    assert "NO-GO" in body and "The full report is in the job summary." in body
    assert body.index("DH101") < body.index("DH105")
    assert "DH102" not in body  # pre-existing findings go last, and did not fit
    shown = body.count("pip install without")
    assert 100 < shown < 1000 and f"{shown + 1} of 1002 findings shown" in body


def test_truncate_cuts_at_a_line_end_within_bytes() -> None:
    text = "é" * 10 + "\n" + "ü" * 10 + "\n"
    cut = truncate(text, 30, "[cut]\n")
    assert cut == "é" * 10 + "\n[cut]\n" and size(cut) <= 30
