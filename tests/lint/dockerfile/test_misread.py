"""DH139 (COPY of several sources to a file path) and DH140 (ENV reading what it sets)."""

from __future__ import annotations

import pytest

from tests.support.linting import lint


def test_copy_of_several_sources_to_a_file_path_fails_the_build() -> None:
    (found,) = lint("FROM node:22\nCOPY package.json package-lock.json /app\n", "DH139")
    assert found.line == 2
    assert found.message == ("COPY of 2 sources to `/app`, which is not a directory: the build fails; write `/app/`")


@pytest.mark.parametrize(
    "copy",
    [
        "COPY package.json package-lock.json /app/",
        "COPY package.json package-lock.json ./",
        "COPY package.json package-lock.json .",
        'COPY ["a", "b", "/app/"]',
        "COPY package.json /app",  # one source may be renamed
        "ADD --chown=app a.tgz b.tgz /opt/",
    ],
)
def test_miss_directories_and_single_sources(copy: str) -> None:
    assert lint(f"FROM node:22\n{copy}\n", "DH139") == []


def test_json_form_counts_too() -> None:
    assert [f.line for f in lint('FROM node:22\nCOPY ["a", "b", "/app"]\n', "DH139")] == [2]


def test_env_reading_a_variable_it_sets_gets_the_old_value() -> None:
    (found,) = lint("FROM debian:12\nENV APP_HOME=/srv/app APP_BIN=${APP_HOME}/bin\n", "DH140")
    assert found.message.startswith("`APP_BIN` reads `$APP_HOME`, which this ENV sets too")


@pytest.mark.parametrize(
    "env",
    [
        "ENV APP_HOME=/srv/app\nENV APP_BIN=$APP_HOME/bin",  # its own ENV first
        "ENV PATH=/opt/bin:$PATH",  # reads the old PATH, as meant
        "ENV A=$B B=1",  # reads B before this ENV sets it: the value from before, in either reading
        "ENV A 1",
    ],
)
def test_env_miss(env: str) -> None:
    assert lint(f"FROM debian:12\n{env}\n", "DH140") == []
