"""The shell code of a Dockerfile, as snippets that keep the Dockerfile's own lines and columns.

Each snippet is the instruction's raw text with the keyword and flags blanked out, so line N,
column C of the snippet is line `first_line + N - 1`, column C of the Dockerfile. Comment and
blank lines inside a continued RUN (which Docker drops) become a bare `\\`, so the shell sees
the same command Docker runs. A RUN that is a lone heredoc contributes the heredoc's body.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace

from bot.lint.dockerfile.dialect import stage_shell
from bot.lint.dockerfile.edits import command_offset
from bot.parsing.dockerfile import Dockerfile, Instruction, Stage

_TRAILING_SPACE_AFTER_ESCAPE = re.compile(r"(?<=\\)[ \t]+$")
_REFERENCE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_SHEBANG_DIALECTS = {"sh": "sh", "bash": "bash", "dash": "dash", "ash": "busybox", "ksh": "ksh"}


@dataclass(frozen=True)
class Snippet:
    code: str
    first_line: int
    """The Dockerfile line of the snippet's first line."""
    last_line: int
    dialect: str
    variables: tuple[str, ...]
    """ARG and ENV names in scope, which the shell sees as set."""
    first_line_shift: int | None = 0
    """Columns to add on the snippet's first line; None when columns cannot be mapped."""


def shell_snippets(dockerfile: Dockerfile) -> list[Snippet]:
    """Every RUN (shell form, heredocs included) and shell-form HEALTHCHECK of every stage."""
    snippets: list[Snippet] = []
    declared = _Declared.of(dockerfile)
    for stage in dockerfile.stages:
        for ins in stage.instructions:
            snippet = _snippet(dockerfile, stage, ins)
            if snippet is not None:
                snippets.append(replace(snippet, variables=declared.visible(stage, ins.line, snippet.code)))
    return snippets


def _snippet(dockerfile: Dockerfile, stage: Stage, ins: Instruction) -> Snippet | None:
    if ins.keyword not in {"RUN", "HEALTHCHECK"}:
        return None
    shell = stage_shell(dockerfile, stage, ins.line)
    if shell.dialect is None:
        return None
    variables: tuple[str, ...] = ()  # filled in by the caller, which knows the scope
    if ins.keyword == "HEALTHCHECK":
        return _healthcheck(dockerfile, ins, shell.dialect, variables)
    if ins.exec_form:
        return None
    if ins.heredocs and ins.shell_script is not None and ins.shell_script == ins.heredocs[0].content:
        return _heredoc_body(dockerfile, ins, shell.dialect, variables)
    code = _blank_prefix(dockerfile.source_text_of(ins.line, ins.end_line), "RUN")
    if code is None:
        return None
    if not ins.heredocs:
        code = _keep_continuations(code)
    return Snippet(code, ins.line, ins.end_line, shell.dialect, variables)


def _heredoc_body(dockerfile: Dockerfile, ins: Instruction, dialect: str, variables: tuple[str, ...]) -> Snippet | None:
    if ins.end_line - ins.line < 2:
        return None
    body = dockerfile.source_text_of(ins.line + 1, ins.end_line - 1)
    first = body.split("\n", 1)[0]
    if first.startswith("#!"):
        words = first[2:].split()
        program = words[-1] if words and words[0].endswith("/env") else (words[0] if words else "")
        dialect = _SHEBANG_DIALECTS.get(program.rpartition("/")[2], "")
        if not dialect:
            return None  # a Python, Perl ... script: not shell
    return Snippet(body, ins.line + 1, ins.end_line - 1, dialect, variables)


def _healthcheck(dockerfile: Dockerfile, ins: Instruction, dialect: str, variables: tuple[str, ...]) -> Snippet | None:
    if not ins.arguments or ins.arguments[0].upper() != "CMD":
        return None
    if not ins.exec_form:
        code = _blank_prefix(dockerfile.source_text_of(ins.line, ins.end_line), "HEALTHCHECK", then="CMD")
        return None if code is None else Snippet(_keep_continuations(code), ins.line, ins.end_line, dialect, variables)
    if len(ins.arguments) != 3 or ins.arguments[1] != "CMD-SHELL":
        return None
    script = ins.arguments[2]
    line_text = dockerfile.source_text_of(ins.line, ins.line)
    encoded = json.dumps(script)[1:-1]
    shift = line_text.find(encoded) if ins.line == ins.end_line and encoded == script else -1
    return Snippet(script, ins.line, ins.end_line, dialect, variables, shift if shift >= 0 else None)


def _blank_prefix(raw: str, keyword: str, then: str | None = None) -> str | None:
    """`raw` with the keyword, its flags (and `then`, e.g. HEALTHCHECK's CMD) replaced by spaces."""
    position = command_offset(raw, keyword, then)
    if position is None:
        return None
    return re.sub(r"[^\n]", " ", raw[:position]) + raw[position:]


def _keep_continuations(code: str) -> str:
    """Docker drops comment and blank lines inside a continued instruction; keep the line, not its text."""
    lines = [_TRAILING_SPACE_AFTER_ESCAPE.sub("", line) for line in code.split("\n")]
    for index in range(1, len(lines)):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith("#"):
            lines[index] = "\\"
    return "\n".join(lines)


@dataclass(frozen=True)
class _Declared:
    """Where each ARG and ENV name is declared, to tell which names a snippet sees as set.

    Only the names a snippet refers to are looked up (and exported to ShellCheck): a RUN in a
    stage with thousands of ENV lines costs what it mentions, not what the stage declares."""

    dockerfile: Dockerfile
    global_names: frozenset[str]
    per_stage: tuple[dict[str, int], ...]
    """For each stage: name -> the line of its first ARG/ENV there."""

    @classmethod
    def of(cls, dockerfile: Dockerfile) -> _Declared:
        global_names = frozenset(word.partition("=")[0] for ins in dockerfile.global_args for word in ins.arguments)
        per_stage = []
        for stage in dockerfile.stages:
            lines: dict[str, int] = {}
            for ins in stage.instructions:
                if ins.keyword == "ARG":
                    names = [word.partition("=")[0] for word in ins.arguments]
                elif ins.keyword == "ENV":
                    names = list(ins.arguments[::2])
                else:
                    continue
                for name in names:
                    lines.setdefault(name, ins.line)
            per_stage.append(lines)
        return cls(dockerfile, global_names, tuple(per_stage))

    def visible(self, stage: Stage, before_line: int, code: str) -> tuple[str, ...]:
        """The names `code` refers to that are declared above `before_line` (or in a parent stage)."""
        lineage = self.dockerfile.lineage(stage)
        return tuple(
            name
            for name in dict.fromkeys(_REFERENCE.findall(code))
            if name in self.global_names
            or self.per_stage[stage.index].get(name, before_line) < before_line
            or any(name in self.per_stage[parent.index] for parent in lineage[1:])
        )
