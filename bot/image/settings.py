"""The `image:` part of the config file: what to build, how, and the size budget.

```yaml
image:
  max-images: 4               # images built per review; the rest are listed as skipped
  concurrency: 1              # builds at a time
  timeout: 900                # seconds per build
  network: none               # docker build --network (default: the builder's own)
  platform: linux/amd64       # docker build --platform for every image (default: the engine's)
  keep-cache: true            # keep the builder's cache (the classic builder's: its images, untagged;
                              # then a build whose inputs an earlier review built is not run again)
  growth-threshold-mb: 10     # an instruction growing more than this gets an inline finding
  waste-threshold-mb: 10      # an instruction wasting more than this gets an inline finding
  budget:                     # exceeding it is a finding of `severity`
    max-growth-mb: 50
    max-growth-percent: 10
    max-size-mb: 500
    size: uncompressed        # or compressed: which size the budget is about
    severity: high
  images:                     # build exactly these (instead of discovering them)
    - dockerfile: docker/Dockerfile
      context: .
      target: runtime
      args: {PYTHON_VERSION: "3.12"}
      platform: linux/arm64
```
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.model import Severity

MB = 1_000_000
MAX_MEGABYTES = 1_000_000_000
"""Sizes in the config above this are mistakes (and past what an integer of bytes should hold)."""
_KEYS = (
    "max-images",
    "concurrency",
    "timeout",
    "network",
    "platform",
    "keep-cache",
    "growth-threshold-mb",
    "waste-threshold-mb",
    "budget",
    "images",
)
_BUDGET_KEYS = ("max-growth-mb", "max-growth-percent", "max-size-mb", "size", "severity")
_IMAGE_KEYS = ("dockerfile", "context", "target", "args", "platform")

Problem = Callable[[Any, Any, str], None]
"""(mapping, key, message): report a problem at the line of `key` in `mapping`."""


@dataclass(frozen=True)
class ImageSpec:
    """One image to build, as listed in the config file."""

    dockerfile: str
    context: str | None = None
    """None: the Dockerfile's directory."""
    target: str | None = None
    args: dict[str, str] = field(default_factory=dict)
    platform: str | None = None


@dataclass(frozen=True)
class SizeBudget:
    max_growth_bytes: int | None = None
    max_growth_percent: float | None = None
    max_size_bytes: int | None = None
    compressed: bool = False
    severity: Severity = Severity.HIGH

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.max_growth_bytes, self.max_growth_percent, self.max_size_bytes))


@dataclass(frozen=True)
class ImageSettings:
    max_images: int = 4
    concurrency: int = 1
    timeout: int = 900
    network: str | None = None
    platform: str | None = None
    keep_cache: bool = True
    """Removing the review's images keeps the layers the builder caches (BuildKit keeps its cache
    anyway; for the classic builder these are the step images), so the next review is fast."""
    growth_threshold_bytes: int = 10 * MB
    waste_threshold_bytes: int = 10 * MB
    budget: SizeBudget = field(default_factory=SizeBudget)
    images: tuple[ImageSpec, ...] = ()
    """When set, exactly these are built: discovery is off."""


def read_image_settings(data: Any, parent: Any, problem: Problem) -> ImageSettings:
    """Validate the `image:` mapping (`parent` holds it, for lines); problems go to `problem`."""
    if data is None:
        return ImageSettings()
    if not isinstance(data, dict):
        problem(parent, "image", "'image' must be a mapping (max-images, budget, images, ...)")
        return ImageSettings()
    _unknown_keys(data, _KEYS, "image", problem)
    defaults = ImageSettings()
    return ImageSettings(
        max_images=_int(data, "max-images", defaults.max_images, problem),
        concurrency=_int(data, "concurrency", defaults.concurrency, problem),
        timeout=_int(data, "timeout", defaults.timeout, problem),
        network=_string(data, "network", problem),
        platform=_string(data, "platform", problem),
        keep_cache=_bool(data, "keep-cache", defaults.keep_cache, problem),
        growth_threshold_bytes=_or(_megabytes(data, "growth-threshold-mb", problem), defaults.growth_threshold_bytes),
        waste_threshold_bytes=_or(_megabytes(data, "waste-threshold-mb", problem), defaults.waste_threshold_bytes),
        budget=_budget(data, problem),
        images=tuple(_images(data, problem)),
    )


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _unknown_keys(data: Any, known: tuple[str, ...], where: str, problem: Problem) -> None:
    for key in data:
        if key not in known:
            problem(data, key, f"unknown key {where}.{key} (one of: {', '.join(known)})")


