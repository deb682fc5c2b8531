"""DH200: what Compose refuses, at its line; nothing else is reported for such a file."""

from __future__ import annotations

from tests.support.composelint import ComposeFactory


def test_yaml_errors_stop_the_other_rules(compose: ComposeFactory) -> None:
    case = compose("services:\n  db:\n    image: postgres\n\tports: ['5432:5432']\n")
    findings = case.findings()
    assert [(f.rule, f.line) for f in findings] == [("DH200", 4)]
    assert "tab" in findings[0].message


def test_not_valid_compose_is_reported_and_the_rest_still_reviewed(compose: ComposeFactory) -> None:
    case = compose("services:\n  db:\n    image: postgres\n    restat: always\n")
    assert [(f.rule, f.line) for f in case.findings("DH200")] == [("DH200", 4)]
    assert "did you mean 'restart'" in case.findings("DH200")[0].message
    assert case.findings("DH203")  # the untagged image is still found


def test_an_alias_bomb_is_one_finding(compose: ComposeFactory) -> None:
    lines = ['x-a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 9):
        name, previous = chr(ord("a") + index), chr(ord("a") + index - 1)
        lines.append(f"x-{name}: &{name} [" + ", ".join([f"*{previous}"] * 10) + "]")
    lines.append("services:\n  web:\n    image: nginx:1.27\n    x-bomb: *i")
    findings = compose("\n".join(lines) + "\n").findings()
    assert [f.rule for f in findings] == ["DH200"]
    assert "100,000 values" in findings[0].message


def test_a_valid_file_has_no_syntax_finding(compose: ComposeFactory) -> None:
    assert compose("services:\n  web:\n    image: nginx:1.27\n").findings("DH200") == []


def test_a_duplicated_key_is_named_without_its_values(compose: ComposeFactory) -> None:
    case = compose("services:\n  db:\n    environment:\n      PW: first-s3cret\n      PW: second-s3cret\n")
    (finding,) = case.findings("DH200")
    assert finding.line == 5 and "`PW` appears twice" in finding.message
    assert "s3cret" not in finding.message
