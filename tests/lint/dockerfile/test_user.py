from tests.support.lint import hits


def test_no_user_in_final_stage_runs_as_root() -> None:
    found = hits("DH101", 'FROM python:3.12-slim\nCMD ["python"]\n')
    assert [f.line for f in found] == [1]


def test_user_root_at_the_end() -> None:
    found = hits("DH101", "FROM python:3.12-slim\nUSER app\nRUN true\nUSER 0:0\n")
    assert [f.line for f in found] == [4]
    assert "USER 0:0" in found[0].message


def test_non_root_user_is_quiet() -> None:
    assert hits("DH101", "FROM python:3.12-slim\nRUN useradd app\nUSER app\n") == []


def test_user_from_a_parent_stage_counts() -> None:
    text = 'FROM python:3.12-slim AS base\nUSER 1000\nFROM base\nCMD ["python"]\n'
    assert hits("DH101", text) == []


def test_builder_stages_do_not_matter() -> None:
    text = "FROM golang:1.22 AS build\nRUN go build\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /a /a\n"
    assert hits("DH101", text) == []


def test_windows_images_are_exempt() -> None:
    assert hits("DH101", "FROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN echo hi\n") == []


def test_arg_in_from_is_resolved_before_judging_the_base() -> None:
    text = 'ARG BASE=gcr.io/distroless/python3:nonroot\nFROM ${BASE}\nCMD ["app.py"]\n'
    assert hits("DH101", text) == []
