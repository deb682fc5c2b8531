"""A Dockerfile as BuildKit reads it: directives, global ARGs, stages and instructions.

Parsing is BuildKit's own parser (the `dockerfile` package wraps moby/buildkit's Go code), so
heredocs, the escape directive, continuation lines and comments inside them are understood
exactly as `docker build` understands them. On top of it this module adds what BuildKit checks
one step later (unknown instructions, missing arguments, instructions before the first FROM)
and the line of every error.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import cached_property

import dockerfile as buildkit

from bot.parsing.shell import Command, parse_script
from bot.parsing.templates import (
    Branches,
    exclusive,
    first_branches_only,
    has_control_lines,
    neutralize_template,
    template_branches,
)
from bot.text import split_lines

INSTRUCTIONS = frozenset(
    [
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "FROM",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    ]
)
_NEEDS_ARGUMENTS = INSTRUCTIONS - {"HEALTHCHECK"}
_KNOWN_FLAGS: dict[str, frozenset[str]] = {
    "FROM": frozenset({"platform"}),
    "RUN": frozenset({"mount", "network", "security", "device"}),
    "COPY": frozenset({"from", "chown", "chmod", "link", "parents", "exclude"}),
    "ADD": frozenset({"chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "unpack"}),
    "HEALTHCHECK": frozenset({"interval", "timeout", "start-period", "start-interval", "retries"}),
}
_DIRECTIVE = re.compile(r"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
TEMPLATE_NOTE = (
    "template: lines that are only template tags ({% ... %}, {{ ... }}) were skipped so every branch"
    " is linted, and {{ ... }} expressions count as variables"
)
FIRST_BRANCH_NOTE = (
    "template: its branches do not parse together, so the first branch of each {% if %} was linted;"
    " {{ ... }} expressions count as variables"
)
_HEREDOC_OPENER = re.compile(r"<<-?\s*[\"']?[A-Za-z_][A-Za-z0-9_]*[\"']?")
_HEREDOC_NAME = re.compile(r"<<(?P<dash>-?)\s*[\"']?(?P<name>[A-Za-z_][A-Za-z0-9_]*)[\"']?")
_MAX_HEREDOC_CANDIDATES = 16
_WINDOWS_BASE = re.compile(r"(windows|servercore|nanoserver|ltsc20\d\d)", re.IGNORECASE)
_VARIABLE = re.compile(r"\$(?:\{(?P<braced>\w+)(?:(?P<op>:?[-+])(?P<word>[^}]*))?\}|(?P<bare>[A-Za-z_]\w*))")


@dataclass(frozen=True)
class Heredoc:
    name: str
    content: str


@dataclass(frozen=True)
class Instruction:
    keyword: str
    """Upper-cased: RUN, COPY ..."""
    arguments: tuple[str, ...]
    flags: tuple[str, ...]
    exec_form: bool
    original: str
    line: int
    end_line: int
    heredocs: tuple[Heredoc, ...] = ()
    onbuild_keyword: str | None = None

    def flag(self, name: str) -> str | None:
        """The value of `--name=value` (the last one given), or "" for a bare `--name`."""
        value = None
        for raw in self.flags:
            key, _, val = raw[2:].partition("=")
            if key == name:
                value = val
        return value

    def flag_values(self, name: str) -> list[str]:
        return [raw[2:].partition("=")[2] for raw in self.flags if raw[2:].partition("=")[0] == name]

    @property
    def command_text(self) -> str:
        """RUN/CMD/ENTRYPOINT's command as one string (shell form) or joined words (exec form)."""
        return " ".join(self.arguments)

    @cached_property
    def commands(self) -> tuple[Command, ...]:
        """The simple commands of a shell-form RUN's script (parsed once)."""
        script = self.shell_script
        return tuple(parse_script(script)) if script is not None else ()

    @property
    def shell_script(self) -> str | None:
        """The shell code a shell-form RUN executes: its command line, or a lone heredoc's body."""
        if self.exec_form:
            return None
        if self.heredocs and len(self.arguments) == 1 and _HEREDOC_OPENER.fullmatch(self.arguments[0]):
            return self.heredocs[0].content
        return self.command_text


