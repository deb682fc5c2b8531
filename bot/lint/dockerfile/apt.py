"""apt hygiene: DH103 (recommends), DH104 (package lists left in the layer), DH110 (upgrade)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.lint.dockerfile.edits import append_command, insert_flag_after, remove_command
from bot.lint.dockerfile.runs import cache_mounted, is_apt_install, removes_path, runs
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile
from bot.parsing.shell import Command
from bot.rule import Hit, rule

APT_INSTALL = r"\bapt(?:-get)?(?:\s+-{1,2}[^\s]+)*\s+install\b"
APT_UPGRADE = r"\bapt(?:-get)?(?:\s+-{1,2}[^\s]+)*\s+(?:dist-|full-)?upgrade\b(?:\s+-{1,2}[^\s&|;]+)*"
APT_LISTS = "/var/lib/apt/lists"


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
        removed = removes_path(commands, APT_LISTS)
        if uses_apt and not removed and not cache_mounted(ins, "/var/lib/apt"):
            yield Hit(
                ins.line,
                "apt package lists stay in this layer: remove /var/lib/apt/lists/* in the same RUN",
                ins.end_line,
                append_command(dockerfile, ins, f"rm -rf {APT_LISTS}/*"),
            )


@rule(
    "DH110",
    "apt-upgrade",
    Severity.LOW,
    "apt-get upgrade or dist-upgrade in the image",
    aliases=("DL3005",),
)
def apt_upgrade(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `apt-get upgrade`, `apt-get dist-upgrade`, `apt-get full-upgrade` and
    `apt upgrade` in the stages that make up the final image.

    ## Why it matters
    Upgrading every package inside the build makes the image depend on the day it was
    built: two builds of the same commit get different packages, and a layer cache hit
    silently keeps month-old ones. It also adds a second copy of every upgraded file on top
    of the base image's layer. Security updates belong in the base image: pull a newer tag
    (or digest) of it, which is reviewable and reproducible.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get upgrade -y && apt-get install -y --no-install-recommends curl
    ```

    ## Fix
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```
    and update the base image instead (for example with Renovate or Dependabot). The
    suggestion removes the upgrade command when it is chained with `&&`.
    """
    for _stage, ins, commands in runs(dockerfile):
        upgrades = [cmd for cmd in commands if _is_apt_upgrade(cmd)]
        if upgrades:
            verb = upgrades[0].positional[0]
            yield Hit(
                ins.line,
                f"`{upgrades[0].program} {verb}` makes the image depend on the build date: update the base image "
                "instead",
                ins.end_line,
                remove_command(dockerfile, ins, APT_UPGRADE) if len(commands) > 1 else None,
            )


def _is_apt_upgrade(cmd: Command) -> bool:
    return cmd.is_("apt-get", "upgrade", "dist-upgrade", "full-upgrade") or cmd.is_(
        "apt", "upgrade", "dist-upgrade", "full-upgrade"
    )
