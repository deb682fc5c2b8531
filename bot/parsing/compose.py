"""A Compose file as Compose reads it, with the exact line of every service, key and list item.

Loading is ruamel.yaml's round-trip loader, so anchors, aliases and `<<` merge keys resolve
while every mapping keeps the lines of its own keys; a key that a service gets through a merge
key is found in the anchored block, which is the line a user must edit. Several YAML documents
in one file are merged in order, as Compose does.

Nothing here raises for bad input. YAML errors (tabs, duplicate keys, bad indentation), what is
not valid Compose (see `compose_schema`), and input refused by the defensive limits (huge files,
deep nesting, alias bombs, all checked while composing, before anything is expanded) become
`ComposeProblem`s with their line. Jinja templates (cookiecutter) are read with their tags
neutralised: control lines blanked, `{{ expr }}` turned into a variable reference, so the
template's own YAML is reviewed and nothing rendered later is taken for a literal.

    compose = parse_compose("deploy/compose.yaml", text)
    for service in compose.services:
        service.name, service.line, service.image, service.build, service.ports ...
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from bot.parsing.compose_merge import merge_documents
from bot.parsing.compose_schema import validate_compose
from bot.parsing.interpolation import resolve
from bot.parsing.templates import has_jinja, neutralize_template
from bot.parsing.yamlbounds import YamlLimits, YamlRefused, load_yaml
from bot.parsing.yamllines import item_line, key_line, value_line
from bot.text import split_lines

_REMOTE_CONTEXT = re.compile(r"^(?:[a-z][a-z0-9+.-]*://|git@|github\.com/)", re.IGNORECASE)
_ALL_INTERFACES = frozenset({"", "0.0.0.0", "::", "[::]"})
_MAX_PORT_RANGE = 1024


@dataclass(frozen=True)
class ComposeLimits:
    """Input refused before it can cost unbounded time or memory."""

    max_bytes: int = 512 * 1024
    max_depth: int = 64
    max_nodes: int = 100_000
    """Nodes after alias expansion: `*a` counts as everything `&a` holds, every time."""


@dataclass(frozen=True)
class ComposeProblem:
    line: int
    message: str
    kind: str
    """"yaml" (does not parse), "schema" (not valid Compose) or "limit" (refused)."""


@dataclass(frozen=True)
class PortMapping:
    line: int
    text: str
    """The entry as written (short syntax) or `published:target` for the long syntax."""
    host_ip: str | None
    published: str | None
    """"8080", "8000-8010", or None when Docker picks a host port (or none is published)."""
    target: str
    protocol: str = "tcp"
    long_syntax: bool = False

    @property
    def on_all_interfaces(self) -> bool:
        return self.host_ip is None or self.host_ip in _ALL_INTERFACES

    def target_ports(self) -> list[int]:
        return _port_numbers(self.target)

    def published_ports(self) -> list[int]:
        return _port_numbers(self.published) if self.published else []


@dataclass(frozen=True)
class EnvVar:
    name: str
    value: str | None
    """The value as written (scalars as text); None when passed through from the host."""
    line: int
    list_syntax: bool


@dataclass(frozen=True)
class Mount:
    line: int
    source: str | None
    target: str
    kind: str
    """"volume" (named), "bind", "tmpfs", "anonymous" or the long syntax's `type`."""
    read_only: bool = False


@dataclass(frozen=True)
class Dependency:
    name: str
    condition: str
    line: int
    list_syntax: bool


@dataclass(frozen=True)
class Healthcheck:
    line: int
    test: tuple[str, ...] | str | None
    """A list (exec form, first item CMD/CMD-SHELL/NONE), a string (shell), or None."""
    test_line: int
    disabled: bool


@dataclass(frozen=True)
class BuildArg:
    name: str
    value: str | None
    line: int


@dataclass(frozen=True)
class BuildSpec:
    line: int
    context: str | None
    """Repository path of the build context ("." for the root); None for a remote URL, a path
    outside the repository or one that depends on unset variables."""
    dockerfile: str | None
    """Repository path of the Dockerfile; None with `dockerfile_inline` or when unknown."""
    target: str | None = None
    args: tuple[BuildArg, ...] = ()
    context_text: str = "."
    dockerfile_text: str = "Dockerfile"
    inline: bool = False


