"""A real full disk for fault tests: a tiny tmpfs, filled to the last byte, unmounted afterwards."""

from __future__ import annotations

import contextlib
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path


class FullDiskUnavailable(Exception):
    """Mounting a tmpfs is not allowed here."""


@contextlib.contextmanager
def full_tmpfs(path: Path, size_kb: int = 64) -> Iterator[Path]:
    if os.geteuid() != 0:
        raise FullDiskUnavailable("mounting a tmpfs needs root")
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(path)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        raise FullDiskUnavailable(mounted.stderr.decode(errors="replace").strip() or "mount failed")
    try:
        with contextlib.suppress(OSError), (path / "filler").open("wb") as filler:
            while True:
                filler.write(b"\0" * 4096)
                filler.flush()
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True, check=False, timeout=30)
