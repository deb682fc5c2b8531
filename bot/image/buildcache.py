"""BuildKit's layer cache kept in a directory between runs (`--build-cache-dir`).

On a CI runner that starts empty, BuildKit has no cache: the base branch is rebuilt from scratch
on every run. With a directory that the workflow saves and restores (actions/cache), each build
imports the cache of the last base and head builds and exports its own, tagged by side, so that
the base build of the next run is a cache hit and the head reuses what the base built:

    --cache-from type=local,src=DIR,tag=base --cache-from type=local,src=DIR,tag=head
    --cache-to type=local,dest=DIR,mode=max,tag=<side>

A side's tag that is not there yet is a warning of BuildKit's, not an error. The classic builder
keeps its cache in the engine and has no such flags; BuildKit's default `docker` driver can
export a cache only when the engine stores images in containerd (Docker Engine's containerd
image store). A builder that cannot is a note in the report, and the builds run without.
The directory is named by the command line or the action's input, never by the config file:
a pull request must not choose where the runner writes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from bot.image.docker import Docker, DockerError, Engine

SIDES = ("base", "head")
_EXPORTING_DRIVERS = ("docker-container", "kubernetes", "remote")
_CONTAINERD_SNAPSHOTTER = "io.containerd.snapshotter"


@dataclass(frozen=True)
class BuildCache:
    directory: Path

    def flags(self, side: str) -> tuple[str, ...]:
        """The `docker buildx build` flags for one side's build."""
        imports = [f"--cache-from=type=local,src={self.directory},tag={tag}" for tag in SIDES]
        return (*imports, f"--cache-to=type=local,dest={self.directory},mode=max,tag={side}")


def choose_build_cache(engine: Engine, directory: Path | None) -> tuple[BuildCache | None, str]:
    """The cache to build with when one is asked for and the builder can use it, and the
    report's note: that it is used, or why not."""
    if directory is None:
        return None, ""
    not_used = f"build cache {directory} not used"
    if not engine.buildx:
        return None, f"{not_used}: the classic builder keeps its cache in the engine"
    if "," in str(directory) or '"' in str(directory):
        return None, f"{not_used}: buildx reads cache options as CSV, where a path cannot hold a comma or a quote"
    reason = unsupported_reason(engine.docker)
    if reason:
        return None, f"{not_used}: {reason}"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return None, f"{not_used}: {error.strerror or error}"
    return BuildCache(directory), f"BuildKit's cache read from and written to {directory}"


def unsupported_reason(docker: Docker) -> str:
    """Why the current buildx builder cannot export a cache to a directory, or "" when it can."""
    driver = builder_driver(docker)
    if driver in _EXPORTING_DRIVERS:
        return ""
    if driver == "docker" and _containerd_store(docker):
        return ""
    if not driver:
        return "`docker buildx inspect` does not say which driver the builder uses"
    return (
        f"the buildx builder's `{driver}` driver cannot export a cache (create one that can: "
        "`docker buildx create --use`, as docker/setup-buildx-action does)"
    )


def builder_driver(docker: Docker) -> str:
    """The driver of the builder `docker buildx build` uses (`docker`, `docker-container`, ...)."""
    try:
        done = docker.run(["buildx", "inspect"], check=False)
    except DockerError:
        return ""
    return parse_driver(done.stdout.decode(errors="replace")) if done.returncode == 0 else ""


def parse_driver(inspect_output: str) -> str:
    for line in inspect_output.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == "Driver":
            return value.strip()
    return ""


def _containerd_store(docker: Docker) -> bool:
    """Whether the engine keeps images in containerd (its storage driver is a snapshotter)."""
    try:
        done = docker.run(["info", "--format", "{{json .DriverStatus}}"], check=False)
        status = json.loads(done.stdout or b"null")
    except (DockerError, ValueError):
        return False
    pairs = status if isinstance(status, list) else []
    return any(isinstance(pair, list) and _CONTAINERD_SNAPSHOTTER in " ".join(map(str, pair)) for pair in pairs)
