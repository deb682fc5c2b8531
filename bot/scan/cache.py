"""Scan results kept between reviews, so an unchanged base is not scanned again.

A result is stored under a key made of everything that decides it: the Trivy version, the
vulnerability DB's build time, what was scanned (the dependency files' contents, or the image
ID) and the cache format. A new DB or a new Trivy makes new keys, so a result is never compared
against one computed from other advisories. Entries live in `<trivy cache dir>/dockhand/`.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.scan.vulnerabilities import Vulnerability

CACHE_FORMAT = 2


def cache_key(kind: str, *parts: str) -> str:
    digest = hashlib.sha256(f"dockhand-scan-{CACHE_FORMAT}\0{kind}".encode())
    for part in parts:
        digest.update(b"\0" + part.encode("utf-8", "surrogatepass"))
    return f"{kind}-{digest.hexdigest()[:40]}"


def content_digest(files: dict[str, bytes]) -> str:
    """One hash of a set of files: their paths and contents."""
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.encode("utf-8", "surrogatepass") + b"\0")
        digest.update(hashlib.sha256(files[path]).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class ScanResult:
    """What one Trivy scan found."""

    vulnerabilities: tuple[Vulnerability, ...]
    targets: tuple[str, ...] = ()
    """Where Trivy found packages (repository paths, or the parts of an image)."""
    cached: bool = False
    """True when read from the cache instead of scanned."""
    history: tuple[tuple[str, bool], ...] = ()
    """For an image: its config's history, (created_by, empty_layer) per entry."""
    diff_ids: tuple[str, ...] = ()
    """For an image: its layers, bottom first."""


@dataclass(frozen=True)
class ResultCache:
    root: Path

    @classmethod
    def in_trivy_cache(cls, cache_dir: Path) -> ResultCache:
        return cls(cache_dir / "dockhand" / "scans")

    def _path(self, key: str) -> Path:
        return self.root / f"{key}.json"

    def read(self, key: str) -> Any | None:
        try:
            return json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None

    def write(self, key: str, payload: Any) -> None:
        """Write atomically; a cache that cannot be written is only slower, never an error."""
        text = json.dumps(payload)
        with contextlib.suppress(OSError):
            self.root.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.root, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as stream:
                    stream.write(text)
                Path(temporary).replace(self._path(key))
            finally:
                with contextlib.suppress(OSError):
                    Path(temporary).unlink()

    def get(self, key: str) -> ScanResult | None:
        data = self.read(key)
        if not isinstance(data, dict):
            return None
        try:
            vulnerabilities = tuple(Vulnerability.from_dict(item) for item in data["vulnerabilities"])
            return ScanResult(
                vulnerabilities,
                tuple(str(t) for t in data["targets"]),
                cached=True,
                history=tuple((str(created_by), bool(empty)) for created_by, empty in data.get("history", [])),
                diff_ids=tuple(str(d) for d in data.get("diff_ids", [])),
            )
        except (KeyError, TypeError, AttributeError, ValueError):
            return None

    def put(self, key: str, result: ScanResult) -> None:
        self.write(
            key,
            {
                "format": CACHE_FORMAT,
                "vulnerabilities": [v.to_dict() for v in result.vulnerabilities],
                "targets": list(result.targets),
                "history": [list(entry) for entry in result.history],
                "diff_ids": list(result.diff_ids),
            },
        )

    def forget(self, key: str) -> None:
        with contextlib.suppress(OSError):
            self._path(key).unlink()
