"""Go module versions: semantic versions with a `v`, pseudo-versions and `+incompatible`.

Pseudo-versions (`v0.0.0-20211012122336-39d0f177ccd0`, `v1.2.4-0.20211012122336-abc`) are
prereleases whose fixed-width timestamp orders them correctly; `+incompatible` is build
metadata and does not count, exactly as golang.org/x/mod/semver compares them.
"""

from __future__ import annotations

import re

from bot.deps.semver import SemVer, compare, parse_version

_PSEUDO = re.compile(r"(?:^|[.-])(\d{14})-[0-9a-f]{12}$")


def parse_go_version(text: str) -> SemVer | None:
    if not text.startswith("v"):
        return None
    return parse_version(text)


def compare_go(a: str, b: str) -> int | None:
    left, right = parse_go_version(a), parse_go_version(b)
    if left is None or right is None:
        return None
    return compare(left, right)


def is_pseudo_version(text: str) -> bool:
    version = parse_go_version(text)
    return version is not None and bool(_PSEUDO.search(".".join(version.pre)))


def major_path_suffix(module: str) -> tuple[str, int]:
    """`example.com/mod/v3` -> (`example.com/mod`, 3); a path without a suffix is major 0 or 1."""
    match = re.search(r"/v(\d+)$", module)
    if match and int(match.group(1)) >= 2:
        return module[: match.start()], int(match.group(1))
    match = re.search(r"\.v(\d+)$", module)  # gopkg.in/yaml.v3
    if match and module.startswith("gopkg.in/"):
        return module[: match.start()], int(match.group(1))
    return module, 1
