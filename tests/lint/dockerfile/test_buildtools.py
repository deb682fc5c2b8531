from tests.support.checks import hits
from tests.support.linting import dockerfile


def test_compilers_in_the_final_stage() -> None:
    text = dockerfile(
        """
        FROM python:3.12-slim
        RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev curl \\
            && rm -rf /var/lib/apt/lists/*
        """
    )
    found = hits("DH109", text)
    assert [f.line for f in found] == [2]
    assert "gcc, libpq-dev" in found[0].message and "curl" not in found[0].message


def test_toolchain_base_image_as_runtime() -> None:
    found = hits("DH109", 'FROM golang:1.22\nRUN go build -o /app .\nCMD ["/app"]\n')
    assert [f.line for f in found] == [1]


def test_builder_stage_is_the_right_place() -> None:
    text = dockerfile(
        """
        FROM python:3.12-slim AS builder
        RUN apt-get update && apt-get install -y --no-install-recommends build-essential
        FROM python:3.12-slim
        COPY --from=builder /venv /venv
        """
    )
    assert hits("DH109", text) == []


def test_installed_and_purged_in_the_same_run_is_quiet() -> None:
    alpine = (
        "FROM alpine:3.20\nRUN apk add --no-cache --virtual .build-deps gcc musl-dev && make && apk del .build-deps\n"
    )
    assert hits("DH109", alpine) == []
    debian = dockerfile(
        """
        FROM debian:bookworm-slim
        RUN savedAptMark="$(apt-mark showmanual)" \\
            && apt-get update && apt-get install -y --no-install-recommends gcc make \\
            && make install \\
            && apt-mark auto '.*' > /dev/null && apt-mark manual $savedAptMark \\
            && apt-get purge -y --auto-remove -o APT::AutoRemove::RecommendsImportant=false
        """
    )
    assert hits("DH109", debian) == []


def test_a_toolchain_base_named_by_a_variable_without_a_value_is_shown_as_written() -> None:
    found = hits("DH109", "ARG VARIANT\nFROM buildpack-deps:${VARIANT}\nRUN make\n")
    assert [f.line for f in found] == [2]
    assert "`buildpack-deps:${VARIANT}`" in found[0].message  # not `buildpack-deps:`
