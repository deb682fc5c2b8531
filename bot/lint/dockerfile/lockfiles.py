"""DH132: installs that bypass the repository's lock file (uv, pip, npm, yarn, pnpm, poetry,
pipenv, cargo)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.deps.model import Source
from bot.deps.python.requirements import parse_requirements
from bot.deps.rules.unpinned import looseness
from bot.lint.context import LintContext
from bot.lint.dockerfile.edits import insert_flag_after
from bot.lint.dockerfile.runs import all_runs, pip_install_args
from bot.model import Severity, Suggestion
from bot.parsing.dockerfile import Dockerfile, Instruction
from bot.parsing.shell import Command
from bot.repopaths import directories_above
from bot.rule import Hit, rule

PYTHON_LOCKS = ("uv.lock", "poetry.lock", "Pipfile.lock", "pdm.lock")
NODE_LOCKS = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lock", "bun.lockb")
LOCK_NAMES = frozenset({*PYTHON_LOCKS, *NODE_LOCKS, "Cargo.lock"})
_REQUIREMENTS = re.compile(r"^requirements[\w.-]*\.txt$")
_PYTHON_TOOLING = frozenset(
    {"pip", "setuptools", "wheel", "uv", "poetry", "pipenv", "pdm", "virtualenv", "hatch", "hatchling", "build",
     "flit", "pip-tools", "twine", "poetry-plugin-export", "poetry-core"}
)  # fmt: skip
_NODE_TOOLING = frozenset({"npm", "pnpm", "yarn", "corepack", "bun"})
_PIP_VALUE_OPTIONS = frozenset(
    {"-r", "--requirement", "-c", "--constraint", "-e", "--editable", "-i", "--index-url", "--extra-index-url",
     "-f", "--find-links", "-t", "--target", "--prefix", "--root", "--trusted-host", "--platform", "--python-version",
     "--implementation", "--abi", "--only-binary", "--no-binary", "--src", "--upgrade-strategy", "--cache-dir",
     "--log", "--proxy", "--retries", "--timeout", "--exists-action", "--cert", "--client-cert", "--python",
     "--progress-bar", "--report"}
)  # fmt: skip
_PINNED = re.compile(r"===?|@\s*\S")


@dataclass(frozen=True)
class LockFiles:
    """The lock files that apply to a Dockerfile, as repository paths."""

    python: tuple[str, ...] = ()
    node: tuple[str, ...] = ()
    cargo: tuple[str, ...] = ()
    requirements: tuple[str, ...] = ()
    yarn_berry: bool = False
    """A `.yarnrc.yml` applies: Yarn 2+ (`--immutable` rather than `--frozen-lockfile`)."""

    def first(self, names: tuple[str, ...], among: tuple[str, ...]) -> str | None:
        return next((path for name in names for path in among if posixpath.basename(path) == name), None)


@dataclass(frozen=True)
class Bypass:
    instruction: Instruction
    command: Command
    message: str
    suggestion: Suggestion | None = None


def lock_files(dockerfile: Dockerfile, context: LintContext) -> LockFiles:
    """Lock files beside the Dockerfile or in a directory above it, and any the Dockerfile COPYs."""
    found: dict[str, None] = {}
    tree = context.tree
    if tree is not None:
        for directory in directories_above(dockerfile.path):
            for name in (*sorted(LOCK_NAMES), "requirements.txt", ".yarnrc.yml"):
                candidate = posixpath.join(directory, name)
                if tree.exists(candidate):
                    found[candidate] = None
    for stage in dockerfile.stages:
        for ins in stage.instructions:
            if ins.keyword in {"COPY", "ADD"} and ins.flag("from") is None:
                for source in ins.arguments[:-1]:
                    if posixpath.basename(source) in LOCK_NAMES or _REQUIREMENTS.match(posixpath.basename(source)):
                        found.setdefault(source.lstrip("./") or source, None)
    paths = tuple(found)
    return LockFiles(
        python=tuple(p for p in paths if posixpath.basename(p) in PYTHON_LOCKS),
        node=tuple(p for p in paths if posixpath.basename(p) in NODE_LOCKS),
        cargo=tuple(p for p in paths if posixpath.basename(p) == "Cargo.lock"),
        requirements=tuple(p for p in paths if _REQUIREMENTS.match(posixpath.basename(p))),
        yarn_berry=any(posixpath.basename(p) == ".yarnrc.yml" for p in paths)
        or any(".yarnrc.yml" in line for line in dockerfile.lines),
    )


def lock_bypasses(dockerfile: Dockerfile, context: LintContext) -> list[Bypass]:
    locks = lock_files(dockerfile, context)
    found: list[Bypass] = []
    for _stage, ins, commands in all_runs(dockerfile):
        for cmd in commands:
            bypass = _bypass(dockerfile, ins, cmd, locks)
            if bypass is not None:
                found.append(bypass)
    return found


def installs_dependencies(dockerfile: Dockerfile) -> tuple[Instruction, Command] | None:
    """The first command that installs language dependencies at all (for the hardening checklist);
    `pip install poetry` installs a tool, not the project's dependencies."""
    for _stage, ins, commands in all_runs(dockerfile):
        for cmd in commands:
            if _installs_only_tooling(cmd):
                continue
            if pip_install_args(cmd) is not None or cmd.is_("uv", "sync") or cmd.is_("cargo", "build", "install"):
                return ins, cmd
            yarn = cmd.program == "yarn" and cmd.positional[:1] in {(), ("install",)}
            if yarn or cmd.is_("npm", "ci", "install", "i") or cmd.is_("pnpm", "install", "i"):
                return ins, cmd
            if cmd.is_("poetry", "install", "sync") or cmd.is_("pipenv", "install", "sync"):
                return ins, cmd
    return None


