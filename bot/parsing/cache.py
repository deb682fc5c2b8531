"""Files parsed once per review: several analyzers read the same Compose file.

The Compose analyzer lints a changed file and loads its project's other files (on both sides),
the .dockerignore analyzer reads the compose files near a change for their build contexts, and
image discovery reads every compose file at head. Each asks `ParsedFiles.compose(path, text)`,
which parses a (path, text) once and hands the same (immutable) `ComposeFile` to every caller.

The review owns the cache (`Workspace.parsed`; every `RepoView` of the review shares it) and it
ends with the review. It keeps the parses of at most `budget` characters of text, dropping the
least recently used beyond that, so a repository of many large compose files costs what one
analyzer at a time costs without it. Analyzers run in two threads (see bot/pipeline.py): one
lock keeps the cache whole, and a file asked for by both at once is parsed once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from bot.parsing.compose import ComposeFile, parse_compose

DEFAULT_BUDGET = 8 * 1024 * 1024
"""Characters of text whose parses are kept: thousands of ordinary compose files, or sixteen of
the largest `parse_compose` accepts (512 KiB)."""


@dataclass
class ParsedFiles:
    budget: int = DEFAULT_BUDGET
    parses: int = 0
    """How many times a file was parsed (not found in the cache), for tests and benchmarks."""
    _compose: OrderedDict[tuple[str, str], ComposeFile] = field(default_factory=OrderedDict)
    _kept: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def compose(self, path: str, text: str) -> ComposeFile:
        """`parse_compose(path, text)`, parsed the first time only."""
        with self._lock:
            return self._compose_locked(path, text)

    def _compose_locked(self, path: str, text: str) -> ComposeFile:
        key = (path, text)
        found = self._compose.get(key)
        if found is not None:
            self._compose.move_to_end(key)
            return found
        parsed = parse_compose(path, text)
        self.parses += 1
        self._compose[key] = parsed
        self._kept += len(text)
        while self._kept > self.budget and len(self._compose) > 1:
            (_path, dropped), _parsed = self._compose.popitem(last=False)
            self._kept -= len(dropped)
        return parsed
