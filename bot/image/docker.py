"""The docker command line, run as argument lists with a timeout and a scrubbed environment.

Builds run code from the pull request (RUN steps), so the docker client gets only the
variables it needs to find the engine and its own plugins: never tokens, never cloud keys,
never the CI's secrets. `--build-arg NAME` without a value would read NAME from the
environment; dockhand always passes `NAME=value`, and the scrubbed environment has no such
names anyway.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from bot.image.engine_api import EngineAPI, EngineAPIError, engine_api

ENGINE_CHECK_SECONDS = 20
QUICK_SECONDS = 120

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

    def popen(self, args: Sequence[str]) -> subprocess.Popen[bytes]:
        """Start `docker ARGS` with its stdout as a pipe (for `docker save`)."""
        return subprocess.Popen(
            [self.binary, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env=self.env,
        )


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
    if (version := _api_version(docker)) is not None:
        return Engine(docker, version, has_buildx(docker))
    try:
        done = docker.run(["version", "--format", "{{.Server.Version}}"], timeout=ENGINE_CHECK_SECONDS, check=False)
    except DockerError as error:
        return f"the Docker engine does not answer: {error}"
    version = done.stdout.decode(errors="replace").strip()
    if done.returncode != 0 or not version:
        reason = last_line(done.stderr) or "no server version"
        return f"the Docker engine does not answer: {reason}"
    return Engine(docker, version, has_buildx(docker))


def engine_gone(docker: Docker) -> str:
    """Why the engine no longer answers (it stopped, or its socket went away mid-review), or ""."""
    if docker.api is not None:
        try:
            docker.api.version(ENGINE_CHECK_SECONDS)
        except EngineAPIError as error:
            return f"the Docker engine stopped answering during the review ({error})"
        return ""
    try:
        done = docker.run(["version", "--format", "{{.Server.Version}}"], timeout=ENGINE_CHECK_SECONDS, check=False)
    except DockerError as error:
        return f"the Docker engine stopped answering during the review ({error})"
    if done.returncode != 0 or not done.stdout.strip():
        return f"the Docker engine stopped answering during the review ({last_line(done.stderr) or 'no version'})"
    return ""


def _api_version(docker: Docker) -> str | None:
    """The engine's version from its socket; None to ask the client (which explains a failure)."""
    if docker.api is None:
        return None
    try:
        return docker.api.version(ENGINE_CHECK_SECONDS) or None
    except EngineAPIError:
        return None


def has_buildx(docker: Docker) -> bool:
    try:
        return docker.run(["buildx", "version"], timeout=ENGINE_CHECK_SECONDS, check=False).returncode == 0
    except DockerError:
        return False


def last_line(output: bytes | str) -> str:
    text = output.decode(errors="replace") if isinstance(output, bytes) else output
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
