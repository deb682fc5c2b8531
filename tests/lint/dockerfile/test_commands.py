from tests.support.lint import fixed, hits


def test_shell_form_cmd_is_reported_with_an_exec_form_fix() -> None:
    text = "FROM python:3.12-slim\nUSER app\nCMD gunicorn --bind 0.0.0.0:8000 app:app\n"
    assert [f.line for f in hits("DH102", text)] == [3]
    assert fixed("DH102", text).endswith('CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]\n')


def test_shell_syntax_gets_no_suggestion() -> None:
    found = hits("DH102", "FROM alpine:3.20\nENTRYPOINT ./run.sh $MODE\n")
    assert len(found) == 1 and found[0].suggestion is None


def test_exec_form_is_quiet() -> None:
    assert hits("DH102", 'FROM alpine:3.20\nCMD ["./run.sh"]\n') == []


def test_windows_shell_form_is_exempt() -> None:
    assert hits("DH102", "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD powershell -c x\n") == []


def test_second_cmd_overrides_the_first() -> None:
    text = 'FROM alpine:3.20\nCMD ["migrate"]\nENTRYPOINT ["tini", "--"]\nCMD ["serve"]\nHEALTHCHECK NONE\n'
    found = hits("DH115", text)
    assert [f.line for f in found] == [2]
    assert "line 4" in found[0].message


def test_one_of_each_per_stage_is_quiet() -> None:
    text = 'FROM alpine:3.20 AS a\nCMD ["a"]\nFROM alpine:3.20\nCMD ["b"]\nENTRYPOINT ["x"]\n'
    assert hits("DH115", text) == []
