"""Structure-aware mutation of seed files, driven by one `random.Random`.

An input is made from a real seed file, cut down to a random window when it is large (so a
100 MB corpus does not make every input slow), then changed by:

- a structured mutation for JSON, TOML and YAML formats: the file is parsed into data, values
  are replaced by values of other types (a number where a mapping was, a list of mappings, a
  deep nest, a hostile string), keys are renamed, deleted, duplicated, and it is written back;
- text mutations that know lines and the format's tokens: delete, repeat, swap and splice
  lines, insert the format's keywords and separators, change indentation, cut the file short,
  replace words with hostile values (huge numbers, control characters, Unicode that changes
  length when lower-cased, `${`, quotes, backslashes at line ends);
- byte mutations, decoded exactly as the ChangeSet decodes a blob (`bot.text.decode`).

A few inputs are random bytes or a random soup of the format's tokens. The same `Random` state
always gives the same input, so a crash found by the harness is reproduced from its seed number.
"""

from __future__ import annotations

import copy
import functools
import json
import math
import random
import re
import string
import tomllib
from collections.abc import Callable, Sequence
from io import StringIO
from typing import Any

import tomli_w
from ruamel.yaml import YAML

from bot.text import BINARY_SNIFF_BYTES, decode

SYNTAX = {
    "dockerfile": "dockerfile",
    "shell": "shell",
    "compose": "yaml",
    "dockerignore": "lines",
    "requirements": "lines",
    "pyproject": "toml",
    "uv.lock": "toml",
    "poetry.lock": "toml",
    "pipfile": "toml",
    "pipfile.lock": "json",
    "package.json": "json",
    "package-lock": "json",
    "yarn.lock": "yarn",
    "pnpm-lock": "yaml",
    "cargo.toml": "toml",
    "cargo.lock": "toml",
    "go.mod": "gomod",
    "go.sum": "lines",
    "config": "yaml",
    "hadolint": "yaml",
}

HOSTILE_STRINGS = (
    "",
    " ",
    "\t",
    "\\",
    "\\\n",
    '"',
    "'",
    "`",
    "${",
    "${X:-${Y:-}}",
    "$((1+1))",
    "$(touch pwned)",
    "{{ cookiecutter.name }}",
    "{% if x %}",
    "<!-- dockhand:report -->",
    "</table><details>",
    "| a | b |",
    "@org/team",
    "#123",
    "javascript:alert(1)",
    "../../../../etc/shadow",
    "/etc/passwd",
    "C:\\Windows\\System32",
    "-rf",
    "--output=x",
    "\x00",
    "\r",
    "\x0b\x0c",
    "\u2028\u2029\u0085",
    "\ufeff",
    "\u202e",
    "İıßẞﬃ",
    "ǅ" * 3,
    "é" + "\u0301" * 20,
    "𝒳😀👩‍👩‍👧",
    "\udcff",
    "NaN",
    "Infinity",
    "-0",
    "1e400",
    "0x1F",
    "99999999999999999999999999999999",
    "-1",
    "0",
    "1.2.3-rc.1+build.5",
    "^1.2",
    "~>1.2",
    ">=1,<2",
    "*",
    "latest",
    "workspace:*",
    "npm:other@^2",
    "link:../x",
    "file:../x",
    "git+https://github.com/a/b.git#v1",
    "https://user:s3cr3t@host.example/simple",
    "v0.0.0-20240101000000-abcdef123456",
    "[::1]:80:80",
    "true",
    "null",
    "~",
    "&anchor",
    "*alias",
    "<<",
    "!!binary",
    "!!python/object:os.system",
    "%YAML 1.1",
    "---",
    "...",
    "a" * 5000,
    "x\n" * 50,
)

