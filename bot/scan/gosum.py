"""Go modules Trivy read from go.sum, reported under go.sum where their version is.

Before Go 1.17 a go.mod lists only the direct requirements; Trivy then takes the indirect
modules from the go.sum beside it, but reports them under the go.mod target, where no line
names them. A Go vulnerability whose module version go.mod does not require, and go.sum
lists, is moved to that go.sum, so the finding sits on the line that pins it.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from bot.deps.go.gomod import parse_go_mod, parse_go_sum
from bot.deps.model import Dependency
from bot.scan.depfiles import SideFiles
from bot.scan.vulnerabilities import Vulnerability

_GO_TYPE = "gomod"


def in_go_sum(found: tuple[Vulnerability, ...], side: SideFiles) -> tuple[Vulnerability, ...]:
    """`found` with each Go module that only go.sum pins retargeted to that go.sum."""
    moves = _go_sum_only(side)
    if not moves:
        return found
    return tuple(
        replace(v, target=sum_path)
        if v.ecosystem == _GO_TYPE and (sum_path := moves.get((v.target, v.package, v.installed)))
        else v
        for v in found
    )


def _go_sum_only(side: SideFiles) -> dict[tuple[str, str, str], str]:
    """(go.mod repository path, module, version) -> go.sum repository path, for the module
    versions the go.sum beside a go.mod lists and the go.mod does not name at all."""
    moves: dict[tuple[str, str, str], str] = {}
    for scan_path, content in side.files.items():
        sum_scan_path = posixpath.join(posixpath.dirname(scan_path), "go.sum")
        if posixpath.basename(scan_path) != "go.mod" or sum_scan_path not in side.files:
            continue
        mod_path, sum_path = side.targets[scan_path], side.targets[sum_scan_path]
        go_mod = parse_go_mod(mod_path, _text(content))
        go_sum = parse_go_sum(sum_path, _text(side.files[sum_scan_path]))
        if go_mod.error is not None or go_sum.error is not None:
            continue
        named = _named(go_mod.dependencies)
        for entry in go_sum.dependencies:
            if entry.name not in named and entry.version:
                moves[(mod_path, entry.name, entry.version)] = sum_path
    return moves


def _named(dependencies: tuple[Dependency, ...]) -> set[str]:
    """Every module a go.mod names: required, excluded, replaced, or a replacement."""
    names = {d.name for d in dependencies}
    names.update(d.spec.split()[0] for d in dependencies if d.group == "replace" and d.spec)
    return names


def _text(content: bytes) -> str:
    return content.decode("utf-8", "replace")
