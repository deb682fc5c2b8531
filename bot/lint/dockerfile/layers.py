"""Layer costs: DH113 (the whole context copied before the dependency install), DH124 (chown -R)."""

from __future__ import annotations

import bisect
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass

from bot.lint.context import LintContext
from bot.lint.dockerfile.runs import all_runs, pip_install_args
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile, Instruction, Stage
from bot.parsing.shell import Command
from bot.rule import Hit, rule

_WHOLE_CONTEXT = frozenset({".", "./", "*", "./*"})
_MANIFEST_INSTALLS = {
    ("npm", "ci"): "package.json",
    ("npm", "install"): "package.json",
    ("npm", "i"): "package.json",
    ("yarn", "install"): "package.json",
    ("pnpm", "install"): "package.json",
    ("pnpm", "i"): "package.json",
    ("uv", "sync"): "pyproject.toml",
    ("poetry", "install"): "pyproject.toml",
    ("pipenv", "install"): "Pipfile",
    ("bundle", "install"): "Gemfile",
    ("composer", "install"): "composer.json",
    ("go", "mod"): "go.mod",
}


def copies_whole_context(ins: Instruction) -> bool:
    """`COPY . .`, `ADD . /app` (not `--from`): every file of the build context."""
    if ins.keyword not in {"COPY", "ADD"} or ins.flag("from") is not None or len(ins.arguments) < 2:
        return False
    return any(source in _WHOLE_CONTEXT for source in ins.arguments[:-1])


def dependency_install(commands: list[Command]) -> tuple[Command, str] | None:
    """The first command that installs dependencies from manifests only, and the manifest it needs."""
    for cmd in commands:
        pip_args = pip_install_args(cmd)
        if pip_args is not None:
            files = [pip_args[i + 1] for i, arg in enumerate(pip_args[:-1]) if arg in {"-r", "--requirement"}]
            if files and all(arg.startswith("-") or arg in files for arg in pip_args):
                return cmd, files[0]
            continue
        positional = cmd.positional
        verb = positional[0] if positional else ("install" if cmd.program == "yarn" and not cmd.args else "")
        manifest = _MANIFEST_INSTALLS.get((cmd.program, verb))
        if manifest is None or (cmd.program == "go" and positional[1:2] != ("download",)):
            continue
        if cmd.program in {"npm", "pnpm", "yarn"} and positional[1:]:
            continue  # installs named packages: not the manifest's
        return cmd, manifest
    return None


