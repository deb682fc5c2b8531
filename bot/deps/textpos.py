"""Finding lines in text: parsers (tomllib, json) give values without positions, so we look.

`LineCounter` turns increasing offsets into line numbers in one pass over the text (no list of
line starts: a 100 MB lock file stays 100 MB). `TomlLines` scans a TOML file's headers and
keys so a value found by tomllib can be put back on its line. `json_key_offset` finds a key
of a JSON object from a moving cursor.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from typing import Any

_TOML_ERROR_LINE = re.compile(r"at line (\d+)")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


class LineCounter:
    """Line numbers (1-based) of offsets asked for in increasing order; cheap also for huge text."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._offset = 0
        self._line = 1

    def line_at(self, offset: int) -> int:
        if offset < self._offset:
            self._offset, self._line = 0, 1
        self._line += self._text.count("\n", self._offset, offset)
        self._offset = offset
        return self._line


def toml_error_line(message: str) -> int:
    match = _TOML_ERROR_LINE.search(message)
    return int(match.group(1)) if match else 1


def json_key_offset(text: str, key: str, start: int = 0, end: int | None = None, opening: str = "") -> int:
    """Offset of `"key":` at or after `start` (before `end`), or -1. `key` is the decoded key;
    with `opening` (`{`), only a key whose value starts with that character counts."""
    needle = '"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"'
    limit = len(text) if end is None else end
    position = text.find(needle, start, limit)
    while position != -1:
        after = position + len(needle)
        while after < limit and text[after] in " \t\r\n":
            after += 1
        if after < limit and text[after] == ":":
            if not opening:
                return position
            value = after + 1
            while value < limit and text[value] in " \t\r\n":
                value += 1
            if value < limit and text[value] == opening:
                return position
        position = text.find(needle, position + 1, limit)
    return -1


def json_members(text: str, start: int) -> tuple[dict[str, list[int]], int]:
    """The member keys of the JSON object whose `{` is at `start`, as written (escapes kept), each
    with the offsets of its opening quote (twice when given twice), and the offset of the
    object's `}` (or the end of the text). Keys of nested objects are not members."""
    members: dict[str, list[int]] = {}
    depth = 0
    position = start
    length = len(text)
    while position < length:
        char = text[position]
        if char == '"':
            close = _string_end(text, position)
            if depth == 1:
                after = close + 1
                while after < length and text[after] in " \t\r\n":
                    after += 1
                if after < length and text[after] == ":":
                    members.setdefault(text[position + 1 : close], []).append(position)
            position = close + 1
            continue
        if char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return members, position
        position += 1
    return members, length


def json_value_start(text: str, key_offset: int) -> int:
    """Offset of the first character of the value of the key whose opening quote is at `key_offset`."""
    colon = text.find(":", _string_end(text, key_offset))
    position = colon + 1 if colon >= 0 else len(text)
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def json_key_text(key: str) -> str:
    """A decoded key as JSON writes it between its quotes (how `json_members` gives keys)."""
    return json.dumps(key, ensure_ascii=False)[1:-1]


def _string_end(text: str, quote: int) -> int:
    """Offset of the quote that closes the JSON string opened at `quote` (or the text's end)."""
    position = quote + 1
    while position < len(text):
        char = text[position]
        if char == "\\":
            position += 2
            continue
        if char == '"':
            return position
        position += 1
    return len(text)


def split_toml_key(text: str) -> tuple[str, ...] | None:
    """`a."b.c".d` -> ("a", "b.c", "d"); None when it is not a key."""
    if "\\" in text:  # escapes in a quoted key (`"C:\\x"`, `"\\u0000"`): TOML's own reading
        return _key_read_by_tomllib(text)
    parts: list[str] = []
    rest = text.strip()
    while rest:
        if rest[0] in "\"'":
            close = rest.find(rest[0], 1)
            if close == -1:
                return None
            parts.append(rest[1:close])
            rest = rest[close + 1 :].lstrip()
        else:
            match = _BARE_KEY.match(rest)
            if match is None:
                return None
            parts.append(match.group(0))
            rest = rest[match.end() :].lstrip()
        if rest.startswith("."):
            rest = rest[1:].lstrip()
        elif rest:
            return None
    return tuple(parts) or None


def _key_read_by_tomllib(text: str) -> tuple[str, ...] | None:
    try:
        data: Any = tomllib.loads(f"{text.strip()} = 0")
    except tomllib.TOMLDecodeError:
        return None
    parts: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        ((key, data),) = data.items()
        parts.append(key)
    return tuple(parts) if data == 0 and parts else None


