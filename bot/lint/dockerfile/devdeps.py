"""DH136: the project's development dependencies installed into the image that runs."""

from __future__ import annotations

import itertools
import json
import posixpath
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.lint.context import LintContext
from bot.lint.dockerfile.edits import insert_flag_after
from bot.lint.dockerfile.runs import pip_install_args, runs
from bot.model import Severity, Suggestion
from bot.parsing.dockerfile import Dockerfile, Instruction, Stage
from bot.parsing.shell import Command
from bot.repopaths import directories_above
from bot.rule import Hit, rule

_DEV_REQUIREMENTS = re.compile(r"(^|[-_./])(dev|devel|develop|test|tests|testing|lint)([-_.]|$)")
_NODE_PRODUCTION_FLAGS = ("production", "prod", "P")
_COPIED_INSTALLS = {"node_modules": "node", ".venv": "python", "venv": "python"}
TEST_IMAGE_WORDS = frozenset({"test", "tests", "testing", "e2e", "playwright", "cypress"})
"""Words of a Dockerfile's path or final stage name that make it a test image."""
_REQUIREMENT_FLAGS = frozenset({"-r", "--requirement"})
_PRUNE = {"node": "`npm prune --omit=dev`", "python": "`uv sync --no-dev`, `poetry install --sync --only main`"}


@dataclass(frozen=True)
class DevProject:
    """What the project declares beside the Dockerfile (or above it): its development dependencies."""

    node: int = 0
    """devDependencies in package.json."""
    python: str = ""
    """The development group pyproject.toml declares (`dev`, a Poetry group), "" for none."""


@dataclass(frozen=True)
class DevInstall:
    instruction: Instruction
    ecosystem: str
    what: str
    """The command as the message shows it (or the copied directory)."""
    fix: str
    suggestion: Suggestion | None = None
    verb: str = "installs"
    origin: str = ""
    """For a copied directory: the install that filled it (" (installed by `npm ci` on line 4)")."""


