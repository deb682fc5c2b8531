"""Sizes as people write them (`50MB`, `1.5 GiB`) and the image size budget (`+50MB,+10%,800MB`).

The action's `size-budget` input is parsed here into the config file's `image.budget` type.
"""

from __future__ import annotations

import re

from bot.image.settings import SizeBudget

_UNITS = {
    "": 1,
    "B": 1,
    "KB": 1000,
    "MB": 1000**2,
    "GB": 1000**3,
    "KIB": 1024,
    "MIB": 1024**2,
    "GIB": 1024**3,
}
_SIZE = re.compile(r"^(?P<number>\d+(?:\.\d+)?)\s*(?P<unit>[KMG]I?B|B)?$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """`"50MB"` -> 50_000_000 (MB, GB as Docker counts them), `"2GiB"` -> 2 * 1024**3."""
    match = _SIZE.match(text.strip())
    if not match:
        raise ValueError(f"{text.strip()!r} is not a size (examples: 800MB, 1.5GB, 300MiB)")
    return int(float(match.group("number")) * _UNITS[(match.group("unit") or "").upper()])


def parse_size_budget(text: str) -> SizeBudget:
    """`"+50MB,+10%,800MB"`: growth at most 50 MB and 10 %, and at most 800 MB in all.

    A `+` marks growth against the base image; a bare size is the head image's maximum.
    """
    growth_bytes: int | None = None
    growth_percent: float | None = None
    max_size: int | None = None
    for raw in text.split(","):
        item = raw.strip()
        if not item:
            continue
        growth = item.startswith("+")
        body = item.lstrip("+").strip()
        if body.endswith("%"):
            if not growth:
                raise ValueError(f"{item!r}: a percentage limits growth, write it as +{body}")
            try:
                growth_percent = float(body[:-1])
            except ValueError:
                raise ValueError(f"{item!r} is not a percentage") from None
        elif growth:
            growth_bytes = parse_size(body)
        else:
            max_size = parse_size(body)
    if growth_bytes is None and growth_percent is None and max_size is None:
        raise ValueError(f"{text.strip()!r} sets no limit (examples: +50MB, +10%, 800MB)")
    return SizeBudget(growth_bytes, growth_percent, max_size)
