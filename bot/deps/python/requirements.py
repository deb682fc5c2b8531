"""requirements*.txt and constraints files, as pip reads them.

Handles line continuations, comments, `-r`/`-c` includes, `-e` editables, VCS and URL
requirements, per-requirement `--hash` options, environment markers, and pip-compile's
`# via` annotations (which tell direct requirements from transitive ones).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, replace

from bot.deps.model import Dependency, Include, ParsedFile, Source, failed
from bot.deps.python.pep508 import RequirementError, from_pep508, url_source
from bot.deps.pyver import normalize_name, parse_pep440

_VIA_PROJECT = re.compile(r"\((pyproject\.toml|setup\.py|setup\.cfg|[^)]*\.in)\)$")
_ARCHIVE_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._]*?)-\d.*\.(?:tar\.gz|tar\.bz2|tgz|zip|whl)$")
_PINNED = re.compile(r"^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*==\s*([0-9][A-Za-z0-9.!+_-]*)$")
_COMMENT = re.compile(r"(^|\s+)#.*$")
_EGG = re.compile(r"[#&]egg=([A-Za-z0-9][A-Za-z0-9._-]*)")
_INCLUDE_OPTIONS = {"-r": False, "--requirement": False, "-c": True, "--constraint": True}
_EDITABLE_OPTIONS = ("-e", "--editable")
_GLOBAL_OPTIONS = (
    "-i",
    "--index-url",
    "--extra-index-url",
    "--no-index",
    "-f",
    "--find-links",
    "--pre",
    "--prefer-binary",
    "--require-hashes",
    "--only-binary",
    "--no-binary",
    "--trusted-host",
    "--use-feature",
)


@dataclass(frozen=True)
class LogicalLine:
    text: str
    start: int
    end: int
    annotation: str
    """Comment lines right after the requirement (pip-compile's `# via ...`)."""


def parse_requirements(path: str, text: str) -> ParsedFile:
    dependencies: list[Dependency] = []
    includes: list[Include] = []
    for logical in logical_lines(text):
        words = _split(logical.text) if logical.text.startswith("-") else logical.text.split()
        if words is None:
            return failed(path, "requirements", "python", False, logical.start, "unbalanced quotes")
        if not words:
            continue
        option = words[0].split("=", 1)[0]
        if option in _INCLUDE_OPTIONS:
            target = _option_value(words)
            if target is None:
                return failed(path, "requirements", "python", False, logical.start, f"{option} needs a file name")
            includes.append(Include(_resolve(path, target), logical.start, _INCLUDE_OPTIONS[option]))
            continue
        if option in _GLOBAL_OPTIONS:
            continue
        if option.startswith("-") and option not in _EDITABLE_OPTIONS:
            return failed(
                path, "requirements", "python", False, logical.start, f"pip does not know the option {option}"
            )
        try:
            dependency = _requirement(logical)
        except RequirementError as error:
            return failed(path, "requirements", "python", False, logical.start, f"not a valid requirement: {error}")
        dependencies.append(dependency)
    return ParsedFile(path, "requirements", "python", False, tuple(dependencies), includes=tuple(includes))


def logical_lines(text: str) -> list[LogicalLine]:
    """Join `\\`-continued lines, strip comments; comment lines after a requirement annotate it."""
    result: list[LogicalLine] = []
    pending: list[str] = []
    start = 0
    notes: list[str] = []
    lines = text.split("\n")
    for number, raw in enumerate(lines, start=1):
        if not pending and raw.lstrip().startswith("#"):
            if result and not result[-1].annotation.endswith("\0"):
                notes.append(raw.strip())
                last = result[-1]
                result[-1] = LogicalLine(last.text, last.start, last.end, "\n".join(notes))
            continue
        if not pending:
            start = number
            notes = []
        stripped = _COMMENT.sub("", raw)
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            if number < len(lines):
                continue
        else:
            pending.append(stripped)
        joined = " ".join(part.strip() for part in pending).strip()
        pending = []
        if joined:
            result.append(LogicalLine(joined, start, number, ""))
        elif result:
            last = result[-1]  # a blank line ends the annotations of the previous requirement
            result[-1] = LogicalLine(last.text, last.start, last.end, last.annotation + "\0")
    return [LogicalLine(r.text, r.start, r.end, r.annotation.rstrip("\0")) for r in result]


def _split(text: str) -> list[str] | None:
    try:
        lexer = shlex.shlex(text, posix=True, punctuation_chars=False)
        lexer.whitespace_split = True
        lexer.commenters = ""
        return list(lexer)
    except ValueError:
        return None


def _option_value(words: list[str]) -> str | None:
    if "=" in words[0]:
        return words[0].split("=", 1)[1] or None
    return words[1] if len(words) > 1 else None


def _resolve(path: str, target: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(path), target))


