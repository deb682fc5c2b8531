"""DH218: Compose paths that leave the repository (never read, never built, reported)."""

from __future__ import annotations

import pytest

from bot.model import Severity
from tests.support.composelint import ComposeFactory

OUTSIDE = """\
include:
  - ../shared/compose.yaml
  - path: [../../other/compose.yaml]
    env_file: /etc/other.env
services:
  api:
    build:
      context: ../..
      dockerfile: /srv/Dockerfile
    env_file:
      - ./api.env
      - path: ../secrets.env
        required: false
    extends:
      file: ../../base.yml
      service: base
  web:
    build: /srv/web
    env_file: /etc/web.env
secrets:
  key:
    file: ../../key.pem
"""


def test_every_kind_of_path_leaving_the_repository(compose: ComposeFactory) -> None:
    findings = compose(OUTSIDE).findings("DH218")
    assert [(f.line, f.severity) for f in findings] == [
        (8, Severity.MEDIUM),
        (9, Severity.MEDIUM),
        (12, Severity.LOW),
        (15, Severity.LOW),
        (18, Severity.MEDIUM),
        (19, Severity.LOW),
        (2, Severity.LOW),
        (3, Severity.LOW),
        (4, Severity.LOW),
        (22, Severity.LOW),
    ]
    assert findings[0].message == (
        "service `api`: `build.context` `../..` is outside the repository: dockhand does not read it, "
        "and a clone lacks it"
    )
    assert "an absolute path" in findings[1].message


@pytest.mark.parametrize(
    "text",
    [
        "services:\n  api:\n    build: .\n    env_file: [.env, {path: ./a.env}]\n",
        "services:\n  api:\n    build: {context: ./svc, dockerfile: ../Dockerfile}\n",  # ../ of svc is the root
        "services:\n  api:\n    build: https://github.com/o/r.git#main\n",
        "services:\n  api:\n    build: ${CONTEXT:-.}\n    volumes: [../data:/data, /var/log:/log]\n",
    ],
)
def test_paths_inside_and_what_is_not_a_path_pass(compose: ComposeFactory, text: str) -> None:
    assert compose(text).findings("DH218") == []


def test_a_compose_file_in_a_directory_may_go_up_to_the_root(compose: ComposeFactory) -> None:
    text = "services:\n  api:\n    build: ../..\n"
    assert compose(text, path="deploy/prod/compose.yaml").findings("DH218") == []
    assert len(compose(text, path="deploy/compose.yaml").findings("DH218")) == 1