TOKENS: dict[str, tuple[str, ...]] = {
    "dockerfile": (
        "FROM ", "RUN ", "COPY ", "ADD ", "ENV ", "ARG ", "LABEL ", "USER ", "WORKDIR ", "CMD ", "ENTRYPOINT ",
        "HEALTHCHECK ", "ONBUILD ", "SHELL ", "EXPOSE ", "VOLUME ", "STOPSIGNAL ", "MAINTAINER ", " AS ", "--from=",
        "--mount=type=cache,target=/x ", "--chown=0:0 ", "--platform=$BUILDPLATFORM ", "--link ", "--", "<<EOF",
        "<<-EOT", "\nEOF\n", "EOF", "\\\n", "`\n", "# escape=`\n", "# syntax=docker/dockerfile:1\n", '["a", "b"]',
        "[", "]", '"', "$VAR", "${VAR:-x}", "${VAR:+y}", "&&", "||", ";", "|", "NONE", "CMD-SHELL", "scratch",
        "apt-get install -y", "pip install", "npm ci", "curl | sh", "sudo ", "\n", " ", "\t",
    ),
    "shell": (
        "&&", "||", ";", ";;", "|", "|&", "&", "(", ")", "{", "}", "<", ">", ">>", "2>&1", "<<EOF", "\n", "\\\n",
        "'", '"', "`", "$(", "$((", "${", "}", "#", "sudo ", "env ", "-u ", "exec ", "xargs ", "apt-get ", "install ",
        "-y", "--no-install-recommends", "pip ", "--no-cache-dir", "npm ", "curl ", "wget ", "-qO-", "=", "X=1 ",
    ),
    "yaml": (
        "- ", ": ", "? ", "&a ", "*a", "<<: *a", "{", "}", "[", "]", ",", "|", ">", "|-", ">+", "'", '"', "#", "!!str ",
        "!!map", "!!seq", "!tag ", "---\n", "...\n", "%YAML 1.2\n", "\t", "  ", "\n", "~", "null", "true", "yes",
        "0o17", "0x1f", ".inf", ".nan", "2001-12-14", "services:", "build:", "context: ", "environment:", "ports:",
        "volumes:", "image: ", "extends:", "include:", "env_file: ", "importers:", "packages:", "snapshots:",
        "specifier: ", "version: ", "dependencies:", "lockfileVersion: ", "rules:", "disable:", "severity:", "image:",
        "ignored:", "override:", "trustedRegistries:", "compose-sets:", "fail-on: ",
    ),
    "toml": (
        "[", "]", "[[", "]]", "=", '"', "'", '"""', "'''", "{", "}", ",", ".", "#", "\n", "\\", "\\u0000", "true",
        "1979-05-27T07:32:00Z", "inf", "nan", "0x1f", "1_000", "[package]", "[[package]]", "[dependencies]",
        "[project]", "dependencies = [", "name = ", "version = ", "source = ", "[tool.poetry.dependencies]",
        "[workspace]", "members = [", "[packages]", "[dev-packages]", "optional-dependencies", "git = ", "path = ",
    ),
    "json": (
        "{", "}", "[", "]", ",", ":", '"', "\\", "\\u0000", "\\ud800", "null", "true", "-0", "1e999", "NaN",
        '"dependencies"', '"devDependencies"', '"packages"', '"version"', '"resolved"', '"lockfileVersion"',
        '"node_modules/', '"default"', '"develop"', '"hashes"', '"workspaces"', '"overrides"', "\n", " ",
    ),
    "lines": (
        "\n", " ", "\t", "#", "!", "*", "**", "?", "[", "]", "\\", "/", "-r ", "-c ", "-e ", "--hash=sha256:", "==",
        ">=", "~=", "; python_version<'3.9'", "@ ", "git+https://x/y.git@main#egg=y", "h1:", "/go.mod h1:", " v1.2.3",
        "[extra]", "--index-url https://u:p@h/", "\\\n",
    ),
    "yarn": (
        "\n", "  ", "    ", ":", '"', ",", "#", "__metadata:", "version ", "resolved ", "integrity ", "dependencies:",
        "languageName: node", "linkType: hard", "resolution: ", "checksum: ", "@npm:", "@workspace:", "@patch:",
        "# yarn",
    ),
    "gomod": (
        "module ", "go ", "toolchain ", "require ", "replace ", "exclude ", "retract ", "(", ")", "=>", "// indirect",
        "//", "\n", "\t", " v", "v0.0.0-20200101000000-abcdefabcdef", "+incompatible", '"', "`", "../local",
    ),
}  # fmt: skip