@dataclass(frozen=True)
class Service:
    name: str
    line: int
    node: Any
    """The service mapping (ruamel CommentedMap or, for merged views, a plain dict)."""
    base_dir: str = "."
    """Repository directory that relative paths in the service are relative to."""

    def get(self, key: str, default: Any = None) -> Any:
        if not isinstance(self.node, dict):
            return default
        return self.node.get(key, default)

    def has(self, key: str) -> bool:
        return isinstance(self.node, dict) and key in self.node

    def key_line(self, key: str) -> int:
        """Line of `key:` in this service (in the anchored block for merged keys), else the service's."""
        return key_line(self.node, key) or self.line

    def value_line(self, key: str) -> int:
        return value_line(self.node, key) or self.key_line(key)

    @property
    def image(self) -> str | None:
        image = self.get("image")
        return str(image) if isinstance(image, str | int | float) else None

    @cached_property
    def build(self) -> BuildSpec | None:
        return _build_spec(self)

    @cached_property
    def environment(self) -> tuple[EnvVar, ...]:
        return tuple(_pairs(self.node, "environment", self.key_line("environment")))

    @cached_property
    def ports(self) -> tuple[PortMapping, ...]:
        return tuple(_ports(self))

    @cached_property
    def mounts(self) -> tuple[Mount, ...]:
        return tuple(_mounts(self))

    @cached_property
    def depends_on(self) -> tuple[Dependency, ...]:
        return tuple(_dependencies(self))

    @cached_property
    def healthcheck(self) -> Healthcheck | None:
        return _healthcheck(self)

    def strings(self, key: str) -> list[tuple[str, int]]:
        """A string-or-list key (`cap_add`, `dns`, `profiles` ...) as (text, line) pairs."""
        return list(_strings(self.node, key, self.key_line(key)))


@dataclass(frozen=True)
class ComposeFile:
    path: str
    lines: tuple[str, ...]
    data: Any = None
    """The top-level mapping (documents merged); None when the file could not be read."""
    problems: tuple[ComposeProblem, ...] = ()
    template: bool = False
    notes: tuple[str, ...] = ()

    @property
    def base_dir(self) -> str:
        return posixpath.dirname(self.path) or "."

    @property
    def parsed(self) -> bool:
        return isinstance(self.data, dict)

    @cached_property
    def services(self) -> tuple[Service, ...]:
        section = self.section("services")
        found = []
        for name, node in section.items():
            line = key_line(section, name) or 1
            found.append(Service(str(name), line, node if isinstance(node, dict) else {}, self.base_dir))
        return tuple(found)

    def service(self, name: str) -> Service | None:
        return self._services_by_name.get(name)

    @cached_property
    def _services_by_name(self) -> dict[str, Service]:
        found: dict[str, Service] = {}
        for service in self.services:
            found.setdefault(service.name, service)
        return found

    def section(self, key: str) -> dict[Any, Any]:
        value = self.data.get(key) if isinstance(self.data, dict) else None
        return value if isinstance(value, dict) else {}

    def top_line(self, key: str) -> int | None:
        return key_line(self.data, key) if isinstance(self.data, dict) else None

    def text_of(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start - 1 : end])


@dataclass
class _Loaded:
    data: Any = None
    problems: list[ComposeProblem] = field(default_factory=list)


def parse_compose(path: str, text: str, limits: ComposeLimits | None = None) -> ComposeFile:
    """Read a Compose file; never raises for bad input."""
    limits = limits or ComposeLimits()
    lines = tuple(split_lines(text))
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.max_bytes:
        message = f"the file is {size:,} bytes, over the {limits.max_bytes:,}-byte limit for a Compose file: not read"
        return ComposeFile(path, lines, problems=(ComposeProblem(1, message, "limit"),))
    if _looks_like_template_path(path):
        return _parse_template(path, text, lines, limits)
    loaded = _load(text, limits, allow_duplicate_keys=False)
    if loaded.problems and has_jinja(text) and not any(p.kind == "limit" for p in loaded.problems):
        return _parse_template(path, text, lines, limits)
    return _finish(path, lines, loaded)


def _finish(path: str, lines: tuple[str, ...], loaded: _Loaded, template: bool = False) -> ComposeFile:
    notes: list[str] = []
    if template:
        notes.append(
            "Jinja template: control lines ({% ... %}) were blanked so every branch is reviewed, "
            "and {{ ... }} expressions count as variables"
        )
    problems = list(loaded.problems)
    if not problems:
        problems.extend(ComposeProblem(line, message, "schema") for line, message in validate_compose(loaded.data))
    return ComposeFile(path, lines, loaded.data, tuple(problems), template, tuple(notes))


def _parse_template(path: str, text: str, lines: tuple[str, ...], limits: ComposeLimits) -> ComposeFile:
    loaded = _load(neutralize_template(text), limits, allow_duplicate_keys=True)
    if any(p.kind == "yaml" for p in loaded.problems):
        first = loaded.problems[0]
        note = (
            f"Jinja template that is not YAML until it is rendered (line {first.line}: {first.message}): not reviewed"
        )
        return ComposeFile(path, lines, None, tuple(p for p in loaded.problems if p.kind == "limit"), True, (note,))
    return _finish(path, lines, loaded, template=True)