@dataclass(frozen=True)
class Stage:
    index: int
    name: str | None
    base: str
    """The image or stage named in FROM, as written."""
    base_resolved: str
    """`base` with global ARG defaults substituted."""
    from_instruction: Instruction
    instructions: tuple[Instruction, ...]
    """The instructions after FROM."""

    def of(self, keyword: str) -> list[Instruction]:
        return list(self._by_keyword.get(keyword, ()))

    def last(self, keyword: str) -> Instruction | None:
        found = self._by_keyword.get(keyword)
        return found[-1] if found else None

    def last_before(self, keyword: str, line: int) -> Instruction | None:
        """The last `keyword` instruction that starts above `line`."""
        found = self._by_keyword.get(keyword, ())
        index = bisect.bisect_left(found, line, key=lambda ins: ins.line)
        return found[index - 1] if index > 0 else None

    @cached_property
    def _by_keyword(self) -> dict[str, tuple[Instruction, ...]]:
        """The instructions of each keyword, in order: rules ask per RUN, so a stage is grouped once."""
        grouped: dict[str, list[Instruction]] = {}
        for ins in self.instructions:
            grouped.setdefault(ins.keyword, []).append(ins)
        return {keyword: tuple(found) for keyword, found in grouped.items()}

    @property
    def end_line(self) -> int:
        return self.instructions[-1].end_line if self.instructions else self.from_instruction.end_line


@dataclass(frozen=True)
class ParseError:
    line: int
    message: str


@dataclass(frozen=True)
class Dockerfile:
    path: str
    lines: tuple[str, ...]
    directives: dict[str, str] = field(default_factory=dict)
    global_args: tuple[Instruction, ...] = ()
    stages: tuple[Stage, ...] = ()
    errors: tuple[ParseError, ...] = ()
    notes: tuple[str, ...] = ()
    template: bool = False
    """A template (lines that are only tags, `{% ... %}`, `{{ ... }}`): linted as written, never built."""
    read: tuple[str, ...] = ()
    """A template's lines as the parser read them (its tags neutralized); empty for a Dockerfile."""

    @property
    def escape(self) -> str:
        return self.directives.get("escape", "\\")

    @property
    def final_stage(self) -> Stage | None:
        return self.stages[-1] if self.stages else None

    def stage_named(self, name: str) -> Stage | None:
        wanted = name.lower()
        found = self._stages_by_name.get(wanted)
        if found is not None:
            return found
        if wanted.isdigit() and int(wanted) < len(self.stages):
            return self.stages[int(wanted)]
        return None

    def parent_stage(self, stage: Stage) -> Stage | None:
        """The earlier stage that `stage` is built FROM, if its base is a stage name."""
        parent = self.stage_named(stage.base_resolved)
        return parent if parent is not None and parent.index < stage.index else None

    def lineage(self, stage: Stage) -> list[Stage]:
        """`stage` and the stages it is built FROM, nearest first."""
        chain = [stage]
        while (parent := self._parents[chain[-1].index]) is not None:
            chain.append(self.stages[parent])
        return chain

    def root_of(self, stage: Stage) -> Stage:
        """The first stage of `stage`'s lineage: the one built FROM an image, not from a stage."""
        return self.stages[self._roots[stage.index]]

    def last_in_lineage(self, stage: Stage, keyword: str, before_line: int | None = None) -> Instruction | None:
        """The last `keyword` instruction of `stage` (above `before_line`, when given), else of the
        stages it is built FROM, nearest first."""
        own = stage.last(keyword) if before_line is None else stage.last_before(keyword, before_line)
        if own is not None:
            return own
        parent = self.parent_stage(stage)
        return self._inherited(keyword)[parent.index] if parent is not None else None

    def _inherited(self, keyword: str) -> tuple[Instruction | None, ...]:
        """Per stage, the last `keyword` of its lineage; each stage's answer is built on its parent's."""
        if keyword not in self._inherited_by_keyword:
            found: list[Instruction | None] = []
            for stage in self.stages:
                parent = self.parent_stage(stage)
                found.append(stage.last(keyword) or (found[parent.index] if parent is not None else None))
            self._inherited_by_keyword[keyword] = tuple(found)
        return self._inherited_by_keyword[keyword]

    @cached_property
    def _inherited_by_keyword(self) -> dict[str, tuple[Instruction | None, ...]]:
        return {}

    @cached_property
    def _stages_by_name(self) -> dict[str, Stage]:
        """The first stage of each name (what `FROM name` and `COPY --from=name` refer to)."""
        named: dict[str, Stage] = {}
        for stage in self.stages:
            if stage.name is not None:
                named.setdefault(stage.name, stage)
        return named

    @cached_property
    def _parents(self) -> tuple[int | None, ...]:
        """Per stage, the index of the stage it is built FROM (always an earlier one), if any."""
        return tuple(parent.index if (parent := self.parent_stage(stage)) else None for stage in self.stages)

    @cached_property
    def _roots(self) -> tuple[int, ...]:
        roots: list[int] = []
        for index, parent in enumerate(self._parents):
            roots.append(index if parent is None else roots[parent])
        return tuple(roots)

    def runtime_stages(self) -> list[Stage]:
        """The stages whose layers end up in the default target's image."""
        final = self.final_stage
        return self.lineage(final) if final else []

    def is_windows(self, stage: Stage) -> bool:
        """Windows images: PowerShell/cmd shells and users that are not Unix accounts."""
        return self.escape == "`" or self._windows_stages[stage.index]

    @cached_property
    def _windows_stages(self) -> tuple[bool, ...]:
        """Per stage: its base, or a base of its lineage, is a Windows image."""
        windows: list[bool] = []
        for stage in self.stages:
            parent = self.parent_stage(stage)
            inherited = parent is not None and windows[parent.index]
            windows.append(inherited or _WINDOWS_BASE.search(stage.base_resolved) is not None)
        return tuple(windows)

    def text_of(self, start: int, end: int) -> str:
        return "\n".join(self.lines[start - 1 : end])

    def source_text_of(self, start: int, end: int) -> str:
        """Lines `start`..`end` as the parser read them: a template's with its tags neutralized
        (bot/parsing/templates.py), the file's own text otherwise. For reading the commands;
        suggestions edit `text_of`, the file as written."""
        return "\n".join(self._source_lines[start - 1 : end])

    def exclusive(self, line: int, other: int) -> bool:
        """Whether a template renders at most one of the two lines (different branches of one
        `{% if %}`); never for a plain Dockerfile."""
        return self.template and exclusive(self._branches, line, other)

    @cached_property
    def _branches(self) -> Branches:
        return template_branches(self.lines)

    @property
    def _source_lines(self) -> tuple[str, ...]:
        return self.read or self.lines


