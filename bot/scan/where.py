"""Where a vulnerability comes from, as the report shows it: a dependency file's line, or the
Dockerfile instruction whose layer holds the package."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.changes import ChangeSet
from bot.scan.layers import LayerOrigin
from bot.scan.pins import PinnedFile
from bot.scan.vulnerabilities import Vulnerability
from bot.text import shortened

_MAX_INSTRUCTION = 60


@dataclass(frozen=True)
class Where:
    """`requirements.txt:3`, or ``Dockerfile:1 `FROM debian:12` ``; on the head side, or for
    fixed vulnerabilities the base side."""

    changes: ChangeSet
    origins: dict[tuple[str, str, str], LayerOrigin] = field(default_factory=dict)
    side: str = "head"
    _files: dict[str, PinnedFile] = field(default_factory=dict)

    @property
    def base(self) -> Where:
        return Where(self.changes, self.origins, "base")

    def __call__(self, vulnerability: Vulnerability) -> str:
        if vulnerability.dockerfile:
            return self._instruction(vulnerability)
        line = self._file(vulnerability.target).line_of(
            vulnerability.package, vulnerability.installed, vulnerability.start_line, vulnerability.end_line
        )
        return f"{vulnerability.target}:{line}" if line else vulnerability.target

    def _instruction(self, vulnerability: Vulnerability) -> str:
        origin = self.origins.get((self.side, vulnerability.dockerfile, vulnerability.layer))
        if origin is None:
            return f"{vulnerability.dockerfile} image"
        return f"{vulnerability.dockerfile}:{origin.line} `{shortened(origin.text, _MAX_INSTRUCTION)}`"

    def _file(self, path: str) -> PinnedFile:
        if path not in self._files:
            changed = self.changes.file(path)
            if changed is not None:
                text = changed.base_text if self.side == "base" else changed.head_text
            else:
                text = self.changes.tree.read(path)
            self._files[path] = PinnedFile.of(path, text or "")
        return self._files[path]
