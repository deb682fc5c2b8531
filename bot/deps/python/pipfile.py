"""Pipfile (TOML) and Pipfile.lock (JSON)."""

from __future__ import annotations

import json
from typing import Any

from bot.deps.model import Dependency, ParsedFile, Source, failed
from bot.deps.nesting import deepest
from bot.deps.python.pep508 import is_full_commit
from bot.deps.pyver import normalize_name, parse_constraint, pinned_version
from bot.deps.textpos import LineCounter, json_key_offset
from bot.deps.tomlfile import TomlLines, TomlProblem, load_toml, table
from bot.text import clamp_line

_SECTIONS = (("packages", ""), ("dev-packages", "dev"))
_LOCK_SECTIONS = (("default", ""), ("develop", "dev"))


def parse_pipfile(path: str, text: str) -> ParsedFile:
    try:
        data = load_toml(text)
    except TomlProblem as problem:
        return failed(path, "pipfile", "python", False, problem.line, str(problem))
    lines = TomlLines.scan(text)
    dependencies = []
    for section, group in _SECTIONS:
        for name, value in table(data, section).items():
            dependencies.append(_entry(name, value, lines.entry_line((section,), name), group, direct=True))
    return ParsedFile(path, "pipfile", "python", False, tuple(dependencies), application=True)


def parse_pipfile_lock(path: str, text: str) -> ParsedFile:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return failed(
            path, "pipfile.lock", "python", True, clamp_line(text, error.lineno), f"not valid JSON: {error.msg}"
        )
    except RecursionError:
        nesting = deepest(text, "JSON")
        return failed(path, "pipfile.lock", "python", True, nesting.line, nesting.message("JSON"))
    if not isinstance(data, dict):
        return failed(path, "pipfile.lock", "python", True, 1, "a Pipfile.lock is a JSON object")
    counter = LineCounter(text)
    dependencies = []
    for section, group in _LOCK_SECTIONS:
        entries = data.get(section)
        if not isinstance(entries, dict):
            continue
        cursor = max(json_key_offset(text, section), 0)
        for name, value in entries.items():
            offset = json_key_offset(text, name, cursor)
            line = counter.line_at(offset if offset >= 0 else cursor)  # not found as written: the section's
            cursor = offset if offset >= 0 else cursor
            dependencies.append(_entry(name, value, line, group, direct=None))
    return ParsedFile(path, "pipfile.lock", "python", True, tuple(dependencies))


def _entry(name: str, value: Any, line: int | None, group: str, direct: bool | None) -> Dependency:
    normalized = normalize_name(name)
    display = name if name != normalized else ""
    entry = value if isinstance(value, dict) else {"version": value}
    marker = str(entry.get("markers") or "")
    if "git" in entry:
        ref = str(entry.get("ref") or "")
        location = f"{entry['git']}@{ref}" if ref else str(entry["git"])
        return Dependency(
            normalized, location, line, None, direct, group, Source.GIT, location, is_full_commit(ref), marker, display
        )
    if "file" in entry or "path" in entry:
        where = str(entry.get("file") or entry.get("path"))
        kind = Source.URL if "://" in where and not where.startswith("file:") else Source.PATH
        pinned = kind is Source.PATH or bool(entry.get("hashes"))
        return Dependency(normalized, where, line, None, direct, group, kind, where, pinned, marker, display)
    spec = str(entry.get("version") or "*")
    constraint = parse_constraint(spec)
    version = pinned_version(constraint) if constraint else None
    return Dependency(normalized, spec, line, version, direct, group, marker=marker, display=display)
