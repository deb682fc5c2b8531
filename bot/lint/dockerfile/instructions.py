"""Instruction choices: DH122 (ADD for local files), DH123 (ADD <url> unverified), DH125 (cd),
DH126 (relative WORKDIR), DH128 (EXPOSE 22), DH129 (MAINTAINER)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.lint.dockerfile.edits import replace_lines
from bot.lint.dockerfile.runs import all_runs
from bot.model import Severity, Suggestion
from bot.parsing.dockerfile import Dockerfile, Instruction
from bot.rule import Hit, rule

_REMOTE = re.compile(r"^(?:https?://|git@|git://|ssh://)", re.IGNORECASE)
_ARCHIVE = re.compile(r"\.(?:tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|tzst|tar\.lz|tar\.lzma)$", re.I)
_ADD_ONLY_FLAGS = frozenset({"checksum", "keep-git-dir", "unpack"})
_GIT_URL = re.compile(r"(?:^git@|\.git(?:#.*)?$|^git://)", re.IGNORECASE)


def _adds(dockerfile: Dockerfile) -> Iterator[Instruction]:
    for stage in dockerfile.stages:
        yield from (ins for ins in stage.instructions if ins.keyword == "ADD")


@rule("DH122", "add-instead-of-copy", Severity.LOW, "ADD used where COPY is meant", aliases=("DL3020",))
def add_instead_of_copy(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `ADD` of local files and directories that are not tar archives, where `COPY`
    does the same.

    ## Why it matters
    `ADD` has hidden behaviours: it unpacks local tar archives and downloads URLs. A reader
    must check which one applies, and renaming `vendor.tar.gz` to `vendor.tgz.bak` silently
    changes what lands in the image. `COPY` only copies.

    ## Example
    ```dockerfile
    ADD requirements.txt /app/
    ```

    ## Fix
    ```dockerfile
    COPY requirements.txt /app/
    ```
    Keep `ADD` for what only it does: unpacking a local archive, or a remote file with
    `--checksum`.
    """
    for ins in _adds(dockerfile):
        sources = ins.arguments[:-1] if not ins.heredocs else ()
        if any(name in _ADD_ONLY_FLAGS for name in (raw[2:].partition("=")[0] for raw in ins.flags)):
            continue
        if not sources or any(_REMOTE.match(s) or _ARCHIVE.search(s) or "$" in s for s in sources):
            continue
        yield Hit(ins.line, "ADD of local files: use COPY, which only copies", ins.end_line, _to_copy(dockerfile, ins))


def _to_copy(dockerfile: Dockerfile, ins: Instruction) -> Suggestion | None:
    original = dockerfile.text_of(ins.line, ins.end_line)
    match = re.match(r"^(\s*)(add)\b", original, re.IGNORECASE)
    if match is None:
        return None
    keyword = "COPY" if match.group(2).isupper() else "copy"
    return Suggestion(ins.line, ins.end_line, match.group(1) + keyword + original[match.end() :], original)