def parse_dockerfile(path: str, text: str) -> Dockerfile:
    """Parse a Dockerfile; never raises for bad input: errors land in `errors` with their line.

    A template (bot/parsing/templates.py) is read with every branch of its conditionals; when
    the branches do not parse together (each continues the same RUN), with the first branch of
    each."""
    lines = tuple(split_lines(text))
    if not has_control_lines(lines):
        return _parsed(path, lines, text)
    every = _parsed(path, lines, neutralize_template("\n".join(lines)) + "\n", TEMPLATE_NOTE)
    if not every.errors:
        return every
    first = _parsed(path, lines, first_branches_only("\n".join(lines)) + "\n", FIRST_BRANCH_NOTE)
    return every if first.errors else first


def _parsed(path: str, lines: tuple[str, ...], source: str, template_note: str | None = None) -> Dockerfile:
    notes: list[str] = []
    template = template_note is not None
    directives = _directives(lines)
    read = tuple(source.split("\n")) if template else ()
    try:
        try:
            commands = buildkit.parse_string(source)
        except UnicodeDecodeError:  # see _ascii_only
            source = _ascii_only(source)
            notes.append("characters the Dockerfile parser could not pass on are shown as `?`")
            commands = buildkit.parse_string(source)
    except (buildkit.GoParseError, buildkit.GoIOError) as error:
        line = _error_line(source, str(error))
        refused = (ParseError(line, str(error)),)
        return Dockerfile(path, lines, directives, errors=refused, notes=tuple(notes), template=template, read=read)
    instructions = [_instruction(command) for command in commands]
    errors = _validate(instructions)
    global_args, stages = _stages(instructions)
    if not stages and not errors:
        errors.append(ParseError(1, "no FROM instruction: there is no build stage"))
    if template_note is not None and not errors:
        notes.insert(0, template_note)
    found = (tuple(global_args), tuple(stages), tuple(errors), tuple(notes))
    return Dockerfile(path, lines, directives, *found, template=template, read=read)


