"""The Compose services that build a Dockerfile, and what Compose adds when it runs the image.

A Dockerfile without EXPOSE is still a server when a Compose file builds it and publishes its
port (the FastAPI template's backend); `init: true` there gives it an init, and a `healthcheck:`
there probes it. The checklist counts these, and says which file decided. The Compose files
looked at are those of the Dockerfile's directory and the directories above it, each read with
the files Compose merges into it (its override file, a `compose-sets` entry:
bot/lint/compose/project.py), on the same side (base or head) as the Dockerfile.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.lint.compose.project import build_project
from bot.lint.repoview import RepoView
from bot.parsing.compose import Service
from bot.repopaths import directories_above


@dataclass(frozen=True)
class ComposeUse:
    """A service that builds the Dockerfile."""

    compose_file: str
    service: str
    publishes: bool
    """It publishes (`ports:`) or exposes (`expose:`) a port: the image is a server."""
    init: bool
    """`init: true`: Compose runs an init as PID 1."""
    healthcheck: tuple[str, ...] | None
    """Its health check test as a HEALTHCHECK's (`("CMD-SHELL", "curl ...")`); None when it
    has none or switches it off."""

    @property
    def source(self) -> str:
        return f"read from {self.compose_file}"

    @property
    def named(self) -> str:
        return f"service `{self.service}`"


def compose_uses(dockerfile_path: str, view: RepoView, sets: Sequence[Sequence[str]] = ()) -> tuple[ComposeUse, ...]:
    """Every service of a Compose file at or above the Dockerfile's directory that builds it."""
    candidates = [path for directory in directories_above(dockerfile_path) for path in view.compose_files_in(directory)]
    uses: dict[tuple[str, str], ComposeUse] = {}
    read: set[tuple[str, ...]] = set()
    for path in candidates:
        compose = view.compose(path)
        if compose is None:
            continue
        project = build_project(compose, view, sets)
        files = tuple(f.path for f in project.files)
        if files in read:
            continue
        read.add(files)
        for name, service in project.services.items():
            build = service.build
            if build is not None and build.dockerfile == dockerfile_path:
                uses.setdefault((files[0], name), _use(project.first_file.get(name, files[0]), service))
    return tuple(uses.values())


def _use(compose_file: str, service: Service) -> ComposeUse:
    publishes = bool(service.ports) or bool(service.get("expose"))
    init = service.get("init") is True or str(service.get("init")).lower() == "true"
    return ComposeUse(compose_file, service.name, publishes, init, _test(service))


def _test(service: Service) -> tuple[str, ...] | None:
    healthcheck = service.healthcheck
    if healthcheck is None or healthcheck.disabled or healthcheck.test is None:
        return None
    if isinstance(healthcheck.test, str):
        return ("CMD-SHELL", healthcheck.test)
    return healthcheck.test
