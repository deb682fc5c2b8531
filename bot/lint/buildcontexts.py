"""Which Dockerfile is built with which context and which ignore file.

Compose says it exactly: `build:` gives the context, the Dockerfile and the target. A Dockerfile
no Compose file builds is given the context its COPY sources point to: of the directories from
the Dockerfile's own up to the repository root, the one where most of its literal sources exist
(nearest wins a tie), which is what `docker build -f path/Dockerfile <dir>` must have been.

The one inference for every caller: the lint rules (which judge nothing without evidence) and
the image builder and hardening checklist (which must pick a directory: `context_or_own_directory`).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass

from bot.changes import ChangeSet
from bot.filekinds import Family, classify
from bot.lint.repoview import RepoView
from bot.parsing.compose import ComposeFile
from bot.parsing.dockerfile import Dockerfile, Instruction, parse_dockerfile
from bot.parsing.dockerignore import clean_path, ignore_file_for

_URL = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_WILDCARD = re.compile(r"[*?\[]")
_HEREDOC = re.compile(r"^<<-?")


@dataclass(frozen=True)
class CopySource:
    """A file or directory of the build context that an instruction reads."""

    path: str
    """Context-relative, cleaned ("." is the whole context)."""
    text: str
    """As written in the Dockerfile."""
    wildcard: bool
    instruction: Instruction

    @property
    def line(self) -> int:
        return self.instruction.line


@dataclass(frozen=True)
class BuildContext:
    dockerfile: str
    """Repository path of the Dockerfile."""
    context: str
    """Repository directory sent as the build context ("." for the root)."""
    target: str | None = None
    ignore_file: str | None = None
    """Repository path of the .dockerignore BuildKit applies, or None."""
    compose_file: str | None = None
    service: str | None = None
    build_line: int | None = None
    inferred: bool = False
    """True when no Compose file says so and the context was inferred from COPY sources."""

    def relative(self, path: str) -> str:
        """A repository path as a path in this context."""
        if self.context in ("", "."):
            return path
        return posixpath.relpath(path, self.context)


def copy_sources(dockerfile: Dockerfile) -> list[CopySource]:
    """Context files read by COPY/ADD (not `--from`) and `RUN --mount=type=bind` (no `from`)."""
    sources: list[CopySource] = []
    for stage in dockerfile.stages:
        for ins in stage.instructions:
            if ins.keyword in ("COPY", "ADD") and ins.flag("from") is None:
                for text in ins.arguments[:-1]:
                    if _URL.match(text) or _HEREDOC.match(text) or text.startswith("git@") or "$" in text:
                        continue
                    sources.append(CopySource(clean_path(text), text, bool(_WILDCARD.search(text)), ins))
            elif ins.keyword == "RUN":
                sources.extend(_bind_mount_sources(ins))
    return sources


def _bind_mount_sources(ins: Instruction) -> list[CopySource]:
    found = []
    for mount in ins.flag_values("mount"):
        options = dict(part.partition("=")[::2] for part in mount.split(","))
        if options.get("type") == "bind" and "from" not in options:
            source = options.get("source") or options.get("src") or "."
            if "$" not in source:
                found.append(CopySource(clean_path(source), source, bool(_WILDCARD.search(source)), ins))
    return found


def whole_context_copy(dockerfile: Dockerfile) -> Instruction | None:
    """The first COPY/ADD that copies the entire context (`COPY . .`), if any."""
    for source in copy_sources(dockerfile):
        if source.path == "." and source.instruction.keyword in ("COPY", "ADD"):
            return source.instruction
    return None


def contexts_from_compose(compose: ComposeFile, view: RepoView) -> list[BuildContext]:
    contexts = []
    for service in compose.services:
        build = service.build
        if build is None or build.context is None or build.dockerfile is None:
            continue
        ignore = ignore_file_for(build.dockerfile, build.context, view.exists)
        contexts.append(
            BuildContext(build.dockerfile, build.context, build.target, ignore, compose.path, service.name, build.line)
        )
    return contexts


def infer_context(path: str, dockerfile: Dockerfile, view: RepoView) -> str | None:
    """The directory `docker build` most likely sends for this Dockerfile (see the module doc).

    None without evidence: no literal source exists under any candidate, and the Dockerfile's
    own directory holds nothing but Docker files (so it is not what `COPY . .` is meant for).
    """
    directory = posixpath.dirname(path) or "."
    literal = [s.path for s in copy_sources(dockerfile) if not s.wildcard and s.path not in (".", "..")]
    best, best_score = directory, 0
    for candidate in _ancestors(directory):
        score = sum(1 for source in literal if _in_view(view, candidate, source))
        if score > best_score:
            best, best_score = candidate, score
        if best_score == len(literal):
            break  # the nearest that holds every source: no farther one can do better
    if best_score > 0:
        return best
    has_content = any(not _is_docker_file(p) for p in view.paths_under(directory))
    return directory if has_content else None


def context_or_own_directory(path: str, dockerfile: Dockerfile, view: RepoView) -> str:
    """`infer_context`, or the Dockerfile's own directory without evidence: what a build must
    send when it has to send something (`docker build dir/` of a Dockerfile beside its files)."""
    return infer_context(path, dockerfile, view) or posixpath.dirname(path) or "."


def _ancestors(directory: str) -> list[str]:
    """`directory`, its parent and so on up to the root ".", nearest first."""
    chain = [directory]
    while chain[-1] != ".":
        chain.append(posixpath.dirname(chain[-1]) or ".")
    return chain


def _is_docker_file(path: str) -> bool:
    kind = classify(path)
    return kind is not None and kind.family in (Family.DOCKERFILE, Family.DOCKERIGNORE, Family.COMPOSE)


def inferred_build_context(path: str, dockerfile: Dockerfile, view: RepoView) -> BuildContext | None:
    context = infer_context(path, dockerfile, view)
    if context is None:
        return None
    return BuildContext(path, context, None, ignore_file_for(path, context, view.exists), inferred=True)


def _in_view(view: RepoView, context: str, source: str) -> bool:
    path = source if context in ("", ".") else f"{context}/{source}"
    return view.exists(path) or view.is_dir(path)


def relevant_contexts(changes: ChangeSet, view: RepoView) -> list[BuildContext]:
    """Build contexts the change can affect: of changed compose files, Dockerfiles, ignore files."""
    changed = [f for f in changes.files if not f.deleted]
    ancestors = {"."}
    for changed_file in changed:
        directory = posixpath.dirname(changed_file.path)
        while directory and directory not in ancestors:
            ancestors.add(directory)
            directory = posixpath.dirname(directory)
    contexts: dict[tuple[str, str, str | None], BuildContext] = {}
    for path in sorted(view.files):
        if (posixpath.dirname(path) or ".") not in ancestors:
            continue
        kind = classify(path)
        if kind is None or kind.family is not Family.COMPOSE:
            continue
        compose = view.compose(path)
        if compose is None:
            continue
        for context in contexts_from_compose(compose, view):
            contexts.setdefault((context.dockerfile, context.context, context.target), context)
    covered = {key[0] for key in contexts}
    for dockerfile_path in _dockerfiles_to_infer(changes, view):
        if dockerfile_path in covered:
            continue
        text = view.read(dockerfile_path)
        if text is None:
            continue
        inferred = inferred_build_context(dockerfile_path, parse_dockerfile(dockerfile_path, text), view)
        if inferred is not None:
            contexts.setdefault((inferred.dockerfile, inferred.context, None), inferred)
    ignores = {f.path for f in changed if f.kind.family is Family.DOCKERIGNORE}
    changed_paths = {f.path for f in changed}
    return [
        c
        for c in contexts.values()
        if c.dockerfile in changed_paths or c.ignore_file in ignores or c.compose_file in changed_paths
    ]


def _dockerfiles_to_infer(changes: ChangeSet, view: RepoView) -> list[str]:
    paths = []
    for changed in changes.files:
        if changed.deleted:
            continue
        if changed.kind.family is Family.DOCKERFILE:
            paths.append(changed.path)
        elif changed.kind.family is Family.DOCKERIGNORE:
            directory = posixpath.dirname(changed.path) or "."
            for candidate in view.paths_under(directory):
                kind = classify(candidate)
                if kind is not None and kind.family is Family.DOCKERFILE:
                    paths.append(candidate)
    return list(dict.fromkeys(paths))
