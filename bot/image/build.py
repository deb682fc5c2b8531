"""One `docker build`: the command line, the run, and where a failed build stopped.

BuildKit (`docker buildx build`) is used when the buildx plugin exists, with `--load` so the
image lands in the engine's store, else the classic builder. Base and head go through the
same builder, so they share its cache: the second build reuses every layer the first made.
"""

from __future__ import annotations

import contextlib
import itertools
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.goerrors import condensed
from bot.image.docker import Docker, RunningWork
from bot.image.history import display_text, short_text
from bot.parsing.dockerfile import Dockerfile, Instruction

LOG_TAIL_LINES = 25
CLASSIC_STEP = re.compile(r"^Step (\d+)/(\d+) : (.*)$")
_CLASSIC_PARSE_ERROR = re.compile(r"(?:line|Line) (\d+)")
_BUILDKIT_LOCATION = re.compile(r"^(?:\S*/)?[^/\s:]+:(\d+)\s*$")
_BUILDKIT_STEP = re.compile(r"^#\d+ \[(?:[^\]]*? )?\d+/\d+\] (.*)$")
_BUILDKIT_ERROR = re.compile(r"^(?:ERROR|error): (.*)$")
_BUILDKIT_REPORTED_STEP = re.compile(r"^ > \[[^\]]*\] .*:$")
_BUILDKIT_SECONDS = re.compile(r"^\d+\.\d+ ")
_CLASSIC_OWN_LINE = re.compile(r"^(?:Removing intermediate container |The command |\s*$)")
_EXIT_CODE = re.compile(r"(?:returned a non-zero code|exit code): (\d+)$")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_VALUED_INSTRUCTION = re.compile(r"\b(ENV|ARG|LABEL)\s+(\S.*)$")
_ASSIGNMENT = re.compile(r"""([\w.-]+)=("(?:[^"\\]|\\.)*"|'[^']*'|\S+)""")


@dataclass(frozen=True)
class BuildRequest:
    dockerfile: Path
    """The Dockerfile on disk (inside a checkout)."""
    context: Path
    tag: str | None
    """None: untagged (known by the ID the builder writes to --iidfile)."""
    target: str | None = None
    args: Mapping[str, str] = field(default_factory=dict)
    platform: str | None = None
    network: str | None = None
    timeout: float = 900.0
    cache_flags: tuple[str, ...] = ()
    """BuildKit's `--cache-from`/`--cache-to` (see bot/image/buildcache.py); ignored by the classic builder."""


@dataclass(frozen=True)
class BuildFailure:
    """Where a build stopped: the instruction's lines (None when unknown) and why."""

    line: int | None
    end_line: int | None
    instruction: str
    reason: str
    log_tail: tuple[str, ...]
    timed_out: bool = False


@dataclass(frozen=True)
class BuildOutcome:
    image_id: str | None
    seconds: float
    failure: BuildFailure | None = None
    leftover: tuple[str, ...] = ()
    """Untagged images a failed classic build left behind (its cached steps), to remove later."""

    @property
    def ok(self) -> bool:
        return self.image_id is not None


def build_command(request: BuildRequest, *, buildx: bool, iidfile: Path) -> list[str]:
    command = ["buildx", "build", "--load", "--progress=plain"] if buildx else ["build", "--force-rm"]
    command += ["--file", str(request.dockerfile), "--iidfile", str(iidfile)]
    if request.tag:
        command += ["--tag", request.tag]
    if request.target:
        command += ["--target", request.target]
    for name, value in request.args.items():
        command += ["--build-arg", f"{name}={value}"]
    if request.platform:
        command += ["--platform", request.platform]
    if request.network:
        command += ["--network", request.network]
    if buildx:
        command += request.cache_flags
    return [*command, "--", str(request.context)]


def run_build(
    docker: Docker,
    request: BuildRequest,
    dockerfile: Dockerfile,
    *,
    buildx: bool,
    running: RunningWork | None = None,
    on_line: Callable[[str], None] | None = None,
) -> BuildOutcome:
    """Build; on failure, find the instruction that failed in the builder's output.

    `on_line` sees each line of that output as it arrives (see bot/image/early_read.py)."""
    started = time.monotonic()
    running = running or RunningWork()
    with tempfile.TemporaryDirectory(prefix="dockhand-build-") as scratch:
        iidfile = Path(scratch) / "iid"
        command = [docker.binary, *build_command(request, buildx=buildx, iidfile=iidfile)]
        env = {**docker.env, "DOCKER_BUILDKIT": "1" if buildx else "0"}
        try:
            process = subprocess.Popen(
                command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env
            )
        except OSError as error:
            failure = BuildFailure(None, None, "", f"cannot run docker: {error.strerror}", ())
            return BuildOutcome(None, time.monotonic() - started, failure)
        running.add(process)
        deadline = _Deadline(process, request.timeout)
        try:
            log = _text(_read_output(process, on_line))
            process.wait()
        finally:
            deadline.cancel()
            if process.poll() is None:
                process.kill()
                process.wait()
            running.discard(process)
        seconds = time.monotonic() - started
        if deadline.passed:
            failure = locate_failure(log, dockerfile, buildx=buildx)
            reason = f"the build did not finish within {request.timeout:.0f}s"
            return BuildOutcome(None, seconds, _timed_out(failure, reason), _leftover(log, buildx))
        image_id = iidfile.read_text().strip() if iidfile.exists() else ""
        if process.returncode == 0 and image_id:
            return BuildOutcome(image_id, seconds)
        return BuildOutcome(None, seconds, locate_failure(log, dockerfile, buildx=buildx), _leftover(log, buildx))


