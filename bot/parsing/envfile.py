"""Compose `env_file:` entries and the files they name (`KEY=value` lines, as Compose reads them)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.parsing.compose import scalar_text
from bot.parsing.yamllines import item_line, line_or, value_line

MAX_ENV_FILE_BYTES = 256 * 1024
"""Env files larger than this are not read (no env file needs it)."""
_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?(?P<name>[A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(?P<value>.*)$")


@dataclass(frozen=True)
class EnvAssignment:
    name: str
    value: str
    """The value as Compose reads it: quotes removed, an unquoted value's ` # comment` cut."""
    line: int


def listed_files(mapping: Any, key: str) -> Iterator[tuple[str, int]]:
    """The paths a key lists, as written, with their lines: a string, or a list of strings or of
    `{path: ...}` (env_file's long syntax)."""
    value = mapping.get(key) if isinstance(mapping, dict) else None
    if (text := scalar_text(value)) is not None:
        yield text, line_or(1, value_line(mapping, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            path = scalar_text(item.get("path")) if isinstance(item, dict) else scalar_text(item)
            if path is not None:
                yield path, line_or(1, item_line(value, index) or value_line(mapping, key))


def read_env_file(text: str) -> list[EnvAssignment]:
    """The assignments of an env file; comments, blank lines and other lines are skipped."""
    assignments = []
    for number, line in enumerate(text.split("\n"), start=1):
        match = _ASSIGNMENT.match(line)
        if match is not None:  # a comment never matches: a name cannot start with `#`
            assignments.append(EnvAssignment(match.group("name"), _value(match.group("value")), number))
    return assignments


def _value(raw: str) -> str:
    raw = raw.strip()
    if len(raw) >= 2 and raw[0] in "\"'" and raw.endswith(raw[0]):
        return raw[1:-1]
    return raw.split(" #", 1)[0].rstrip()
