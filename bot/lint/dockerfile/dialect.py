"""Which shell runs a stage's RUN commands: the SHELL instruction, else the base image's /bin/sh."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from bot.parsing.dockerfile import Dockerfile, Instruction, Stage

_BUSYBOX_BASES = re.compile(r"alpine|busybox", re.IGNORECASE)
_BASH_AS_SH_BASES = re.compile(
    r"(^|/)(centos|fedora|rockylinux|almalinux|amazonlinux|oraclelinux|redhat|ubi\d*|ubi\d+-\w+|opensuse|archlinux)"
    r"([:/@-]|$)",
    re.IGNORECASE,
)
_POSIX_SHELLS = {"sh": "sh", "bash": "bash", "dash": "dash", "ash": "busybox", "busybox": "busybox", "ksh": "ksh"}
_POSIX_SHELLS |= {"mksh": "ksh", "zsh": "bash"}


@dataclass(frozen=True)
class StageShell:
    argv: tuple[str, ...]
    """The shell command line RUN uses (`/bin/sh -c` by default)."""
    dialect: str | None
    """ShellCheck's name for it (sh, bash, dash, ksh, busybox); None for PowerShell, cmd and the like."""
    pipefail: bool
    """The SHELL instruction itself turns on `pipefail`."""
    declared: Instruction | None = None
    """The SHELL instruction in effect, if any."""

    @property
    def supports_pipefail(self) -> bool:
        return self.dialect in {"bash", "ksh", "busybox"}


def stage_shell(dockerfile: Dockerfile, stage: Stage, before_line: int | None = None) -> StageShell:
    """The shell in effect in `stage` at `before_line` (default: the end of the stage)."""
    declared = _last_shell(dockerfile, stage, before_line)
    if declared is not None and declared.exec_form and declared.arguments:
        argv = declared.arguments
        program = PurePosixPath(argv[0].replace("\\", "/")).name.lower().removesuffix(".exe")
        dialect = _POSIX_SHELLS.get(program)
        if dialect == "sh":
            dialect = _default_dialect(dockerfile, stage)
        return StageShell(argv, dialect, sets_pipefail(argv), declared)
    if dockerfile.is_windows(stage):
        return StageShell(("cmd", "/S", "/C"), None, False)
    return StageShell(("/bin/sh", "-c"), _default_dialect(dockerfile, stage), False)


def sets_pipefail(words: tuple[str, ...] | list[str]) -> bool:
    """`-o pipefail`, `-eo pipefail`, `-euxo pipefail` among `words`."""
    return any(
        re.fullmatch(r"-[a-zA-Z]*o", word) is not None and words[i + 1] == "pipefail"
        for i, word in enumerate(words[:-1])
    )


def _default_dialect(dockerfile: Dockerfile, stage: Stage) -> str:
    base = dockerfile.root_of(stage).base_resolved
    if _BUSYBOX_BASES.search(base):
        return "busybox"
    if _BASH_AS_SH_BASES.search(base):
        return "bash"
    return "sh"


def _last_shell(dockerfile: Dockerfile, stage: Stage, before_line: int | None) -> Instruction | None:
    return dockerfile.last_in_lineage(stage, "SHELL", before_line)
