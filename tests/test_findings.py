from bot.findings import place
from bot.model import Finding, Severity, Suggestion, Verdict
from bot.policy import decide
from bot.suggestions import apply_suggestion


def finding(rule: str, line: int, severity: Severity = Severity.HIGH, message: str = "m") -> Finding:
    return Finding(rule, severity, "Dockerfile", line, line, message)


def test_place_marks_in_diff_new_and_fingerprint() -> None:
    base_lines = ["FROM a", "RUN x"]
    head_lines = ["FROM a", "RUN y", "RUN x"]
    placed = place(
        [finding("R1", 3), finding("R1", 2)],
        [finding("R1", 2)],
        head_lines,
        base_lines,
        frozenset({2}),
    )
    moved, added = placed
    assert (moved.in_diff, moved.new) == (False, False)  # same text as in the base: pre-existing
    assert (added.in_diff, added.new) == (True, True)
    assert moved.fingerprint and moved.fingerprint != added.fingerprint


def test_fingerprint_survives_line_moves() -> None:
    (first,) = place([finding("R1", 1)], [], ["RUN x"], [], frozenset())
    (second,) = place([finding("R1", 5)], [], ["", "", "", "", "RUN   x"], [], frozenset())
    assert first.fingerprint == second.fingerprint


def test_policy_counts_only_what_the_change_touched_or_introduced() -> None:
    old = Finding("R1", Severity.CRITICAL, "f", 1, 1, "m", in_diff=False, new=False)
    assert decide([old], Severity.HIGH) == (Verdict.PASS, "no release blockers and no new findings in this change")
    touched = Finding("R1", Severity.HIGH, "f", 1, 1, "m", in_diff=True, new=False)
    verdict, reason = decide([old, touched], Severity.HIGH)
    assert verdict is Verdict.FAIL
    assert reason == "1 release blocker (high or above) in this change: R1 at f:1"
    low = Finding("R2", Severity.LOW, "f", 1, 1, "m", in_diff=True)
    assert decide([low], Severity.HIGH)[0] is Verdict.WARN
    assert decide([low], Severity.LOW)[0] is Verdict.FAIL
    info = Finding("R3", Severity.INFO, "f", 1, 1, "m", in_diff=True)
    assert decide([info], Severity.HIGH)[0] is Verdict.PASS
    assert decide([info], Severity.HIGH)[1] == "no release blockers, only informational findings in this change"
    assert decide([], Severity.HIGH) == (Verdict.PASS, "no findings")


def test_apply_suggestion_keeps_the_rest_of_the_file() -> None:
    text = "a\nb\nc\n"
    assert apply_suggestion(text, Suggestion(2, 2, "B1\nB2")) == "a\nB1\nB2\nc\n"
    assert apply_suggestion("a\nb", Suggestion(1, 2, "z")) == "z"


def test_an_empty_suggestion_deletes_its_lines_as_github_does() -> None:
    text = 'version: "2"\nservices:\n  web:\n    image: nginx:1.27\n'
    assert apply_suggestion(text, Suggestion(1, 1, "", 'version: "2"')) == "services:\n  web:\n    image: nginx:1.27\n"
