"""What building and measuring one image's base and head gave: the subject of the image rules."""

from __future__ import annotations

from dataclasses import dataclass

from bot.image.build import BuildFailure
from bot.image.compare import StepDelta, compare_steps
from bot.image.discovery import BuildTarget
from bot.image.measure import ImageMeasure
from bot.image.settings import ImageSettings


@dataclass(frozen=True)
class SideResult:
    """One side (base or head) of one image: measured, or why not."""

    measure: ImageMeasure | None = None
    failure: BuildFailure | None = None
    problem: str = ""
    """Why there is no measure when the build itself did not fail (not built, not readable)."""
    build_seconds: float | None = None
    """How long the build ran (None: it did not run)."""
    read_seconds: float | None = None
    """How long measuring the image took once it was built."""
    reused: bool = False
    """Not built: an earlier review built the same inputs into this image (bot/image/reuse.py)."""


@dataclass(frozen=True)
class ImageResult:
    target: BuildTarget
    head: SideResult
    base: SideResult
    """`SideResult()` with a problem saying why when there is no base image (a new Dockerfile)."""

    @property
    def deltas(self) -> list[StepDelta]:
        """Step by step; against an empty base when the base has no image."""
        if self.head.measure is None:
            return []
        base_steps = self.base.measure.steps if self.base.measure else ()
        return compare_steps(base_steps, self.head.measure.steps)

    @property
    def compared(self) -> bool:
        return self.head.measure is not None and self.base.measure is not None

    @property
    def same_failure(self) -> bool:
        """Both sides fail at the same instruction for the same reason: the environment (no
        registry, no network) rather than the change."""
        head, base = self.head.failure, self.base.failure
        return (
            head is not None and base is not None and (head.instruction, head.reason) == (base.instruction, base.reason)
        )


@dataclass(frozen=True)
class ImageRuleContext:
    settings: ImageSettings
    side: str = "head"
