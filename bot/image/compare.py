"""Base against head, instruction by instruction.

Steps are matched by their instruction text first and by position second: the diff of the
two instruction lists (as `difflib` sees them) pairs equal instructions, pairs the changed
ones of a changed block in order, and leaves the rest as added (head only) or removed (base
only). The base image (all FROM layers) is one step on each side.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from bot.image.history import Step


@dataclass(frozen=True)
class StepDelta:
    head: Step | None
    base: Step | None

    @property
    def status(self) -> str:
        if self.base is None:
            return "added"
        if self.head is None:
            return "removed"
        return "same" if _key(self.base) == _key(self.head) else "changed"

    @property
    def delta(self) -> int:
        return (self.head.size if self.head else 0) - (self.base.size if self.base else 0)

    @property
    def gzip_delta(self) -> int:
        return (self.head.gzip_size if self.head else 0) - (self.base.gzip_size if self.base else 0)

    @property
    def text(self) -> str:
        step = self.head or self.base
        assert step is not None
        return step.text


def compare_steps(base: list[Step] | tuple[Step, ...], head: list[Step] | tuple[Step, ...]) -> list[StepDelta]:
    """Every step of either side once, in head order (removed base steps where they were)."""
    matcher = SequenceMatcher(None, [_key(s) for s in base], [_key(s) for s in head], autojunk=False)
    deltas: list[StepDelta] = []
    for operation, b_start, b_end, h_start, h_end in matcher.get_opcodes():
        base_part, head_part = base[b_start:b_end], head[h_start:h_end]
        if operation in ("equal", "replace"):
            paired = min(len(base_part), len(head_part))
            deltas.extend(StepDelta(head_part[i], base_part[i]) for i in range(paired))
            deltas.extend(StepDelta(step, None) for step in head_part[paired:])
            deltas.extend(StepDelta(None, step) for step in base_part[paired:])
        elif operation == "insert":
            deltas.extend(StepDelta(step, None) for step in head_part)
        else:
            deltas.extend(StepDelta(None, step) for step in base_part)
    return deltas


def _key(step: Step) -> str:
    return step.key or step.text
