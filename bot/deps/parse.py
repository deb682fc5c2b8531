"""Which parser reads which dependency file format."""

from __future__ import annotations

from collections.abc import Callable

from bot.deps.go.gomod import parse_go_mod, parse_go_sum
from bot.deps.model import ParsedFile
from bot.deps.node.package_json import parse_package_json
from bot.deps.node.package_lock import parse_package_lock
from bot.deps.node.pnpm_lock import parse_pnpm_lock
from bot.deps.node.yarn_lock import parse_yarn_lock
from bot.deps.python.locks import parse_poetry_lock, parse_uv_lock
from bot.deps.python.pipfile import parse_pipfile, parse_pipfile_lock
from bot.deps.python.pyproject import parse_pyproject
from bot.deps.python.requirements import parse_requirements
from bot.deps.rust.cargo import parse_cargo_lock, parse_cargo_toml

Parser = Callable[[str, str], ParsedFile]

PARSERS: dict[str, Parser] = {
    "requirements": parse_requirements,
    "pyproject": parse_pyproject,
    "uv.lock": parse_uv_lock,
    "poetry.lock": parse_poetry_lock,
    "pipfile": parse_pipfile,
    "pipfile.lock": parse_pipfile_lock,
    "package.json": parse_package_json,
    "package-lock": parse_package_lock,
    "yarn.lock": parse_yarn_lock,
    "pnpm-lock": parse_pnpm_lock,
    "cargo.toml": parse_cargo_toml,
    "cargo.lock": parse_cargo_lock,
    "go.mod": parse_go_mod,
    "go.sum": parse_go_sum,
}

LOCK_FORMATS = frozenset(
    {"uv.lock", "poetry.lock", "pipfile.lock", "package-lock", "yarn.lock", "pnpm-lock", "cargo.lock", "go.sum"}
)


def parse_file(path: str, fmt: str, text: str) -> ParsedFile:
    return PARSERS[fmt](path, text)
