from bot.lint.context import LintContext
from tests.support.linting import lint

RULE = "DH101"


def test_no_user_in_final_stage_is_reported_at_its_from_line() -> None:
    findings = lint(
        """
        FROM python:3.12-slim AS build
        USER builder
        FROM python:3.12-slim
        CMD ["python"]
        """,
        RULE,
    )
    assert [(f.line, f.message) for f in findings] == [(3, "no USER in the final stage: the container runs as root")]


def test_explicit_root_user_is_reported_at_the_user_line() -> None:
    findings = lint("FROM debian:12\nUSER app\nRUN true\nUSER root\n", RULE)
    assert [f.line for f in findings] == [4]
    assert "USER root" in findings[0].message


def test_uid_zero_with_group_is_root() -> None:
    assert [f.line for f in lint("FROM debian:12\nUSER 0:0\n", RULE)] == [2]


def test_non_root_user_is_quiet() -> None:
    assert lint('FROM debian:12\nRUN useradd app\nUSER app\nCMD ["app"]\n', RULE) == []


def test_user_inherited_from_the_parent_stage_counts() -> None:
    text = 'FROM debian:12 AS base\nUSER 1000\nFROM base\nCMD ["app"]\n'
    assert lint(text, RULE) == []


def test_user_of_an_unrelated_builder_stage_does_not_count() -> None:
    text = "FROM debian:12 AS build\nUSER 1000\nFROM debian:12\nCOPY --from=build /x /x\n"
    assert [f.line for f in lint(text, RULE)] == [3]


def test_nonroot_base_images_are_trusted() -> None:
    assert lint("FROM gcr.io/distroless/static:nonroot\nCOPY app /app\n", RULE) == []


def test_windows_images_are_exempt() -> None:
    text = "# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2019\nRUN dir\n"
    assert lint(text, RULE) == []


def test_rule_can_be_disabled_in_config() -> None:
    from bot.config import Config

    context = LintContext(config=Config(disabled_rules=frozenset({RULE})))
    assert lint("FROM debian:12\n", RULE, context) == []


def test_arg_in_from_is_resolved_before_judging_the_base() -> None:
    text = 'ARG BASE=gcr.io/distroless/python3:nonroot\nFROM ${BASE}\nCMD ["app.py"]\n'
    assert lint(text, RULE) == []
