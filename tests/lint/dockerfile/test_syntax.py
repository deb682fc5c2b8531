import pytest

from tests.support.linting import lint

RULE = "DH100"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("FROM a\nRUN x\nFOO bar\n", 3, "unknown instruction: FOO"),
        ("FROM a\nENV A=1 B\n", 2, "can't find ="),
        ("FROM a\nRUN <<EOF\nabc\n", 2, "unterminated heredoc"),
        ("FROM a\nRUN <<EOF\nx\nEOF\nRUN <<TWO\nnever closed\n", 5, "unterminated heredoc"),
        ("FROM a\nCOPY onlyone\n", 2, "at least two arguments"),
        ("RUN x\nFROM a\n", 1, "before the first FROM"),
        ("FROM a\nCOPY --chwon=1:1 a b\n", 2, "unknown flag --chwon"),
        ("FROM a\nLABEL x\n", 2, "LABEL must have two arguments"),
        ("# only a comment\n", 1, "no instructions"),
    ],
)
def test_parse_errors_are_findings_at_their_line(text: str, line: int, words: str) -> None:
    findings = lint(text)
    assert [f.rule for f in findings] == [RULE]
    assert findings[0].line == line
    assert words in findings[0].message


def test_a_file_that_parses_has_no_syntax_finding() -> None:
    assert lint('FROM a\nUSER app\nCMD ["x"]\n', RULE) == []


def test_no_other_rule_runs_on_a_broken_file() -> None:
    findings = lint("FROM a\nRUN apt-get install -y x\nBROKEN\n")
    assert {f.rule for f in findings} == {RULE}
