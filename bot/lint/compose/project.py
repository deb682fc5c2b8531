"""A Compose project: the files Compose reads together, merged into whole services.

`docker compose up` in a directory reads `compose.yaml` (or `compose.yml`, `docker-compose.yaml`,
`docker-compose.yml`) and then its `*.override.*` file; `-f` sets can be named in the config
(`compose-sets`). A file such as `docker-compose.prod.yml` whose services lack an image and a
build is an override of the directory's main file. Services are merged across the set by
Compose's merge rules and `extends:` is resolved, so checks that need the whole service (does it
have a health check, a restart policy?) see what Compose would run.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bot.lint.repoview import RepoView
from bot.parsing.compose import ComposeFile, Service, resolve_path, scalar_text
from bot.parsing.compose_merge import merge_service
from bot.parsing.dockerfile import parse_dockerfile
from bot.parsing.envfile import MAX_ENV_FILE_BYTES, listed_files

MAIN_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")
OVERRIDE_NAMES = (
    "compose.override.yaml",
    "compose.override.yml",
    "docker-compose.override.yaml",
    "docker-compose.override.yml",
)
SECTIONS = ("volumes", "networks", "secrets", "configs")
_MAX_EXTENDS = 8


@dataclass(frozen=True)
class ComposeProject:
    files: tuple[ComposeFile, ...]
    services: dict[str, Service]
    """Whole services: merged across the files, `extends` resolved."""
    first_file: dict[str, str]
    """For each service, the path of the first file of the set that defines it."""
    definitions: dict[str, frozenset[str]]
    """Names defined per section (`services`, `volumes`, `networks`, `secrets`, `configs`)."""
    complete: bool = True
    """False when an `include:` or `extends: file:` could not be read: references may be elsewhere."""
    dockerfile_healthchecks: dict[str, bool] = field(default_factory=dict)
    """Per built service: True when its Dockerfile target has a HEALTHCHECK, False for `NONE`."""
    env_files: dict[str, str] = field(default_factory=dict)
    """Texts of the `env_file:` files the services name that are committed (repository path -> text)."""

    def whole(self, name: str) -> Service | None:
        return self.services.get(name)

    @cached_property
    def awaited_to_complete(self) -> frozenset[str]:
        """Services another one waits for with `condition: service_completed_successfully`."""
        return frozenset(
            dependency.name
            for service in self.services.values()
            for dependency in service.depends_on
            if dependency.condition == "service_completed_successfully"
        )


Loader = Callable[[str], ComposeFile | None]


def project_paths(path: str, services: Sequence[Service], view: RepoView, sets: Sequence[Sequence[str]]) -> list[str]:
    """The files Compose reads together with `path`, in order."""
    for chosen in sets:
        if path in chosen:
            return list(chosen)
    directory = posixpath.dirname(path)
    name = posixpath.basename(path)
    main = next((p for p in (_join(directory, n) for n in MAIN_NAMES) if view.exists(p) or p == path), None)
    override = next((p for p in (_join(directory, n) for n in OVERRIDE_NAMES) if view.exists(p) or p == path), None)
    if name in MAIN_NAMES or name in OVERRIDE_NAMES:
        return [p for p in (main, override) if p is not None]
    partial = any(is_fragment(s) for s in services)
    if partial and main is not None and main != path:
        return [main, path]
    return [path]


def build_project(reviewed: ComposeFile, view: RepoView, sets: Sequence[Sequence[str]] = ()) -> ComposeProject:
    loaded: dict[str, ComposeFile | None] = {reviewed.path: reviewed}

    def load(path: str) -> ComposeFile | None:
        if path not in loaded:
            loaded[path] = view.compose(path)
        return loaded[path]

    files = [f for f in (load(p) for p in project_paths(reviewed.path, reviewed.services, view, sets)) if f]
    if reviewed not in files:
        files = [reviewed]
    complete = True
    merged: dict[str, Any] = {}
    first_file: dict[str, str] = {}
    base_dirs: dict[str, str] = {}
    project_dir = files[0].base_dir
    for compose in files:
        for service in compose.services:
            first_file.setdefault(service.name, compose.path)
            merged[service.name] = merge_service(merged.get(service.name, {}), service.node)
            base_dirs.setdefault(service.name, project_dir)
    services: dict[str, Service] = {}
    for name, node in merged.items():
        resolved, ok = _resolve_extends(node, files[0], load, 0)
        complete = complete and ok
        services[name] = Service(name, _line_in(files, first_file[name], name), resolved, base_dirs[name])
    definitions, included_ok = _definitions(files, load, services)
    fragments = any(is_fragment(service) for service in services.values())
    return ComposeProject(
        tuple(files),
        services,
        first_file,
        definitions,
        complete and included_ok and not fragments,
        _dockerfile_healthchecks(services, view),
        _committed_env_files(files, view),
    )


def is_fragment(service: Service) -> bool:
    """A service with neither image nor build: part of a file meant to be merged with another."""
    return not (service.has("image") or service.has("build") or service.has("extends"))


def _join(directory: str, name: str) -> str:
    return f"{directory}/{name}" if directory else name


def _line_in(files: list[ComposeFile], path: str, name: str) -> int:
    compose = next(f for f in files if f.path == path)
    service = compose.service(name)
    return service.line if service else 1


def _resolve_extends(node: Any, compose: ComposeFile, load: Loader, depth: int) -> tuple[Any, bool]:
    """`node` with its `extends:` chain applied; False when a part of the chain is unreadable."""
    extends = node.get("extends") if isinstance(node, dict) else None
    if extends is None:
        return node, True
    if depth >= _MAX_EXTENDS:
        return node, False
    if isinstance(extends, dict):
        name = scalar_text(extends.get("service"))
        file_text = scalar_text(extends.get("file"))
    else:
        name, file_text = scalar_text(extends), None
    source: ComposeFile | None = compose
    if file_text is not None:
        path = resolve_path(compose.base_dir, file_text)
        source = load(path) if path is not None else None
    base = source.service(name) if source is not None and name is not None else None
    if base is None or source is None:
        return node, False
    resolved_base, ok = _resolve_extends(base.node, source, load, depth + 1)
    own = {key: value for key, value in node.items() if key != "extends"}
    return merge_service(resolved_base, own), ok


def _definitions(
    files: list[ComposeFile], load: Loader, services: dict[str, Service]
) -> tuple[dict[str, frozenset[str]], bool]:
    names: dict[str, set[str]] = {section: set() for section in SECTIONS}
    names["services"] = set(services)
    complete = True
    for compose in files:
        for section in SECTIONS:
            names[section].update(str(key) for key in compose.section(section))
        for path in _include_paths(compose):
            included = load(path) if path is not None else None
            if included is None or not included.parsed:
                complete = False
                continue
            names["services"].update(s.name for s in included.services)
            for section in SECTIONS:
                names[section].update(str(key) for key in included.section(section))
    return {section: frozenset(values) for section, values in names.items()}, complete


def _include_paths(compose: ComposeFile) -> list[str | None]:
    include = compose.data.get("include") if isinstance(compose.data, dict) else None
    if not isinstance(include, list):
        return []
    paths: list[str | None] = []
    for item in include:
        entries = item.get("path") if isinstance(item, dict) else item
        for entry in entries if isinstance(entries, list) else [entries]:
            text = scalar_text(entry)
            paths.append(resolve_path(compose.base_dir, text) if text is not None else None)
    return paths


def env_file_paths(service: Service, base_dir: str) -> Iterator[tuple[str, int]]:
    """The repository paths of a service's `env_file:` entries, with their lines in its file."""
    for text, line in listed_files(service.node, "env_file"):
        path = resolve_path(base_dir, text)
        if path is not None:
            yield path, line


def _committed_env_files(files: Sequence[ComposeFile], view: RepoView) -> dict[str, str]:
    texts: dict[str, str] = {}
    for compose in files:
        for service in compose.services:
            for path, _line in env_file_paths(service, compose.base_dir):
                if path in texts:
                    continue
                text = view.read(path)
                if text is not None and len(text) <= MAX_ENV_FILE_BYTES:
                    texts[path] = text
    return texts


def _dockerfile_healthchecks(services: dict[str, Service], view: RepoView) -> dict[str, bool]:
    found: dict[str, bool] = {}
    for name, service in services.items():
        build = service.build
        if build is None or build.dockerfile is None:
            continue
        text = view.read(build.dockerfile)
        if text is None:
            continue
        dockerfile = parse_dockerfile(build.dockerfile, text)
        stage = dockerfile.stage_named(build.target) if build.target else dockerfile.final_stage
        if stage is None:
            continue
        for ancestor in dockerfile.lineage(stage):
            healthcheck = ancestor.last("HEALTHCHECK")
            if healthcheck is not None:
                found[name] = bool(healthcheck.arguments) and healthcheck.arguments[0].upper() != "NONE"
                break
    return found
