"""Where a JSON or TOML file nests too deeply for its parser, for a finding at that line.

Python's `json` and `tomllib` recurse once per level of `[` and `{`: a few thousand levels
(a few kilobytes of brackets) raise RecursionError with no position. When they do, this scan
finds the deepest point of the text, outside strings and comments, and its line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_JSON_TOKENS = re.compile(r'"(?:[^"\\\n]|\\.)*"?|[\[\]{}\n]')
_TOML_TOKENS = re.compile(
    r'"""(?:[^\\]|\\.)*?(?:"""|$)|\'\'\'[\s\S]*?(?:\'\'\'|$)|"(?:[^"\\\n]|\\.)*"?|\'[^\'\n]*\'?|#[^\n]*|[\[\]{}\n]'
)
_SYNTAX = {"JSON": _JSON_TOKENS, "TOML": _TOML_TOKENS}


@dataclass(frozen=True)
class Nesting:
    depth: int
    """The most `[` and `{` open at once."""
    line: int
    """The line where that depth is first reached."""

    def message(self, syntax: str) -> str:
        return f"not valid {syntax}: nested {self.depth:,} levels deep here, deeper than the parser reads: not read"


def deepest(text: str, syntax: str) -> Nesting:
    """The deepest nesting of `text` ("JSON" or "TOML") and its line."""
    depth = deepest_depth = 0
    line = deepest_line = 1
    for match in _SYNTAX[syntax].finditer(text):
        token = match.group()
        if token == "\n":
            line += 1
        elif token in ("[", "{"):
            depth += 1
            if depth > deepest_depth:
                deepest_depth, deepest_line = depth, line
        elif token in ("]", "}"):
            depth = max(depth - 1, 0)
        else:
            line += token.count("\n")  # a multi-line string
    return Nesting(deepest_depth, deepest_line)
