"""The verdict: what the findings that this pull request touched mean for it.

Worded like the teams' own release reports: GO / GO with warnings / NO-GO, and why.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.model import Finding, Severity, Verdict

_EXAMPLES = 3


def decide(findings: Iterable[Finding], fail_on: Severity) -> tuple[Verdict, str]:
    """fail: a finding at or above `fail_on` in what the PR changed or introduced (a release blocker);
    warn: findings below it (low or above) there; pass: nothing the PR is answerable for."""
    findings = list(findings)
    findings = list(findings)
    counted = [f for f in findings if f.counts_for_policy]
    blockers = [f for f in counted if f.severity >= fail_on]
    if blockers:
        noun = "release blocker" if len(blockers) == 1 else "release blockers"
        return Verdict.FAIL, f"{len(blockers)} {noun} ({fail_on.label} or above) in this change: {_where(blockers)}"
    warnings = [f for f in counted if f.severity >= Severity.LOW]
    if warnings:
        return Verdict.WARN, f"no release blockers; {_count(warnings)} below {fail_on.label} to review before merging"
    if counted:
        return Verdict.PASS, "no release blockers, only informational findings in this change"
    return Verdict.PASS, "no release blockers and no new findings in this change" if findings else "no findings"


def _where(findings: list[Finding]) -> str:
    ordered = sorted(findings, key=lambda f: (-int(f.severity), f.path, f.line or 0))
    shown = [f"{f.rule} at {f.path}:{f.line}" if f.line else f"{f.rule} in {f.path}" for f in ordered[:_EXAMPLES]]
    more = len(ordered) - len(shown)
    return ", ".join(shown) + (f" and {more} more" if more else "")


def _count(findings: list[Finding]) -> str:
    by_severity: dict[Severity, int] = {}
    for finding in findings:
        by_severity[finding.severity] = by_severity.get(finding.severity, 0) + 1
    parts = [f"{n} {s.label}" for s, n in sorted(by_severity.items(), reverse=True)]
    noun = "finding" if len(findings) == 1 else "findings"
    return f"{len(findings)} {noun} ({', '.join(parts)})"
