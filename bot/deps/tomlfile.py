"""Reading a TOML dependency file: the data from tomllib, the lines from a scan of the text."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from typing import Any

from bot.deps.model import ParseProblem
from bot.deps.nesting import deepest
from bot.deps.textpos import TomlLines, lines_for_packages, toml_error_line
from bot.text import clamp_line


class TomlProblem(ParseProblem):
    """TOML that does not parse, at its line."""


def load_toml(text: str) -> dict[str, Any]:
    """tomllib's data; raises TomlProblem at the line tomllib names."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        raise TomlProblem(clamp_line(text, toml_error_line(message)), f"not valid TOML: {message}") from None
    except RecursionError:
        nesting = deepest(text, "TOML")
        raise TomlProblem(nesting.line, nesting.message("TOML")) from None


@dataclass(frozen=True)
class TomlLock:
    """A lock file of `[[package]]` tables (uv.lock, poetry.lock, Cargo.lock)."""

    data: dict[str, Any]
    packages: list[dict[str, Any]]
    """The packages that have a name, in file order."""
    lines: list[int | None]
    """The line of each package's table."""


def load_toml_lock(text: str) -> TomlLock:
    """The lock file's packages with their lines; raises TomlProblem at the line tomllib names."""
    data = load_toml(text)
    packages = [p for p in array(data, "package") if isinstance(p, dict) and isinstance(p.get("name"), str)]
    return TomlLock(data, packages, lines_for_packages(text, [p["name"] for p in packages]))


def table(data: Any, *path: str) -> dict[str, Any]:
    """`data[path...]` when every step is a table, else {}."""
    current = data
    for key in path:
        if not isinstance(current, dict):
            return {}
        current = current.get(key)
    return current if isinstance(current, dict) else {}


def array(data: Any, *path: str) -> list[Any]:
    parent = table(data, *path[:-1]) if len(path) > 1 else data
    value = parent.get(path[-1]) if isinstance(parent, dict) else None
    return value if isinstance(value, list) else []


__all__ = ["TomlLines", "TomlProblem", "array", "load_toml", "table"]
