"""Where a dependency file pins a package, and the edit that bumps the pin.

Trivy gives the lines of most lock file entries (a package's block); the pin is the block's
`version` line. For formats it gives no lines for (poetry.lock, uv.lock, pnpm-lock.yaml, go.mod)
the dependency review's parsers (bot.deps) give the entry. A bump is offered as a suggestion only where the edit
is certain: a `name==version` line of a requirements file without hashes. Lock files carry
checksums and resolved URLs that only the package manager can write, so for them the finding
names the command instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.deps.parse import parse_file
from bot.filekinds import Family, classify
from bot.model import Suggestion
from bot.text import split_lines

_REQUIREMENT = re.compile(
    r"^(?P<head>\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*)"
    r"(?P<version>[A-Za-z0-9._+!-]+)(?P<tail>.*)$"
)
_VERSION = re.compile(r'^\s*"?version"?\s*[:=]?\s*(?:"(?P<quoted>[^"]+)"|(?P<bare>[^"\s,#]+)\s*(?:#.*)?$)')
"""A lock entry's version line: `"version": "1.0"`, `version = "1.0"`, yarn v1's `version "1.0"`,
yarn berry's unquoted `version: 1.0`."""
_MAX_ENTRY_LINES = 40


def normalise_name(name: str) -> str:
    """PEP 503 for Python names; harmless for the other ecosystems' names."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class PinnedFile:
    """A dependency file's lines, and where the dependency parser (bot.deps) found each entry."""

    lines: list[str]
    entries: dict[tuple[str, str], int] = field(default_factory=dict)
    """(normalised name, version) -> the entry's first line."""

    @classmethod
    def of(cls, path: str, text: str) -> PinnedFile:
        kind = classify(path)
        entries: dict[tuple[str, str], int] = {}
        if kind is not None and kind.family is Family.DEPENDENCY:
            for dependency in parse_file(path, kind.format, text).dependencies:
                if dependency.line and dependency.version:
                    key = (normalise_name(dependency.name), _plain(dependency.version))
                    entries.setdefault(key, dependency.line)
        return cls(split_lines(text), entries)

    def line_of(self, package: str, installed: str, start: int | None, end: int | None) -> int | None:
        """The line that pins `package` at `installed` (a lock entry's `version` line, as the diff
        changes it), or None when the text does not show it.

        Trivy gives most lock entries' blocks; for the others (poetry.lock, uv.lock, pnpm, go.mod)
        the dependency parser gives the entry's first line, and the version line is the one after
        it in the same entry.
        """
        if start is not None:
            return self._version_in(start, min(end or start, len(self.lines)), installed) or (
                start if start <= len(self.lines) else None
            )
        entry = self.entries.get((normalise_name(package), _plain(installed)))
        if entry is not None:
            return self._version_in(entry, self._entry_end(entry), installed) or entry
        return _mention(self.lines, package, installed)

    def _version_in(self, first: int, last: int, installed: str) -> int | None:
        for number in range(first, last + 1):
            match = _VERSION.match(self.lines[number - 1])
            if match and _plain(match.group("quoted") or match.group("bare")) == _plain(installed):
                return number
        return None

    def _entry_end(self, first: int) -> int:
        """The last line of the entry starting at `first`: before a blank line or the next `[[`."""
        last = first
        while last < min(len(self.lines), first + _MAX_ENTRY_LINES):
            following = self.lines[last].strip()
            if not following or following.startswith("[["):
                break
            last += 1
        return last


def _plain(version: str) -> str:
    return version.strip().lstrip("=v")


def pin_line(lines: list[str], package: str, installed: str, start: int | None, end: int | None) -> int | None:
    """`PinnedFile.line_of` for text without the dependency parser's entries."""
    return PinnedFile(lines).line_of(package, installed, start, end)


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
