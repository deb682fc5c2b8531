"""The Docker Engine API over its unix socket, for the calls that only read: version, image
inspect, image history and image save.

Each `docker` command costs a process, about 12 ms of CPU before it asks the engine anything;
the same request on the socket costs half a millisecond. A review asks a dozen of these, most of
them between the end of one build and the next. Builds still go through the docker client
(it applies .dockerignore, runs buildx, streams the build's output).

Used only where the client would talk to a unix socket for certain: `DOCKER_HOST=unix://...`,
or no DOCKER_HOST and no docker context chosen (then the default /var/run/docker.sock). A TCP or
SSH host, or a named context, stays with the docker client, which knows how to reach them.
Requests name the engine's own API version, which `/_ping` tells (as the docker client asks).
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import re
import socket
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    import http.client

DEFAULT_SOCKET = "/var/run/docker.sock"
_API_VERSION = re.compile(r"1\.\d{1,3}")


class EngineAPIError(Exception):
    """The engine answered with an error, or could not be reached; its message in one line."""


@dataclass(frozen=True)
class EngineAPI:
    socket_path: str
    _version: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    """The API version the engine speaks, asked once (`/_ping`), as the docker client does."""

    def get_json(self, path: str, timeout: float) -> Any:
        import http.client

        response = self._get(path, timeout)
        try:
            with response:
                body = response.read()
        except (OSError, http.client.HTTPException) as error:
            raise EngineAPIError(f"the engine's answer to {path.split('?')[0]} was cut short: {_said(error)}") from None
        try:
            return json.loads(body)
        except ValueError:
            raise EngineAPIError(f"the engine's answer to {path.split('?')[0]} is not JSON") from None

    def version(self, timeout: float) -> str:
        data = self.get_json("/version", timeout)
        return str(data.get("Version") or "") if isinstance(data, dict) else ""

    def inspect_image(self, ref: str, timeout: float) -> Any:
        return self.get_json(f"/images/{quote(ref, safe='')}/json", timeout)

    def image_history(self, ref: str, timeout: float) -> Any:
        return self.get_json(f"/images/{quote(ref, safe='')}/history", timeout)

    def save_image(self, ref: str, timeout: float) -> Body:
        """`docker image save REF`: the tar, as it streams; close it when done."""
        return Body(*self._exchange(f"/images/get?names={quote(ref, safe='')}", timeout))

    def _get(self, path: str, timeout: float) -> http.client.HTTPResponse:
        return self._exchange(path, timeout)[0]

    def _exchange(self, path: str, timeout: float) -> tuple[http.client.HTTPResponse, socket.socket | None]:
        """The engine's answer to GET /v<its API version>`path`, and the socket it comes on."""
        if "api" not in self._version:
            response, _ = self._request("/_ping", timeout)
            with response:
                response.read()
            version = response.getheader("Api-Version") or ""
            if not _API_VERSION.fullmatch(version):
                raise EngineAPIError(f"the engine at unix://{self.socket_path} names no API version")
            self._version["api"] = version
        return self._request(f"/v{self._version['api']}{path}", timeout)

    def _request(self, path: str, timeout: float) -> tuple[http.client.HTTPResponse, socket.socket | None]:
        import http.client  # here: with ssl and email it costs ~9 ms, not to be paid before the first build

        connection = _connection_class()(self.socket_path, timeout)
        try:
            connection.request("GET", path, headers={"Host": "docker"})
            sock = connection.sock
            response = connection.getresponse()
        except (OSError, http.client.HTTPException) as error:
            connection.close()
            raise EngineAPIError(f"cannot reach the engine at unix://{self.socket_path}: {_said(error)}") from None
        if response.status >= 400:
            with response:
                raise EngineAPIError(_error_message(response.status, response.read()))
        return response, sock


class Body(io.BufferedIOBase):
    """An answer's body as a binary stream; an answer cut short is an OSError, as from a pipe."""

    def __init__(self, response: http.client.HTTPResponse, sock: socket.socket | None) -> None:
        super().__init__()
        self.response = response
        self.sock = sock

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        import http.client

        if self.closed:
            raise OSError("the engine's answer was closed: the review is being interrupted")
        try:
            return self.response.read(size if size is not None and size >= 0 else None)
        except (http.client.HTTPException, AttributeError, ValueError) as error:  # closed by another thread
            raise OSError(f"the engine's answer was cut short ({type(error).__name__})") from None

    def close(self) -> None:
        """Also from another thread: a read waiting on the socket then ends at once."""
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
        self.response.close()
        super().close()


@functools.cache
def _connection_class() -> Callable[[str, float], http.client.HTTPConnection]:
    import http.client

    class UnixConnection(http.client.HTTPConnection):
        """HTTP to the engine's unix socket."""

        def __init__(self, socket_path: str, timeout: float) -> None:
            super().__init__("docker", timeout=timeout)
            self.socket_path = socket_path

        def connect(self) -> None:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.settimeout(self.timeout)
            try:
                sock.connect(self.socket_path)
            except OSError:
                sock.close()
                raise
            self.sock = sock

    return UnixConnection


def engine_api(env: Mapping[str, str]) -> EngineAPI | None:
    """The socket the docker client would use, when it is a unix socket for certain."""
    host = env.get("DOCKER_HOST", "")
    if host:
        path = host.removeprefix("unix://") if host.startswith("unix://") else ""
    elif _chosen_context(env):
        path = ""
    else:
        path = DEFAULT_SOCKET
    return EngineAPI(path) if path and Path(path).is_socket() else None


def _chosen_context(env: Mapping[str, str]) -> bool:
    """A docker context other than the default is in use (it may point anywhere)."""
    if env.get("DOCKER_CONTEXT", "default") != "default":
        return True
    config_dir = env.get("DOCKER_CONFIG") or (str(Path(env["HOME"]) / ".docker") if env.get("HOME") else "")
    if not config_dir:
        return False
    try:
        config = json.loads((Path(config_dir) / "config.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    current = config.get("currentContext") if isinstance(config, dict) else None
    return bool(current) and current != "default"


def _error_message(status: int, body: bytes) -> str:
    try:
        message = json.loads(body).get("message")
    except (ValueError, AttributeError):
        message = None
    return str(message or body.decode(errors="replace").strip() or f"HTTP {status}")


def _said(error: BaseException) -> str:
    return getattr(error, "strerror", None) or str(error) or type(error).__name__
