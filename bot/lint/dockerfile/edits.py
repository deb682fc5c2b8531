"""Certain fixes, expressed as edits of an instruction's own lines.

Every edit works on the file's raw lines, so the suggestion keeps the author's formatting, and
returns None whenever it cannot be sure the result means what the rule asks for.
"""

from __future__ import annotations

import re

from bot.model import Suggestion
from bot.parsing.dockerfile import Dockerfile, Instruction

_SEGMENT_END = r"(?:&&|\|\||;|\||\n)"


def replace_lines(dockerfile: Dockerfile, ins: Instruction, new_text: str) -> Suggestion:
    return Suggestion(ins.line, ins.end_line, new_text, dockerfile.text_of(ins.line, ins.end_line))


def insert_flag_after(
    dockerfile: Dockerfile, ins: Instruction, command: str, flag: str, present: str
) -> Suggestion | None:
    """Add `flag` right after each match of regex `command` whose command lacks `present`.

    `command` matches the program and its subcommand (`apt-get ... install`); the command's
    extent runs to the next `&&`, `||`, `;`, `|` or unescaped line end.
    """
    original = dockerfile.text_of(ins.line, ins.end_line)
    escape = re.escape(dockerfile.escape)
    pieces: list[str] = []
    cursor = 0
    changed = False
    for match in re.finditer(command, original):
        rest = original[match.end() :]
        end = re.search(rf"(?<!{escape})(?:&&|\|\||;|\||\n)", rest.replace(f"{dockerfile.escape}\n", "  "))
        segment = rest[: end.start()] if end else rest
        if re.search(present, match.group(0) + segment):  # `apt-get -y install` has it too
            continue
        pieces.append(original[cursor : match.end()] + " " + flag)
        cursor = match.end()
        changed = True
    if not changed:
        return None
    pieces.append(original[cursor:])
    return Suggestion(ins.line, ins.end_line, "".join(pieces), original)


def append_command(dockerfile: Dockerfile, ins: Instruction, command: str) -> Suggestion | None:
    """Run `command` at the end of a RUN, after everything else succeeded."""
    if ins.exec_form:
        return None
    original = dockerfile.text_of(ins.line, ins.end_line)
    lines = original.split("\n")
    if ins.heredocs:
        return _append_to_heredoc(ins, lines, command, original)
    last = lines[-1].rstrip()
    if re.search(r"(?:&&|\|\||[;|&\\`]|\s#.*)$", last) or last.lstrip().startswith("#"):
        return None
    if len(lines) == 1:
        replacement = f"{last} {dockerfile.escape}\n    && {command}"
    else:
        indent = re.match(r"\s*", lines[-1]).group(0) or "    "  # type: ignore[union-attr]
        replacement = "\n".join([*lines[:-1], f"{last} {dockerfile.escape}", f"{indent}&& {command}"])
    return Suggestion(ins.line, ins.end_line, replacement, original)


def _append_to_heredoc(ins: Instruction, lines: list[str], command: str, original: str) -> Suggestion | None:
    if len(ins.heredocs) != 1 or ins.shell_script is None or ins.shell_script != ins.heredocs[0].content:
        return None
    terminator = ins.heredocs[0].name
    if not lines or lines[-1].strip() != terminator:
        return None
    replacement = "\n".join([*lines[:-1], command, lines[-1]])
    return Suggestion(ins.line, ins.end_line, replacement, original)


def remove_command(dockerfile: Dockerfile, ins: Instruction, command: str) -> Suggestion | None:
    """Remove each match of regex `command` together with the `&&` that chains it to its neighbour."""
    original = dockerfile.text_of(ins.line, ins.end_line)
    escape = re.escape(dockerfile.escape)
    joint = rf"[ \t]*(?:{escape}\n[ \t]*)?&&[ \t]*(?:{escape}\n[ \t]*)?"
    changed, count = re.subn(rf"(?:{command}){joint}", "", original)
    if count == 0:
        changed, count = re.subn(rf"{joint}(?:{command})[ \t]*$", "", original)
    if count == 0 or changed == original:
        return None
    return Suggestion(ins.line, ins.end_line, changed, original)


def command_offset(raw: str, keyword: str, then: str | None = None) -> int | None:
    """Where the command starts in an instruction's raw text: after the keyword, its `--flags`
    (and `then`, such as HEALTHCHECK's `CMD`); None when the text does not start with `keyword`."""
    position = _skip_space(raw, 0)
    if raw[position : position + len(keyword)].upper() != keyword:
        return None
    position += len(keyword)
    while True:
        position = _skip_space(raw, position)
        if not raw.startswith("--", position):
            break
        match = re.compile(r"\S+").match(raw, position)
        position = match.end() if match else len(raw)
    if then is not None:
        if raw[position : position + len(then)].upper() != then:
            return None
        position = _skip_space(raw, position + len(then))
    return position


def _skip_space(raw: str, position: int) -> int:
    """Skip blanks, escaped line ends, and the comment or empty lines Docker drops inside them."""
    while position < len(raw):
        if raw[position] in " \t":
            position += 1
        elif raw.startswith("\\\n", position):
            position += 2
            while True:  # whole comment or blank lines after a continuation are not part of the command
                line_end = raw.find("\n", position)
                line = raw[position : line_end if line_end >= 0 else len(raw)]
                if line_end < 0 or (line.strip() and not line.lstrip().startswith("#")):
                    break
                position = line_end + 1
        else:
            break
    return position


def prefix_command(dockerfile: Dockerfile, ins: Instruction, prefix: str, heredoc_line: str) -> Suggestion | None:
    """Put `prefix` before a RUN's command, or `heredoc_line` first in a lone heredoc's script."""
    if ins.exec_form or dockerfile.escape != "\\":
        return None
    original = dockerfile.text_of(ins.line, ins.end_line)
    if ins.heredocs and ins.shell_script == ins.heredocs[0].content:
        lines = original.split("\n")
        at = 2 if len(lines) > 2 and lines[1].startswith("#!") else 1
        return Suggestion(ins.line, ins.end_line, "\n".join([*lines[:at], heredoc_line, *lines[at:]]), original)
    offset = command_offset(original, "RUN")
    if offset is None or offset >= len(original):
        return None
    return Suggestion(ins.line, ins.end_line, original[:offset] + prefix + original[offset:], original)
