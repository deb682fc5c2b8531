"""Base against head: which vulnerabilities the change brings, which it fixes, which stay."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.scan.vulnerabilities import Vulnerability, by_severity, unique


@dataclass(frozen=True)
class VulnerabilityDiff:
    new: tuple[Vulnerability, ...]
    """In head, not in base: every occurrence (a package installed twice is listed twice)."""
    fixed: tuple[Vulnerability, ...]
    """In base, not in head (as the base had them)."""
    unchanged: tuple[Vulnerability, ...]
    """In both (as head has them)."""

    def __add__(self, other: VulnerabilityDiff) -> VulnerabilityDiff:
        return VulnerabilityDiff(
            tuple(by_severity((*self.new, *other.new))),
            tuple(by_severity((*self.fixed, *other.fixed))),
            tuple(by_severity((*self.unchanged, *other.unchanged))),
        )


EMPTY_DIFF = VulnerabilityDiff((), (), ())


def diff_vulnerabilities(base: Iterable[Vulnerability], head: Iterable[Vulnerability]) -> VulnerabilityDiff:
    base_list = list(base)
    head_list = list(head)
    base_keys = {v.key for v in base_list}
    head_keys = {v.key for v in head_list}
    return VulnerabilityDiff(
        new=tuple(by_severity(v for v in head_list if v.key not in base_keys)),
        fixed=tuple(by_severity(unique(v for v in base_list if v.key not in head_keys))),
        unchanged=tuple(by_severity(unique(v for v in head_list if v.key in base_keys))),
    )
