"""Projects: override files, `-f` sets from the config, `extends`, fragments."""

from __future__ import annotations

import pytest

from bot.config import Config, ConfigError, parse_config
from bot.lint.compose.project import build_project, project_paths
from bot.lint.repoview import HEAD, RepoView
from bot.parsing.compose import parse_compose
from tests.support.composelint import ComposeFactory


def test_override_files_merge_into_whole_services(compose: ComposeFactory) -> None:
    override = (
        "services:\n  api:\n    environment: [DEBUG=1]\n    ports: ['8000:8000']\n    command: [serve, --reload]\n"
    )
    case = compose(
        "services:\n  api:\n    image: acme/api:1\n    environment: {LOG: info}\n"
        "    command: serve\n    ports: ['9000:9000']\n",
        files={"compose.override.yaml": override},
    )
    linted = case.lint()
    assert linted.review is not None
    project = linted.review.project
    assert [f.path for f in project.files] == ["compose.yaml", "compose.override.yaml"]
    api = project.services["api"]
    assert {e.name: e.value for e in api.environment} == {"LOG": "info", "DEBUG": "1"}
    assert [p.text for p in api.ports] == ["9000:9000", "8000:8000"]
    assert api.get("command") == ["serve", "--reload"]


def test_a_partial_file_beside_the_main_one_is_its_override(compose: ComposeFactory) -> None:
    case = compose(
        "services:\n  api:\n    restart: always\n",
        files={"docker-compose.yml": "services:\n  api:\n    image: acme/api:1\n"},
        path="docker-compose.prod.yml",
    )
    linted = case.lint()
    assert linted.review is not None
    assert [f.path for f in linted.review.project.files] == ["docker-compose.yml", "docker-compose.prod.yml"]
    assert linted.review.whole(linted.compose.services[0]).image == "acme/api:1"


def test_a_complete_file_beside_the_main_one_stands_alone(compose: ComposeFactory) -> None:
    case = compose(
        "services:\n  api:\n    image: acme/api:2\n",
        files={"docker-compose.yml": "services:\n  api:\n    image: acme/api:1\n"},
        path="docker-compose.prod.yml",
    )
    linted = case.lint()
    assert linted.review is not None and [f.path for f in linted.review.project.files] == ["docker-compose.prod.yml"]


def test_sets_named_in_the_config_win() -> None:
    config = parse_config("compose-sets:\n  - [./deploy/base.yml, deploy/prod.yml]\n", ".dockhand.yml", {})
    assert config.compose_sets == (("deploy/base.yml", "deploy/prod.yml"),)
    paths = project_paths("deploy/prod.yml", (), _NoFiles(), config.compose_sets)  # type: ignore[arg-type]
    assert paths == ["deploy/base.yml", "deploy/prod.yml"]


class _NoFiles:
    def exists(self, path: str) -> bool:
        return False


def test_extends_from_another_file(compose: ComposeFactory) -> None:
    base = "services:\n  peer-base:\n    image: hyperledger/fabric-peer:2.5\n    healthcheck: {test: [CMD, 'true']}\n"
    case = compose(
        (
            "services:\n  peer0:\n    extends:\n"
            "      file: base/peer.yaml\n      service: peer-base\n    restart: always\n"
        ),
        files={"base/peer.yaml": base},
    )
    linted = case.lint()
    assert linted.review is not None
    peer = linted.review.project.services["peer0"]
    assert peer.image == "hyperledger/fabric-peer:2.5" and peer.get("restart") == "always"
    assert case.findings("DH209") == [] and case.findings("DH203") == []


def test_a_fragment_without_its_main_file_is_not_judged_whole(compose: ComposeFactory) -> None:
    case = compose("services:\n  backend:\n    depends_on: [db]\n", path="docker-compose.shared.depends.yml")
    assert case.findings() == []


def test_config_rejects_malformed_sets() -> None:
    with pytest.raises(ConfigError, match="list of lists of file paths"):
        parse_config("compose-sets: [a.yml]\n", ".dockhand.yml", {})
    assert Config().compose_sets == ()


def test_build_project_reads_other_files_from_the_view(compose: ComposeFactory) -> None:
    case = compose("services:\n  db:\n    image: postgres:16\n", files={"compose.override.yaml": "volumes:\n  data:\n"})
    project = build_project(parse_compose("compose.yaml", case.text), RepoView(case.changes, HEAD))
    assert "data" in project.definitions["volumes"]
