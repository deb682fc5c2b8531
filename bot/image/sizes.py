"""Byte counts as people read them: decimal units, as `docker images` shows sizes."""

from __future__ import annotations

_UNITS = ((1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "kB"))


def human(size: int) -> str:
    """`312400000` -> "312.4 MB"; `-2048` -> "-2.0 kB"."""
    magnitude = abs(size)
    for factor, unit in _UNITS:
        if magnitude >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} B"


def signed(size: int) -> str:
    """A change: "+290.0 MB", "-1.2 kB", "±0 B"."""
    if size == 0:
        return "±0 B"
    return ("+" if size > 0 else "") + human(size)


def percent(change: int, before: int) -> str:
    """ "+12.5%"; "new" when there was nothing before."""
    if before <= 0:
        return "new" if change else "±0%"
    value = 100 * change / before
    if abs(value) < 0.05:
        return "±0%"
    return f"{value:+.1f}%"
