"""A Dockerfile's build context as far as the checklist needs it: which .dockerignore applies
and whether it keeps out what must never reach the builder.

Docker's matching: patterns are paths relative to the context root (a leading `/` or `./` is
dropped), `*` stays within one directory, `**` spans any number, `!` re-includes, the last
matching pattern wins, and excluding a directory excludes everything in it.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from bot.changes import ChangeSet
from bot.config import glob_matches
from bot.parsing.dockerfile import Dockerfile


@dataclass(frozen=True)
class Dockerignore:
    path: str
    """Repository path of the .dockerignore file."""
    text: str

    @property
    def root(self) -> str:
        """The build context it applies to (its directory)."""
        return posixpath.dirname(self.path)

    def patterns(self) -> list[tuple[int, str, bool]]:
        """(line, pattern, is_exception) for every pattern line."""
        found = []
        for number, raw in enumerate(self.text.split("\n"), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            exception = line.startswith("!")
            pattern = posixpath.normpath(line.lstrip("!").strip().lstrip("/")).removeprefix("./")
            if pattern and pattern != ".":
                found.append((number, pattern, exception))
        return found

    def excluding_line(self, path: str) -> int | None:
        """The line of the pattern that keeps `path` (relative to the context) out, or None when included."""
        deciding: int | None = None
        for number, pattern, exception in self.patterns():
            if _matches(pattern, path):
                deciding = None if exception else number
        return deciding


def _matches(pattern: str, path: str) -> bool:
    parts = path.split("/")
    return any(glob_matches(pattern, "/".join(parts[:end])) for end in range(1, len(parts) + 1))


def find_dockerignore(dockerfile_path: str, read: dict[str, str | None]) -> Dockerignore | None:
    """`<Dockerfile>.dockerignore` beside it, else the nearest `.dockerignore` in its directory or above."""
    for candidate in candidate_paths(dockerfile_path):
        text = read.get(candidate)
        if text is not None:
            return Dockerignore(candidate, text)
    return None


def candidate_paths(dockerfile_path: str) -> list[str]:
    directory = posixpath.dirname(dockerfile_path)
    candidates = [f"{dockerfile_path}.dockerignore"]
    while True:
        candidates.append(posixpath.join(directory, ".dockerignore") if directory else ".dockerignore")
        if not directory:
            return candidates
        directory = posixpath.dirname(directory)


def dockerignore_sides(changes: ChangeSet, dockerfile_path: str) -> tuple[Dockerignore | None, Dockerignore | None]:
    """The .dockerignore that applies at base and at head (the PR may add, change or delete it)."""
    candidates = candidate_paths(dockerfile_path)
    head_texts = changes.tree.read_many(candidates)
    base_texts = dict(head_texts)
    for candidate in candidates:
        changed = changes.file(candidate)
        if changed is not None:
            base_texts[candidate] = changed.base_text
            if changed.deleted:
                head_texts[candidate] = None
    return find_dockerignore(dockerfile_path, base_texts), find_dockerignore(dockerfile_path, head_texts)


def copied_sources(dockerfile: Dockerfile) -> list[str]:
    """Files the Dockerfile copies from the context by name (not `.`, not globs, not `--from`)."""
    found = []
    for stage in dockerfile.stages:
        for ins in stage.instructions:
            if ins.keyword in {"COPY", "ADD"} and ins.flag("from") is None and not ins.heredocs:
                for source in ins.arguments[:-1]:
                    if not any(char in source for char in "*?[$") and "://" not in source:
                        normalized = posixpath.normpath(source).removeprefix("./")
                        if normalized not in {".", ""}:
                            found.append(normalized)
    return found
