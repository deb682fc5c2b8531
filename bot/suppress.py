"""Ignore comments in reviewed files: `# dockhand ignore=DH101 reason` and hadolint's own
(`// dockhand ignore=...` in go.mod; JSON files and go.sum cannot have comments).

- `# dockhand ignore=DH101,DH105 <reason>` on the line before a finding's line (or anywhere in
  the block of comment lines directly above it), or at the end of the finding's own line;
- `# hadolint ignore=DL3008,SC2086`, the same, with hadolint's codes mapped to dockhand's rules;
- `# dockhand global ignore=DH103 <reason>` (or `# hadolint global ignore=...`) anywhere: the
  whole file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.model import Finding, Suppressed

_PRAGMA = (
    r"{leader}\s*(?P<tool>dockhand|hadolint)\s+(?P<scope>global\s+)?ignore\s*=\s*"
    r"(?P<codes>[\w.:-]+(?:\s*,\s*[\w.:-]+)*)(?P<reason>.*)$"
)
_PRAGMAS = {leader: re.compile(_PRAGMA.format(leader=re.escape(leader)), re.IGNORECASE) for leader in ("#", "//")}


@dataclass(frozen=True)
class Pragma:
    rules: frozenset[str]
    reason: str
    is_global: bool


def read_pragma(line: str, codes: dict[str, str], leader: str = "#") -> Pragma | None:
    """The ignore comment on `line`, in a file whose comments start with `leader` (`#`, `//`)."""
    match = _PRAGMAS[leader].search(line)
    if not match:
        return None
    rules = set()
    for code in re.split(r"\s*,\s*", match.group("codes")):
        upper = code.upper()
        rules.add(codes.get(upper, upper))
    reason = match.group("reason").strip().lstrip("-—:").strip()
    return Pragma(frozenset(rules), reason, bool(match.group("scope")))


def split_suppressed(
    findings: list[Finding], lines: list[str] | tuple[str, ...], codes: dict[str, str], leader: str | None = "#"
) -> tuple[list[Finding], list[Suppressed]]:
    """Separate the findings that an ignore comment in `lines` switches off (comments start with
    `leader`; None: the file cannot have any)."""
    if leader is None:
        return findings, []
    pragmas = {n: p for n, line in enumerate(lines, 1) if "ignore" in line and (p := read_pragma(line, codes, leader))}
    if not pragmas:
        return findings, []
    global_pragmas = [p for p in pragmas.values() if p.is_global]
    kept: list[Finding] = []
    suppressed: list[Suppressed] = []
    for finding in findings:
        pragma = _matching(finding, pragmas, global_pragmas, lines, leader)
        if pragma is None:
            kept.append(finding)
        else:
            suppressed.append(Suppressed(finding, pragma.reason))
    return kept, suppressed


def _matching(
    finding: Finding,
    pragmas: dict[int, Pragma],
    global_pragmas: list[Pragma],
    lines: list[str] | tuple[str, ...],
    leader: str,
) -> Pragma | None:
    wanted = _rule_keys(finding.rule)
    for pragma in global_pragmas:
        if pragma.rules & wanted:
            return pragma
    if finding.line is None:
        return None
    own = pragmas.get(finding.line)
    if own is not None and not own.is_global and own.rules & wanted:
        return own
    number = finding.line - 1
    while number >= 1 and lines[number - 1].lstrip().startswith(leader):
        above = pragmas.get(number)
        if above is not None and not above.is_global and above.rules & wanted:
            return above
        number -= 1
    return None


def _rule_keys(rule: str) -> frozenset[str]:
    """A finding's rule id, and for tool-prefixed ids (`shellcheck:SC2086`) the bare code too."""
    upper = rule.upper()
    return frozenset({upper, upper.rpartition(":")[2]})
