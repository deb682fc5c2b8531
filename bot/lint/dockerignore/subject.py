"""What a .dockerignore rule looks at: one build context, its Dockerfile, its ignore file.

A finding about a context belongs in one file of the review: the .dockerignore when it is
part of the change (its line is the one to edit), else the Dockerfile (at the COPY that is
affected), else the Compose file (at the `build:` that sets the context up). `target` says
which, and `line` picks the line in that file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from bot.lint.buildcontexts import BuildContext, CopySource, copy_sources, whole_context_copy
from bot.lint.repoview import RepoView
from bot.parsing.dockerfile import Dockerfile, Instruction
from bot.parsing.dockerignore import DockerIgnore, IgnorePattern

IGNORE, DOCKERFILE, COMPOSE = "ignore", "dockerfile", "compose"


@dataclass(frozen=True)
class ContextReview:
    build: BuildContext
    dockerfile: Dockerfile
    ignore: DockerIgnore | None
    view: RepoView
    target: str
    """IGNORE, DOCKERFILE or COMPOSE: the file findings go to."""

    @property
    def target_path(self) -> str:
        if self.target == IGNORE:
            assert self.build.ignore_file is not None
            return self.build.ignore_file
        if self.target == COMPOSE:
            assert self.build.compose_file is not None
            return self.build.compose_file
        return self.build.dockerfile

    def line(self, pattern: IgnorePattern | None = None, instruction: Instruction | None = None) -> int | None:
        """The line in the target file: the pattern's, the instruction's, or the `build:` key's."""
        if self.target == IGNORE:
            return pattern.line if pattern is not None else self.last_ignore_line
        if self.target == DOCKERFILE:
            return instruction.line if instruction is not None else 1
        return self.build.build_line

    @property
    def last_ignore_line(self) -> int:
        return max(1, len(self.ignore.lines)) if self.ignore is not None else 1

    @cached_property
    def sources(self) -> list[CopySource]:
        return copy_sources(self.dockerfile)

    @cached_property
    def whole_copy(self) -> Instruction | None:
        return whole_context_copy(self.dockerfile)

    @cached_property
    def files(self) -> list[str]:
        """Context-relative paths of the repository files in the context."""
        return [self.build.relative(path) for path in self.view.paths_under(self.build.context)]

    def describe(self) -> str:
        """How the finding names the build: "`api/Dockerfile` (context `api`)"."""
        where = f"`{self.build.dockerfile}` (context `{self.build.context}`"
        if self.build.service:
            where += f", service `{self.build.service}`"
        return where + ")"