@rule("DH123", "add-url-without-checksum", Severity.MEDIUM, "ADD <url> without --checksum")
def add_url_without_checksum(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `ADD https://...` without `--checksum=sha256:...` (git sources are not reported).

    ## Why it matters
    The file is downloaded at build time and put into the image as it arrives. If the server
    is compromised, or the file at that URL is replaced, the next build ships the new content
    with no error. A checksum makes the build fail instead.

    ## Example
    ```dockerfile
    ADD https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
    ```

    ## Fix
    ```dockerfile
    ADD --checksum=sha256:93dcc18adc78c65a028a84799ecf8ad40c936fdfc5f2a57b1acda5a8117fa82c \\
        https://github.com/krallin/tini/releases/download/v0.19.0/tini /tini
    ```
    """
    for ins in _adds(dockerfile):
        urls = [s for s in ins.arguments[:-1] if re.match(r"^https?://", s, re.I) and not _GIT_URL.search(s)]
        if urls and ins.flag("checksum") is None:
            yield Hit(
                ins.line,
                "ADD downloads a file without --checksum: a changed or tampered download is not noticed",
                ins.end_line,
            )


@rule("DH125", "cd-instead-of-workdir", Severity.LOW, "cd in RUN where WORKDIR is meant", aliases=("DL3003",))
def cd_instead_of_workdir(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `RUN` that starts with `cd <directory>` and goes on in that directory, when the
    directory is not a temporary build directory (under `/tmp`, or removed by the same RUN).

    ## Why it matters
    A `cd` lasts for one `RUN`. The next instruction starts in the old directory again, so
    instructions that look related work in different places, and every later `RUN` repeats
    the `cd`. `WORKDIR` states the directory once for everything after it.

    ## Example
    ```dockerfile
    RUN cd /app && npm ci
    ```

    ## Fix
    ```dockerfile
    WORKDIR /app
    RUN npm ci
    ```
    """
    for _stage, ins, commands in all_runs(dockerfile):
        if len(commands) < 2 or commands[0].program != "cd" or len(commands[0].positional) != 1:
            continue
        directory = commands[0].positional[0]
        if directory.startswith(("/tmp", "$", "-", "~")) or directory in {"..", "/"}:
            continue
        if any(cmd.program == "rm" and directory.rstrip("/") in cmd.args for cmd in commands):
            continue
        yield Hit(ins.line, f"`cd {directory}` lasts for this RUN only: use `WORKDIR {directory}`", ins.end_line)


@rule("DH126", "relative-workdir", Severity.LOW, "WORKDIR with a relative path", aliases=("DL3000",))
def relative_workdir(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `WORKDIR` whose path is relative (and not built from a variable).

    ## Why it matters
    A relative `WORKDIR` is resolved against the previous one, which may come from the base
    image. Changing the base image (or an earlier `WORKDIR`) silently moves the application,
    and every `COPY` and `RUN` after it.

    ## Example
    ```dockerfile
    WORKDIR app
    ```

    ## Fix
    ```dockerfile
    WORKDIR /app
    ```
    """
    for stage in dockerfile.stages:
        if dockerfile.is_windows(stage):
            continue
        for ins in stage.of("WORKDIR"):
            path = ins.arguments[0].strip("\"'") if ins.arguments else ""
            if path and not path.startswith(("/", "$")):
                yield Hit(
                    ins.line, f"`WORKDIR {path}` is relative to whatever the previous WORKDIR was: use an absolute path"
                )


@rule("DH128", "expose-ssh", Severity.MEDIUM, "EXPOSE 22: an SSH server in the image")
def expose_ssh(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `EXPOSE 22` (or `22/tcp`).

    ## Why it matters
    An SSH daemon in a container is a second entry point with its own keys and passwords to
    manage, usually baked into the image, and a long-running process that is not the
    application. `docker exec` (or `kubectl exec`) already gives operators a shell.

    ## Example
    ```dockerfile
    EXPOSE 22 8080
    ```

    ## Fix
    ```dockerfile
    EXPOSE 8080
    ```
    and remove the SSH server from the image.
    """
    final = dockerfile.final_stage
    for stage in dockerfile.lineage(final) if final else []:
        for ins in stage.of("EXPOSE"):
            if any(port.split("/")[0] == "22" for port in ins.arguments):
                yield Hit(ins.line, "the image exposes port 22: an SSH server in a container; use `docker exec`")


@rule("DH129", "maintainer-deprecated", Severity.LOW, "MAINTAINER is deprecated", aliases=("DL4000",))
def maintainer_deprecated(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports the deprecated `MAINTAINER` instruction.

    ## Why it matters
    `MAINTAINER` has been deprecated since Docker 1.13 and is invisible to the tools that read
    the standard OCI labels (registries, scanners, `docker inspect` queries on
    `org.opencontainers.image.authors`).

    ## Example
    ```dockerfile
    MAINTAINER Jane Doe <jane@example.com>
    ```

    ## Fix
    ```dockerfile
    LABEL org.opencontainers.image.authors="Jane Doe <jane@example.com>"
    ```
    """
    for stage in dockerfile.stages:
        for ins in stage.of("MAINTAINER"):
            value = " ".join(ins.arguments).strip()
            quoted = json.dumps(value, ensure_ascii=False).replace("$", "\\$")
            fix = replace_lines(dockerfile, ins, f"LABEL org.opencontainers.image.authors={quoted}") if value else None
            yield Hit(
                ins.line, "MAINTAINER is deprecated: use `LABEL org.opencontainers.image.authors`", ins.end_line, fix
            )
