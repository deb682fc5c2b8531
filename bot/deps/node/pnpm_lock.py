"""pnpm-lock.yaml, lockfile versions 5, 6 and 9.

Importers (the root `.` and workspace members; in v5/v6 single projects, the top level) list
the direct dependencies with the specifier package.json asked for; `packages` lists every
resolved package by a key that holds its name and version (`/name/1.2.3` in v5,
`/name@1.2.3(peer@2)` in v6, `name@1.2.3` in v9).
"""

from __future__ import annotations

import re

from bot.deps.blockyaml import YamlMap, YamlProblem, child, load_block_yaml, scalar
from bot.deps.model import Dependency, ParsedFile, failed
from bot.deps.node.specs import classify

_SECTIONS = (("dependencies", ""), ("devDependencies", "dev"), ("optionalDependencies", "optional"))
_PEER_SUFFIX = re.compile(r"(\(.*\)|_[^/]*)$")


def parse_pnpm_lock(path: str, text: str) -> ParsedFile:
    try:
        data = load_block_yaml(text)
    except YamlProblem as problem:
        return failed(path, "pnpm-lock", "node", True, problem.line, str(problem))
    version = scalar(data, "lockfileVersion")
    importers = child(data, "importers") or {".": (1, data)}
    requested: dict[str, set[str]] = {}
    for _line, importer in importers.values():
        if isinstance(importer, dict):
            _collect_requested(importer, requested)
    dependencies = []
    for key, (line, entry) in child(data, "packages").items():
        name, resolved = _name_version(key, version)
        if not name:
            continue
        fields = entry if isinstance(entry, dict) else {}
        source, pinned = classify(scalar(child(fields, "resolution"), "tarball") if fields else "")
        dependencies.append(
            Dependency(
                name=name,
                spec=resolved,
                line=line,
                version=resolved,
                direct=name in requested,
                group="dev" if scalar(fields, "dev") == "true" else "",
                source=source,
                pinned=pinned,
                ranges=tuple(sorted(requested.get(name, ()))),
            )
        )
    return ParsedFile(
        path,
        "pnpm-lock",
        "node",
        True,
        tuple(dependencies),
        members=frozenset(importers),
        extra={"lock-version": version},
    )


def _collect_requested(importer: YamlMap, requested: dict[str, set[str]]) -> None:
    specifiers = child(importer, "specifiers")  # v5
    for section, _group in _SECTIONS:
        for name, (_line, value) in child(importer, section).items():
            spec = scalar(value, "specifier") if isinstance(value, dict) else scalar(specifiers, name)
            requested.setdefault(name, set()).add(spec)


def _name_version(key: str, lock_version: str) -> tuple[str, str]:
    body = key.lstrip("/")
    if lock_version.startswith("5"):
        body = _PEER_SUFFIX.sub("", body)
        name, _, version = body.rpartition("/")
        return name, version
    body = re.sub(r"\(.*\)$", "", body)
    at = body.find("@", 1)
    if at == -1:
        return "", ""
    return body[:at], body[at + 1 :]
