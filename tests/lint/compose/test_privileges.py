"""DH205 privileged, DH206 the Docker socket, DH207 host namespaces, DH208 root."""

from __future__ import annotations

import pytest

from tests.support.composelint import ComposeFactory

BASE = "services:\n  s:\n    image: acme/agent:1.0\n"


@pytest.mark.parametrize(
    ("snippet", "line", "words"),
    [
        ("    privileged: true\n", 4, "runs privileged"),
        ("    cap_add: [NET_BIND_SERVICE, SYS_ADMIN]\n", 4, "SYS_ADMIN"),
        ("    cap_add:\n      - CAP_NET_ADMIN\n", 5, "NET_ADMIN"),
        ("    cap_add: [ALL]\n", 4, "ALL"),
        ("    security_opt:\n      - seccomp:unconfined\n", 5, "confinement off"),
        ('    security_opt: ["apparmor=unconfined"]\n', 4, "confinement off"),
    ],
)
def test_privileged(compose: ComposeFactory, snippet: str, line: int, words: str) -> None:
    (finding,) = compose(BASE + snippet).findings("DH205")
    assert finding.line == line and words in finding.message


@pytest.mark.parametrize(
    "snippet",
    ["    privileged: false\n", "    cap_add: [NET_BIND_SERVICE]\n", "    security_opt: [no-new-privileges:true]\n"],
)
def test_not_privileged(compose: ComposeFactory, snippet: str) -> None:
    assert compose(BASE + snippet).findings("DH205") == []


@pytest.mark.parametrize(
    "volume",
    [
        "/var/run/docker.sock:/var/run/docker.sock:ro",
        "/run/containerd/containerd.sock:/run/containerd/containerd.sock",
        "${XDG_RUNTIME_DIR:-/run/user/1000}/docker.sock:/var/run/docker.sock",
        "{type: bind, source: /var/run/docker.sock, target: /var/run/docker.sock}",
    ],
)
def test_docker_socket(compose: ComposeFactory, volume: str) -> None:
    (finding,) = compose(BASE + f"    volumes:\n      - {volume}\n").findings("DH206")
    assert finding.line == 5


def test_use_api_socket(compose: ComposeFactory) -> None:
    (finding,) = compose(BASE + "    use_api_socket: true\n").findings("DH206")
    assert finding.line == 4


def test_other_mounts_are_fine(compose: ComposeFactory) -> None:
    case = compose(
        BASE + "    volumes:\n      - ./docker:/etc/docker:ro\n      - sockets:/run/app\nvolumes:\n  sockets:\n"
    )
    assert case.findings("DH206") == []


@pytest.mark.parametrize("key", ["network_mode", "pid", "ipc", "uts", "userns_mode"])
def test_host_namespaces(compose: ComposeFactory, key: str) -> None:
    (finding,) = compose(BASE + f"    {key}: host\n").findings("DH207")
    assert finding.line == 4 and f"`{key}: host`" in finding.message


def test_other_namespaces_pass(compose: ComposeFactory) -> None:
    case = compose(BASE + "    network_mode: bridge\n    ipc: shareable\n")
    assert case.findings("DH207") == []


@pytest.mark.parametrize("user", ["root", '"0"', '"0:0"', "root:root"])
def test_root_user(compose: ComposeFactory, user: str) -> None:
    (finding,) = compose(BASE + f"    user: {user}\n").findings("DH208")
    assert finding.line == 4


@pytest.mark.parametrize("user", ['"1000:1000"', "app", '"${UID:-1000}"', "rootless"])
def test_non_root_users(compose: ComposeFactory, user: str) -> None:
    assert compose(BASE + f"    user: {user}\n").findings("DH208") == []
