"""The engine's socket: when dockhand uses it instead of the docker client, and what an engine
that answers badly gives (the real engine's answers are covered by every image test)."""

from __future__ import annotations

import io
import json
import socket
import socketserver
import tarfile
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from bot.image.docker import Docker, RunningWork, engine_gone
from bot.image.engine_api import EngineAPI, EngineAPIError, engine_api
from bot.image.layers import MeasureError
from bot.image.save import read_image

Answer = tuple[int, bytes, int | None]
"""Status, body, and the Content-Length to claim (None: the body's own)."""


@pytest.fixture
def short_dir() -> Iterator[Path]:
    """A socket's path must stay under ~100 bytes: not in pytest's long tmp_path."""
    with tempfile.TemporaryDirectory(prefix="dh-api-") as directory:
        yield Path(directory)


def listening_socket(path: Path) -> socket.socket:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind(str(path))
    return server


def test_the_socket_is_used_only_where_the_client_would_use_it_for_certain(short_dir: Path) -> None:
    sock = short_dir / "docker.sock"
    server = listening_socket(sock)
    try:
        assert engine_api({"DOCKER_HOST": f"unix://{sock}"}) == EngineAPI(str(sock))
        assert engine_api({"DOCKER_HOST": "tcp://10.0.0.5:2376"}) is None
        assert engine_api({"DOCKER_HOST": "ssh://builder@ci"}) is None
        assert engine_api({"DOCKER_HOST": f"unix://{short_dir / 'nothing.sock'}"}) is None
        assert engine_api({"DOCKER_HOST": f"unix://{short_dir}"}) is None  # a directory, not a socket
        assert engine_api({"DOCKER_CONTEXT": "remote", "HOME": str(short_dir)}) is None
        config = short_dir / "config"
        config.mkdir()
        (config / "config.json").write_text(json.dumps({"currentContext": "desktop-linux"}))
        assert engine_api({"DOCKER_CONFIG": str(config)}) is None
    finally:
        server.close()


class FakeEngine(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def __init__(self, path: Path, answers: dict[str, Answer]) -> None:
        self.answers = answers
        """By path, without the API version the requests name."""
        self.api_version = "1.41"
        self.stalls: set[str] = set()
        """Paths whose answer stops part way until `release` is set."""
        self.stalled = threading.Event()
        self.release = threading.Event()
        super().__init__(str(path), _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: FakeEngine

    def do_GET(self) -> None:
        if self.path == "/_ping":
            self.send_response(200)
            if self.server.api_version:
                self.send_header("Api-Version", self.server.api_version)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"OK")
            return
        path = self.path.removeprefix(f"/v{self.server.api_version}")
        status, body, length = self.server.answers.get(path, (404, b'{"message": "page not found"}', None))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()
        if path in self.server.stalls:  # an engine still exporting a large image
            self.server.stalled.set()
            self.server.release.wait(timeout=60)

    def address_string(self) -> str:
        return "unix"

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def fake_engine(short_dir: Path) -> Iterator[tuple[FakeEngine, EngineAPI]]:
    path = short_dir / "engine.sock"
    server = FakeEngine(path, {})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, EngineAPI(str(path))
    finally:
        server.release.set()
        server.shutdown()
        server.server_close()


def test_an_error_answer_says_what_the_engine_said(fake_engine: tuple[FakeEngine, EngineAPI]) -> None:
    server, api = fake_engine
    server.answers["/images/sha256%3Aabc/json"] = (200, b'{"Id": "sha256:abc"}', None)
    assert api.inspect_image("sha256:abc", 5) == {"Id": "sha256:abc"}
    with pytest.raises(EngineAPIError, match=r"^page not found$"):
        api.inspect_image("missing", 5)
    server.answers["/version"] = (500, b"engine overloaded\n", None)
    with pytest.raises(EngineAPIError, match=r"^engine overloaded$"):
        api.version(5)
    server.answers["/images/cut/json"] = (200, b'{"Id": "sha', 4096)  # the engine stopped mid-answer
    with pytest.raises(EngineAPIError, match="was cut short"):
        api.inspect_image("cut", 5)


def test_requests_name_the_api_version_the_engine_speaks(fake_engine: tuple[FakeEngine, EngineAPI]) -> None:
    server, api = fake_engine
    server.answers["/version"] = (200, b'{"Version": "29.1.0"}', None)
    assert api.version(5) == "29.1.0"  # asked as /v1.41/version, after /_ping said 1.41
    server.api_version = ""
    with pytest.raises(EngineAPIError, match="names no API version"):
        EngineAPI(api.socket_path).version(5)


def test_a_save_cut_short_is_a_measure_error(fake_engine: tuple[FakeEngine, EngineAPI]) -> None:
    server, api = fake_engine
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"[]"))
    whole = buffer.getvalue()
    server.answers["/images/get?names=sha256%3Aabc"] = (200, whole[:700], len(whole))  # the engine went away
    docker = Docker("/nonexistent/docker", {}, api)
    with pytest.raises(MeasureError, match="cannot read `docker image save` output"):
        read_image(docker, "sha256:abc", ["sha256:" + "1" * 64], None)


def test_an_engine_that_stopped_listening_is_gone(short_dir: Path) -> None:
    path = short_dir / "engine.sock"
    listening_socket(path).close()  # the socket file stays; nobody answers it
    gone = engine_gone(Docker("/nonexistent/docker", {}, EngineAPI(str(path))))
    assert gone.startswith("the Docker engine stopped answering during the review (cannot reach the engine at unix://")


def test_an_interrupted_review_stops_reading_a_save_at_once(fake_engine: tuple[FakeEngine, EngineAPI]) -> None:
    server, api = fake_engine
    path = "/images/get?names=sha256%3Aabc"
    server.answers[path] = (200, b"\0" * 512, 1 << 30)  # a 1 GiB save, of which 512 bytes came so far
    server.stalls.add(path)
    running = RunningWork()
    failures: list[BaseException] = []
    docker = Docker("/nonexistent/docker", {}, api)

    def read() -> None:
        try:
            read_image(docker, "sha256:abc", ["sha256:" + "1" * 64], None, None, running)
        except MeasureError as error:
            failures.append(error)

    reader = threading.Thread(target=read)
    reader.start()
    assert server.stalled.wait(timeout=30)
    running.stop_all()  # Ctrl-C: the reader waits on the socket for the rest of the gigabyte
    reader.join(timeout=10)
    assert not reader.is_alive()
    assert len(failures) == 1
