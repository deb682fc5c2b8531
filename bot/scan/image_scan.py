"""The built images, scanned base and head: the diff, and DH602 on the instruction of each new one."""

from __future__ import annotations

from dataclasses import replace

from bot.scan.diff import diff_vulnerabilities
from bot.scan.images import ImagePair, dockerfile_lines, dockerfile_text, image_pairs, origins_of
from bot.scan.layers import LayerOrigin
from bot.scan.pins import command_bump, normalise_name
from bot.scan.rules import VulnerableInstruction, new_image_vulnerability
from bot.scan.run import ScanRun
from bot.scan.scans import Scanner
from bot.scan.trivy import TrivyError
from bot.scan.upgrades import PackageKey, package_key, plan_upgrades
from bot.scan.vulnerabilities import Vulnerability
from bot.workspace import BuiltImage

Sides = tuple[tuple[Vulnerability, ...], tuple[Vulnerability, ...]]


def scan_images(run: ScanRun, images: list[BuiltImage]) -> None:
    scanner = run.scanner()
    if scanner is None:
        return
    for pair in image_pairs(run.changes, images):
        sides = _scan_pair(run, scanner, pair)
        if sides is None:
            continue
        base, head = sides
        diff = diff_vulnerabilities(run.kept(base, record=False), run.kept(head, record=True))
        run.diff = run.diff + diff
        for step in vulnerable_instructions(run, scanner, pair, _not_reported_yet(run, diff.new), head):
            findings = new_image_vulnerability.run(pair.dockerfile, step, None)
            run.findings.extend(run.placed(pair.dockerfile, [replace(f, severity=step.severity) for f in findings]))


def _not_reported_yet(run: ScanRun, new: tuple[Vulnerability, ...]) -> tuple[Vulnerability, ...]:
    """Without the language packages a changed dependency file already has a finding for (the
    image installs them from it: the fix is in that file, not in the RUN line)."""
    in_files = {(v.id, normalise_name(v.package), v.installed) for v in run.diff.new if not v.dockerfile}
    return tuple(v for v in new if (v.id, normalise_name(v.package), v.installed) not in in_files)


def _scan_pair(run: ScanRun, scanner: Scanner, pair: ImagePair) -> Sides | None:
    """Base and head vulnerabilities of one Dockerfile's images, each tagged with the Dockerfile."""
    found: dict[str, tuple[Vulnerability, ...]] = {"base": ()}
    for side, image in (("base", pair.base), ("head", pair.head)):
        if image is None:
            continue
        try:
            result = scanner.image(image)
        except TrivyError as error:
            run.could_not_scan(f"{side} image of {pair.dockerfile} not scanned: {error}", error)
            if side == "head":
                return None
            continue
        for diff_id, origin in origins_of(run.changes, pair, side, result).items():
            run.origins[(side, pair.dockerfile, diff_id)] = origin
        found[side] = tuple(replace(v, dockerfile=pair.dockerfile) for v in result.vulnerabilities)
        run.scanned.append(
            {
                "kind": "image",
                "side": side,
                "dockerfile": pair.dockerfile,
                "image": image.image_id,
                "cached": result.cached,
            }
        )
    if "head" not in found:
        return None
    if pair.base is None and dockerfile_text(run.changes, pair.dockerfile, "base") is not None:
        run.notes.append(
            f"{pair.dockerfile}: no base image to compare with: every vulnerability of the head image counts as new"
        )
    return found["base"], found["head"]


def vulnerable_instructions(
    run: ScanRun, scanner: Scanner, pair: ImagePair, new: tuple[Vulnerability, ...], head: tuple[Vulnerability, ...]
) -> list[VulnerableInstruction]:
    """The new vulnerabilities grouped by the instruction that made their layer, with upgrades and bumps."""
    lines = dockerfile_lines(run.changes, pair.dockerfile)
    groups: dict[LayerOrigin, list[Vulnerability]] = {}
    for vulnerability in new:
        origin = run.origins.get(("head", pair.dockerfile, vulnerability.layer)) or _first_from(lines)
        groups.setdefault(origin, []).append(vulnerability)
    wanted: list[PackageKey] = [
        key for items in groups.values() for v in items if (key := package_key(v)) is not None and v.fixed_versions
    ]
    upgrades = plan_upgrades(scanner, head, wanted) if wanted else {}
    steps = []
    for origin, items in groups.items():
        keys = {key for v in items if (key := package_key(v)) is not None}
        known = tuple(upgrades[k] for k in keys if k in upgrades)
        bumps = [(k[0], k[1], k[2], u.version) for k in keys if (u := upgrades.get(k)) and u.verified and u.version]
        suggestion = command_bump(lines, origin.line, origin.end_line, bumps) if origin.keyword == "RUN" else None
        steps.append(
            VulnerableInstruction(
                pair.dockerfile,
                origin.line,
                origin.end_line,
                origin.keyword,
                origin.text,
                tuple(items),
                known,
                suggestion,
            )
        )
    return steps


def _first_from(lines: list[str]) -> LayerOrigin:
    """When the history does not say which instruction made a layer: the first FROM line."""
    line = next((n for n, text in enumerate(lines, 1) if text.lstrip().upper().startswith("FROM")), 1)
    return LayerOrigin("FROM", line, line, lines[line - 1].strip() if lines else "FROM")