def _instruction(command: buildkit.Command) -> Instruction:
    keyword = (command.cmd or "").upper()  # no word at all: a lone `\` continuation line
    onbuild = command.sub_cmd.upper() if command.sub_cmd else None
    return Instruction(
        keyword=keyword,
        arguments=tuple(command.value),
        flags=tuple(_undo_latin1(flag) for flag in command.flags),
        exec_form=bool(command.json),
        original=command.original or "",
        line=command.start_line,
        end_line=command.end_line,
        heredocs=tuple(Heredoc(h.name, h.content) for h in command.heredocs),
        onbuild_keyword=onbuild,
    )


def _ascii_only(source: str) -> str:
    """`source` with every non-ASCII character as `?` (same lines and columns). The `dockerfile`
    binding decodes BuildKit's words strictly, and BuildKit can cut a word inside a multi-byte
    character (`HEALTHCHECK $VARǅ`): Docker reads such a file, so it must not become an error."""
    return "".join(char if char.isascii() else "?" for char in source)


def _undo_latin1(flag: str) -> str:
    """The `dockerfile` binding decodes flags as Latin-1 (`--chown=Ã©` for `--chown=é`)."""
    try:
        return flag.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return flag


def _directives(lines: tuple[str, ...]) -> dict[str, str]:
    """Parser directives: `# key=value` lines at the very top, before anything else."""
    found: dict[str, str] = {}
    for line in lines:
        match = _DIRECTIVE.match(line)
        if not match:
            break
        found.setdefault(match.group(1).lower(), match.group(2))
    return found


def _validate(instructions: list[Instruction]) -> list[ParseError]:
    """What BuildKit rejects after parsing: unknown words, missing arguments, bad flags."""
    errors: list[ParseError] = []
    seen_from = False
    for ins in instructions:
        keyword = ins.onbuild_keyword if ins.keyword == "ONBUILD" and ins.onbuild_keyword else ins.keyword
        if not keyword:
            errors.append(ParseError(ins.line, "a line continuation with no instruction: docker rejects it"))
            continue
        if keyword not in INSTRUCTIONS:
            errors.append(ParseError(ins.line, f"unknown instruction: {keyword}"))
            continue
        if keyword in _NEEDS_ARGUMENTS and not any(arg.strip() for arg in ins.arguments):
            errors.append(ParseError(ins.line, f"{keyword} requires at least one argument"))
        elif keyword in {"COPY", "ADD"} and len(ins.arguments) < 2 and not ins.heredocs:
            errors.append(ParseError(ins.line, f"{keyword} requires at least two arguments"))
        elif keyword == "FROM" and not _valid_from(ins.arguments):
            errors.append(ParseError(ins.line, "FROM takes an image, optionally followed by AS <name>"))
        errors.extend(_unknown_flags(ins, keyword))
        if ins.keyword == "FROM":
            seen_from = True
        elif not seen_from and ins.keyword != "ARG":
            errors.append(ParseError(ins.line, f"{ins.keyword} before the first FROM: no build stage yet"))
    return errors


def _valid_from(arguments: tuple[str, ...]) -> bool:
    return len(arguments) == 1 or (len(arguments) == 3 and arguments[1].upper() == "AS")


def _unknown_flags(ins: Instruction, keyword: str) -> list[ParseError]:
    known = _KNOWN_FLAGS.get(keyword, frozenset())
    errors = []
    for raw in ins.flags:
        name = raw[2:].partition("=")[0]
        if name not in known:
            errors.append(ParseError(ins.line, f"unknown flag --{name} for {keyword}"))
    return errors


def _stages(instructions: list[Instruction]) -> tuple[list[Instruction], list[Stage]]:
    global_args: list[Instruction] = []
    stages: list[Stage] = []
    current: list[Instruction] | None = None
    header: Instruction | None = None

    def close() -> None:
        if header is not None and current is not None:
            stages.append(_stage(len(stages), header, current, global_args))

    for ins in instructions:
        if ins.keyword == "FROM":
            close()
            header, current = ins, []
        elif current is None:
            if ins.keyword == "ARG":
                global_args.append(ins)
        else:
            current.append(ins)
    close()
    return global_args, stages