@dataclass(frozen=True)
class LooseRequirements:
    path: str
    """Repository path of the requirements file a `pip install -r` installs."""
    names: tuple[str, ...]
    """Its requirements with no exact version."""


def loose_requirements(dockerfile: Dockerfile, context: LintContext, cmd: Command) -> LooseRequirements | None:
    """For `pip install -r requirements.txt` (no `-c` constraints): the requirements the file
    does not pin to one version. None when none, or the file is not found in the repository."""
    args = pip_install_args(cmd)
    if (
        args is None
        or context.tree is None
        or any(a in {"-c", "--constraint"} or a.startswith("--constraint=") for a in args)
    ):
        return None
    named = _requirement_files(args)
    candidates = lock_files(dockerfile, context).requirements
    for name in named:
        found = [path for path in candidates if posixpath.basename(path) == posixpath.basename(name)]
        text = context.tree.read(found[0]) if len(found) == 1 else None
        if text is None:
            continue
        parsed = parse_requirements(found[0], text)
        loose = tuple(
            d.name
            for d in parsed.dependencies
            if d.source is Source.REGISTRY and looseness("python", d) and not d.group
        )
        if loose:
            return LooseRequirements(found[0], loose)
    return None


def _requirement_files(args: tuple[str, ...]) -> list[str]:
    files = []
    for index, arg in enumerate(args):
        if arg in ("-r", "--requirement") and index + 1 < len(args):
            files.append(args[index + 1])
        elif arg.startswith("--requirement="):
            files.append(arg.partition("=")[2])
        elif arg.startswith("-r") and len(arg) > 2:
            files.append(arg[2:])
    return files


def _bypass(dockerfile: Dockerfile, ins: Instruction, cmd: Command, locks: LockFiles) -> Bypass | None:
    for check in (_pip, _uv, _npm, _yarn, _pnpm, _poetry, _pipenv, _cargo):
        found = check(dockerfile, ins, cmd, locks)
        if found is not None:
            return found
    return None


def _pip(dockerfile: Dockerfile, ins: Instruction, cmd: Command, locks: LockFiles) -> Bypass | None:
    args = pip_install_args(cmd)
    if args is None or any(a in {"-c", "--constraint"} or a.startswith("--constraint=") for a in args):
        return None
    lock = locks.first(PYTHON_LOCKS, locks.python) or (locks.requirements[0] if locks.requirements else None)
    if lock is None:
        return None
    packages = [p for p in Command(("pip", *args)).operands(_PIP_VALUE_OPTIONS) if _is_package_name(p)]
    unpinned = [p for p in packages if not _PINNED.search(p) and _base_name(p) not in _PYTHON_TOOLING]
    if not unpinned:
        return None
    names = " ".join(unpinned[:4]) + (" ..." if len(unpinned) > 4 else "")
    return Bypass(
        ins,
        cmd,
        f"`{names}` installed without a pinned version, outside {lock}: the image gets whatever is newest at "
        f"build time; add {'them' if len(unpinned) > 1 else 'it'} to the project and lock ({_lock_advice(lock)})",
    )