@rule("DH136", "dev-dependencies-in-runtime", Severity.MEDIUM, "Development dependencies in the runtime image")
def dev_dependencies_in_runtime(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reads the project the image installs: the package.json and pyproject.toml the Dockerfile
    copies, else the nearest ones at or above its directory (their `devDependencies`, the `dev`
    dependency group, Poetry groups). Then reports the installs in the stages of the final image that include
    them: `npm ci` or `npm install` without `--omit=dev` (and no `NODE_ENV=production`, no
    later `npm prune --omit=dev`), `yarn install` without `--production`, `pnpm install`
    without `--prod`, `poetry install` without `--only main`, `uv sync` without `--no-dev`,
    `pipenv install --dev`, `pip install -r requirements-dev.txt`; and a `node_modules` or
    `.venv` copied into the final image from a stage that installed them, or the directory that
    holds it (`COPY --from=build /app /app` after `npm ci` in `WORKDIR /app`). A test image
    is left alone: one whose path or final stage is named for tests (`test`, `tests`,
    `testing`, `e2e`, `playwright`, `cypress`: `e2e/Dockerfile`, `Dockerfile.test`,
    `FROM node:22 AS test`), where the development dependencies are what the image is for.

    ## Why it matters
    Test runners, bundlers, type checkers and linters are often larger than the application,
    and every one is code that runs with the service's permissions and shows up in its
    vulnerability scan. The image grows, and so does what must be patched, for nothing that
    runs in production.

    ## Example
    ```dockerfile
    FROM node:22-slim
    COPY package.json package-lock.json ./
    RUN npm ci
    ```

    ## Fix
    ```dockerfile
    RUN npm ci --omit=dev
    ```
    When the build needs the development dependencies (a bundler, TypeScript), build in an
    earlier stage and install only the production ones in the final stage, or run
    `npm prune --omit=dev` (`poetry install --only main`, `uv sync --no-dev`) before copying
    the result.
    """
    if is_test_image(dockerfile):
        return
    project = dev_project(dockerfile, context)
    if not project.node and not project.python:
        return
    for found in dev_installs(dockerfile, project):
        into = f"{found.what} {found.verb} {_declared(project, found.ecosystem)} into the runtime image{found.origin}"
        message = f"{into}: {found.fix}"
        yield Hit(found.instruction.line, message, end_line=found.instruction.end_line, suggestion=found.suggestion)


def is_test_image(dockerfile: Dockerfile) -> bool:
    """The Dockerfile's path, or its final stage's name, names it for tests."""
    final = dockerfile.final_stage
    named = [*re.split(r"[/._-]", dockerfile.path.lower()), *re.split(r"[._-]", (final.name or "") if final else "")]
    return any(word in TEST_IMAGE_WORDS for word in named)


def dev_project(dockerfile: Dockerfile, context: LintContext) -> DevProject:
    """The package.json and pyproject.toml the Dockerfile COPYs, else the nearest ones at or
    above its directory (a workspace root's tooling is not a service's)."""
    tree = context.tree
    if tree is None:
        return DevProject()
    texts: dict[str, str] = {}
    for name in ("package.json", "pyproject.toml"):
        for path in [
            *_copied_manifests(dockerfile, name),
            *(posixpath.join(d, name) for d in directories_above(dockerfile.path)),
        ]:
            if (text := tree.read(path)) is not None:
                texts[name] = text
                break
    node = _dev_dependency_count(texts["package.json"]) if "package.json" in texts else 0
    return DevProject(node, _dev_group(texts["pyproject.toml"]) if "pyproject.toml" in texts else "")


def _copied_manifests(dockerfile: Dockerfile, name: str) -> list[str]:
    """Repository paths a `COPY <dir>/<name> ...` of the build context may name: relative to the
    Dockerfile's directory, or to the repository's root (the two usual contexts)."""
    found: list[str] = []
    directory = posixpath.dirname(dockerfile.path)
    for stage in dockerfile.stages:
        for ins in stage.instructions:
            if ins.keyword not in {"COPY", "ADD"} or ins.flag("from") is not None:
                continue
            for source in ins.arguments[:-1]:
                if posixpath.basename(source) == name and posixpath.dirname(source.removeprefix("./")):
                    relative = posixpath.normpath(source.lstrip("/"))
                    found.extend([posixpath.normpath(posixpath.join(directory, relative)), relative])
    return found


def dev_installs(dockerfile: Dockerfile, project: DevProject) -> list[DevInstall]:
    found = _installs_in(dockerfile, list(runs(dockerfile)), project)
    for stage in dockerfile.runtime_stages():
        found.extend(_copied(dockerfile, stage, project))
    return found


Run = tuple[Stage, Instruction, list[Command]]


def _installs_in(dockerfile: Dockerfile, ordered: list[Run], project: DevProject) -> list[DevInstall]:
    """The dev-including installs of RUNs in build order (what runs after one may prune it)."""
    found: list[DevInstall] = []
    for position, (stage, ins, commands) in enumerate(ordered):
        after = [cmd for _stage, _ins, cmds in ordered[position + 1 :] for cmd in cmds]
        for index, cmd in enumerate(commands):
            install = _dev_install(dockerfile, stage, ins, cmd, project, [*commands[index + 1 :], *after], commands)
            if install is not None:
                found.append(install)
    return found


def _dev_install(
    dockerfile: Dockerfile,
    stage: Stage,
    ins: Instruction,
    cmd: Command,
    project: DevProject,
    following: list[Command],
    run: list[Command],
) -> DevInstall | None:
    if project.node and _node_install(cmd) and not _node_production(dockerfile, stage, ins, cmd, run, following):
        return _node_fix(dockerfile, ins, cmd)
    if project.python:
        return _python_install(dockerfile, ins, cmd)
    return None


def _node_install(cmd: Command) -> bool:
    """A whole-project install: `npm ci`, `npm install` with no package named, `yarn`, `pnpm install`."""
    if cmd.is_("npm", "ci"):
        return True
    if cmd.is_("npm", "install", "i") or cmd.is_("pnpm", "install", "i"):
        return len(cmd.positional) == 1
    return cmd.program == "yarn" and cmd.positional[:1] in {(), ("install",)}


def _node_production(
    dockerfile: Dockerfile, stage: Stage, ins: Instruction, cmd: Command, run: list[Command], following: list[Command]
) -> bool:
    """Production only: a flag, NODE_ENV=production (ENV, `export`, or before the command), or a prune after."""
    omit = _values_of(cmd.args, {"--omit"})
    if cmd.has_flag(*_NODE_PRODUCTION_FLAGS) or "--omit=dev" in cmd.args or "dev" in omit:
        return True
    if any(arg.startswith("--only=prod") for arg in cmd.args):
        return True
    assignments = [word for c in run for word in c.words[: len(c.words) - len(c.argv)] + c.args if "=" in word]
    if "NODE_ENV=production" in assignments or _env_in_lineage(dockerfile, stage, ins, "NODE_ENV") == "production":
        return True
    return any(_prunes_dev(later) for later in following)


def _prunes_dev(cmd: Command) -> bool:
    if cmd.is_("npm", "prune") or cmd.is_("pnpm", "prune"):
        return cmd.has_flag(*_NODE_PRODUCTION_FLAGS) or "--omit=dev" in cmd.args or "dev" in cmd.args
    return (cmd.program == "yarn" and cmd.has_flag("production")) or cmd.is_("yarn", "workspaces")


def _node_fix(dockerfile: Dockerfile, ins: Instruction, cmd: Command) -> DevInstall:
    shown = f"`{' '.join(cmd.argv[:2])}`"
    if cmd.program == "npm":
        fix = _only_install_fixed(dockerfile, ins, r"\bnpm\s+(?:ci|install|i)\b", "--omit=dev", r"--omit|--production")
        return DevInstall(ins, "node", shown, "add `--omit=dev`", fix)
    if cmd.program == "pnpm":
        fix = _only_install_fixed(dockerfile, ins, r"\bpnpm\s+(?:install|i)\b", "--prod", r"--prod\b|-P\b")
        return DevInstall(ins, "node", shown, "add `--prod`", fix)
    return DevInstall(
        ins, "node", shown, "install with `--production` (Yarn 1) or `yarn workspaces focus --production`"
    )


def _only_install_fixed(
    dockerfile: Dockerfile, ins: Instruction, pattern: str, flag: str, present: str
) -> Suggestion | None:
    """The flag added to the RUN's one install command; none when the RUN has others (`npm install -g x`)."""
    if len(re.findall(pattern, dockerfile.text_of(ins.line, ins.end_line))) != 1:
        return None
    return insert_flag_after(dockerfile, ins, pattern, flag, present)


def _python_install(dockerfile: Dockerfile, ins: Instruction, cmd: Command) -> DevInstall | None:
    if cmd.is_("poetry", "install") and not _has_any(cmd, "--only", "--without", "--no-dev", "--only-root"):
        fix = insert_flag_after(dockerfile, ins, r"\bpoetry\s+install\b", "--only main", r"--only|--without")
        return DevInstall(ins, "python", "`poetry install`", "add `--only main`", fix)
    if cmd.is_("uv", "sync") and not _has_any(cmd, "--no-dev", "--no-default-groups", "--only-group"):
        if _env_in_lineage(dockerfile, None, ins, "UV_NO_DEV") in {"1", "true"}:
            return None
        fix = insert_flag_after(dockerfile, ins, r"\buv\s+(?:-{1,2}\S+\s+)*sync\b", "--no-dev", r"--no-dev")
        return DevInstall(ins, "python", "`uv sync`", "add `--no-dev`", fix)
    if (cmd.is_("pipenv", "install") or cmd.is_("pipenv", "sync")) and cmd.has_flag("dev", "d"):
        return DevInstall(ins, "python", f"`pipenv {cmd.positional[0]} --dev`", "leave out `--dev`")
    requirement_files = _values_of(pip_install_args(cmd) or (), _REQUIREMENT_FLAGS)
    dev_files = [path for path in requirement_files if _DEV_REQUIREMENTS.search(posixpath.basename(path))]
    if dev_files:
        return DevInstall(ins, "python", f"`pip install -r {dev_files[0]}`", "install the production requirements only")
    return None


def _copied(dockerfile: Dockerfile, stage: Stage, project: DevProject) -> Iterator[DevInstall]:
    """`COPY --from=build /app/node_modules ...` of a stage whose installs include the dev dependencies."""
    for ins in stage.instructions:
        source_stage = dockerfile.stage_named(ins.flag("from") or "") if ins.keyword == "COPY" else None
        if source_stage is None:
            continue
        by_ecosystem = {  # what the source stage installed: worked out once per COPY, not per source
            ecosystem: _stage_dev_install(dockerfile, source_stage, ecosystem, project)
            for ecosystem in ("node", "python")
            if (project.node if ecosystem == "node" else project.python)
        }
        for source in ins.arguments[:-1]:
            found = _copied_install(dockerfile, source_stage, source, by_ecosystem)
            if found is not None:
                install, what = found
                origin = f" (installed by {install.what} on line {install.instruction.line})"
                prune = _PRUNE[install.ecosystem]
                fix = f"prune them after the build ({prune}), or install for production in a stage of its own"
                yield DevInstall(ins, install.ecosystem, what, fix, verb="brings", origin=origin)
                break


def _copied_install(
    dockerfile: Dockerfile, stage: Stage, source: str, by_ecosystem: dict[str, DevInstall | None]
) -> tuple[DevInstall, str] | None:
    """The dev-including install whose directory a COPY source is (`/app/node_modules`) or holds
    (`/app`, when `npm ci` ran with WORKDIR /app), and how the message names it."""
    copied = posixpath.normpath(source) if source.startswith("/") else ""
    named = _COPIED_INSTALLS.get(posixpath.basename(source.rstrip("/")))
    for ecosystem, install in by_ecosystem.items():
        if install is None:
            continue
        if named == ecosystem:
            return install, f"`{posixpath.basename(source.rstrip('/'))}` copied from stage `{stage.name}`"
        directory = _workdir_at(dockerfile, stage, install.instruction)
        if copied and directory and (copied == directory or directory.startswith(copied.rstrip("/") + "/")):
            holds = "node_modules" if ecosystem == "node" else ".venv"
            return install, f"`{source}` copied from stage `{stage.name}` (its `{holds}` included)"
    return None


def _workdir_at(dockerfile: Dockerfile, stage: Stage, ins: Instruction) -> str | None:
    """The absolute WORKDIR an instruction of `stage`'s lineage runs in (None: not known)."""
    owner = next((s for s in dockerfile.lineage(stage) if ins in s.instructions), stage)
    workdir = dockerfile.last_in_lineage(owner, "WORKDIR", before_line=ins.line)
    path = workdir.arguments[0] if workdir is not None and workdir.arguments else ""
    return posixpath.normpath(path) if path.startswith("/") and "$" not in path else None


def _stage_dev_install(dockerfile: Dockerfile, stage: Stage, ecosystem: str, project: DevProject) -> DevInstall | None:
    ordered = [
        (owner, ins, list(ins.commands))
        for owner in reversed(dockerfile.lineage(stage))
        for ins in owner.instructions
        if ins.keyword == "RUN" and ins.shell_script is not None
    ]
    return next((i for i in _installs_in(dockerfile, ordered, project) if i.ecosystem == ecosystem), None)


def _env_in_lineage(dockerfile: Dockerfile, stage: Stage | None, ins: Instruction, name: str) -> str | None:
    """The value an ENV before `ins` gives `name` in its stage's lineage."""
    owner = stage or next((s for s in dockerfile.stages if ins in s.instructions), None)
    if owner is None:
        return None
    value = None
    for current in reversed(dockerfile.lineage(owner)):
        for env in current.of("ENV"):
            if current is owner and env.line >= ins.line:
                continue
            value = _env_value(env, name) or value
    return value


def _env_value(env: Instruction, name: str) -> str | None:
    words = env.arguments
    if len(words) >= 2 and "=" not in words[0]:  # the old `ENV NAME value` form
        return " ".join(words[1:]) if words[0] == name else None
    values = dict(word.split("=", 1) for word in words if "=" in word)
    return values.get(name)


def _values_of(args: tuple[str, ...], flags: set[str] | frozenset[str]) -> list[str]:
    """The values given to `flags` as separate words (`-r requirements-dev.txt`)."""
    return [value for flag, value in itertools.pairwise(args) if flag in flags]


def _has_any(cmd: Command, *flags: str) -> bool:
    return any(arg == flag or arg.startswith(f"{flag}=") for arg in cmd.args for flag in flags)


def _declared(project: DevProject, ecosystem: str) -> str:
    if ecosystem == "node":
        count = "the devDependency" if project.node == 1 else f"the {project.node} devDependencies"
        return f"{count} of package.json"
    return f"the `{project.python}` dependency group of pyproject.toml"


def _dev_dependency_count(text: str) -> int:
    try:
        data = json.loads(text)
    except ValueError:
        return 0
    dev = data.get("devDependencies") if isinstance(data, dict) else None
    return len(dev) if isinstance(dev, dict) else 0


def _dev_group(text: str) -> str:
    """`dev` for PEP 735's or uv's dev dependencies, the first non-optional Poetry group, else ""."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return ""
    tool = _table(data, "tool")
    uv, poetry = _table(tool, "uv"), _table(tool, "poetry")
    defaults = uv.get("default-groups", ["dev"])
    uv_installs_dev = defaults == "all" or (isinstance(defaults, list) and "dev" in defaults)
    groups = data.get("dependency-groups")
    if uv_installs_dev and ((isinstance(groups, dict) and groups.get("dev")) or uv.get("dev-dependencies")):
        return "dev"
    if poetry.get("dev-dependencies"):
        return "dev"
    for name, group in _table(poetry, "group").items():
        if isinstance(group, dict) and group.get("dependencies") and not group.get("optional"):
            return str(name)
    return ""


def _table(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.get(key)
    return value if isinstance(value, dict) else {}