MAX_CHARS = 64 * 1024
"""Inputs stay below this (1% up to 8 times more): size is the scale benchmarks' subject, shape is ours."""


def generate(target: str, rng: random.Random, seed_texts: Sequence[str]) -> str:
    """One input for `target`: file text as the ChangeSet would hand it to the parser."""
    syntax = SYNTAX[target]
    roll = rng.random()
    if roll < 0.04 or not seed_texts:
        return as_file_text(rng.randbytes(rng.randint(0, 3000)))
    if roll < 0.10:
        return as_file_text(_token_soup(syntax, rng).encode("utf-8", "surrogatepass"))
    text = shrink(rng.choice(seed_texts), syntax, rng)
    if roll < 0.45 and syntax in _LOADERS:
        text = structured(text, syntax, rng)
    limit = MAX_CHARS if rng.random() > 0.01 else 8 * MAX_CHARS
    for _ in range(rng.choice((0, 1, 1, 2, 2, 3, 5, 8))):
        text = rng.choice(_TEXT_MUTATIONS)(text, syntax, rng, seed_texts)[:limit]
    data = text.encode("utf-8", "surrogatepass")
    if rng.random() < 0.15:
        data = _mutate_bytes(data, rng)
    return as_file_text(data)


def as_file_text(data: bytes) -> str:
    """Bytes decoded as `bot.text.decode` does; a NUL early on would make it binary, so it goes."""
    decoded = decode(data).text
    if decoded is None:
        decoded = decode(data[:BINARY_SNIFF_BYTES].replace(b"\0", b"") + data[BINARY_SNIFF_BYTES:]).text
    return decoded or ""


def shrink(text: str, syntax: str, rng: random.Random, max_lines: int = 160) -> str:
    """A large seed cut to its head and a random window of lines (parsers must cope with the cut)."""
    lines = text.split("\n")
    if len(lines) <= max_lines:
        return text
    if syntax in _LOADERS and rng.random() < 0.6:
        try:
            return _dump(_sample(_loaded_seed(syntax, text), rng), syntax, rng)
        except Exception:  # noqa: BLE001 - a seed that does not load stays text
            pass
    head = lines[: rng.randint(0, 12)]
    start = rng.randint(0, len(lines) - 1)
    return "\n".join([*head, *lines[start : start + rng.randint(1, max_lines)]]) + "\n"


# -- structured mutation ---------------------------------------------------------------------------