def _uv(dockerfile: Dockerfile, ins: Instruction, cmd: Command, locks: LockFiles) -> Bypass | None:
    if cmd.is_("uv", "sync") and not cmd.has_flag("frozen", "locked"):
        lock = locks.first(("uv.lock",), locks.python)
        fix = insert_flag_after(dockerfile, ins, r"\buv\s+(?:-{1,2}\S+\s+)*sync\b", "--locked", r"--locked|--frozen")
        where = lock or "uv.lock"
        return Bypass(
            ins,
            cmd,
            f"`uv sync` without --locked may re-resolve instead of installing {where}: add --locked",
            fix if lock else None,
        )
    if cmd.is_("uv", "add", "lock"):
        return Bypass(ins, cmd, f"`uv {cmd.positional[0]}` changes the lock file inside the image build")
    return None


def _npm(dockerfile: Dockerfile, ins: Instruction, cmd: Command, locks: LockFiles) -> Bypass | None:
    if not cmd.is_("npm", "install", "i", "add"):
        return None
    lock = locks.first(("package-lock.json", "npm-shrinkwrap.json"), locks.node)
    packages = cmd.operands(frozenset({"--prefix", "-w", "--workspace"}))[1:]
    if not packages:
        if lock is None:
            return None
        fix = _replace_in(dockerfile, ins, r"\bnpm\s+(?:install|i)\b", "npm ci")
        return Bypass(ins, cmd, f"`npm install` may update {lock} instead of installing it: use `npm ci`", fix)
    any_lock = lock or (locks.node[0] if locks.node else None)
    unpinned = [
        p for p in packages if "@" not in p.lstrip("@") and p not in _NODE_TOOLING and not p.startswith((".", "/"))
    ]
    if any_lock is None or not unpinned:
        return None
    return Bypass(
        ins, cmd, f"`npm install {' '.join(unpinned[:4])}` installs packages outside {any_lock}, at no fixed version"
    )


def _yarn(dockerfile: Dockerfile, ins: Instruction, cmd: Command, locks: LockFiles) -> Bypass | None:
    if cmd.program != "yarn":
        return None
    lock = locks.first(("yarn.lock",), locks.node)
    if cmd.is_("yarn", "add") and lock:
        return Bypass(ins, cmd, f"`yarn add` changes dependencies outside {lock} inside the image build")
    if (cmd.positional[:1] in {(), ("install",)}) and lock and not cmd.has_flag("frozen-lockfile", "immutable"):
        flag = "--immutable" if locks.yarn_berry else "--frozen-lockfile"
        fix = _insert_after_word(dockerfile, ins, r"(?<![\w./@-])yarn(?:\s+install)?(?![\w.@-])", flag)
        return Bypass(ins, cmd, f"`yarn install` without {flag} may update {lock} instead of installing it", fix)
    return None


def _pnpm(dockerfile: Dockerfile, ins: Instruction, cmd: Command, locks: LockFiles) -> Bypass | None:
    lock = locks.first(("pnpm-lock.yaml",), locks.node)
    if lock and cmd.is_("pnpm", "install", "i") and not cmd.has_flag("frozen-lockfile") and not cmd.positional[1:]:
        fix = insert_flag_after(dockerfile, ins, r"\bpnpm\s+(?:install|i)\b", "--frozen-lockfile", r"--frozen-lockfile")
        return Bypass(
            ins, cmd, f"`pnpm install` without --frozen-lockfile may update {lock} instead of installing it", fix
        )
    return None


def _poetry(dockerfile: Dockerfile, ins: Instruction, cmd: Command, locks: LockFiles) -> Bypass | None:
    if cmd.is_("poetry", "lock", "update", "add"):
        return Bypass(ins, cmd, f"`poetry {cmd.positional[0]}` re-resolves dependencies inside the image build")
    return None


def _pipenv(dockerfile: Dockerfile, ins: Instruction, cmd: Command, locks: LockFiles) -> Bypass | None:
    lock = locks.first(("Pipfile.lock",), locks.python)
    if lock is None or not cmd.is_("pipenv", "install", "sync"):
        return None
    if cmd.positional[0] == "install" and cmd.positional[1:]:
        return Bypass(
            ins, cmd, f"`pipenv install {' '.join(cmd.positional[1:3])}` changes {lock} inside the image build"
        )
    if cmd.positional[0] == "install" and not cmd.has_flag("deploy", "ignore-pipfile"):
        fix = insert_flag_after(dockerfile, ins, r"\bpipenv\s+install\b", "--deploy", r"--deploy|--ignore-pipfile")
        return Bypass(ins, cmd, f"`pipenv install` without --deploy installs even when {lock} is out of date", fix)
    return None


