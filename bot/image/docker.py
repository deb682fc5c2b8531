"""The docker command line, run as argument lists with a timeout and a scrubbed environment,
and the engine's reads (version, image inspect, history, save) wherever they are cheapest.

Builds run code from the pull request (RUN steps), so the docker client gets only the
variables it needs to find the engine and its own plugins: never tokens, never cloud keys,
never the CI's secrets. `--build-arg NAME` without a value would read NAME from the
environment; dockhand always passes `NAME=value`, and the scrubbed environment has no such
names anyway.

The reads go to the engine's unix socket when the client would use one for certain
(bot/image/engine_api.py), else through the client; callers do not see which. `RunningWork`
holds what an interrupted review must stop at once: the builds, and the saves being read.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import threading
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

from bot.image.engine_api import EngineAPI, EngineAPIError, engine_api

ENGINE_CHECK_SECONDS = 20
QUICK_SECONDS = 120
SAVE_TIMEOUT_SECONDS = 900

_KEPT_VARIABLES = (
    "PATH",
    "HOME",
    "TMPDIR",
    "XDG_RUNTIME_DIR",
    "XDG_CONFIG_HOME",
    "DOCKER_HOST",
    "DOCKER_CONTEXT",
    "DOCKER_CONFIG",
    "DOCKER_CERT_PATH",
    "DOCKER_TLS_VERIFY",
    "DOCKER_TLS",
    "DOCKER_API_VERSION",
    "BUILDX_BUILDER",
    "BUILDX_CONFIG",
)


class DockerError(Exception):
    """A docker command that failed, explained in one line (its last line of stderr)."""


def scrubbed_env(environ: Mapping[str, str]) -> dict[str, str]:
    """Only what the docker client needs to reach the engine; no secrets, no proxies."""
    env = {name: environ[name] for name in _KEPT_VARIABLES if name in environ}
    env.setdefault("PATH", os.defpath)
    env["LC_ALL"] = "C"
    env["DOCKER_CLI_HINTS"] = "false"
    return env


@dataclass(frozen=True)
class Docker:
    """The docker client binary and the environment every call gets; `api`, the engine's own
    socket, when the client is known to use one (reads go there: bot/image/engine_api.py)."""

    binary: str
    env: dict[str, str] = field(default_factory=dict)
    api: EngineAPI | None = None

    def run(
        self,
        args: Sequence[str],
        *,
        timeout: float = QUICK_SECONDS,
        extra_env: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[bytes]:
        """Run `docker ARGS`; raise DockerError on a non-zero exit when `check`, or on a timeout."""
        env = {**self.env, **(extra_env or {})}
        try:
            done = subprocess.run(
                [self.binary, *args],
                capture_output=True,
                timeout=timeout,
                env=env,
                check=False,
                stdin=subprocess.DEVNULL,
            )
        except subprocess.TimeoutExpired:
            raise DockerError(f"docker {args[0]} took longer than {timeout:.0f}s") from None
        except OSError as error:
            raise DockerError(f"cannot run {self.binary}: {error.strerror}") from None
        if check and done.returncode != 0:
            raise DockerError(f"docker {args[0]} failed: {last_line(done.stderr) or done.returncode}")
        return done

    def server_version(self, timeout: float = ENGINE_CHECK_SECONDS) -> str:
        """The engine's version; DockerError, saying why, when it does not answer."""
        if self.api is not None:
            try:
                version = self.api.version(timeout)
            except EngineAPIError as error:
                raise DockerError(str(error)) from None
        else:
            done = self.run(["version", "--format", "{{.Server.Version}}"], timeout=timeout, check=False)
            version = done.stdout.decode(errors="replace").strip() if done.returncode == 0 else ""
            if not version:
                raise DockerError(last_line(done.stderr) or "no server version")
        if not version:
            raise DockerError("no server version")
        return version

    def inspect_image(self, ref: str) -> Any:
        """`docker image inspect REF`, as JSON."""
        if self.api is not None:
            try:
                return self.api.inspect_image(ref, QUICK_SECONDS)
            except EngineAPIError as error:
                raise DockerError(f"docker image inspect failed: {error}") from None
        done = self.run(["image", "inspect", "--format", "{{json .}}", ref])
        try:
            return json.loads(done.stdout)
        except ValueError:
            raise DockerError(f"docker image inspect {ref} gave no JSON") from None

    def image_history(self, ref: str) -> list[dict[str, Any]]:
        """`docker image history REF`, newest first, as the engine's API names the fields (`Id`,
        `CreatedBy`, `Created`, `Comment`); `Id` is "<missing>" for layers not built here."""
        if self.api is not None:
            try:
                listed = self.api.image_history(ref, QUICK_SECONDS)
            except EngineAPIError as error:
                raise DockerError(f"docker image history failed: {error}") from None
            return [item for item in listed if isinstance(item, dict)] if isinstance(listed, list) else []
        done = self.run(["image", "history", "--no-trunc", "--human=false", "--format", "{{json .}}", ref])
        entries = [_json_object(line) for line in done.stdout.decode(errors="replace").splitlines() if line.strip()]
        return [{**entry, "Id": entry.get("ID", ""), "Created": entry.get("CreatedAt", "")} for entry in entries]

    @contextlib.contextmanager
    def save_image(self, ref: str, running: RunningWork | None = None) -> Iterator[IO[bytes] | io.BufferedIOBase]:
        """`docker image save REF` as it streams; stopped if not read to the end, or when `running`
        stops; a DockerError for what the engine or the client said went wrong."""
        running = running or RunningWork()
        if self.api is not None:
            try:
                response = self.api.save_image(ref, SAVE_TIMEOUT_SECONDS)
            except EngineAPIError as error:
                raise DockerError(f"docker image save failed: {error}") from None
            running.add_stream(response)
            try:
                yield response
            finally:
                running.discard_stream(response)
                response.close()
            return
        process = self._popen(["image", "save", ref])
        assert process.stdout is not None
        running.add(process)
        try:
            yield process.stdout
        except BaseException:
            process.kill()
            raise
        finally:
            running.discard(process)
            _finish_save(process)

    def _popen(self, args: Sequence[str]) -> subprocess.Popen[bytes]:
        """Start `docker ARGS` with its stdout as a pipe (for `docker save`)."""
        return subprocess.Popen(
            [self.binary, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=self.env,
        )


def _finish_save(process: subprocess.Popen[bytes]) -> None:
    stderr = b""
    try:
        stderr = process.stderr.read() if process.stderr else b""
        process.wait(timeout=SAVE_TIMEOUT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0:
        raise DockerError(f"docker image save failed: {last_line(stderr) or process.returncode}")


def _json_object(line: str) -> dict[str, Any]:
    try:
        value = json.loads(line)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


@dataclass
class RunningWork:
    """The docker work running right now, so that an interrupted review stops it at once: the
    build processes (interrupted as Ctrl-C would) and the image saves being read (closed)."""

    _processes: set[subprocess.Popen[bytes]] = field(default_factory=set)
    _streams: set[Closable] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stopped: bool = False

    def add(self, process: subprocess.Popen[bytes]) -> None:
        """Track a build; one that starts after `stop_all` (a race with Ctrl-C) stops at once."""
        with self._lock:
            self._processes.add(process)
            stopped = self._stopped
        if stopped:
            with contextlib.suppress(OSError):
                process.send_signal(signal.SIGINT)

    def discard(self, process: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._processes.discard(process)

    def add_stream(self, stream: Closable) -> None:
        """Track a save being read; one opened after `stop_all` is closed at once."""
        with self._lock:
            self._streams.add(stream)
            stopped = self._stopped
        if stopped:
            stream.close()

    def discard_stream(self, stream: Closable) -> None:
        with self._lock:
            self._streams.discard(stream)

    @property
    def stopped(self) -> bool:
        """The review is being interrupted: a failed build is the interruption, not the engine."""
        with self._lock:
            return self._stopped

    def stop_all(self) -> None:
        """Interrupt every running build (the docker client cancels it on the engine) and close
        every save being read (its reader fails at once instead of reading to the end)."""
        with self._lock:
            self._stopped = True
            processes, streams = list(self._processes), list(self._streams)
        for process in processes:
            with contextlib.suppress(OSError):
                process.send_signal(signal.SIGINT)
        for stream in streams:
            with contextlib.suppress(OSError, ValueError):
                stream.close()


class Closable(Protocol):
    def close(self) -> None: ...


@dataclass(frozen=True)
class Engine:
    """A docker client that reached an engine, and which builder it will use."""

    docker: Docker
    server_version: str
    buildx: bool


def find_docker(environ: Mapping[str, str] | None = None) -> Docker | None:
    env = scrubbed_env(os.environ if environ is None else environ)
    binary = shutil.which("docker", path=env.get("PATH"))
    return Docker(binary, env, engine_api(env)) if binary else None


def connect(environ: Mapping[str, str] | None = None) -> Engine | str:
    """The engine to build with, or the reason there is none (for the report's notes)."""
    docker = find_docker(environ)
    if docker is None:
        return "docker is not installed (no `docker` on PATH)"
    with ThreadPoolExecutor(1) as pool:
        buildx = pool.submit(has_buildx, docker)  # the client's plugin, asked while the engine answers
        try:
            version = docker.server_version()
        except DockerError as error:
            return f"the Docker engine does not answer: {error}"
        return Engine(docker, version, buildx.result())


def engine_gone(docker: Docker) -> str:
    """Why the engine no longer answers (it stopped, or its socket went away mid-review), or ""."""
    try:
        docker.server_version()
    except DockerError as error:
        return f"the Docker engine stopped answering during the review ({error})"
    return ""


def has_buildx(docker: Docker) -> bool:
    try:
        return docker.run(["buildx", "version"], timeout=ENGINE_CHECK_SECONDS, check=False).returncode == 0
    except DockerError:
        return False


def last_line(output: bytes | str) -> str:
    text = output.decode(errors="replace") if isinstance(output, bytes) else output
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