@dataclass
class TomlLines:
    """Where each table header and each `key =` line of a TOML text is."""

    lines: list[str]
    tables: dict[tuple[str, ...], int] = field(default_factory=dict)
    keys: dict[tuple[str, ...], int] = field(default_factory=dict)

    @classmethod
    def scan(cls, text: str) -> TomlLines:
        found = cls(text.split("\n"))
        table: tuple[str, ...] = ()
        in_multiline = ""
        for number, raw in enumerate(found.lines, start=1):
            line = raw.strip()
            if in_multiline:
                in_multiline = open_multiline_string(raw, in_multiline)
                continue
            if line.startswith("["):
                header = _header(line)
                if header is not None:
                    table = header
                    for prefix in range(1, len(table) + 1):  # `[a.b.c]` defines `a` and `a.b` too
                        found.tables.setdefault(table[:prefix], number)
                continue
            key_text, equals, value = line.partition("=")
            if not equals or line.startswith("#"):
                continue
            key = split_toml_key(key_text)
            if key is not None:
                found.keys.setdefault((*table, *key), number)
                for prefix in range(1, len(key)):
                    found.tables.setdefault((*table, *key[:prefix]), number)
            in_multiline = open_multiline_string(value)
        return found

    def key_line(self, *path: str) -> int | None:
        return self.keys.get(path) or self.tables.get(path)

    def entry_line(self, table: tuple[str, ...], key: str) -> int:
        """The line of `key` in `table`; when it is not found as written (a key spelled with
        escapes or line breaks the scan does not follow), the table's line, else line 1."""
        return self.key_line(*table, key) or self.key_line(*table) or 1

    def item_line(self, path: tuple[str, ...], needle: str) -> int | None:
        """Line of an array item containing `needle` (e.g. a quoted requirement) under the key `path`."""
        start = self.key_line(*path)
        if start is None:
            return None
        quoted = (f'"{needle}"', f"'{needle}'")
        for number in range(start, len(self.lines) + 1):
            text = self.lines[number - 1]
            if any(q in text for q in quoted):
                return number
            if number > start and (text.lstrip().startswith("[") and _header(text.strip()) is not None):
                break
        return start


def open_multiline_string(text: str, state: str = "") -> str:
    """The multi-line string delimiter (`\"\"\"` or `'''`) still open at the end of `text`, a line
    of TOML that starts inside such a string when `state` is set; "" when none is open. Quotes
    inside other strings and comments do not count."""
    index, length = 0, len(text)
    while index < length:
        char = text[index]
        if state:
            if state == '"""' and char == "\\":
                index += 2
            elif text.startswith(state, index):
                index += 3
                while index < length and text[index] == state[0]:  # `""""` ends with a quote of the string
                    index += 1
                state = ""
            else:
                index += 1
        elif char == "#":
            return ""
        elif text.startswith('"""', index) or text.startswith("'''", index):
            state, index = text[index : index + 3], index + 3
        elif char in "\"'":
            index = _string_end_on_line(text, index)
        else:
            index += 1
    return state


def _string_end_on_line(text: str, start: int) -> int:
    """Offset after a one-line TOML string opened at `start` (basic strings have escapes)."""
    quote, index = text[start], start + 1
    while index < len(text) and text[index] != quote:
        index += 2 if quote == '"' and text[index] == "\\" else 1
    return index + 1


def _header(line: str) -> tuple[str, ...] | None:
    body = line.split("#", 1)[0].strip() if not ('"' in line or "'" in line) else line.strip()
    if body.startswith("[["):
        end = body.rfind("]]")
        return split_toml_key(body[2:end]) if end > 1 else None
    end = body.rfind("]")
    return split_toml_key(body[1:end]) if end > 0 else None


_PACKAGE_HEADER = re.compile(
    r'^\[\[package\]\][ \t]*\r?\n(?:[ \t]*#[^\n]*\n)*[ \t]*name[ \t]*=[ \t]*"([^"\n]*)"', re.MULTILINE
)


def package_name_lines(text: str) -> list[tuple[str, int]]:
    """(name, line) of each `[[package]]` of a Cargo/uv/poetry lock file, in order: the `name =` line."""
    counter = LineCounter(text)
    found = []
    for match in _PACKAGE_HEADER.finditer(text):
        found.append((match.group(1), counter.line_at(match.start(1))))
    return found


def lines_for_packages(text: str, names: list[str]) -> list[int | None]:
    """Lines of the `[[package]]` entries named `names` (in file order); None where the scan disagrees."""
    scanned = package_name_lines(text)
    if len(scanned) == len(names) and all(a == b for (a, _), b in zip(scanned, names, strict=True)):
        return [line for _, line in scanned]
    by_name: dict[str, list[int]] = {}
    for name, line in scanned:
        by_name.setdefault(name, []).append(line)
    result: list[int | None] = []
    for name in names:
        candidates = by_name.get(name)
        result.append(candidates.pop(0) if candidates else None)
    return result
