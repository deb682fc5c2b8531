"""Reading a JSON dependency file: the data, the keys it gives twice, or the line it fails at."""

from __future__ import annotations

import json
from typing import Any

from bot.deps.model import ParseProblem
from bot.deps.nesting import deepest
from bot.text import clamp_line


class JsonProblem(ParseProblem):
    """JSON that does not parse, at its line."""


def load_json(text: str, duplicates: list[str] | None = None) -> Any:
    """json.loads; keys seen twice in one object are appended to `duplicates` (JSON keeps the last)."""

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in items:
            if key in result and duplicates is not None:
                duplicates.append(key)
            result[key] = value
        return result

    try:
        return json.loads(text, object_pairs_hook=pairs if duplicates is not None else None)
    except json.JSONDecodeError as error:
        raise JsonProblem(
            clamp_line(text, error.lineno), f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        ) from None
    except RecursionError:
        nesting = deepest(text, "JSON")
        raise JsonProblem(nesting.line, nesting.message("JSON")) from None


def object_span(text: str, key_offset: int) -> tuple[int, int]:
    """Start and end offsets of a flat JSON object (one whose values hold no `}`) after a key."""
    start = text.find("{", key_offset)
    if start == -1:
        return key_offset, key_offset
    end = _flat_object_end(text, start)
    return start, end


def _flat_object_end(text: str, start: int) -> int:
    position = start + 1
    in_string = False
    while position < len(text):
        char = text[position]
        if in_string:
            if char == "\\":
                position += 1
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char == "}":
            return position
        position += 1
    return len(text)
