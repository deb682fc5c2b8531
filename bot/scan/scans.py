"""The scans a review runs: dependency files with `trivy fs`, built images with `trivy image`.

Each returns a ScanResult, from the cache when the same input was scanned with the same Trivy
and the same DB before.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.scan.cache import ResultCache, ScanResult, cache_key, content_digest
from bot.scan.depfiles import SideFiles
from bot.scan.gosum import in_go_sum
from bot.scan.trivy import DbInfo, Trivy
from bot.scan.vulnerabilities import parse_report
from bot.workspace import BuiltImage


@dataclass(frozen=True)
class Scanner:
    trivy: Trivy
    db: DbInfo
    cache: ResultCache

    def key(self, kind: str, subject: str) -> str:
        return cache_key(kind, self.trivy.version, self.db.stamp, subject)

    def dependencies(self, side: SideFiles) -> ScanResult:
        if not side.files:
            return ScanResult(())
        key = self.key("fs", content_digest(side.files))
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        with tempfile.TemporaryDirectory(prefix="dockhand-deps-") as temporary:
            root = Path(temporary)
            side.materialise(root)
            report = self.trivy.run(["fs", "--scanners", "vuln", *self.trivy.scan_flags(), str(root)])
        result = fs_result(report, side.targets)
        result = replace(result, vulnerabilities=in_go_sum(result.vulnerabilities, side))
        self.cache.put(key, result)
        return result

    def image(self, image: BuiltImage) -> ScanResult:
        """`trivy image` of an image in the local engine, by its ID (tags can move)."""
        key = self.key("image", image.image_id)
        cached = self.cache.get(key)
        if cached is not None:
            return cached
        args = ["image", "--scanners", "vuln", "--image-src", "docker", *self.trivy.scan_flags(), image.image_id]
        result = image_result(self.trivy.run(args))
        self.cache.put(key, result)
        return result


def fs_result(report: dict[str, Any], targets: dict[str, str]) -> ScanResult:
    """A `trivy fs` report with its targets mapped back to repository paths."""

    def target_of(result: dict[str, Any]) -> str | None:
        return targets.get(str(result.get("Target", "")))

    found = tuple(parse_report(report, target_of))
    seen = tuple(
        sorted({mapped for r in report.get("Results") or [] if isinstance(r, dict) and (mapped := target_of(r))})
    )
    return ScanResult(found, seen)


def image_result(report: dict[str, Any]) -> ScanResult:
    """A `trivy image` report: OS packages under their distribution, language packages under
    their type and path in the image; with the image's history to map layers to instructions."""

    def target_of(result: dict[str, Any]) -> str | None:
        return str(result.get("Type") or result.get("Class") or "") or None

    metadata = report.get("Metadata") or {}
    config = metadata.get("ImageConfig") or {}
    history = tuple(
        (str(entry.get("created_by", "")), bool(entry.get("empty_layer")))
        for entry in config.get("history") or []
        if isinstance(entry, dict)
    )
    diff_ids = tuple(str(d) for d in (config.get("rootfs") or {}).get("diff_ids") or metadata.get("DiffIDs") or [])
    found = tuple(parse_report(report, target_of))
    targets = tuple(sorted({t for r in report.get("Results") or [] if isinstance(r, dict) and (t := target_of(r))}))
    return ScanResult(found, targets, history=history, diff_ids=diff_ids)
