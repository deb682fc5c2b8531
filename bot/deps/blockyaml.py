"""Lock-file YAML (pnpm-lock.yaml) read fast, with lines: block mappings of plain scalars.

pnpm writes a small, regular subset of YAML. This reader handles that subset in one pass
(a 50 MB lock file in seconds, where a full YAML parser takes minutes) and hands anything
else — block scalars, anchors, multi-line values — to ruamel.yaml, which also gives the
line of a real syntax error.
"""

from __future__ import annotations

from typing import Any, Union

from bot.deps.model import ParseProblem
from bot.parsing.yamlbounds import YamlRefused, load_yaml

YamlMap = dict[str, tuple[int, Union[str, "YamlMap"]]]
"""key -> (line, scalar text or nested mapping)."""


class YamlProblem(ParseProblem):
    """Lock-file YAML that does not parse, at its line."""


class _Unsupported(Exception):
    pass


def load_block_yaml(text: str) -> YamlMap:
    try:
        return _fast(text)
    except _Unsupported:
        return _full(text)


def _fast(text: str) -> YamlMap:
    root: YamlMap = {}
    stack: list[tuple[int, YamlMap]] = [(-1, root)]
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#") or stripped == "---":
            continue
        indent = len(line) - len(line.lstrip(" "))
        if line[: indent + 1].endswith("\t") or stripped.startswith(("- ", "&", "*", "?")) or stripped == "-":
            raise _Unsupported
        key, value = _split(stripped)
        while stack[-1][0] >= indent:
            stack.pop()
        current = stack[-1][1]
        if value == "":
            child: YamlMap = {}
            current[key] = (number, child)
            stack.append((indent, child))
        else:
            current[key] = (number, value)
    return root


def _split(text: str) -> tuple[str, str]:
    if text[0] in "'\"":
        close = text.find(text[0], 1)
        while text[0] == "'" and close != -1 and text[close + 1 : close + 2] == "'":
            close = text.find("'", close + 2)
        if close == -1 or text[close + 1 : close + 2] != ":":
            raise _Unsupported
        key = text[1:close].replace("''", "'") if text[0] == "'" else text[1:close]
        rest = text[close + 2 :]
    else:
        cut = text.find(": ")
        if cut == -1:
            if not text.endswith(":"):
                raise _Unsupported
            return text[:-1], ""
        key, rest = text[:cut], text[cut + 1 :]
    value = rest.split(" #", 1)[0].strip()
    if value[:1] in ("|", ">", "&", "*", "!"):
        raise _Unsupported
    if value[:1] in "'\"":
        if len(value) < 2 or value[-1] != value[0]:
            raise _Unsupported
        value = value[1:-1]
    elif value[:1] in "[{" and value[-1:] != {"[": "]", "{": "}"}[value[0]]:
        raise _Unsupported  # a flow collection continued on the next line, or a broken one
    return key, value


def _full(text: str) -> YamlMap:
    try:
        documents = load_yaml(text, "lock file")
    except YamlRefused as refused:
        raise YamlProblem(refused.line, refused.message) from None
    mappings = [document for document in documents if document is not None]
    if not mappings or not all(isinstance(document, dict) for document in mappings):
        raise YamlProblem(1, "expected a mapping at the top level")
    merged: YamlMap = {}
    for document in mappings:  # pnpm 9 may write two documents: the tools, then the project
        merged.update(_convert(document, 1))
    return merged


def _convert(data: Any, line: int) -> YamlMap:
    result: YamlMap = {}
    for key, value in data.items():
        try:
            key_line = int(data.lc.key(key)[0]) + 1
        except (AttributeError, KeyError, TypeError):
            key_line = line
        if isinstance(value, dict):
            result[str(key)] = (key_line, _convert(value, key_line))
        elif isinstance(value, bool):
            result[str(key)] = (key_line, "true" if value else "false")
        else:
            result[str(key)] = (key_line, "" if value is None else str(value))
    return result


def child(node: YamlMap, key: str) -> YamlMap:
    found = node.get(key)
    return found[1] if found is not None and isinstance(found[1], dict) else {}


def scalar(node: YamlMap, key: str) -> str:
    found = node.get(key)
    return found[1] if found is not None and isinstance(found[1], str) else ""