def _stage(index: int, header: Instruction, body: list[Instruction], global_args: list[Instruction]) -> Stage:
    arguments = header.arguments
    base = arguments[0] if arguments else ""
    name = arguments[2].lower() if len(arguments) == 3 and arguments[1].upper() == "AS" else None
    defaults = arg_defaults(global_args)
    return Stage(index, name, base, substitute(base, defaults), header, tuple(body))


def arg_defaults(args: list[Instruction] | tuple[Instruction, ...]) -> dict[str, str | None]:
    """Names declared by ARG instructions and their default values (None: no default)."""
    values: dict[str, str | None] = {}
    for ins in args:
        for word in ins.arguments:
            name, eq, value = word.partition("=")
            values[name] = _unquote(value) if eq else values.get(name)
    return values


def substitute(text: str, values: dict[str, str | None]) -> str:
    """Expand `$VAR`, `${VAR}`, `${VAR:-default}` and `${VAR:+alt}` as BuildKit does in FROM."""

    def replace(match: re.Match[str]) -> str:
        value = values.get(match.group("braced") or match.group("bare"))
        operator, word = match.group("op"), match.group("word")
        if operator is None:
            return value or ""
        is_set = bool(value) if operator.startswith(":") else value is not None
        if operator.endswith("+"):
            return word if is_set else ""
        return value if is_set and value is not None else word

    return _VARIABLE.sub(replace, text)


def has_unset_variables(text: str, values: dict[str, str | None]) -> bool:
    """`text` uses a `$VAR` that has no value and no `${VAR:-default}`: it cannot be resolved here."""
    for match in _VARIABLE.finditer(text):
        name = match.group("braced") or match.group("bare")
        if values.get(name) is None and match.group("op") not in {"-", ":-"}:
            return True
    return False


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        return value[1:-1]
    return value


def _error_line(source: str, message: str) -> int:
    """The line where BuildKit's parser failed (its errors carry no line number)."""
    lines = source.split("\n")
    if "heredoc" in message:
        return _unterminated_heredoc_line(lines)
    if "max allowed size" in message:
        return next((n for n, line in enumerate(lines, 1) if len(line) > 65535), 1)
    low, high = 1, len(lines)
    while low < high:  # the shortest prefix that fails with the same message
        middle = (low + high) // 2
        if _fails_with(lines[:middle], message):
            high = middle
        else:
            low = middle + 1
    return low


def _fails_with(lines: list[str], message: str) -> bool:
    try:
        buildkit.parse_string("\n".join(lines) + "\n")
    except (buildkit.GoParseError, buildkit.GoIOError) as error:
        return str(error) == message
    return False


def _unterminated_heredoc_line(lines: list[str]) -> int:
    """The last heredoc opener whose preceding text still parses: everything after it is body.

    Each candidate costs a parse of the text above it, so the opener that a scan of the text
    finds unterminated is tried first, and only the last few others after it."""
    openers = [n for n, line in enumerate(lines, 1) if _HEREDOC_OPENER.search(line)]
    scanned = _first_unclosed_heredoc(lines)
    candidates = ([scanned] if scanned else []) + openers[::-1][:_MAX_HEREDOC_CANDIDATES]
    for number in candidates:
        before = lines[: number - 1]
        if not any(line.strip() for line in before) or not _fails_any(before):
            return number
    return scanned or (openers[0] if openers else 1)


def _first_unclosed_heredoc(lines: list[str]) -> int | None:
    """The line of the first heredoc whose terminator never comes, reading bodies as bodies."""
    waiting: list[tuple[int, str, bool]] = []  # (opener line, terminator, tabs stripped), in order
    for number, line in enumerate(lines, 1):
        if waiting:
            _opened, name, strip_tabs = waiting[0]
            if (line.lstrip("\t") if strip_tabs else line) == name:
                waiting.pop(0)
            continue
        for match in _HEREDOC_NAME.finditer(line):
            waiting.append((number, match.group("name"), bool(match.group("dash"))))
    return waiting[0][0] if waiting else None


def _fails_any(lines: list[str]) -> bool:
    try:
        buildkit.parse_string("\n".join(lines) + "\n")
    except buildkit.GoParseError as error:
        return "no instructions" not in str(error)
    return False
