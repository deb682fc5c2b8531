"""go.mod (module, go, toolchain, require, replace, exclude, retract ...) and go.sum, line by line.

A go.mod entry carries the `// indirect` comment that tells transitive requirements from
direct ones. `replace` and `exclude` entries are kept (groups "replace" and "exclude"), and
so are the `go` and `toolchain` directives (group "directive"): a reviewer wants to see those
change too.
"""

from __future__ import annotations

import re

from bot.deps.gover import parse_go_version
from bot.deps.model import Dependency, ParsedFile, ParseProblem, Source, failed

_DIRECTIVES = frozenset(
    {"module", "go", "toolchain", "require", "replace", "exclude", "retract", "godebug", "tool", "ignore"}
)
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|\S+')
_SUM_LINE = re.compile(r"^(\S+) (\S+?)(/go\.mod)? (h1:\S+|\S+:\S+)$")


def parse_go_mod(path: str, text: str) -> ParsedFile:
    try:
        dependencies, module = _go_mod(text)
    except ParseProblem as problem:
        return failed(path, "go.mod", "go", False, problem.line, str(problem))
    return ParsedFile(path, "go.mod", "go", False, tuple(dependencies), project=module, application=None)


def _go_mod(text: str) -> tuple[list[Dependency], str]:
    dependencies: list[Dependency] = []
    module = ""
    block: tuple[str, int] | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        code, _, comment = raw.partition("//")
        words = [_unquote(w) for w in _TOKEN.findall(code)]
        if not words:
            continue
        if block is not None:
            if words == [")"]:
                block = None
                continue
            verb = block[0]
        else:
            verb, words = words[0], words[1:]
            if verb not in _DIRECTIVES:
                raise ParseProblem(number, f"unknown directive: {verb}")
            if words == ["("]:
                block = (verb, number)
                continue
        if verb == "module" and words:
            module = words[0]
        dependencies.extend(_directive(verb, words, comment, number))
    if block is not None:
        raise ParseProblem(block[1], f"{block[0]} ( block is never closed")
    return dependencies, module


def _directive(verb: str, words: list[str], comment: str, line: int) -> list[Dependency]:
    if verb in ("go", "toolchain"):
        if len(words) != 1:
            raise ParseProblem(line, f"usage: {verb} <version>")
        return [Dependency(verb, words[0], line, words[0].removeprefix("go"), True, "directive")]
    if verb in ("require", "exclude"):
        if len(words) != 2:
            raise ParseProblem(line, f"usage: {verb} module/path v1.2.3")
        if parse_go_version(words[1]) is None:
            raise ParseProblem(line, f"invalid module version {words[1]!r}")
        indirect = "indirect" in comment.split(";")[0].split()
        group = "" if verb == "require" else "exclude"
        return [Dependency(words[0], words[1], line, words[1], not indirect, group)]
    if verb == "replace":
        return [_replace(words, line)]
    return []


def _replace(words: list[str], line: int) -> Dependency:
    if "=>" not in words:
        raise ParseProblem(line, "usage: replace module/path [v1.2.3] => other/module v1.4.5 | ../local/dir")
    arrow = words.index("=>")
    old, new = words[:arrow], words[arrow + 1 :]
    if len(old) not in (1, 2) or len(new) not in (1, 2):
        raise ParseProblem(line, "usage: replace module/path [v1.2.3] => other/module v1.4.5 | ../local/dir")
    target = " ".join(new)
    local = len(new) == 1
    return Dependency(
        old[0],
        target,
        line,
        new[1] if not local else None,
        True,
        "replace",
        Source.PATH if local else Source.REGISTRY,
        target if local else "",
        True,
        marker=old[1] if len(old) == 2 else "",
    )


def _unquote(word: str) -> str:
    if len(word) >= 2 and word[0] == word[-1] and word[0] in '"`':
        return word[1:-1]
    return word


def parse_go_sum(path: str, text: str) -> ParsedFile:
    """One Dependency per module version; group "go.mod" when only its go.mod is hashed."""
    seen: dict[tuple[str, str], int] = {}
    full: set[tuple[str, str]] = set()
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        match = _SUM_LINE.match(line)
        if match is None:
            return failed(
                path, "go.sum", "go", True, number, "malformed go.sum line (want: module version[/go.mod] h1:hash)"
            )
        key = (match.group(1), match.group(2))
        seen.setdefault(key, number)
        if not match.group(3):
            full.add(key)
    dependencies = tuple(
        Dependency(module, version, line, version, None, "" if (module, version) in full else "go.mod")
        for (module, version), line in seen.items()
    )
    return ParsedFile(path, "go.sum", "go", True, dependencies)
