"""DH137: a package install that stops to ask for confirmation."""

from __future__ import annotations

import pytest

from tests.support.linting import fixed, lint

RULE = "DH137"


def test_hit_apt_get_install_without_yes_with_the_flag_as_its_fix() -> None:
    text = (
        "FROM debian:12\nRUN apt-get update \\\n    && apt-get install --no-install-recommends curl \\\n"
        "    && rm -rf /var/lib/apt/lists/*\n"
    )
    (found,) = lint(text, RULE)
    assert (found.line, found.end_line) == (2, 4)
    assert found.message.startswith("`apt-get install` without `-y` stops to ask")
    assert "apt-get install -y --no-install-recommends curl" in fixed(text, RULE)


@pytest.mark.parametrize(
    "run",
    [
        "RUN dnf install gcc && dnf clean all",
        "RUN yum install gcc",
        "RUN zypper install gcc",
        "RUN apt install curl",
        "RUN apt-get -y install a && apt-get install b",  # the second one asks
    ],
)
def test_hit_every_manager_that_asks(run: str) -> None:
    assert len(lint(f"FROM fedora:40\n{run}\n", RULE)) == 1


@pytest.mark.parametrize(
    "run",
    [
        "RUN apt-get install -y curl",
        "RUN apt-get install -yq curl",
        "RUN apt-get -qq install curl",
        "RUN apt-get install --assume-yes curl",
        "RUN apt-get -o APT::Get::Assume-Yes=true install curl",
        "RUN yes | apt-get install curl",
        "RUN dnf install --assumeyes gcc",
        "RUN zypper -n install gcc",
        "RUN zypper --non-interactive in gcc",
        "RUN zypper install -y gcc",
        "RUN apk add curl",  # apk never asks
        "RUN microdnf install gcc",
        "RUN apt-get install $APT_OPTS curl",  # the variable may hold -y
    ],
)
def test_miss_installs_that_answer_or_never_ask(run: str) -> None:
    assert lint(f"FROM debian:12\n{run}\n", RULE) == []


def test_miss_when_the_dockerfile_configures_the_answer() -> None:
    text = (
        "FROM debian:12\n"
        "RUN echo 'APT::Get::Assume-Yes \"true\";' > /etc/apt/apt.conf.d/90yes\n"
        "RUN apt-get install curl\n"
    )
    assert lint(text, RULE) == []


def test_zyppers_n_after_install_is_not_the_global_option() -> None:
    assert len(lint("FROM opensuse/leap:15\nRUN zypper install -n gcc\n", RULE)) == 1  # -n: --name


def test_builder_stages_count_too() -> None:
    text = "FROM debian:12 AS build\nRUN apt-get install gcc\nFROM scratch\nCOPY --from=build /x /x\n"
    assert [f.line for f in lint(text, RULE)] == [2]


def test_the_flag_is_not_added_twice_where_it_comes_before_install() -> None:
    text = (
        "FROM debian:12\nRUN apt-get -y --no-install-recommends install a \\\n"
        "    && apt-get install --no-install-recommends b && rm -rf /var/lib/apt/lists/*\n"
    )
    after = fixed(text, RULE)
    assert (
        "apt-get -y --no-install-recommends install a \\\n    && apt-get install -y --no-install-recommends b" in after
    )
