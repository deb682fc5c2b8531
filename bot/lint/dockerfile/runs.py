"""What RUN instructions do, in the words rules need: installs, package managers, cache mounts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.parsing.dockerfile import Dockerfile, Instruction, Stage
from bot.parsing.shell import Command

_INSTALL_VERBS = {
    "apt-get": ("install",),
    "apt": ("install",),
    "apk": ("add",),
    "yum": ("install",),
    "dnf": ("install",),
    "microdnf": ("install",),
    "zypper": ("install", "in"),
}
_OPTIONS_WITH_VALUE = {
    "apt-get": frozenset({"-o", "--option", "-c", "--config-file", "-t", "--target-release"}),
    "apt": frozenset({"-o", "--option", "-c", "--config-file", "-t", "--target-release"}),
    "apk": frozenset({"-t", "--virtual", "-X", "--repository", "-p", "--root", "--arch", "--cache-dir"}),
    "yum": frozenset({"-c", "--config", "--installroot", "--enablerepo", "--disablerepo", "-x", "--exclude"}),
    "dnf": frozenset({"-c", "--config", "--installroot", "--enablerepo", "--disablerepo", "-x", "--exclude"}),
    "microdnf": frozenset({"--enablerepo", "--disablerepo", "--setopt"}),
    "zypper": frozenset({"-r", "--repo", "-t", "--type"}),
}
_VERSION_SUFFIX = re.compile(r"(?:[=<>~].*|:[a-z0-9]+)$")


@dataclass(frozen=True)
class PackageInstall:
    manager: str
    """apt-get, apt, apk, yum, dnf, microdnf or zypper."""
    packages: tuple[str, ...]
    """Package names as written (versions included)."""
    command: Command

    @property
    def names(self) -> tuple[str, ...]:
        """Package names without `=version`, `>version` or `:arch`."""
        return tuple(_VERSION_SUFFIX.sub("", package) for package in self.packages)


def runs(dockerfile: Dockerfile) -> Iterator[tuple[Stage, Instruction, list[Command]]]:
    """Every shell RUN of the stages that end up in the image, with its shell commands."""
    yield from _runs_of(dockerfile, dockerfile.runtime_stages())


def all_runs(dockerfile: Dockerfile) -> Iterator[tuple[Stage, Instruction, list[Command]]]:
    """Every shell RUN of every stage."""
    yield from _runs_of(dockerfile, list(dockerfile.stages))


def _runs_of(dockerfile: Dockerfile, stages: list[Stage]) -> Iterator[tuple[Stage, Instruction, list[Command]]]:
    for stage in stages:
        if dockerfile.is_windows(stage):
            continue
        for ins in stage.instructions:
            if ins.keyword == "RUN" and ins.shell_script is not None:
                yield stage, ins, list(ins.commands)


def package_install(cmd: Command) -> PackageInstall | None:
    """`apt-get install -y curl`, `apk add --no-cache curl`, `dnf install -y gcc` ... as data."""
    verbs = _INSTALL_VERBS.get(cmd.program)
    if verbs is None:
        return None
    operands = cmd.operands(_OPTIONS_WITH_VALUE[cmd.program])
    if not operands or operands[0] not in verbs:
        return None
    return PackageInstall(cmd.program, operands[1:], cmd)


def is_apt_install(cmd: Command) -> bool:
    return cmd.is_("apt-get", "install") or cmd.is_("apt", "install")


def pip_install_args(cmd: Command) -> tuple[str, ...] | None:
    """The arguments after `install` for pip, pip3, pip3.12, `python -m pip` and `uv pip`."""
    argv = cmd.argv
    if cmd.program.startswith("python") and argv[1:3] == ("-m", "pip"):
        argv = argv[2:]
    elif cmd.program == "uv" and argv[1:2] == ("pip",):
        argv = argv[1:]
    elif not (cmd.program == "pip" or (cmd.program.startswith("pip") and cmd.program[3:].replace(".", "").isdigit())):
        return None
    words = [w for w in argv[1:] if not w.startswith("-")]
    if not words or words[0] != "install":
        return None
    return argv[argv.index("install") + 1 :]


def cache_mounted(ins: Instruction, path_fragment: str) -> bool:
    return any("type=cache" in mount and path_fragment in mount for mount in ins.flag_values("mount"))


def removes_path(commands: list[Command], prefix: str) -> bool:
    """An `rm` of `prefix` (or something under it) among `commands`."""
    return any(cmd.program == "rm" and any(arg.startswith(prefix) for arg in cmd.args) for cmd in commands)
