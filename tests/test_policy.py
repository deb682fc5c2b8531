from bot.model import Finding, Severity, Verdict
from bot.policy import decide


def finding(rule: str, severity: Severity, line: int, *, new: bool = True) -> Finding:
    return Finding(rule, severity, "Dockerfile", line, line, "m", in_diff=new, new=new)


def test_no_go_names_the_release_blockers() -> None:
    findings = [
        finding("DH101", Severity.HIGH, 3),
        finding("DH114", Severity.HIGH, 7),
        finding("DH103", Severity.LOW, 4),
    ]
    verdict, reason = decide(findings, Severity.HIGH)
    assert verdict is Verdict.FAIL and verdict.decision == "NO-GO"
    assert reason == "2 release blockers (high or above) in this change: DH101 at Dockerfile:3, DH114 at Dockerfile:7"


def test_many_blockers_are_summarised() -> None:
    findings = [finding(f"DH1{n:02d}", Severity.CRITICAL, n) for n in range(1, 6)]
    _verdict, reason = decide(findings, Severity.HIGH)
    assert reason.endswith("DH103 at Dockerfile:3 and 2 more")


def test_go_with_warnings() -> None:
    verdict, reason = decide([finding("DH103", Severity.LOW, 4), finding("DH109", Severity.MEDIUM, 2)], Severity.HIGH)
    assert verdict.decision == "GO with warnings"
    assert reason == "no release blockers; 2 findings (1 medium, 1 low) below high to review before merging"


def test_go() -> None:
    assert decide([], Severity.HIGH) == (Verdict.PASS, "no findings")
    pre_existing = [finding("DH101", Severity.HIGH, 3, new=False)]
    assert decide(pre_existing, Severity.HIGH) == (
        Verdict.PASS,
        "no release blockers and no new findings in this change",
    )
    info = [finding("DH118", Severity.INFO, 1)]
    assert decide(info, Severity.HIGH) == (
        Verdict.PASS,
        "no release blockers, only informational findings in this change",
    )
