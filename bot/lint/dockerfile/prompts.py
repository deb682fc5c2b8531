"""DH137: a package install that stops to ask for confirmation, which a build cannot give."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.lint.dockerfile.edits import insert_flag_after
from bot.lint.dockerfile.runs import PackageInstall, all_runs, package_install
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile
from bot.parsing.shell import Command
from bot.rule import Hit, rule

_INSTALL_COMMAND = {
    "apt-get": r"\bapt-get(?:\s+-{1,2}[^\s]+)*\s+install\b",
    "apt": r"\bapt(?:\s+-{1,2}[^\s]+)*\s+install\b",
    "yum": r"\byum(?:\s+-{1,2}[^\s]+)*\s+install\b",
    "dnf": r"\bdnf(?:\s+-{1,2}[^\s]+)*\s+install\b",
    "zypper": r"\bzypper(?:\s+-{1,2}[^\s]+)*\s+(?:install|in)\b",
}
_ANSWERED = (
    r"(?:^|\s)(?:-[a-zA-Z]*y[a-zA-Z]*|--yes|--assume-?yes|-qq|-q=2|--quiet=2|-n|--non-interactive|--no-confirm)\b"
)
_CONFIGURED = {"apt-get": "Assume-Yes", "apt": "Assume-Yes", "yum": "assumeyes", "dnf": "assumeyes"}
"""Text that answers yes for every install when the Dockerfile writes it to the manager's config."""


@rule(
    "DH137",
    "install-prompts",
    Severity.MEDIUM,
    "A package install that stops to ask for confirmation",
    aliases=("DL3014", "DL3030", "DL3034", "DL3038"),
)
def install_prompts(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `apt-get install` and `apt install` without `-y` (`--yes`, `--assume-yes`, `-qq`),
    `yum install` and `dnf install` without `-y` (`--assumeyes`), and `zypper install` without
    `-y` (`--no-confirm`) or the global `-n` (`--non-interactive`), in every stage. Not
    reported: a RUN that pipes `yes` into it, and a Dockerfile that writes `Assume-Yes`
    (apt) or `assumeyes` (yum, dnf) into the package manager's configuration.

    ## Why it matters
    When the packages pull in dependencies, the package manager asks "Do you want to
    continue?". A build has no one to answer: apt-get reads the end of its input, prints
    `Abort.` and fails the build, often only once a new dependency appears upstream, long
    after the line was written. `DEBIAN_FRONTEND=noninteractive` does not answer this
    question; it only silences debconf's.

    ## Example
    ```dockerfile
    RUN apt-get update && apt-get install --no-install-recommends curl
    ```

    ## Fix
    ```dockerfile
    RUN apt-get update && apt-get install -y --no-install-recommends curl
    ```
    """
    written = "\n".join(dockerfile.lines)
    for _stage, ins, commands in all_runs(dockerfile):
        if any(cmd.program == "yes" for cmd in commands):
            continue
        asking = [
            install
            for cmd in commands
            if (install := package_install(cmd)) is not None
            and install.manager in _INSTALL_COMMAND
            and _CONFIGURED.get(install.manager, "\0") not in written
            and not _answers_yes(install)
        ]
        if not asking:
            continue
        managers = list(dict.fromkeys(install.manager for install in asking))
        said = " and ".join(f"`{manager} install`" for manager in managers)
        pattern = "|".join(f"(?:{_INSTALL_COMMAND[manager]})" for manager in managers)
        yield Hit(
            ins.line,
            f"{said} without `-y` stops to ask before installing dependencies, and a build cannot answer: it aborts",
            ins.end_line,
            insert_flag_after(dockerfile, ins, pattern, "-y", _ANSWERED),
        )


def _answers_yes(install: PackageInstall) -> bool:
    """Whether the command says yes; a variable among its options (`$APT_OPTS`) may, so it counts."""
    cmd = install.command
    if any(arg.startswith("$") for arg in cmd.args):
        return True
    if install.manager in ("apt-get", "apt"):
        return (
            cmd.has_flag("y", "yes", "assume-yes")
            or _quiet_level(cmd) >= 2
            or any("Assume-Yes" in arg for arg in cmd.args)
        )
    if install.manager == "zypper":
        return cmd.has_flag("y", "no-confirm") or _zypper_non_interactive(cmd)
    return cmd.has_flag("y", "assumeyes")


def _quiet_level(cmd: Command) -> int:
    """apt's `-qq` (or `-q=2`, `--quiet=2`, `-q -q`) implies `-y`."""
    level = 0
    for arg in cmd.args:
        if arg in ("-q=2", "--quiet=2"):
            return 2
        if arg == "--quiet":
            level += 1
        elif re.fullmatch(r"-[a-zA-Z]+", arg):
            level += arg.count("q")
    return level


def _zypper_non_interactive(cmd: Command) -> bool:
    """`-n` is global only before the subcommand (after `install` it selects packages by name)."""
    for arg in cmd.args:
        if not arg.startswith("-"):
            return False
        if arg == "--non-interactive" or (not arg.startswith("--") and "n" in arg[1:]):
            return True
    return False
