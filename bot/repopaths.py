"""Where a path that a reviewed file names leads: inside the repository, or out of it."""

from __future__ import annotations

import posixpath
from collections.abc import Iterator

ABSOLUTE = "an absolute path on the machine that runs it"
OUTSIDE = "outside the repository"


def outside_repository(base_dir: str, path: str) -> str | None:
    """Why `path` (relative to `base_dir`, a directory of the repository) is not in the
    repository: ABSOLUTE (`/srv/x`, `~/x`, `C:\\x`) or OUTSIDE (`../..` above the root); None
    for a path inside it."""
    if path.startswith(("/", "~")) or (len(path) > 1 and path[1] == ":"):
        return ABSOLUTE
    return OUTSIDE if climbs_out(posixpath.join(base_dir, path)) else None


def climbs_out(path: str) -> bool:
    """A repository-relative path that goes above the root (`../x`, `a/../../x`)."""
    joined = posixpath.normpath(path)
    return joined == ".." or joined.startswith("../")


def directories_above(path: str) -> Iterator[str]:
    """The directory of a repository path, then each one above it, up to the root ("")."""
    directory = posixpath.dirname(path)
    while True:
        yield directory
        if not directory:
            return
        directory = posixpath.dirname(directory)