def _looks_like_template_path(path: str) -> bool:
    return "{{" in path or "{%" in path


def _load(text: str, limits: ComposeLimits, *, allow_duplicate_keys: bool) -> _Loaded:
    result = _Loaded()
    bounds = YamlLimits(max_depth=limits.max_depth, max_nodes=limits.max_nodes, max_alias_nodes=None)
    try:
        documents = load_yaml(text, "Compose file", bounds, allow_duplicate_keys=allow_duplicate_keys)
    except YamlRefused as refused:
        result.problems.append(ComposeProblem(refused.line, refused.message, "limit" if refused.limit else "yaml"))
        return result
    documents = [document for document in documents if document is not None]
    for document in documents:
        if not isinstance(document, dict):
            result.problems.append(ComposeProblem(1, "the top level of a Compose file must be a mapping", "schema"))
            return result
    result.data = _merge_documents(documents)
    return result


def _merge_documents(documents: list[Any]) -> Any:
    if not documents:
        return None
    if len(documents) == 1:
        return documents[0]
    return merge_documents(documents)


# -- typed parts of a service --------------------------------------------------------------------


def scalar_text(value: Any) -> str | None:
    """A scalar as Compose sees it (YAML booleans as `true`/`false`); None for collections."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _pairs(node: Any, key: str, fallback_line: int) -> Iterator[EnvVar]:
    """`environment`, `labels`, `args` ...: a mapping or a list of `NAME=value`."""
    value = node.get(key) if isinstance(node, dict) else None
    if isinstance(value, dict):
        for name in value:
            line = value_line(value, name) or key_line(value, name) or fallback_line
            item = value[name]
            yield EnvVar(str(name), None if item is None else scalar_text(item), line, False)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            text = scalar_text(item)
            if text is None:
                continue
            name, eq, rest = text.partition("=")
            yield EnvVar(name.strip(), rest if eq else None, item_line(value, index) or fallback_line, True)


def _strings(node: Any, key: str, fallback_line: int) -> Iterator[tuple[str, int]]:
    value = node.get(key) if isinstance(node, dict) else None
    if isinstance(value, list):
        for index, item in enumerate(value):
            text = scalar_text(item)
            if text is not None:
                yield text, item_line(value, index) or fallback_line
    else:
        text = scalar_text(value)
        if text is not None:
            yield text, value_line(node, key) or fallback_line


def _ports(service: Service) -> Iterator[PortMapping]:
    value = service.get("ports")
    if not isinstance(value, list):
        return
    for index, item in enumerate(value):
        line = item_line(value, index) or service.key_line("ports")
        if isinstance(item, dict):
            target = scalar_text(item.get("target")) or ""
            published = scalar_text(item.get("published"))
            host_ip = scalar_text(item.get("host_ip"))
            protocol = scalar_text(item.get("protocol")) or "tcp"
            shown = f"{published}:{target}" if published else target
            yield PortMapping(line, shown, host_ip, published, target, protocol, long_syntax=True)
        elif (text := scalar_text(item)) is not None:
            yield parse_port(text, line)


def parse_port(text: str, line: int = 0) -> PortMapping:
    """Short syntax `[HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]`, IPv6 hosts in brackets."""
    body, _, protocol = text.partition("/")
    host_ip: str | None = None
    if body.startswith("["):
        end = body.find("]")
        host_ip = body[1:end] if end > 0 else None
        body = body[end + 2 :] if end > 0 else body
    parts = _split_colons(body) if host_ip is None else ["", *_split_colons(body)]
    if len(parts) > 3:
        parts = [":".join(parts[:-2]), *parts[-2:]]
    if len(parts) == 3:
        host_ip = host_ip if host_ip is not None else parts[0]
        published, target = parts[1] or None, parts[2]
    elif len(parts) == 2:
        published, target = parts[0] or None, parts[1]
    else:
        published, target = None, parts[0]
    return PortMapping(line, text, host_ip, published, target, protocol or "tcp")


def _split_colons(text: str) -> list[str]:
    """Split on `:` outside `${...}` references (their defaults may hold colons)."""
    parts: list[str] = []
    depth = 0
    current: list[str] = []
    for index, char in enumerate(text):
        if char == "{" and text[index - 1 : index] == "$":
            depth += 1
        elif char == "}" and depth:
            depth -= 1
        elif char == ":" and not depth:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _port_numbers(text: str) -> list[int]:
    resolved = resolve(text)
    if resolved is None:
        return []
    low, _, high = resolved.partition("-")
    if not low.isdigit() or (high and not high.isdigit()):
        return []
    first, last = int(low), int(high or low)
    if last < first or last - first > _MAX_PORT_RANGE:
        return [first]
    return list(range(first, last + 1))


def _mounts(service: Service) -> Iterator[Mount]:
    value = service.get("volumes")
    if not isinstance(value, list):
        return
    for index, item in enumerate(value):
        line = item_line(value, index) or service.key_line("volumes")
        if isinstance(item, dict):
            source = scalar_text(item.get("source"))
            kind = scalar_text(item.get("type")) or "volume"
            read_only = item.get("read_only") in (True, "true")
            yield Mount(line, source, scalar_text(item.get("target")) or "", kind, read_only)
        elif (text := scalar_text(item)) is not None:
            yield parse_volume(text, line)


def parse_volume(text: str, line: int = 0) -> Mount:
    """Short syntax `[SOURCE:]TARGET[:MODE]`; Windows drive letters stay in the source."""
    parts = _split_colons(text)
    if len(parts) >= 2 and len(parts[0]) == 1 and parts[0].isalpha() and parts[1].startswith(("\\", "/")):
        parts = [f"{parts[0]}:{parts[1]}", *parts[2:]]
    if len(parts) == 1:
        return Mount(line, None, parts[0], "anonymous")
    source, target = parts[0], parts[1]
    mode = parts[2] if len(parts) > 2 else ""
    read_only = "ro" in mode.split(",")
    return Mount(line, source, target, "bind" if _is_path(source) else "volume", read_only)


def _is_path(source: str) -> bool:
    return source.startswith((".", "/", "~", "\\")) or "/" in source or (len(source) > 1 and source[1] == ":")


def _dependencies(service: Service) -> Iterator[Dependency]:
    value = service.get("depends_on")
    fallback = service.key_line("depends_on")
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (name := scalar_text(item)) is not None:
                yield Dependency(name, "service_started", item_line(value, index) or fallback, True)
    elif isinstance(value, dict):
        for name, spec in value.items():
            condition = spec.get("condition") if isinstance(spec, dict) else None
            line = key_line(value, name) or fallback
            yield Dependency(str(name), str(condition or "service_started"), line, False)


def _healthcheck(service: Service) -> Healthcheck | None:
    value = service.get("healthcheck")
    if not isinstance(value, dict):
        return None
    line = service.key_line("healthcheck")
    test = value.get("test")
    parsed = tuple(scalar_text(item) or "" for item in test) if isinstance(test, list) else scalar_text(test)
    test_line = key_line(value, "test") or line
    disabled = value.get("disable") in (True, "true") or (isinstance(parsed, tuple) and parsed[:1] == ("NONE",))
    return Healthcheck(line, parsed, test_line, disabled)


def _build_spec(service: Service) -> BuildSpec | None:
    value = service.get("build")
    if value is None:
        return None
    line = service.key_line("build")
    if not isinstance(value, dict):
        context_text = scalar_text(value) or "."
        context = resolve_path(service.base_dir, context_text)
        return BuildSpec(line, context, _join(context, "Dockerfile"), context_text=context_text)
    context_text = scalar_text(value.get("context")) or "."
    context = resolve_path(service.base_dir, context_text)
    inline = "dockerfile_inline" in value
    dockerfile_text = scalar_text(value.get("dockerfile")) or "Dockerfile"
    dockerfile = None if inline else _dockerfile_path(context, dockerfile_text)
    target_text = scalar_text(value.get("target"))
    target = resolve(target_text) if target_text is not None else None
    args = tuple(BuildArg(a.name, a.value, a.line) for a in _pairs(value, "args", line))
    return BuildSpec(line, context, dockerfile, target, args, context_text, dockerfile_text, inline)


def _dockerfile_path(context: str | None, dockerfile_text: str) -> str | None:
    resolved = resolve(dockerfile_text)
    if context is None or resolved is None or resolved.startswith("/"):
        return None
    return _join(context, resolved)


def _join(directory: str | None, name: str) -> str | None:
    if directory is None:
        return None
    joined = posixpath.normpath(posixpath.join(directory, name))
    return None if joined.startswith("..") else joined


def is_remote(text: str) -> bool:
    """A build context fetched by the builder (`https://...`, `git@...`), not a local path."""
    return _REMOTE_CONTEXT.match(text) is not None


def resolve_path(base_dir: str, text: str) -> str | None:
    """A path written in a Compose file as a repository path ("." = the root), or None."""
    resolved = resolve(text)
    if resolved is None or is_remote(resolved):
        return None
    if resolved.startswith(("/", "~")):
        return None
    joined = posixpath.normpath(posixpath.join(base_dir, resolved))
    return None if joined == ".." or joined.startswith("../") else joined