def _cargo(dockerfile: Dockerfile, ins: Instruction, cmd: Command, locks: LockFiles) -> Bypass | None:
    if not locks.cargo or cmd.has_flag("locked", "frozen"):
        return None
    if cmd.is_("cargo", "build") or (cmd.is_("cargo", "install") and cmd.has_flag("path")):
        verb = cmd.positional[0]
        fix = insert_flag_after(dockerfile, ins, rf"\bcargo\s+(?:[+]\S+\s+)?{verb}\b", "--locked", r"--locked|--frozen")
        return Bypass(ins, cmd, f"`cargo {verb}` without --locked may update {locks.cargo[0]}: add --locked", fix)
    return None


def _installs_only_tooling(cmd: Command) -> bool:
    """`pip install poetry`, `pip install --upgrade pip setuptools`: packaging tools only."""
    args = pip_install_args(cmd)
    if args is None:
        return False
    operands = Command(("pip", *args)).operands(_PIP_VALUE_OPTIONS)
    reads_files = any(a in {"-r", "--requirement", "-e", "--editable"} or a.startswith("--requirement=") for a in args)
    return bool(operands) and not reads_files and all(_base_name(p) in _PYTHON_TOOLING for p in operands)


def _is_package_name(word: str) -> bool:
    return (
        bool(word)
        and not word.startswith((".", "/", "-", "$", "~"))
        and "://" not in word
        and not re.search(r"\.(whl|tar\.gz|zip)$", word)
    )


def _base_name(spec: str) -> str:
    return re.split(r"[\[<>=!~;@ ]", spec, maxsplit=1)[0].lower()


def _lock_advice(lock: str) -> str:
    name = posixpath.basename(lock)
    return {
        "uv.lock": "`uv add`, then `uv sync --locked`",
        "poetry.lock": "`poetry add`, then `poetry install`",
        "Pipfile.lock": "`pipenv install <pkg>`, then `pipenv install --deploy`",
        "pdm.lock": "`pdm add`, then `pdm sync`",
    }.get(name, f"pin them in {lock}")


def _replace_in(dockerfile: Dockerfile, ins: Instruction, pattern: str, replacement: str) -> Suggestion | None:
    """Replace the one match of `pattern`; None when there is not exactly one."""
    original = dockerfile.text_of(ins.line, ins.end_line)
    changed, count = re.subn(pattern, replacement, original)
    return Suggestion(ins.line, ins.end_line, changed, original) if count == 1 else None


def _insert_after_word(dockerfile: Dockerfile, ins: Instruction, pattern: str, flag: str) -> Suggestion | None:
    original = dockerfile.text_of(ins.line, ins.end_line)
    changed = re.sub(pattern, lambda m: f"{m.group(0)} {flag}", original, count=1)
    return Suggestion(ins.line, ins.end_line, changed, original) if changed != original else None


@rule(
    "DH132",
    "install-bypasses-lock",
    Severity.MEDIUM,
    "A package install bypasses the lock file",
    aliases=("DL3013", "DL3016", "DL3060"),
)
def install_bypasses_lock(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Finds the lock files that apply to the Dockerfile (`uv.lock`, `poetry.lock`,
    `Pipfile.lock`, `package-lock.json`, `yarn.lock`, `pnpm-lock.yaml`, `Cargo.lock`, and
    requirements files: beside the Dockerfile, in a directory above it, or copied by it) and
    reports installs that do not use them, naming the lock file bypassed:
    `uv sync` without `--locked`/`--frozen`; `npm install` where `npm ci` is meant; `yarn`
    without `--frozen-lockfile`/`--immutable`; `pnpm install` without `--frozen-lockfile`;
    `pipenv install` without `--deploy`; `cargo build` without `--locked`; packages installed
    by name without a version (`pip install prometheus-client`, `npm install lodash`); and
    `poetry lock`/`update`/`add`, `uv add`/`lock` run inside the build.

    ## Why it matters
    The lock file is what the team reviewed and tested. An install that re-resolves puts
    other versions in the image than the ones in the repository, differently on every build,
    and dependency review never sees them. A package installed by name in a runtime stage
    next to a `uv.lock` is a dependency nobody locked.

    ## Example
    ```dockerfile
    COPY pyproject.toml uv.lock ./
    RUN uv sync --no-dev
    RUN pip install --no-cache-dir prometheus-client
    ```

    ## Fix
    ```dockerfile
    COPY pyproject.toml uv.lock ./
    RUN uv sync --locked --no-dev
    ```
    and add `prometheus-client` to `pyproject.toml` (`uv add prometheus-client`), so the lock
    file pins it. Suggestions add the missing flag, or turn `npm install` into `npm ci`, when
    the lock file exists.
    """
    for bypass in lock_bypasses(dockerfile, context):
        yield Hit(bypass.instruction.line, bypass.message, bypass.instruction.end_line, bypass.suggestion)
