"""One review's scan in progress: the tools, and what was found so far (gathered into the Section)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.changes import ChangeSet
from bot.config import Config
from bot.findings import place
from bot.model import Finding
from bot.scan.cache import ResultCache
from bot.scan.diff import EMPTY_DIFF, VulnerabilityDiff
from bot.scan.ignore import IgnoreRules
from bot.scan.layers import LayerOrigin
from bot.scan.pins import PinnedFile
from bot.scan.report import ignore_reason
from bot.scan.rules import ScanNotRun, scan_not_run
from bot.scan.scans import Scanner
from bot.scan.trivy import DbInfo, Trivy, TrivyError, TrivyKilled
from bot.scan.vulnerabilities import Vulnerability


@dataclass
class ScanRun:
    changes: ChangeSet
    config: Config
    trivy: Trivy
    cache: ResultCache
    ignores: IgnoreRules
    notes: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    scanned: list[dict[str, Any]] = field(default_factory=list)
    """What was scanned (kind, side, files or image, from the cache or not), for the JSON report."""
    ignored: list[tuple[Vulnerability, str]] = field(default_factory=list)
    """Head vulnerabilities left out, with the reason (`.trivyignore:3`, ignore-unfixed)."""
    diff: VulnerabilityDiff = EMPTY_DIFF
    origins: dict[tuple[str, str, str], LayerOrigin] = field(default_factory=dict)
    """(side, Dockerfile, layer DiffID) -> the instruction that made the layer."""
    db: DbInfo | None = None
    unavailable: str = ""
    """Why (part of) the scan could not run: `data.unavailable`, which `scan: true` in the action fails on."""
    interrupted: str = ""
    """Why a scan that started did not finish (Trivy killed): `data.interrupted`, the review is incomplete."""
    _db_failed: bool = False
    _pinned: dict[str, PinnedFile] = field(default_factory=dict)

    def scanner(self) -> Scanner | None:
        """A scanner with the DB prepared (once per review); None, and a note, when there is no DB."""
        if self.db is None and not self._db_failed:
            try:
                self.db, notes = self.trivy.prepare_db()
            except TrivyError as error:
                self._db_failed = True
                self.could_not_scan(f"vulnerabilities not scanned: {error}", error)
                return None
            self.notes.extend(notes)
        return Scanner(self.trivy, self.db, self.cache) if self.db is not None else None

    def could_not_scan(self, reason: str, error: TrivyError | None = None) -> None:
        self.notes.append(reason)
        self.unavailable = self.unavailable or reason
        if isinstance(error, TrivyKilled):
            self.interrupted = self.interrupted or reason
        self.findings.extend(scan_required_findings(self.config, reason))

    def kept(self, vulnerabilities: tuple[Vulnerability, ...], *, record: bool) -> list[Vulnerability]:
        """Without what `.trivyignore` or `ignore-unfixed` leaves out (recorded for the head side)."""
        kept = []
        for vulnerability in vulnerabilities:
            entry = self.ignores.vulnerability(vulnerability)
            unfixed = self.config.ignore_unfixed and not vulnerability.fixed_versions
            if entry is None and not unfixed:
                kept.append(vulnerability)
            elif record and all(vulnerability.key != item.key for item, _ in self.ignored):
                self.ignored.append((vulnerability, ignore_reason(entry)))
        return kept

    def pinned(self, path: str) -> PinnedFile:
        """A head file's lines and dependency entries (read and parsed once per review)."""
        if path not in self._pinned:
            changed = self.changes.file(path)
            text = changed.head_text if changed is not None else self.changes.tree.read(path)
            self._pinned[path] = PinnedFile.of(path, text or "")
        return self._pinned[path]

    def head_lines(self, path: str) -> list[str]:
        return self.pinned(path).lines

    def placed(self, path: str, findings: list[Finding]) -> list[Finding]:
        """New by definition (the base had not the vulnerability); in the diff when their line is."""
        changed = self.changes.file(path)
        changed_lines = changed.changed_lines if changed else frozenset()
        return place(findings, [], self.head_lines(path), [], changed_lines)


def scan_required_findings(config: Config, reason: str) -> list[Finding]:
    """DH603 when the config says the scan must run."""
    if not config.scan_required:
        return []
    path = config.source or ".dockhand.yml"
    return scan_not_run.run(path, ScanNotRun(path, reason), None)
