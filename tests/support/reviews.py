"""Reviews built by hand, for renderer and publisher tests."""

from __future__ import annotations

from bot.model import Finding, Review, ReviewedFile, Section, Severity, Suggestion, Suppressed, Table, Verdict

BASE = "a" * 40
HEAD = "b" * 40


def sample_finding(**changes: object) -> Finding:
    values: dict[str, object] = {
        "rule": "DH102",
        "severity": Severity.MEDIUM,
        "path": "Dockerfile",
        "line": 3,
        "end_line": 3,
        "message": "CMD in shell form: `/bin/sh` becomes PID 1",
        "suggestion": Suggestion(3, 3, 'CMD ["app"]', "CMD app"),
        "docs": "https://example.invalid/rules#dh102",
        "in_diff": True,
        "new": True,
        "fingerprint": "f" * 20,
    }
    values.update(changes)
    return Finding(**values)  # type: ignore[arg-type]


def sample_review(
    findings: list[Finding] | None = None,
    files: list[ReviewedFile] | None = None,
    tables: tuple[Table, ...] = (),
    notes: tuple[str, ...] = (),
    suppressed: tuple[Suppressed, ...] = (),
    verdict: Verdict = Verdict.WARN,
) -> Review:
    findings = [sample_finding()] if findings is None else findings
    files = files or [ReviewedFile(path, "dockerfile", "modified") for path in sorted({f.path for f in findings})]
    section = Section("dockerfile", "Dockerfiles", tuple(findings), tables, notes, {"files": len(files)})
    return Review(
        base=BASE,
        head=HEAD,
        files=tuple(files),
        sections=(section,),
        findings=tuple(findings),
        verdict=verdict,
        reason="no release blockers; 1 finding (1 medium) below high to review before merging",
        fail_on=Severity.HIGH,
        suppressed=suppressed,
    )
