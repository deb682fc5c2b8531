"""Package manager hygiene: DH103 (apt recommends), DH104 (apt lists), DH105 (pip cache)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.lint.dockerfile.edits import append_command, insert_flag_after
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile, Instruction, Stage
from bot.parsing.shell import Command, parse_script
from bot.rule import Hit, rule

APT_INSTALL = r"\bapt(?:-get)?(?:\s+-{1,2}[^\s]+)*\s+install\b"
PIP_INSTALL = r"\b(?:pip[0-9.]*|python[0-9.]*\s+-m\s+pip)(?:\s+-{1,2}[^\s]+)*\s+install\b"
APT_LISTS = "/var/lib/apt/lists"


def runs(dockerfile: Dockerfile) -> Iterator[tuple[Stage, Instruction, list[Command]]]:
    """Every RUN of the stages that end up in the image, with its shell commands."""
    for stage in dockerfile.runtime_stages():
        if dockerfile.is_windows(stage):
            continue
        for ins in stage.instructions:
            if ins.keyword == "RUN" and ins.shell_script is not None:
                yield stage, ins, parse_script(ins.shell_script)


def is_apt_install(cmd: Command) -> bool:
    return cmd.is_("apt-get", "install") or cmd.is_("apt", "install")


def pip_install_args(cmd: Command) -> tuple[str, ...] | None:
    """The arguments after `install` for pip, pip3, pip3.12 and `python -m pip`."""
    argv = cmd.argv
    if cmd.program.startswith("python") and argv[1:3] == ("-m", "pip"):
        argv = argv[2:]
    elif not ((cmd.program.startswith("pip") and cmd.program[3:].replace(".", "").isdigit()) or cmd.program == "pip"):
        return None
    words = [w for w in argv[1:] if not w.startswith("-")]
    if not words or words[0] != "install":
        return None
    return argv[argv.index("install") + 1 :]


def cache_mounted(ins: Instruction, path_fragment: str) -> bool:
    return any("type=cache" in mount and path_fragment in mount for mount in ins.flag_values("mount"))


@rule(
    "DH103",
    "apt-install-recommends",
    Severity.LOW,
    "apt-get install without --no-install-recommends",
    aliases=("DL3015",),
)
def apt_install_recommends(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `apt-get install` (and `apt install`) without `--no-install-recommends` in the
    stages that make up the final image.

    ## Why it matters
    Debian and Ubuntu install every "recommended" package by default: documentation, extra
    locales, X11 libraries pulled in by a command-line tool. They add tens to hundreds of
    megabytes and their vulnerabilities to an image that never uses them.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y curl
    ```

    ## Fix
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```
    Builder stages that do not end up in the final image are not reported.
    """
    for _stage, ins, commands in runs(dockerfile):
        missing = [
            cmd
            for cmd in commands
            if is_apt_install(cmd)
            and not cmd.has_flag("no-install-recommends")
            and not any("Install-Recommends" in arg for arg in cmd.args)
        ]
        if missing:
            yield Hit(
                ins.line,
                "apt-get install without --no-install-recommends pulls in recommended packages",
                ins.end_line,
                insert_flag_after(
                    dockerfile,
                    ins,
                    APT_INSTALL,
                    "--no-install-recommends",
                    r"--no-install-recommends|Install-Recommends",
                ),
            )


@rule(
    "DH104",
    "apt-lists-kept",
    Severity.LOW,
    "apt lists are not removed in the RUN that created them",
    aliases=("DL3009",),
)
def apt_lists_kept(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `RUN` that runs `apt-get update` (or installs with apt) in the final image's
    stages without removing `/var/lib/apt/lists/*` in the same `RUN`.

    ## Why it matters
    `apt-get update` downloads package indexes (often 20-50 MB). Removing them in a later
    `RUN` does not shrink the image: the layer that wrote them keeps them. Stale indexes in
    the image also make a later `apt-get install` use outdated package versions.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```

    ## Fix
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends curl \\
        && rm -rf /var/lib/apt/lists/*
    ```
    A `RUN --mount=type=cache,target=/var/lib/apt/lists` keeps the lists out of the layer
    and is not reported either.
    """
    for _stage, ins, commands in runs(dockerfile):
        uses_apt = any(
            cmd.is_("apt-get", "update", "install") or cmd.is_("apt", "update", "install") for cmd in commands
        )
        removed = any(cmd.program == "rm" and any(a.startswith(APT_LISTS) for a in cmd.args) for cmd in commands)
        if uses_apt and not removed and not cache_mounted(ins, "/var/lib/apt"):
            yield Hit(
                ins.line,
                "apt package lists stay in this layer: remove /var/lib/apt/lists/* in the same RUN",
                ins.end_line,
                append_command(dockerfile, ins, f"rm -rf {APT_LISTS}/*"),
            )


@rule("DH105", "pip-cache-kept", Severity.LOW, "pip install without --no-cache-dir", aliases=("DL3042",))
def pip_cache_kept(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `pip install` (also `pip3` and `python -m pip`) without `--no-cache-dir` in the
    stages that make up the final image.

    ## Why it matters
    pip keeps every downloaded wheel in `~/.cache/pip`. In an image that cache is dead weight,
    often as large as the installed packages themselves.

    ## Example
    ```dockerfile
    RUN pip install -r requirements.txt
    ```

    ## Fix
    ```dockerfile
    RUN pip install --no-cache-dir -r requirements.txt
    ```
    Not reported when `PIP_NO_CACHE_DIR` is set with `ENV`, or the RUN mounts a build cache
    over pip's cache directory (`--mount=type=cache,target=/root/.cache/pip`).
    """
    for stage, ins, commands in runs(dockerfile):
        if _pip_cache_disabled(dockerfile, stage) or cache_mounted(ins, ".cache"):
            continue
        missing = [cmd for cmd in commands if pip_install_args(cmd) is not None and not cmd.has_flag("no-cache-dir")]
        if missing:
            yield Hit(
                ins.line,
                "pip install without --no-cache-dir keeps downloaded wheels in the image",
                ins.end_line,
                insert_flag_after(dockerfile, ins, PIP_INSTALL, "--no-cache-dir", r"--no-cache-dir"),
            )


def _pip_cache_disabled(dockerfile: Dockerfile, stage: Stage) -> bool:
    for lineage_stage in dockerfile.lineage(stage):
        for env in lineage_stage.of("ENV"):
            if any(word.split("=", 1)[0] == "PIP_NO_CACHE_DIR" for word in env.arguments):
                return True
    return False