def _requirement(logical: LogicalLine) -> Dependency:
    """Like pip: the requirement is everything before the first word that starts with `-`."""
    words = logical.text.split()
    editable = words[0] in _EDITABLE_OPTIONS or words[0].startswith("--editable=")
    if editable:
        words = [words[0].split("=", 1)[1], *words[1:]] if "=" in words[0] else words[1:]
    first_option = next((i for i, word in enumerate(words) if i > 0 and word.startswith("-")), len(words))
    requirement, options = words[:first_option], words[first_option:]
    if not requirement:
        raise RequirementError("no requirement on this line")
    hashed = any(option.startswith("--hash") for option in options)
    text = " ".join(requirement)
    direct = _direct(logical.annotation)
    pinned = _PINNED.match(text)
    if pinned is not None and parse_pep440(pinned.group(2)) is not None:
        return _pinned(pinned.group(1), pinned.group(2), logical.start, direct)
    if _is_url_or_path(requirement[0]) and " @ " not in text:
        return _url_requirement(requirement[0], logical, hashed, direct)
    dependency = from_pep508(text, logical.start, direct=direct)
    if hashed and dependency.source is Source.URL:
        return _replace_pinned(dependency)
    return dependency


def _pinned(name: str, version: str, line: int, direct: bool | None) -> Dependency:
    """The common `name==1.2.3` line without the full PEP 508 parser (compiled files have thousands)."""
    normalized = normalize_name(name)
    display = name if name != normalized else ""
    return Dependency(normalized, f"=={version}", line, version, direct, display=display)


def _is_url_or_path(word: str) -> bool:
    return "://" in word or word.startswith((".", "/", "file:")) or word.split("+", 1)[0] in ("git", "hg", "svn", "bzr")


def _url_requirement(url: str, logical: LogicalLine, hashed: bool, direct: bool | None) -> Dependency:
    egg = _EGG.search(url)
    name = egg.group(1) if egg else _name_from_path(url)
    source, pinned = url_source(url)
    return Dependency(
        name=normalize_name(name),
        spec=url,
        line=logical.start,
        direct=direct,
        source=source,
        location=url,
        pinned=pinned or hashed,
        display=name if normalize_name(name) != name else "",
    )


def _name_from_path(url: str) -> str:
    """`.../dee-1.0.tar.gz` -> `dee`; `.../repo.git@v1` -> `repo`; a directory -> its name."""
    base = posixpath.basename(url.split("#", 1)[0].split("?", 1)[0].rstrip("/"))
    base = base.split("@", 1)[0]
    archive = _ARCHIVE_NAME.match(base)
    if archive:
        return archive.group(1)
    return re.sub(r"\.git$", "", base) or url


def _replace_pinned(dependency: Dependency) -> Dependency:
    return replace(dependency, pinned=True)


def _direct(annotation: str) -> bool | None:
    """pip-compile / uv's `# via -r requirements.in` or `# via app (pyproject.toml)` mark a direct
    requirement; `# via flask` a transitive one. Without annotations every requirement is direct."""
    if "via" not in annotation:
        return True
    via = annotation.split("via", 1)[1]
    entries = [entry.strip(" #\t") for entry in re.split(r"[\n,]", via)]
    return any(entry.startswith(("-r ", "--requirement")) or _VIA_PROJECT.search(entry) for entry in entries)
