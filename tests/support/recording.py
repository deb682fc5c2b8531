"""The real external programs, wrapped so that every invocation is recorded: the argument list,
the working directory and the program. Used to show that paths from a pull request reach git,
docker, shellcheck and trivy as data (after `--`, or as the value of an option), never as an
option of their own or as shell code.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bot.scan.trivy import find_trivy
from bot.tools import find_tool

_WRAPPER = """#!{python}
import json, os, sys
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps({{"program": {name!r}, "args": sys.argv[1:], "cwd": os.getcwd()}}) + "\\n")
os.execv({real!r}, [{real!r}, *sys.argv[1:]])
"""


@dataclass(frozen=True)
class Recorder:
    directory: Path
    log: Path

    def calls(self, program: str | None = None) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        calls = [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]
        return [c for c in calls if program is None or c["program"] == program]


def record_programs(directory: Path, monkeypatch: pytest.MonkeyPatch) -> Recorder:
    """git and docker on PATH, shellcheck and trivy where dockhand looks first, all recording."""
    directory.mkdir(parents=True, exist_ok=True)
    log = directory / "calls.jsonl"
    real = {
        "git": shutil.which("git"),
        "docker": shutil.which("docker"),
        "shellcheck": find_tool("shellcheck"),
        "trivy": str(find_trivy() or ""),
    }
    for name, path in real.items():
        if not path:
            continue
        script = directory / name
        script.write_text(_WRAPPER.format(python=sys.executable, log=str(log), name=name, real=path), encoding="utf-8")
        script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    monkeypatch.setenv("PATH", f"{directory}{os.pathsep}{os.environ.get('PATH', '')}")
    scripts = sysconfig.get_path("scripts")
    monkeypatch.setattr(sysconfig, "get_path", lambda name, *a, **k: str(directory) if name == "scripts" else scripts)
    monkeypatch.delenv("DOCKHAND_TRIVY", raising=False)
    return Recorder(directory, log)
