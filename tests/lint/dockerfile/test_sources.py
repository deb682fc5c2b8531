"""DH134: COPY, ADD and bind-mount sources above the build context."""

from __future__ import annotations

from tests.support.linting import lint


def test_sources_above_the_context() -> None:
    findings = lint(
        """
        FROM python:3.12-slim
        COPY ../shared/requirements.txt /app/
        ADD app/../../secrets.tar /opt/
        RUN --mount=type=bind,source=../wheels,target=/w pip install /w/*.whl
        """,
        "DH134",
    )
    assert [f.line for f in findings] == [2, 3, 4]
    assert findings[0].message == (
        "`../shared/requirements.txt` is above the build context: the classic builder refuses it, "
        "BuildKit reads `shared/requirements.txt` at the context's root instead"
    )
    assert "`secrets.tar`" in findings[1].message


def test_sources_inside_the_context_and_other_stages_pass() -> None:
    findings = lint(
        """
        FROM golang:1.22 AS build
        COPY ./cmd/../go.mod /src/
        COPY /etc/app.conf /etc/
        FROM alpine:3.20
        COPY --from=build ../../go/bin/app /app
        """,
        "DH134",
    )
    assert findings == []
