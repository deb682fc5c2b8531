"""Placing findings against the diff: in changed lines or not, new or pre-existing, fingerprints."""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from bot.model import Finding


def line_text(lines: list[str] | tuple[str, ...], line: int | None) -> str:
    if line is None or not 1 <= line <= len(lines):
        return ""
    return re.sub(r"\s+", " ", lines[line - 1].strip())


def fingerprint(rule: str, path: str, text: str) -> str:
    return hashlib.sha256(f"{rule}\0{path}\0{text}".encode("utf-8", "surrogatepass")).hexdigest()[:20]


def place(
    head: Iterable[Finding],
    base: Iterable[Finding],
    head_lines: list[str] | tuple[str, ...],
    base_lines: list[str] | tuple[str, ...],
    changed_lines: frozenset[int],
) -> list[Finding]:
    """Fill `in_diff`, `new` and `fingerprint` of head findings, comparing with the base's.

    A head finding is pre-existing when the base has a finding of the same rule on a line of
    the same text (as many times as the base has it): moving code does not make it new.
    """
    remaining = Counter((f.rule, line_text(base_lines, f.line), f.message) for f in base)
    placed = []
    for finding in head:
        text = line_text(head_lines, finding.line)
        key = (finding.rule, text, finding.message)
        new = remaining[key] <= 0
        if not new:
            remaining[key] -= 1
        span = range(finding.line or 0, (finding.end_line or finding.line or 0) + 1)
        placed.append(
            replace(
                finding,
                in_diff=any(line in changed_lines for line in span),
                new=new,
                fingerprint=fingerprint(finding.rule, finding.path, text),
            )
        )
    return placed
