"""DH213 restart/limits/logs, DH214 `version:`, DH215 undefined references, DH217 named replicas."""

from __future__ import annotations

import pytest

from tests.support.composelint import ComposeFactory

READY = """\
    restart: unless-stopped
    deploy:
      resources:
        limits: {memory: 512M, cpus: "1.0"}
    logging:
      driver: json-file
      options: {max-size: 10m}
"""


def test_what_is_missing_is_listed_in_one_finding(compose: ComposeFactory) -> None:
    (finding,) = compose("services:\n  api:\n    image: acme/api:1\n").findings("DH213")
    assert finding.line == 2
    assert finding.message.endswith("no restart policy, no memory or CPU limit, no log rotation")


def test_a_ready_service_passes(compose: ComposeFactory) -> None:
    assert compose("services:\n  api:\n    image: acme/api:1\n" + READY).findings("DH213") == []


@pytest.mark.parametrize(
    ("extra", "missing"),
    [
        ("    restart: always\n    mem_limit: 1g\n    logging: {driver: local}\n", None),
        ("    restart: always\n    cpus: 0.5\n", "no log rotation"),
        ("    deploy: {restart_policy: {condition: any}}\n    logging: {driver: syslog}\n", "no memory or CPU limit"),
    ],
)
def test_each_part(compose: ComposeFactory, extra: str, missing: str | None) -> None:
    findings = compose("services:\n  api:\n    image: acme/api:1\n" + extra).findings("DH213")
    assert [f.message.split(": ", 1)[1] for f in findings] == ([missing] if missing else [])


@pytest.mark.parametrize("path", ["compose.override.yaml", "docker-compose.dev.yml", "compose.test.yaml"])
def test_dev_and_test_files_are_not_production(compose: ComposeFactory, path: str) -> None:
    assert compose("services:\n  api:\n    image: acme/api:1\n", path=path).findings("DH213") == []


def test_obsolete_version_is_deleted(compose: ComposeFactory) -> None:
    case = compose('version: "3.8"\nservices:\n  api:\n    image: acme/api:1\n')
    (finding,) = case.findings("DH214")
    assert finding.line == 1
    fixed = case.fixed("DH214")
    assert "version" not in fixed and case.findings("DH214", fixed) == []


def test_no_version_no_finding(compose: ComposeFactory) -> None:
    assert compose("services:\n  api:\n    image: acme/api:1\n").findings("DH214") == []


def test_undefined_references(compose: ComposeFactory) -> None:
    case = compose("""
        services:
          api:
            image: acme/api:1
            volumes:
              - pgdata:/data
              - ./config:/config
              - cache:/cache
            networks: [backend, default]
            secrets: [api_key]
            depends_on: [db]
            network_mode: service:vpn
        volumes:
          cache:
        networks:
          front:
        secrets:
          other: {file: ./x}
    """)
    messages = [(f.line, f.message.split("refers to ")[1]) for f in case.findings("DH215")]
    assert messages == [
        (5, "volume `pgdata`, which is not defined"),
        (8, "network `backend`, which is not defined"),
        (9, "secret `api_key`, which is not defined"),
        (10, "service `db`, which is not defined"),
        (11, "service `vpn`, which is not defined"),
    ]


def test_references_defined_in_an_override_or_an_include_count(compose: ComposeFactory) -> None:
    files = {
        "compose.override.yaml": "volumes:\n  pgdata:\n",
        "db/compose.yaml": "services:\n  db:\n    image: postgres:16\n",
    }
    source = (
        "include:\n  - db/compose.yaml\nservices:\n  api:\n"
        "    image: acme/api:1\n    volumes: [pgdata:/d]\n    depends_on: [db]\n"
    )
    assert compose(source, files=files).findings("DH215") == []


def test_an_unreadable_include_means_we_do_not_know(compose: ComposeFactory) -> None:
    source = "include:\n  - ../elsewhere/compose.yaml\nservices:\n  api:\n    image: acme/api:1\n    depends_on: [db]\n"
    assert compose(source).findings("DH215") == []


def test_container_name_with_replicas(compose: ComposeFactory) -> None:
    case = compose("services:\n  worker:\n    image: acme/w:1\n    container_name: worker\n    deploy: {replicas: 3}\n")
    (finding,) = case.findings("DH217")
    assert finding.line == 4 and "3 replicas" in finding.message
    assert compose("services:\n  w:\n    image: acme/w:1\n    container_name: w\n").findings("DH217") == []
