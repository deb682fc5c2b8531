"""DH204 datastores and admin UIs published on every interface, DH216 a host port published twice."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.lint.compose.edits import replace_once, verified
from bot.lint.compose.subject import ComposeReview
from bot.lint.context import LintContext
from bot.model import Severity, Suggestion
from bot.parsing.compose import ComposeFile, PortMapping, Service
from bot.rule import Hit, rule

DATASTORE_PORTS = {
    5432: "PostgreSQL", 3306: "MySQL", 33060: "MySQL X protocol", 1433: "SQL Server", 1521: "Oracle",
    27017: "MongoDB", 27018: "MongoDB", 6379: "Redis", 6380: "Redis", 11211: "Memcached",
    9200: "Elasticsearch", 9300: "Elasticsearch transport", 5672: "RabbitMQ", 15672: "RabbitMQ management",
    26257: "CockroachDB", 9042: "Cassandra", 7687: "Neo4j Bolt", 7474: "Neo4j browser", 5984: "CouchDB",
    8529: "ArangoDB", 2379: "etcd", 8086: "InfluxDB", 9092: "Kafka", 2181: "ZooKeeper", 4222: "NATS",
    8500: "Consul", 8200: "Vault", 28015: "RethinkDB", 8123: "ClickHouse HTTP", 9090: "Prometheus",
    9093: "Alertmanager", 16686: "Jaeger UI",
}  # fmt: skip
ADMIN_UIS = {
    "grafana": {3000}, "pgadmin": {80, 443, 5050}, "adminer": {8080}, "mongo-express": {8081},
    "portainer": {8000, 9000, 9443}, "minio": {9000, 9001}, "cockroach": {8080}, "kibana": {5601},
    "redis-commander": {8081}, "phpmyadmin": {80}, "traefik": {8080}, "clickhouse": {9000},
    "loki": {3100}, "flower": {5555}, "kafka-ui": {8080}, "redisinsight": {5540, 8001}, "metabase": {3000},
}  # fmt: skip


@rule(
    "DH204",
    "compose-exposed-datastore",
    Severity.MEDIUM,
    "A database, cache, broker or admin UI port is published on all interfaces",
)
def exposed_datastore(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `ports:` entries that publish a database, cache, message broker or admin UI port
    (PostgreSQL 5432, MySQL 3306, MongoDB 27017, Redis 6379, Elasticsearch 9200, RabbitMQ 5672
    and 15672, CockroachDB 26257, Prometheus 9090, and Grafana's 3000 when the image is Grafana
    ...) without a host address, which Docker binds on every interface of the host.

    ## Why it matters
    A published port is reachable from any network the host is on, and Docker's own iptables
    rules bypass host firewalls such as ufw. Databases and admin UIs are the services that
    should never face the internet, and they are the ones shipped with default credentials.

    ## Example
    ```yaml
    services:
      db:
        image: postgres:16
        ports:
          - "5432:5432"
    ```

    ## Fix
    Bind the port to the loopback interface, so only the host itself can connect, or drop the
    `ports:` entry: services in the same project reach each other over the project network.
    ```yaml
        ports:
          - "127.0.0.1:5432:5432"
    ```
    """
    for service in review.services:
        for port in service.ports:
            if not port.on_all_interfaces or not port.published:
                continue
            what = _what_listens(service, port)
            if what is None:
                continue
            message = (
                f"service `{service.name}`: {what} port {port.target} is published on all interfaces "
                f"as {port.published}; bind it to 127.0.0.1"
            )
            yield Hit(port.line, message, suggestion=_loopback(review, service, port))


def _what_listens(service: Service, port: PortMapping) -> str | None:
    image = (service.image or "").lower().rsplit("/", 1)[-1].split(":", 1)[0]
    for number in port.target_ports():
        if number in DATASTORE_PORTS:
            return DATASTORE_PORTS[number]
        for name, numbers in ADMIN_UIS.items():
            if name in image and number in numbers:
                return f"the {name} UI"
    return None


def _loopback(review: ComposeReview, service: Service, port: PortMapping) -> Suggestion | None:
    if port.long_syntax or port.host_ip not in (None, "") or not re.fullmatch(r"[\w${}:.-]+(/\w+)?", port.text):
        return None
    suggestion = replace_once(review, port.line, port.text, f"127.0.0.1:{port.text}")

    def bound(fixed: ComposeFile) -> bool:
        again = fixed.service(service.name)
        return again is not None and any(p.line == port.line and p.host_ip == "127.0.0.1" for p in again.ports)

    return verified(review, suggestion, bound)


@rule("DH216", "compose-duplicate-host-port", Severity.HIGH, "The same host port is published twice")
def duplicate_host_port(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Collects the host ports every service of the project publishes (override files included,
    port ranges expanded) and reports a port that a second service publishes again on the same
    address and protocol. Services whose profiles never run together are not compared.

    ## Why it matters
    Only one process can bind a host port. The second container fails to start with "port is
    already allocated", usually after the first has started, so `docker compose up` leaves a
    half-running stack.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        ports: ["8080:80"]
      admin:
        image: adminer:4
        ports: ["8080:8080"]
    ```

    ## Fix
    Give each service its own host port (`"8081:8080"`), or publish only the one that must
    be reached from outside.
    """
    taken: dict[tuple[int, str], list[tuple[str, str, frozenset[str]]]] = {}
    for compose in review.project.files:
        for service in compose.services:
            profiles = frozenset(text for text, _ in review.whole(service).strings("profiles"))
            for port in service.ports:
                address, protocol = _address(port), port.protocol.lower()
                for number in port.published_ports():
                    bindings = taken.setdefault((number, protocol), [])
                    clash = _clash(bindings, address, service.name, profiles)
                    if clash is not None and compose.path == review.file.path:
                        message = (
                            f"service `{service.name}`: host port {number}/{protocol} is already published by "
                            f"service `{clash}`"
                        )
                        yield Hit(port.line, message)
                        break
                    bindings.append((address, service.name, profiles))


def _address(port: PortMapping) -> str:
    return "*" if port.on_all_interfaces else str(port.host_ip)


def _clash(
    bindings: list[tuple[str, str, frozenset[str]]], address: str, name: str, profiles: frozenset[str]
) -> str | None:
    for other_address, other, other_profiles in bindings:
        if other == name or (address != other_address and "*" not in (address, other_address)):
            continue
        if profiles and other_profiles and not profiles & other_profiles:
            continue
        return other
    return None
