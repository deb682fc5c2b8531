"""Where a dependency file pins a package, and the edit that bumps the pin.

Trivy gives the lines of most lock file entries (a package's block); the pin is the block's
`version` line. For formats it gives no lines for (poetry.lock, uv.lock, pnpm-lock.yaml, go.mod)
the package's entry is found in the text. A bump is offered as a suggestion only where the edit
is certain: a `name==version` line of a requirements file without hashes. Lock files carry
checksums and resolved URLs that only the package manager can write, so for them the finding
names the command instead.
"""

from __future__ import annotations

import re

from bot.model import Suggestion

_REQUIREMENT = re.compile(
    r"^(?P<head>\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*)"
    r"(?P<version>[A-Za-z0-9._+!-]+)(?P<tail>.*)$"
)
_TOML_NAME = re.compile(r'^\s*name\s*=\s*"(?P<name>[^"]+)"')
_TOML_VERSION = re.compile(r'^\s*version\s*=\s*"(?P<version>[^"]+)"')
_JSON_VERSION = re.compile(r'^\s*"?version"?\s*[:=]?\s*"(?P<version>[^"]+)"')


def normalise_name(name: str) -> str:
    """PEP 503 for Python names; harmless for the other ecosystems' names."""
    return re.sub(r"[-_.]+", "-", name).lower()


def pin_line(lines: list[str], package: str, installed: str, start: int | None, end: int | None) -> int | None:
    """The line that pins `package` at `installed`, or None when the text does not show it."""
    if start is not None:
        block_end = min(end or start, len(lines))
        for number in range(start, block_end + 1):
            match = _JSON_VERSION.match(lines[number - 1])
            if match and match.group("version").lstrip("=") == installed:
                return number
        return start if start <= len(lines) else None
    return _toml_pin(lines, package, installed) or _mention(lines, package, installed)


def _toml_pin(lines: list[str], package: str, installed: str) -> int | None:
    """`[[package]]` blocks (poetry.lock, uv.lock, Cargo.lock): the version line of the right one."""
    wanted = normalise_name(package)
    in_block = False
    for number, line in enumerate(lines, 1):
        if line.strip() == "[[package]]":
            in_block = False
            continue
        name = _TOML_NAME.match(line)
        if name:
            in_block = normalise_name(name.group("name")) == wanted
            continue
        version = _TOML_VERSION.match(line)
        if in_block and version and version.group("version") == installed:
            return number
    return None


def _mention(lines: list[str], package: str, installed: str) -> int | None:
    """The first line naming the package with its version (pnpm-lock.yaml, go.mod, yarn.lock)."""
    pattern = re.compile(rf"(?<![\w.-]){re.escape(package)}(?![\w.-]).*?(?<![\w.]){re.escape(installed)}(?![\w.])")
    for number, line in enumerate(lines, 1):
        if pattern.search(line):
            return number
    return None


def requirement_bump(lines: list[str], line: int, package: str, installed: str, version: str) -> Suggestion | None:
    """`requests==2.19.0` -> `requests==2.32.4` on `line`, when that edit is all it takes."""
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    match = _REQUIREMENT.match(text)
    if not match or normalise_name(match.group("name")) != normalise_name(package):
        return None
    if match.group("version") != installed or _has_hashes(lines, line):
        return None
    replacement = match.group("head") + version + match.group("tail")
    return Suggestion(line, line, replacement, text)


def _has_hashes(lines: list[str], line: int) -> bool:
    number = line
    while True:
        text = lines[number - 1]
        if "--hash" in text:
            return True
        if not text.rstrip().endswith("\\") or number >= len(lines):
            return False
        number += 1


def requirement_has_hashes(lines: list[str], line: int) -> bool:
    return 1 <= line <= len(lines) and _has_hashes(lines, line)


def _pin_pattern(ecosystem: str, package: str, installed: str) -> re.Pattern[str] | None:
    """`requests==2.19.0` (pip, any spelling of the name) or `lodash@4.17.11` (npm) in a command line."""
    version = re.escape(installed)
    if ecosystem == "pip":
        name = "[-_.]+".join(re.escape(part) for part in re.split(r"[-_.]+", package))
        return re.compile(rf"(?<![\w.-])(?P<head>{name}(?:\[[^\]\s]*\])?\s*===?\s*){version}(?![\w.+!-])", re.I)
    if ecosystem == "npm":
        return re.compile(rf"(?<![\w.@/-])(?P<head>{re.escape(package)}@){version}(?![\w.+-])")
    return None


def _escaped(replacement: str) -> str:
    return replacement.replace("\\", "\\\\")


def command_bump(lines: list[str], start: int, end: int, bumps: list[tuple[str, str, str, str]]) -> Suggestion | None:
    """Bump the pins a RUN's lines install (`pip install requests==2.19.0`): one suggestion for
    all of them. `bumps` holds (ecosystem, package, installed, version)."""
    if not 1 <= start <= end <= len(lines):
        return None
    original = lines[start - 1 : end]
    changed = list(original)
    for ecosystem, package, installed, version in bumps:
        pattern = _pin_pattern(ecosystem, package, installed)
        if pattern is not None:
            changed = [pattern.sub(rf"\g<head>{_escaped(version)}", line) for line in changed]
    if changed == original:
        return None
    return Suggestion(start, end, "\n".join(changed), "\n".join(original))