class _Deadline:
    """Kills a build that runs longer than its timeout; `passed` says whether it had to."""

    def __init__(self, process: subprocess.Popen[bytes], seconds: float) -> None:
        self._passed = threading.Event()
        self._timer = threading.Timer(seconds, self._kill, (process,))
        self._timer.daemon = True
        self._timer.start()

    def _kill(self, process: subprocess.Popen[bytes]) -> None:
        self._passed.set()
        with contextlib.suppress(OSError):
            process.kill()

    def cancel(self) -> None:
        self._timer.cancel()

    @property
    def passed(self) -> bool:
        return self._passed.is_set()


def _read_output(process: subprocess.Popen[bytes], on_line: Callable[[str], None] | None) -> bytes:
    """Everything the build printed, read as it comes (until the builder closes its output)."""
    assert process.stdout is not None
    if on_line is None:
        return process.stdout.read()
    chunks: list[bytes] = []
    for raw in process.stdout:
        chunks.append(raw)
        on_line(_text(raw).rstrip("\r\n"))
    return b"".join(chunks)


def _text(data: bytes | str | None) -> str:
    if data is None:
        return ""
    text = data.decode(errors="replace") if isinstance(data, bytes) else data
    return _ANSI.sub("", text)


def _timed_out(failure: BuildFailure, reason: str) -> BuildFailure:
    return BuildFailure(failure.line, failure.end_line, failure.instruction, reason, failure.log_tail, timed_out=True)


def locate_failure(log: str, dockerfile: Dockerfile, *, buildx: bool) -> BuildFailure:
    """The failed instruction and the builder's reason, from `docker build` output."""
    lines = _without_deprecation_notice([line.rstrip() for line in log.splitlines()])
    kept = [mask_assignments(line) for line in lines if line.strip()]
    line, text = _buildkit_location(lines, dockerfile) if buildx else _classic_location(lines, dockerfile)
    instruction = _instruction_at(dockerfile, line)
    end = instruction.end_line if instruction else line
    shown = short_text(display_text(instruction)) if instruction else mask_assignments(text)
    return BuildFailure(line, end, shown, mask_assignments(_reason(lines)), tuple(kept[-LOG_TAIL_LINES:]))


def _without_deprecation_notice(lines: list[str]) -> list[str]:
    """The docker client's "DEPRECATED: The legacy builder ..." notice (and its indented
    continuation lines) says nothing about the build."""
    kept: list[str] = []
    in_notice = False
    for line in lines:
        in_notice = line.startswith("DEPRECATED") or (in_notice and line.startswith(" ") and bool(line.strip()))
        if not in_notice:
            kept.append(line)
    return kept


def mask_assignments(line: str) -> str:
    """A log line with the values of ENV, ARG and LABEL instructions it shows replaced by `…`."""
    match = _VALUED_INSTRUCTION.search(line)
    if match is None:
        return line
    body = match.group(2)
    masked = _ASSIGNMENT.sub(lambda m: f"{m.group(1)}=…", body)
    if masked == body and match.group(1) == "ENV":  # the old `ENV NAME value` form
        masked = body.split(" ", 1)[0] + " …"
    return line[: match.start(2)] + masked


def _classic_location(lines: list[str], dockerfile: Dockerfile) -> tuple[int | None, str]:
    """The classic builder prints `Step N/M : INSTRUCTION` before each instruction, counting
    every instruction of the file in order (global ARGs and the stages before --target too)."""
    step: tuple[int, str] | None = None
    for line in lines:
        match = CLASSIC_STEP.match(line.strip())
        if match:
            step = (int(match.group(1)), match.group(3))
    if step is None:
        for line in reversed(lines):  # a parse error: "Dockerfile parse error line 5: ..."
            match = _CLASSIC_PARSE_ERROR.search(line)
            if match and "parse error" in line.lower():
                return int(match.group(1)), ""
        return None, ""
    number, text = step
    instructions = all_instructions(dockerfile)
    if 1 <= number <= len(instructions):
        return instructions[number - 1].line, text
    return _line_of_text(dockerfile, text), text