def _int(data: Any, key: str, default: int, problem: Problem) -> int:
    if key not in data:
        return default
    value = data[key]
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        problem(data, key, f"image.{key} must be a positive whole number")
        return default
    return value


def _bool(data: Any, key: str, default: bool, problem: Problem) -> bool:
    if key not in data:
        return default
    if not isinstance(data[key], bool):
        problem(data, key, f"image.{key} must be true or false")
        return default
    return bool(data[key])


def _number(data: Any, key: str, problem: Problem, where: str = "image") -> float | None:
    if key not in data:
        return None
    value = data[key]
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value < math.inf:
        problem(data, key, f"{where}.{key} must be a number, 0 or more")
        return None
    return float(value)


def _megabytes(data: Any, key: str, problem: Problem, where: str = "image") -> int | None:
    value = _number(data, key, problem, where)
    if value is not None and value > MAX_MEGABYTES:
        problem(data, key, f"{where}.{key} must be at most {MAX_MEGABYTES:,} (a petabyte)")
        return None
    return None if value is None else int(value * MB)


def _string(data: Any, key: str, problem: Problem, where: str = "image") -> str | None:
    if key not in data or data[key] is None:
        return None
    value = data[key]
    if not isinstance(value, str) or not value.strip() or value.startswith("-"):
        problem(data, key, f"{where}.{key} must be a non-empty string, not starting with '-'")
        return None
    return value.strip()


def _budget(data: Any, problem: Problem) -> SizeBudget:
    budget = data.get("budget")
    if budget is None:
        return SizeBudget()
    if not isinstance(budget, dict):
        problem(data, "budget", "image.budget must be a mapping (max-growth-mb, max-growth-percent, max-size-mb)")
        return SizeBudget()
    _unknown_keys(budget, _BUDGET_KEYS, "image.budget", problem)
    size = budget.get("size", "uncompressed")
    if size not in ("uncompressed", "compressed"):
        problem(budget, "size", "image.budget.size must be 'uncompressed' or 'compressed'")
    severity = Severity.HIGH
    if "severity" in budget:
        try:
            severity = Severity.parse(str(budget["severity"]))
        except ValueError as error:
            problem(budget, "severity", f"image.budget.severity: {error}")
    return SizeBudget(
        max_growth_bytes=_megabytes(budget, "max-growth-mb", problem, "image.budget"),
        max_growth_percent=_number(budget, "max-growth-percent", problem, "image.budget"),
        max_size_bytes=_megabytes(budget, "max-size-mb", problem, "image.budget"),
        compressed=size == "compressed",
        severity=severity,
    )


def _images(data: Any, problem: Problem) -> list[ImageSpec]:
    items = data.get("images")
    if items is None:
        return []
    if not isinstance(items, list):
        problem(data, "images", "image.images must be a list of {dockerfile, context, target, args, platform}")
        return []
    specs = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("dockerfile"), str):
            problem(data, "images", "every entry of image.images needs a 'dockerfile' path")
            continue
        _unknown_keys(item, _IMAGE_KEYS, "image.images[]", problem)
        args = item.get("args") or {}
        if not isinstance(args, dict):
            problem(item, "args", "image.images[].args must map build argument names to values")
            args = {}
        specs.append(
            ImageSpec(
                dockerfile=item["dockerfile"].strip().lstrip("/"),
                context=_string(item, "context", problem, "image.images[]"),
                target=_string(item, "target", problem, "image.images[]"),
                args={str(k): "" if v is None else str(v) for k, v in args.items()},
                platform=_string(item, "platform", problem, "image.images[]"),
            )
        )
    return specs
