"""Telling a full disk from a problem of the change.

A review writes to the temporary directory (checkouts to build from, ShellCheck's input files,
spooled image layers) and to the workspace (the report files). When a disk fills up, the work
that needs it stops with a note that names the disk, and the review is marked incomplete (exit
code 2): a full disk is the runner's problem, never a finding about a Dockerfile.
"""

from __future__ import annotations

import errno
import tempfile

_FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
_FULL_TEXTS = ("no space left on device", "disk quota exceeded")


def is_disk_full(error: BaseException | str) -> bool:
    """An OSError for ENOSPC/EDQUOT, or a tool's message that says so (git, docker)."""
    if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
        return True
    return any(text in str(error).lower() for text in _FULL_TEXTS)


def disk_full_reason(what: str, where: str | None = None) -> str:
    """`what` could not be done: the disk is full (the temporary directory by default)."""
    return f"{what}: no space left on the disk of {where or tempfile.gettempdir()}"