def _buildkit_location(lines: list[str], dockerfile: Dockerfile) -> tuple[int | None, str]:
    """BuildKit prints `Dockerfile:LINE` above the failing instruction in its error report, and
    `#N [stage k/m] INSTRUCTION` before each step it runs."""
    for index, line in enumerate(lines):
        match = _BUILDKIT_LOCATION.match(line.strip())
        if match and index > 0 and lines[index - 1].strip().startswith("------"):
            number = int(match.group(1))
            instruction = _instruction_at(dockerfile, number)
            return number, instruction.original if instruction else ""
    failed = _failed_buildkit_step(lines)
    if failed:
        return _line_of_text(dockerfile, failed), failed
    return None, ""


def _failed_buildkit_step(lines: list[str]) -> str:
    """The `[stage k/m] INSTRUCTION` of the step whose number printed an ERROR."""
    steps: dict[str, str] = {}
    for line in lines:
        match = _BUILDKIT_STEP.match(line)
        if match:
            steps[line.split(" ", 1)[0]] = match.group(1)
        elif " ERROR" in line or line.split(" ", 1)[-1].startswith("ERROR"):
            number = line.split(" ", 1)[0]
            if number in steps:
                return steps[number]
    return ""


def _reason(lines: list[str]) -> str:
    """Why the build stopped, in one line: for a command that failed, the last line it printed
    and its exit code ("/bin/sh: adduser: not found (exit code 127)"); else the builder's own
    last error line, else the last line."""
    said = _builder_error(lines)
    exit_code = _EXIT_CODE.search(said)
    if exit_code is None:
        return said
    printed = _last_printed(lines)
    code = exit_code.group(1)
    return f"{printed} (exit code {code})" if printed else f"the command exits with code {code}"


def _builder_error(lines: list[str]) -> str:
    for line in reversed(lines):
        stripped = line.strip()
        match = _BUILDKIT_ERROR.match(stripped)
        if match:
            return condensed(match.group(1))
        if stripped.startswith(("The command ", "COPY failed", "ADD failed")) or "returned a non-zero code" in stripped:
            return stripped
    meaningful = [line.strip() for line in lines if line.strip() and not line.startswith(" ")]
    return meaningful[-1] if meaningful else "the build failed"


def _last_printed(lines: list[str]) -> str:
    """The last line the failed command printed: in BuildKit's error report (` > [2/3] RUN
    ...:` then the step's last lines, each after its seconds), else after the classic builder's
    ` ---> Running in <id>`."""
    report = next((n for n in range(len(lines) - 1, -1, -1) if _BUILDKIT_REPORTED_STEP.match(lines[n])), None)
    if report is not None:
        output = itertools.takewhile(lambda line: not line.startswith("------"), lines[report + 1 :])
        printed = [_BUILDKIT_SECONDS.sub("", line).strip() for line in output]
    else:
        started = next((n for n in range(len(lines) - 1, -1, -1) if lines[n].startswith(" ---> Running in ")), None)
        after = lines[started + 1 :] if started is not None else []
        printed = [line.strip() for line in after if not _CLASSIC_OWN_LINE.match(line)]
    printed = [line for line in printed if line]
    return printed[-1] if printed else ""


def _leftover(log: str, buildx: bool) -> tuple[str, ...]:
    """The last step image a failed classic build made (` ---> 1a2b3c`): untagged, it holds the
    cached steps; removing it removes its untagged parents too."""
    if buildx:
        return ()
    ids = re.findall(r"^ ---> ([0-9a-f]{12,64})$", log, flags=re.MULTILINE)
    return (ids[-1],) if ids else ()


def all_instructions(dockerfile: Dockerfile) -> list[Instruction]:
    """Every instruction in file order: global ARGs, then each stage's FROM and body."""
    result = list(dockerfile.global_args)
    for stage in dockerfile.stages:
        result.append(stage.from_instruction)
        result.extend(stage.instructions)
    return sorted(result, key=lambda instruction: instruction.line)


def _instruction_at(dockerfile: Dockerfile, line: int | None) -> Instruction | None:
    if line is None:
        return None
    return next((i for i in all_instructions(dockerfile) if i.line <= line <= i.end_line), None)


def _line_of_text(dockerfile: Dockerfile, text: str) -> int | None:
    wanted = _normalized(text)
    for instruction in all_instructions(dockerfile):
        if _normalized(instruction.original) == wanted:
            return instruction.line
    return None


def _normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\\\n", " ")).strip().lower()
