import pytest

from tests.support.linting import fixed, lint

RULE = "DH102"


@pytest.mark.parametrize("keyword", ["CMD", "ENTRYPOINT"])
def test_shell_form_is_reported(keyword: str) -> None:
    findings = lint(f"FROM debian:12\nUSER app\n{keyword} gunicorn --bind 0.0.0.0:8000 app:app\n", RULE)
    assert [(f.line, f.severity.label) for f in findings] == [(3, "medium")]
    assert findings[0].message.startswith(keyword)


def test_exec_form_is_quiet() -> None:
    assert lint('FROM debian:12\nUSER app\nCMD ["gunicorn", "app:app"]\n', RULE) == []


def test_suggestion_is_the_exec_form_and_silences_the_rule() -> None:
    text = "FROM debian:12\nUSER app\nCMD python -m http.server 'a b'\n"
    findings = lint(text, RULE)
    assert findings[0].suggestion is not None
    assert findings[0].suggestion.replacement == 'CMD ["python", "-m", "http.server", "a b"]'
    after = fixed(text, RULE)
    assert lint(after, RULE) == []


def test_multiline_shell_form_becomes_one_line() -> None:
    text = "FROM debian:12\nUSER app\nCMD python \\\n    app.py\n"
    finding = lint(text, RULE)[0]
    assert finding.suggestion is not None
    assert (finding.suggestion.start, finding.suggestion.end) == (3, 4)
    assert lint(fixed(text, RULE), RULE) == []


def test_exec_prefix_is_dropped() -> None:
    finding = lint("FROM debian:12\nCMD exec nginx -g daemon\n", RULE)[0]
    assert finding.suggestion is not None
    assert finding.suggestion.replacement == 'CMD ["nginx", "-g", "daemon"]'


@pytest.mark.parametrize(
    "command",
    ["echo $HOME", "app > /tmp/log", "a && b", "run *.py", "FOO=bar app", "app | tee x", "sh -c 'x'; y"],
)
def test_no_suggestion_when_the_command_needs_a_shell(command: str) -> None:
    findings = lint(f"FROM debian:12\nCMD {command}\n", RULE)
    assert len(findings) == 1
    assert findings[0].suggestion is None


def test_only_the_final_image_stages_count() -> None:
    text = 'FROM debian:12 AS build\nCMD make\nFROM debian:12\nCMD ["app"]\n'
    assert lint(text, RULE) == []


def test_an_overridden_cmd_is_reported_where_it_has_no_effect() -> None:
    text = 'FROM alpine:3.20\nCMD ["migrate"]\nENTRYPOINT ["tini", "--"]\nCMD ["serve"]\nHEALTHCHECK NONE\n'
    found = lint(text, "DH115")
    assert [f.line for f in found] == [2]
    assert "line 4" in found[0].message


def test_one_of_each_per_stage_is_quiet() -> None:
    text = 'FROM alpine:3.20 AS a\nCMD ["a"]\nFROM alpine:3.20\nCMD ["b"]\nENTRYPOINT ["x"]\n'
    assert lint(text, "DH115") == []


def test_in_a_template_a_cmd_in_another_branch_of_the_same_if_replaces_nothing() -> None:
    text = (
        "FROM alpine:3.20\n"
        "{% if 'arm' in target %}\n"
        'CMD ["catatonit", "/start.sh"]\n'
        "{% else %}\n"
        'CMD ["/start.sh"]\n'
        "{% endif %}\n"
    )
    assert lint(text, "DH115", path="Dockerfile.j2") == []  # vaultwarden's Dockerfile.j2 (corpus c017)
    after = text + 'CMD ["serve"]\n'  # renders after either branch: it replaces both
    assert [f.line for f in lint(after, "DH115", path="Dockerfile.j2")] == [3, 5]


def test_jq_template_branches_count_too() -> None:
    text = 'FROM debian:12\n{{ if env.slim then ( -}}\nCMD ["a"]\n{{ ) else ( -}}\nCMD ["b"]\n{{ ) end -}}\n'
    assert lint(text, "DH115", path="Dockerfile.template") == []


def test_brackets_that_are_not_json_run_as_a_failing_shell_command() -> None:
    text = "FROM python:3.12\nUSER app\nRUN ['pip', 'install', 'flask']\nCMD ['python', 'app.py']\n"
    found = lint(text, "DH143")
    assert [f.line for f in found] == [3, 4]
    assert found[1].message.startswith("`CMD ['python', 'app.py']` is not JSON")
    assert lint(text, "DH102") == []  # not a shell-form choice: a broken exec form
    assert fixed(text, "DH143").splitlines()[2:] == ['RUN ["pip", "install", "flask"]', 'CMD ["python", "app.py"]']


def test_a_missing_comma_is_reported_without_a_guess() -> None:
    (found,) = lint('FROM alpine:3.20\nENTRYPOINT ["tini" "--"]\n', "DH143")
    assert found.suggestion is None  # "tini" "--" could be meant as one word or two


def test_json_and_plain_shell_forms_are_not_this_rule() -> None:
    text = 'FROM alpine:3.20\nRUN [ -f /x ] && echo yes\nCMD ["sh", "-c", "echo \'hi\'"]\n'
    assert lint(text, "DH143") == []
    assert lint('FROM alpine:3.20\nRUN [ "$MODE" = "a,b" ]\n', "DH143") == []  # the shell's test command


def test_words_json_cannot_read_get_no_suggestion() -> None:
    (found,) = lint("FROM alpine:3.20\nCMD ['a', \"b\\x\"]\n", "DH143")  # \x: no JSON escape (found by fuzz/run.py)
    assert found.suggestion is None