def _load_yaml(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


_LOADERS: dict[str, Callable[[str], Any]] = {"json": json.loads, "toml": tomllib.loads, "yaml": _load_yaml}


@functools.lru_cache(maxsize=128)
def _loaded_seed(syntax: str, text: str) -> Any:
    """A large seed's data, loaded once (`_sample` copies what it keeps: this is never changed)."""
    return _LOADERS[syntax](text)


def structured(text: str, syntax: str, rng: random.Random) -> str:
    """Parse, change the data (types, keys, nesting), write back; text unchanged if it does not load."""
    try:
        data = _LOADERS[syntax](text)
    except Exception:  # noqa: BLE001 - mutated text may not load: then it stays as it is
        return text
    try:
        for _ in range(rng.randint(1, 6)):
            data = _mutate_tree(data, rng)
        return _dump(data, syntax, rng)
    except Exception:  # noqa: BLE001 - TOML cannot hold every value (a top-level list): keep the text
        return text


def _dump(data: Any, syntax: str, rng: random.Random) -> str:
    if syntax == "json":
        return json.dumps(data, indent=rng.choice((None, 1, 2, 4)), ensure_ascii=rng.random() < 0.5)
    if syntax == "toml":
        return tomli_w.dumps(_tomlable(data), multiline_strings=rng.random() < 0.5)
    if rng.random() < 0.3:
        return json.dumps(data, indent=rng.choice((None, 2)))  # JSON is YAML too
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = rng.choice((False, None, True))
    out = StringIO()
    yaml.dump(data, out)
    return out.getvalue()


def _tomlable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _tomlable(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_tomlable(v) for v in value if v is not None]
    return value


def _sample(value: Any, rng: random.Random, depth: int = 0) -> Any:
    """Keep at most a few entries of every large mapping or list (the seed's shape, smaller)."""
    limit = rng.randint(1, 12)
    if isinstance(value, dict):
        keys = list(value)
        if len(keys) > limit:
            keys = sorted(rng.sample(range(len(keys)), limit))
            keys = [list(value)[i] for i in keys]
        return {k: _sample(value[k], rng, depth + 1) for k in keys}
    if isinstance(value, list):
        items = value if len(value) <= limit else rng.sample(value, limit)
        return [_sample(v, rng, depth + 1) for v in items]
    return value


def _slots(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [path]
    if len(path) > 40:
        return found
    if isinstance(value, dict):
        for key, item in value.items():
            found.extend(_slots(item, (*path, key)))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found.extend(_slots(item, (*path, index)))
    return found


def _get(value: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def _mutate_tree(data: Any, rng: random.Random) -> Any:
    slots = _slots(data)
    path = rng.choice(slots)
    if not path:
        return random_value(rng, 0) if rng.random() < 0.05 else data
    parent, key = _get(data, path[:-1]), path[-1]
    action = rng.randrange(6)
    if action == 0:
        parent[key] = random_value(rng, 0)
    elif action == 1:
        del parent[key]
    elif action == 2 and isinstance(parent, dict):
        parent[random_key(rng)] = parent.pop(key)
    elif action == 3:
        parent[key] = [parent[key]] if rng.random() < 0.5 else {random_key(rng): parent[key]}
    elif action == 4:
        other = copy.deepcopy(_get(data, rng.choice(slots)))
        if isinstance(parent, dict):
            parent[random_key(rng)] = other
        else:
            parent.append(other)
    else:
        nest: Any = parent[key]
        for _ in range(rng.choice((2, 10, 60, 200))):
            nest = [nest] if rng.random() < 0.5 else {"a": nest}
        parent[key] = nest
    return data


def random_key(rng: random.Random) -> str:
    return rng.choice(
        (
            rng.choice(HOSTILE_STRINGS)[:200],
            _word(rng),
            "dependencies",
            "services",
            "build",
            "version",
            "packages",
            "name",
            "<<",
        )
    )


def random_value(rng: random.Random, depth: int) -> Any:
    kind = rng.randrange(9 if depth < 4 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.choice((0, -1, 1, 2**31, 2**63, 10**30, -(10**30), rng.randint(-1000, 100000)))
    if kind == 3:
        return rng.choice((0.5, -0.0, 1e308, math.inf, -math.inf, 3.14))
    if kind in (4, 5):
        return rng.choice((rng.choice(HOSTILE_STRINGS)[:5000], _word(rng), f"{rng.randint(0, 99)}.{rng.randint(0, 9)}"))
    if kind == 6:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return {random_key(rng): random_value(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_letters + string.digits + "-_.@/") for _ in range(rng.randint(1, 12)))


# -- text mutations ----------------------------------------------------------------------------------

TextMutation = Callable[[str, str, random.Random, Sequence[str]], str]


def _lines_op(text: str, rng: random.Random, op: Callable[[list[str], int, int], None]) -> str:
    lines = text.split("\n")
    start = rng.randrange(len(lines))
    end = min(len(lines), start + rng.choice((1, 1, 2, 5, 20)))
    op(lines, start, end)
    return "\n".join(lines)


def _delete_lines(text: str, syntax: str, rng: random.Random, seeds: Sequence[str]) -> str:
    def op(lines: list[str], start: int, end: int) -> None:
        del lines[start:end]

    return _lines_op(text, rng, op)


def _repeat_lines(text: str, syntax: str, rng: random.Random, seeds: Sequence[str]) -> str:
    times = rng.choice((1, 2, 10, 300))

    def op(lines: list[str], start: int, end: int) -> None:
        lines[start:end] = lines[start:end] * (times + 1)

    return _lines_op(text, rng, op)


def _swap_lines(text: str, syntax: str, rng: random.Random, seeds: Sequence[str]) -> str:
    lines = text.split("\n")
    a, b = rng.randrange(len(lines)), rng.randrange(len(lines))
    lines[a], lines[b] = lines[b], lines[a]
    return "\n".join(lines)


def _splice(text: str, syntax: str, rng: random.Random, seeds: Sequence[str]) -> str:
    other = shrink(rng.choice(seeds), syntax, rng) if seeds else text
    lines, more = text.split("\n"), other.split("\n")
    at, start = rng.randint(0, len(lines)), rng.randrange(len(more))
    return "\n".join([*lines[:at], *more[start : start + rng.randint(1, 30)], *lines[at:]])


def _insert_token(text: str, syntax: str, rng: random.Random, seeds: Sequence[str]) -> str:
    token = rng.choice(TOKENS[syntax]) if rng.random() < 0.75 else rng.choice(HOSTILE_STRINGS)
    at = _position(text, rng)
    return text[:at] + token * rng.choice((1, 1, 1, 3, 100)) + text[at:]


def _replace_word(text: str, syntax: str, rng: random.Random, seeds: Sequence[str]) -> str:
    words = [m.span() for m in _WORD.finditer(text[:200_000])]
    if not words:
        return text
    start, end = rng.choice(words)
    replacement = rng.choice(HOSTILE_STRINGS) if rng.random() < 0.6 else rng.choice(TOKENS[syntax])
    return text[:start] + replacement + text[end:]


def _reindent(text: str, syntax: str, rng: random.Random, seeds: Sequence[str]) -> str:
    def op(lines: list[str], start: int, end: int) -> None:
        change = rng.choice(("  ", "\t", " ", "-", "remove"))
        for index in range(start, end):
            lines[index] = lines[index].lstrip() if change == "remove" else change + lines[index]

    return _lines_op(text, rng, op)


def _truncate(text: str, syntax: str, rng: random.Random, seeds: Sequence[str]) -> str:
    return text[: _position(text, rng)]


def _numbers(text: str, syntax: str, rng: random.Random, seeds: Sequence[str]) -> str:
    numbers = [m.span() for m in _NUMBER.finditer(text[:200_000])]
    if not numbers:
        return text
    start, end = rng.choice(numbers)
    value = rng.choice(("0", "-1", "00", "4294967296", "9" * 40, "1e400", "0x10", "1_0", "٣", "１"))
    return text[:start] + value + text[end:]


def _nest(text: str, syntax: str, rng: random.Random, seeds: Sequence[str]) -> str:
    depth = rng.choice((10, 100, 1000, 5000))
    opener, closer = rng.choice((("[", "]"), ("{", "}"), ('{"a":', "}"), ("- ", ""), ("a = [", "]"), ("(", ")")))
    at = _position(text, rng)
    return text[:at] + opener * depth + closer * depth + text[at:]


_WORD = re.compile(r"[A-Za-z0-9_.@/-]+|\"[^\"\n]*\"|'[^'\n]*'")
_NUMBER = re.compile(r"\d+")
_TEXT_MUTATIONS: tuple[TextMutation, ...] = (
    _delete_lines,
    _repeat_lines,
    _swap_lines,
    _splice,
    _insert_token,
    _insert_token,
    _replace_word,
    _replace_word,
    _reindent,
    _truncate,
    _numbers,
    _nest,
)


def _position(text: str, rng: random.Random) -> int:
    """A random place, often at a line start or end, where formats are most sensitive."""
    if not text:
        return 0
    at = rng.randint(0, len(text))
    if rng.random() < 0.5:
        newline = text.find("\n", at)
        at = newline + rng.randint(0, 1) if newline >= 0 else len(text)
    return min(at, len(text))


def _token_soup(syntax: str, rng: random.Random) -> str:
    pieces = [*TOKENS[syntax], *HOSTILE_STRINGS[:60], "\n", "\n", " ", "a", "1"]
    return "".join(rng.choice(pieces) for _ in range(rng.randint(1, 200)))


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(buffer))
        roll = rng.random()
        if roll < 0.4 and buffer and at < len(buffer):
            buffer[at] = rng.randrange(256)
        elif roll < 0.7:
            buffer[at:at] = rng.choice(
                (b"\r", b"\r\n", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x1b[31m")
            )
        else:
            del buffer[at : at + rng.randint(1, 16)]
    return bytes(buffer)
