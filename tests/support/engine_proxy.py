"""A unix socket in front of the Docker engine's that notes every request passing through.

Tests point DOCKER_HOST at it to see what reached the engine (which images were saved, say)
whichever way dockhand asked: through the docker client or straight on the socket. Bytes pass
unchanged both ways; request lines are read from what clients send.
"""

from __future__ import annotations

import contextlib
import re
import socket
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

_REQUEST_LINE = re.compile(rb"^(GET|HEAD|POST|PUT|DELETE) (/\S*) HTTP/1\.[01]\r$", re.MULTILINE)
_VERSION = re.compile(r"^/v\d+\.\d+(?=/)")


class EngineProxy:
    def __init__(self, engine_socket: str, path: Path) -> None:
        self.engine_socket = engine_socket
        self.path = path
        self._requests: list[str] = []
        self._lock = threading.Lock()
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(str(path))
        self._server.listen(64)
        self._threads: list[threading.Thread] = []
        self._accepting = threading.Thread(target=self._accept, daemon=True)
        self._accepting.start()

    @property
    def host(self) -> str:
        return f"unix://{self.path}"

    def requests(self) -> list[str]:
        """`METHOD /path?query`, without the API version prefix, unquoted, in arrival order."""
        with self._lock:
            return list(self._requests)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self._server.shutdown(socket.SHUT_RDWR)
        self._server.close()
        self._accepting.join(timeout=5)

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._server.accept()
            except OSError:
                return
            engine = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                engine.connect(self.engine_socket)
            except OSError:
                client.close()
                engine.close()
                continue
            for source, target, note in ((client, engine, True), (engine, client, False)):
                pump = threading.Thread(target=self._pump, args=(source, target, note), daemon=True)
                pump.start()

    def _pump(self, source: socket.socket, target: socket.socket, note: bool) -> None:
        try:
            while data := source.recv(65536):
                if note:
                    self._note(data)
                target.sendall(data)
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                target.shutdown(socket.SHUT_WR)
            if not note:
                source.close()
                target.close()

    def _note(self, data: bytes) -> None:
        for match in _REQUEST_LINE.finditer(data):
            path = _VERSION.sub("", unquote(match.group(2).decode(errors="replace")))
            with self._lock:
                self._requests.append(f"{match.group(1).decode()} {path}")


@contextlib.contextmanager
def engine_proxy(engine_host: str) -> Iterator[EngineProxy]:
    """A proxy for the engine at `engine_host` (unix://...), in a short temporary directory (a
    socket's path has a limit of about 100 bytes)."""
    with tempfile.TemporaryDirectory(prefix="dh-proxy-") as directory:
        proxy = EngineProxy(engine_host.removeprefix("unix://"), Path(directory) / "engine.sock")
        try:
            yield proxy
        finally:
            proxy.close()
