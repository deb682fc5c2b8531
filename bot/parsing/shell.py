"""A RUN line as shell commands with arguments and flags (hadolint's Shell module, in Python).

Rules ask questions like "an apt-get install without --no-install-recommends" almost in those
words: `cmd.is_("apt-get", "install") and not cmd.has_flag("no-install-recommends")`.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from functools import cached_property

SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "\n", ";;", "|&"})
_WRAPPERS = frozenset({"sudo", "env", "exec", "command", "nice", "nohup", "time", "xargs"})
_WRAPPER_OPTIONS_WITH_VALUE = {
    "sudo": frozenset({"-u", "-g", "-C", "-D", "-h", "-p", "-r", "-t", "-U"}),
    "env": frozenset({"-u", "-C", "-S"}),
    "nice": frozenset({"-n"}),
}
_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_NEEDS_SHLEX = re.compile(r"[\"'\\#]")
"""What only shlex reads right: quotes, escapes, comments."""
_PLAIN_TOKEN = re.compile(r"[();<>|&\n]+|[^ \t\r();<>|&\n]+")
"""shlex's tokens of text without those: runs of punctuation, runs of anything but it and blanks."""


@dataclass(frozen=True)
class Command:
    words: tuple[str, ...]
    """All words as written, quotes removed, environment assignments included."""
    before: str = ""
    """The operator that joins this command to the previous one ("&&", "|", ";" ...)."""
    after: str = ""

    @cached_property
    def argv(self) -> tuple[str, ...]:
        """The words from the program on: leading `VAR=x`, sudo, env ... removed."""
        words = list(self.words)
        while words:
            if _ASSIGNMENT.match(words[0]):
                words.pop(0)
            elif words[0] in _WRAPPERS:
                takes_value = _WRAPPER_OPTIONS_WITH_VALUE.get(words.pop(0), frozenset())
                while words and words[0].startswith("-"):
                    if words.pop(0) in takes_value and words:
                        words.pop(0)
            else:
                break
        return tuple(words)

    @cached_property
    def program(self) -> str:
        argv = self.argv
        return argv[0].rpartition("/")[2] if argv else ""

    @property
    def args(self) -> tuple[str, ...]:
        return self.argv[1:]

    @cached_property
    def positional(self) -> tuple[str, ...]:
        return tuple(arg for arg in self.args if not arg.startswith("-"))

    def operands(self, takes_value: frozenset[str] = frozenset()) -> tuple[str, ...]:
        """Positional arguments, skipping the values of options in `takes_value` (`-o X`, `--virtual X`)."""
        found: list[str] = []
        args = iter(self.args)
        for arg in args:
            if arg.startswith("-") and len(arg) > 1:
                if arg in takes_value:
                    next(args, None)
                continue
            found.append(arg)
        return tuple(found)

    def is_(self, program: str, *subcommand: str) -> bool:
        """`is_("apt-get", "install")`: the program, and the subcommand as its first positional."""
        if self.program != program:
            return False
        return not subcommand or (bool(self.positional) and self.positional[0] in subcommand)

    def has_flag(self, *names: str) -> bool:
        """Long (`no-cache-dir`) or short (`y`) flags; short flags may be bundled (`-yq`)."""
        for arg in self.args:
            if arg.startswith("--"):
                if arg[2:].partition("=")[0] in names:
                    return True
            elif arg.startswith("-") and len(arg) > 1 and any(char in names for char in arg[1:]):
                return True
        return False

    @property
    def sudo(self) -> bool:
        return "sudo" in self.words[: len(self.words) - len(self.argv)]


def parse_script(script: str) -> list[Command]:
    """Split shell code into simple commands; never raises (bad quoting falls back to words)."""
    text = re.sub(r"\\\r?\n", " ", script)
    tokens = _tokens(text)
    commands: list[Command] = []
    words: list[str] = []
    before = ""
    for token in tokens:
        if token in SEPARATORS or token in {"(", ")", "{", "}"}:
            if words:
                commands.append(Command(tuple(words), before=before))
                words = []
            if token in SEPARATORS:
                before = token
            continue
        words.append(token)
    if words:
        commands.append(Command(tuple(words), before=before))
    return [
        Command(cmd.words, cmd.before, commands[i + 1].before if i + 1 < len(commands) else "")
        for i, cmd in enumerate(commands)
    ]


def _tokens(text: str) -> list[str]:
    # no quoting, escapes or comments: the same tokens as shlex, 20 times faster
    raw = _shlex_tokens(text) if _NEEDS_SHLEX.search(text) else _PLAIN_TOKEN.findall(text)
    tokens: list[str] = []
    for token in raw:
        if token and set(token) <= set(";|&\n") and token not in SEPARATORS:
            tokens.extend(_split_operators(token))
        else:
            tokens.append(token)
    return [t for t in tokens if t != ""]


def _shlex_tokens(text: str) -> list[str]:
    lexer = shlex.shlex(text, posix=True, punctuation_chars="();<>|&\n")
    lexer.whitespace = " \t\r"
    lexer.whitespace_split = True
    try:
        return list(lexer)
    except ValueError:  # unbalanced quotes: keep going with plain words
        return re.findall(r"&&|\|\||[;|&\n]|[^\s;|&]+", text)


def _split_operators(token: str) -> list[str]:
    """shlex may glue operators (`;\\n`); split them into known separators."""
    return re.findall(r"&&|\|\||\|&|;;|[;|&\n]", token)


def uses_pipe(commands: list[Command]) -> bool:
    return any(cmd.before == "|" for cmd in commands)
