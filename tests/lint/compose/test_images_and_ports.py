"""DH203 `:latest` images, DH204 datastores on every interface, DH216 a host port twice."""

from __future__ import annotations

import pytest

from tests.support.composelint import ComposeFactory


@pytest.mark.parametrize(
    ("image", "words"),
    [
        ("redis", "has no tag"),
        ("ghcr.io/acme/api:latest", "follows `latest`"),
        ("localhost:5000/api", "has no tag"),
        ("${IMAGE:-acme/api:latest}", "the fallback when its variable is unset"),
    ],
)
def test_latest_and_untagged_images(compose: ComposeFactory, image: str, words: str) -> None:
    (finding,) = compose(f"services:\n  app:\n    image: {image}\n").findings("DH203")
    assert finding.line == 3 and words in finding.message


@pytest.mark.parametrize(
    "image",
    ["redis:7.4", "localhost:5000/api:1.2", "redis@sha256:" + "a" * 64, "${IMAGE}", "acme/api:${TAG:-1.0}"],
)
def test_pinned_images_pass(compose: ComposeFactory, image: str) -> None:
    assert compose(f"services:\n  app:\n    image: {image}\n").findings("DH203") == []


def test_the_name_of_an_image_built_here_is_not_a_pull(compose: ComposeFactory) -> None:
    assert compose("services:\n  app:\n    build: .\n    image: acme/api\n").findings("DH203") == []


@pytest.mark.parametrize(
    ("image", "port", "what"),
    [
        ("postgres:16", '"5432:5432"', "PostgreSQL"),
        ("redis:7", "6379:6379", "Redis"),
        ("bitnami/rabbitmq:3", '"0.0.0.0:15672:15672"', "RabbitMQ management"),
        ("grafana/grafana:11.1.0", '"3001:3000"', "grafana UI"),
        ("dpage/pgadmin4:8", '"5050:80"', "pgadmin UI"),
    ],
)
def test_datastore_ports_on_all_interfaces(compose: ComposeFactory, image: str, port: str, what: str) -> None:
    case = compose(f"services:\n  s:\n    image: {image}\n    ports:\n      - {port}\n")
    (finding,) = case.findings("DH204")
    assert finding.line == 5 and what in finding.message
    suggestion = finding.suggestion
    if port.startswith('"0.0.0.0'):
        assert suggestion is None
    else:
        assert suggestion is not None and "127.0.0.1:" in suggestion.replacement
        assert case.findings("DH204", case.fixed("DH204")) == []


@pytest.mark.parametrize(
    ("image", "port"),
    [
        ("postgres:16", '"127.0.0.1:5432:5432"'),
        ("postgres:16", '"[::1]:5432:5432"'),
        ("node:22", '"3000:3000"'),  # 3000 is only an admin UI for Grafana-like images
        ("nginx:1.27", '"8080:80"'),
        ("postgres:16", "5432"),  # no host port asked for: still published, but not by this file's choice
    ],
)
def test_other_ports_pass(compose: ComposeFactory, image: str, port: str) -> None:
    assert compose(f"services:\n  s:\n    image: {image}\n    ports:\n      - {port}\n").findings("DH204") == []


def test_flow_style_ports_get_the_suggestion_in_place(compose: ComposeFactory) -> None:
    case = compose('services:\n  db:\n    image: mysql:8.4\n    ports: ["3306:3306", "33060:33060"]\n')
    findings = case.findings("DH204")
    assert len(findings) == 2
    fixed = case.fixed("DH204")
    assert '"127.0.0.1:3306:3306", "127.0.0.1:33060:33060"' in fixed
    assert case.findings("DH204", fixed) == []


def test_a_host_port_published_twice(compose: ComposeFactory) -> None:
    case = compose("""
        services:
          web:
            image: nginx:1.27
            ports: ["8080:80"]
          admin:
            image: adminer:4
            ports:
              - "127.0.0.1:8080:8080"
          api:
            image: acme/api:1
            ports: ["9000-9001:9000-9001", "8081:80"]
          metrics:
            image: acme/metrics:1
            ports: ["9001:9001/udp"]
    """)
    (finding,) = case.findings("DH216")
    assert finding.line == 8 and "`web`" in finding.message


def test_services_in_disjoint_profiles_may_share_a_port(compose: ComposeFactory) -> None:
    case = compose("""
        services:
          web:
            image: nginx:1.27
            profiles: [prod]
            ports: ["8080:80"]
          dev:
            image: acme/dev:1
            profiles: [dev]
            ports: ["8080:80"]
    """)
    assert case.findings("DH216") == []


def test_an_override_file_adding_the_same_port_to_another_service(compose: ComposeFactory) -> None:
    override = "services:\n  admin:\n    ports: ['8080:8080']\n"
    case = compose(
        "services:\n  web:\n    image: nginx:1.27\n    ports: ['8080:80']\n  admin:\n    image: adminer:4\n",
        files={"compose.override.yaml": override},
    )
    assert case.findings("DH216") == []  # the clash is on the override's line, reviewed with that file
    override_case = compose(
        override,
        files={
            "compose.yaml": "services:\n  web:\n    image: nginx:1.27\n    ports: ['8080:80']\n"
            "  admin:\n    image: adminer:4\n"
        },
        path="compose.override.yaml",
    )
    (finding,) = override_case.findings("DH216")
    assert finding.line == 3
