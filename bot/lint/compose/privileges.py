"""DH205 privileged containers, DH206 the Docker socket, DH207 host namespaces, DH208 root."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.lint.compose.subject import ComposeReview
from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.compose import Service, scalar_text
from bot.parsing.interpolation import resolve
from bot.rule import Hit, rule

DANGEROUS_CAPABILITIES = frozenset(
    {"ALL", "SYS_ADMIN", "NET_ADMIN", "SYS_MODULE", "SYS_PTRACE", "SYS_RAWIO", "DAC_READ_SEARCH", "SYS_BOOT", "BPF"}
)
_UNCONFINED = re.compile(r"^(?:(?:seccomp|apparmor)[:=]unconfined|label[:=]disable|systempaths[:=]unconfined)$")
_RUNTIME_SOCKET = re.compile(r"(?:^|/)(?:docker|containerd|podman|crio)\.sock$")
_HOST_NAMESPACES = ("network_mode", "pid", "ipc", "uts", "userns_mode", "cgroup")
_ROOT = re.compile(r"^(?:root|0)(?::(?:root|0))?$")


@rule("DH205", "compose-privileged", Severity.HIGH, "A service runs privileged or with dangerous capabilities")
def privileged(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `privileged: true`, `cap_add` of `ALL`, `SYS_ADMIN`, `NET_ADMIN`, `SYS_MODULE`,
    `SYS_PTRACE`, `SYS_RAWIO`, `DAC_READ_SEARCH`, `SYS_BOOT` or `BPF`, and `security_opt`
    entries that switch confinement off (`seccomp:unconfined`, `apparmor:unconfined`,
    `label:disable`, `systempaths=unconfined`).

    ## Why it matters
    A privileged container has every capability and every host device: escaping it to root on
    the host is a documented one-liner. `SYS_ADMIN` alone is close to that; `NET_ADMIN` lets it
    rewrite the host's firewall when combined with host networking, and dropping seccomp or
    AppArmor removes the kernel's last line of defence.

    ## Example
    ```yaml
    services:
      agent:
        image: vendor/agent:2.3
        privileged: true
    ```

    ## Fix
    Grant only the capability the service needs (`cap_add: [NET_BIND_SERVICE]`), start from
    `cap_drop: [ALL]`, pass single devices with `devices:`, and keep the default seccomp and
    AppArmor profiles. VPN and monitoring agents that need `NET_ADMIN` should say so in an
    ignore comment with the reason.
    """
    for service in review.services:
        if str(service.get("privileged", "")).lower() == "true":
            yield Hit(service.key_line("privileged"), f"service `{service.name}` runs privileged: root on the host")
        for text, line in service.strings("cap_add"):
            capability = text.upper().removeprefix("CAP_")
            if capability in DANGEROUS_CAPABILITIES:
                yield Hit(line, f"service `{service.name}` adds the {capability} capability")
        for text, line in service.strings("security_opt"):
            if _UNCONFINED.match(text.replace(" ", "")):
                yield Hit(line, f"service `{service.name}` switches confinement off (`{text}`)")


@rule("DH206", "compose-docker-socket", Severity.HIGH, "A service mounts the Docker socket")
def docker_socket(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a volume that mounts a container runtime's API socket (`/var/run/docker.sock`,
    `/run/containerd/containerd.sock`, `podman.sock` ...), read-only or not, and
    `use_api_socket: true`.

    ## Why it matters
    Whoever can talk to the Docker API can start a privileged container that mounts the host's
    root filesystem: the socket is root on the host. `:ro` does not help, it only stops the
    socket file from being replaced, not the API from being used.

    ## Example
    ```yaml
    services:
      proxy:
        image: traefik:v3.1
        volumes:
          - /var/run/docker.sock:/var/run/docker.sock:ro
    ```

    ## Fix
    Give the service a filtered API instead, such as a docker-socket-proxy that allows only the
    read-only endpoints it needs, on an internal network. If the service really needs the whole
    API (CI runners, Portainer), record why in an ignore comment.
    """
    for service in review.services:
        for mount in service.mounts:
            source = resolve(mount.source or "") or mount.source or ""
            if _RUNTIME_SOCKET.search(source.replace("\\", "/")):
                yield Hit(mount.line, f"service `{service.name}` mounts the container runtime socket `{source}`")
        if str(service.get("use_api_socket", "")).lower() == "true":
            yield Hit(service.key_line("use_api_socket"), f"service `{service.name}` gets the Docker API socket")


@rule("DH207", "compose-host-namespace", Severity.MEDIUM, "A service shares a namespace with the host")
def host_namespace(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `network_mode: host`, `pid: host`, `ipc: host`, `uts: host`, `userns_mode: host`
    and `cgroup: host`.

    ## Why it matters
    Host networking puts every port the container opens on the host's interfaces, past
    Docker's port publishing and the project network; a host PID namespace lets the container
    see and signal every process of the host; a host IPC namespace shares its memory segments.
    Each removes a wall between the container and the machine.

    ## Example
    ```yaml
    services:
      app:
        image: example/app:1.4
        network_mode: host
    ```

    ## Fix
    Use the project network and publish only the ports that must be reached
    (`ports: ["127.0.0.1:8080:8080"]`). Monitoring agents that need the host's view should
    say so in an ignore comment.
    """
    for service in review.services:
        for key in _HOST_NAMESPACES:
            value = scalar_text(service.get(key))
            if value is not None and value.strip().lower() == "host":
                yield Hit(service.key_line(key), f"service `{service.name}` uses the host's namespace (`{key}: host`)")


@rule("DH208", "compose-root-user", Severity.MEDIUM, "A service is set to run as root")
def root_user(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `user: root`, `user: "0"` and `user: "0:0"`, which override a non-root `USER`
    of the image.

    ## Why it matters
    Root in the container is root on the host's kernel. An image built to run unprivileged is
    switched back to root by this one line, often added to work around a permission problem
    on a volume.

    ## Example
    ```yaml
    services:
      worker:
        image: example/worker:2.0
        user: root
    ```

    ## Fix
    Remove the line, or run as the image's user and fix the ownership of the volume instead
    (`user: "1000:1000"` with a volume owned by 1000).
    """
    for service in review.services:
        value = _user(service)
        if value is not None and _ROOT.match(value):
            yield Hit(service.key_line("user"), f"service `{service.name}` runs as root (`user: {value}`)")


def _user(service: Service) -> str | None:
    value = scalar_text(service.get("user"))
    return resolve(value) if value is not None else None
