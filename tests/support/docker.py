"""A real Docker engine for tests, and tiny base images made without a registry.

`engine_session()` uses the engine at DOCKER_HOST when one is set and answers (CI's .ci/run
starts one), else starts a private `dockerd` (root only) on a socket in a temporary
directory, and stops it by its pid afterwards. Base images are a busybox-static root
filesystem packed into a tar and `docker import`-ed: nothing is pulled.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import signal
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

DOCKERD_START_SECONDS = 60
DOCKERD_STOP_SECONDS = 30
PASSWD = "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000:app:/home/app:/bin/sh\n"
GROUP = "root:x:0:\napp:x:1000:\n"

FileContent = str | bytes


class DockerUnavailable(Exception):
    """No engine: the reason, for the skip (or the failure, in CI)."""


@dataclass
class DockerEngine:
    host: str
    """The DOCKER_HOST value that reaches it."""
    started_pid: int | None = None
    state_dir: Path | None = None
    _imported: dict[tuple[tuple[str, bytes], ...], str] = field(default_factory=dict)

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DOCKER_HOST": self.host, "DOCKER_CLI_HINTS": "false"}

    def docker(self, *args: str, stdin: bytes | None = None, check: bool = True) -> str:
        done = subprocess.run(
            ["docker", *args], input=stdin, capture_output=True, env=self.env, timeout=300, check=False
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"docker {' '.join(args)} failed: {done.stderr.decode(errors='replace')}")
        return done.stdout.decode(errors="replace").strip()

    def image_refs(self) -> set[str]:
        """Every image (id and tags), including untagged intermediate ones."""
        out = self.docker("image", "ls", "--all", "--no-trunc", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}")
        return {line for line in out.splitlines() if line}

    def containers(self) -> set[str]:
        return set(self.docker("container", "ls", "--all", "--quiet").split())

    def busybox_image(self, files: Mapping[str, FileContent] | None = None, tag: str | None = None) -> str:
        """A busybox image with `files` added (path -> content); the same files give the same image."""
        key = tuple(sorted((path, _bytes(content)) for path, content in (files or {}).items()))
        if key in self._imported and tag is None:
            return self._imported[key]
        name = tag or f"dockhand-test/busybox:{len(self._imported)}"
        self.docker("image", "import", "-", name, stdin=busybox_rootfs(dict(key)))
        if tag is None:
            self._imported[key] = name
        return name


def _bytes(content: FileContent) -> bytes:
    return content.encode() if isinstance(content, str) else content


def busybox_rootfs(files: Mapping[str, bytes] | None = None) -> bytes:
    """A tar of a minimal root filesystem: busybox-static, its applets, /etc/passwd, /tmp, `files`."""
    busybox = shutil.which("busybox")
    if busybox is None:
        raise DockerUnavailable("busybox is not installed (apt-get install busybox-static)")
    applets = subprocess.run([busybox, "--list"], capture_output=True, check=True, timeout=30).stdout.decode().split()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for directory in ("bin", "etc", "tmp", "root", "home/app"):
            info = tarfile.TarInfo(directory)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if directory == "tmp" else 0o755
            tar.addfile(info)
        tar.add(busybox, arcname="bin/busybox")
        for applet in applets:
            if applet != "busybox":
                link = tarfile.TarInfo(f"bin/{applet}")
                link.type = tarfile.SYMTYPE
                link.linkname = "busybox"
                tar.addfile(link)
        extra = {"etc/passwd": PASSWD.encode(), "etc/group": GROUP.encode(), **(files or {})}
        for path, content in sorted(extra.items()):
            info = tarfile.TarInfo(path.lstrip("/"))
            info.size = len(content)
            info.mode = 0o755 if path.startswith(("bin/", "/bin/")) else 0o644
            tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def _answers(host: str) -> bool:
    try:
        done = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}}"],
            env={**os.environ, "DOCKER_HOST": host},
            capture_output=True,
            timeout=20,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0 and bool(done.stdout.strip())


@contextlib.contextmanager
def engine_session(environ: Mapping[str, str] | None = None) -> Iterator[DockerEngine]:
    """The engine at DOCKER_HOST if it answers, else a private dockerd for the duration."""
    environ = os.environ if environ is None else environ
    if shutil.which("docker") is None:
        raise DockerUnavailable("the docker client is not installed")
    host = environ.get("DOCKER_HOST")
    if host and _answers(host):
        yield DockerEngine(host)
        return
    with _private_dockerd() as engine:
        yield engine


@contextlib.contextmanager
def _private_dockerd() -> Iterator[DockerEngine]:
    dockerd = shutil.which("dockerd") or ("/usr/sbin/dockerd" if Path("/usr/sbin/dockerd").exists() else None)
    if dockerd is None:
        raise DockerUnavailable("no Docker engine at DOCKER_HOST and no dockerd to start")
    if os.geteuid() != 0:
        raise DockerUnavailable("no Docker engine at DOCKER_HOST, and starting dockerd needs root")
    state = Path(tempfile.mkdtemp(prefix="dh-docker-", dir="/tmp"))  # a short path: unix sockets < 108 bytes
    host = f"unix://{state}/docker.sock"
    log = (state / "dockerd.log").open("wb")
    process = subprocess.Popen(
        [
            dockerd,
            "--host",
            host,
            "--data-root",
            str(state / "data"),
            "--exec-root",
            str(state / "exec"),
            "--pidfile",
            str(state / "docker.pid"),
            "--bridge=none",
            "--iptables=false",
            "--ip6tables=false",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    engine = DockerEngine(host, started_pid=process.pid, state_dir=state)
    try:
        _wait_until_ready(process, host, state)
        yield engine
    finally:
        _stop(process)
        log.close()
        _remove_leftovers(state)
        shutil.rmtree(state, ignore_errors=True)


@contextlib.contextmanager
def private_engine() -> Iterator[DockerEngine]:
    """A dockerd of the caller's own (never the shared one): for tests that kill it."""
    if shutil.which("docker") is None:
        raise DockerUnavailable("the docker client is not installed")
    with _private_dockerd() as engine:
        yield engine


def kill_engine(engine: DockerEngine) -> None:
    """SIGKILL the engine's dockerd, as a crash or an OOM kill would (only one this process started)."""
    assert engine.started_pid is not None, "only a private dockerd may be killed"
    os.kill(engine.started_pid, signal.SIGKILL)


def _remove_leftovers(state: Path) -> None:
    """After a dockerd that did not shut down cleanly: the containerd and shims it started (found by
    its own state directory in their command line) are stopped by pid, its mounts undone."""
    marker = str(state).encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker in (entry / "cmdline").read_bytes():
                os.kill(int(entry.name), signal.SIGKILL)
        except (OSError, ValueError):
            continue
    mounts = Path("/proc/self/mounts").read_text(encoding="utf-8").splitlines()
    points = sorted((line.split()[1] for line in mounts if line.split()[1].startswith(str(state))), reverse=True)
    for point in points:
        subprocess.run(["umount", "-l", point], capture_output=True, check=False, timeout=30)


def _wait_until_ready(process: subprocess.Popen[bytes], host: str, state: Path) -> None:
    deadline = time.monotonic() + DOCKERD_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _answers(host):
            return
        time.sleep(0.3)
    log = (state / "dockerd.log").read_text(errors="replace").splitlines()[-15:]
    raise DockerUnavailable("dockerd did not come up:\n" + "\n".join(log))


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=DOCKERD_STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=DOCKERD_STOP_SECONDS)