@rule("DH113", "copy-before-install", Severity.LOW, "The whole context is copied before the dependency install")
def copy_before_install(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `COPY . .` (or `ADD .`) that comes before a `RUN` installing dependencies from
    their manifest (`pip install -r requirements.txt`, `npm ci`, `uv sync`, `poetry install`,
    `bundle install`, `go mod download` ...) in the same stage.

    ## Why it matters
    Docker reuses a layer only while everything before it is unchanged. Once the whole
    source tree is copied, any edit to any file invalidates the cache, and every build
    downloads and installs every dependency again: minutes per build instead of seconds.

    ## Example
    ```dockerfile
    WORKDIR /app
    COPY . .
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Fix
    Copy the manifests first, install, then copy the rest. A second install after the copy
    (`uv sync --no-install-project` before it, `uv sync` after it to add the project itself)
    is the recommended pattern and is not reported.
    ```dockerfile
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY . .
    ```
    """
    for stage in dockerfile.stages:
        copy = next((ins for ins in stage.instructions if copies_whole_context(ins)), None)
        if copy is None:
            continue
        installed_before = {
            found[1]
            for ins in stage.instructions
            if ins.keyword == "RUN" and ins.line < copy.line and (found := dependency_install(list(ins.commands)))
        }
        for ins in stage.instructions:
            if ins.keyword != "RUN" or ins.line < copy.line or ins.shell_script is None:
                continue
            found = dependency_install(list(ins.commands))
            if found is not None and found[1] not in installed_before:
                cmd, manifest = found
                yield Hit(
                    copy.line,
                    f"`{copy.original.strip()}` comes before `{' '.join(cmd.argv)}` (line {ins.line}): any source "
                    f"change re-runs the install; copy {manifest} first, install, then copy the rest",
                    copy.end_line,
                )
                break


@rule("DH124", "recursive-chown-after-copy", Severity.LOW, "chown -R or chmod -R over files copied earlier")
def recursive_chown(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `RUN chown -R` or `RUN chmod -R` whose path covers files that a `COPY` or `ADD`
    of the same stage put into the image earlier.

    ## Why it matters
    Changing the owner or mode of a file in a new layer stores the whole file again: the copy
    in the `COPY` layer stays, and a second copy lands in the `RUN` layer. A recursive `chown`
    over an application directory silently doubles its size in the image.

    ## Example
    ```dockerfile
    COPY . /app
    RUN chown -R app:app /app
    ```

    ## Fix
    Set owner and mode while copying:
    ```dockerfile
    COPY --chown=app:app . /app
    ```
    (`COPY --chmod=755` likewise replaces `chmod -R`.)
    """
    indexed: list[_StageFiles] = []
    for stage, ins, commands in all_runs(dockerfile):
        while len(indexed) <= stage.index:  # stages in order: a stage's parent is indexed before it
            indexed.append(_StageFiles.of(dockerfile, dockerfile.stages[len(indexed)], indexed))
        files = indexed[stage.index]
        workdir = files.workdir_at(ins.line)
        for cmd in commands:
            if cmd.program not in {"chown", "chmod"} or not cmd.has_flag("R", "recursive"):
                continue
            targets = [posixpath.normpath(posixpath.join(workdir, path)) for path in cmd.positional[1:]]
            overlap = next(((t, c) for t in targets if (c := files.copied_over(t, ins.line)) is not None), None)
            if overlap is not None:
                target, copy = overlap
                flag = "--chown" if cmd.program == "chown" else "--chmod"
                yield Hit(
                    ins.line,
                    f"`{cmd.program} -R {target}` rewrites files that {copy.keyword} on line {copy.line} put there: "
                    f"they are stored twice; use `{copy.keyword} {flag}=...` instead",
                    ins.end_line,
                )
                break


@dataclass(frozen=True)
class _StageFiles:
    """A stage's working directories and COPY/ADD destinations, read in one pass, so that a RUN's
    lookups cost the depth of its paths, not the size of the stage."""

    workdirs: tuple[tuple[int, str], ...]
    """(line, the working directory after that line), in line order."""
    copied: dict[str, Instruction]
    """Destination -> the first COPY/ADD to it."""
    copied_below: dict[str, Instruction]
    """Directory -> the first COPY/ADD to a path under it."""
    copied_above: dict[str, Instruction]
    """Destination without a trailing slash -> the first COPY/ADD to it (a directory above some paths)."""

    @classmethod
    def of(cls, dockerfile: Dockerfile, stage: Stage, earlier: list[_StageFiles]) -> _StageFiles:
        """`earlier`: the stages before this one, indexed (its parent's last WORKDIR carries over)."""
        parent = dockerfile.parent_stage(stage)
        workdir = earlier[parent.index].workdirs[-1][1] if parent is not None else "/"
        workdirs = [(stage.from_instruction.line, workdir)]
        copied: dict[str, Instruction] = {}
        below: dict[str, Instruction] = {}
        above: dict[str, Instruction] = {}
        for ins in stage.instructions:
            if ins.keyword == "WORKDIR":
                workdir = _changed_dir(workdir, ins)
                workdirs.append((ins.line, workdir))
            elif ins.keyword in {"COPY", "ADD"} and len(ins.arguments) >= 2 and not ins.heredocs:
                destination = posixpath.normpath(posixpath.join(workdir, ins.arguments[-1]))
                copied.setdefault(destination, ins)
                above.setdefault(destination.rstrip("/"), ins)
                for directory in _prefixes(destination):
                    below.setdefault(directory, ins)
        return cls(tuple(workdirs), copied, below, above)

    def workdir_at(self, line: int) -> str:
        """The working directory of an instruction at `line` (set by the WORKDIRs above it)."""
        index = bisect.bisect_left(self.workdirs, line, key=lambda item: item[0])
        return self.workdirs[max(index - 1, 0)][1]

    def copied_over(self, path: str, before_line: int) -> Instruction | None:
        """The first COPY/ADD above `before_line` that put files at, under or above `path`."""
        if path == "/" or "$" in path or "*" in path:
            return None
        found = [self.copied.get(path), self.copied_below.get(path.rstrip("/"))]
        found.extend(self.copied_above.get(directory) for directory in _prefixes(path))
        earlier = [ins for ins in found if ins is not None and ins.line < before_line]
        return min(earlier, key=lambda ins: ins.line, default=None)


def _changed_dir(workdir: str, ins: Instruction) -> str:
    return posixpath.join(workdir, ins.arguments[0]) if ins.arguments else workdir


def _prefixes(path: str) -> list[str]:
    """Every directory `path` is under, as text: `/a/b/c` -> ``, `/a`, `/a/b` (`` is the root)."""
    return [path[:index] for index, char in enumerate(path) if char == "/"]
