"""The verdict: what the findings that this pull request touched mean for it."""

from __future__ import annotations

from collections.abc import Iterable

from bot.model import Finding, Severity, Verdict


def decide(findings: Iterable[Finding], fail_on: Severity) -> tuple[Verdict, str]:
    """fail: a finding at or above `fail_on` in what the PR changed or introduced;
    warn: findings below it (low or above) there; pass: nothing the PR is answerable for."""
    findings = list(findings)
    counted = [f for f in findings if f.counts_for_policy]
    failing = [f for f in counted if f.severity >= fail_on]
    if failing:
        return Verdict.FAIL, f"{_count(failing)} at or above {fail_on.label} in this change"
    warning = [f for f in counted if f.severity >= Severity.LOW]
    if warning:
        return Verdict.WARN, f"{_count(warning)} below the {fail_on.label} threshold in this change"
    if counted:
        return Verdict.PASS, "only informational findings in this change"
    return Verdict.PASS, "no new findings in this change" if findings else "no findings"


def _count(findings: list[Finding]) -> str:
    by_severity: dict[Severity, int] = {}
    for finding in findings:
        by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
    parts = [f"{n} {s.label}" for s, n in sorted(by_severity.items(), reverse=True)]
    noun = "finding" if len(findings) == 1 else "findings"
    return f"{', '.join(parts)} {noun}"
