"""A Dockerfile's build context as far as the checklist needs it: which .dockerignore the build
uses, at base and at head, read and matched by the shared parser (`bot/parsing/dockerignore.py`).

The context is the one the image analyzer built with when it built this Dockerfile, else the
one it would infer (`bot.lint.buildcontexts.context_or_own_directory`).
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass

from bot.changes import ChangeSet
from bot.lint.buildcontexts import context_or_own_directory, copy_sources
from bot.lint.repoview import RepoView
from bot.parsing.dockerfile import Dockerfile
from bot.parsing.dockerignore import DockerIgnore, ignore_file_for, parse_dockerignore
from bot.workspace import Workspace


@dataclass(frozen=True)
class Dockerignore:
    path: str
    """Repository path of the .dockerignore file."""
    rules: DockerIgnore

    def excluding_line(self, path: str) -> int | None:
        """The line of the pattern that keeps `path` (relative to the context) out, or None."""
        pattern = self.rules.deciding_pattern(path)
        return pattern.line if pattern is not None else None


def build_context(dockerfile: Dockerfile, workspace: Workspace, head: RepoView) -> str:
    """Repository path of the build context ("." for the root)."""
    for image in workspace.images:
        if image.dockerfile == dockerfile.path:
            return image.context
    return context_or_own_directory(dockerfile.path, dockerfile, head)


def dockerignore_sides(
    changes: ChangeSet, dockerfile_path: str, context: str
) -> tuple[Dockerignore | None, Dockerignore | None]:
    """The .dockerignore the build uses at base and at head (the PR may add, change or delete it)."""
    candidates = [f"{dockerfile_path}.dockerignore", posixpath.join(context, ".dockerignore").removeprefix("./")]
    head_texts = changes.tree.read_many(candidates)
    base_texts = dict(head_texts)
    for candidate in candidates:
        changed = changes.file(candidate)
        if changed is not None:
            base_texts[candidate] = changed.base_text
            head_texts[candidate] = None if changed.deleted else head_texts[candidate]
    return _side(dockerfile_path, context, base_texts), _side(dockerfile_path, context, head_texts)


def _side(dockerfile_path: str, context: str, texts: dict[str, str | None]) -> Dockerignore | None:
    path = ignore_file_for(dockerfile_path, context, lambda p: texts.get(p) is not None)
    text = texts.get(path) if path is not None else None
    return Dockerignore(path, parse_dockerignore(text)) if path is not None and text is not None else None


def copied_sources(dockerfile: Dockerfile) -> list[str]:
    """Files the Dockerfile copies from the context by name (not `.`, not globs, not `--from`)."""
    return [
        source.path
        for source in copy_sources(dockerfile)
        if source.instruction.keyword in ("COPY", "ADD") and not source.wildcard and source.path != "."
    ]
