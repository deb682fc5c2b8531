"""Wasted space: bytes an image ships that no container can see, as dive measures it.

A file added by one layer and then rewritten (`RUN chown -R`, `RUN chmod`, a second COPY) or
deleted (`RUN rm`, `apt-get clean` in a later RUN) by a later layer still sits in the earlier
layer: every pull downloads it. `wasted_bytes` is the size of those shadowed copies, each
blamed on the later layer that shadowed it; `potential_wasted_bytes` is dive's own figure
(the sum, over every path found in more than one layer, of all its copies' sizes, a deletion
counting the size of what it deleted), for readers who compare with dive's CI output.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from bot.image.layers import LayerData

TOP_PATHS = 5


@dataclass(frozen=True)
class Shadowing:
    """Bytes that layer `by` made invisible (overwrote or deleted), added by layer `added_in`."""

    by: int
    added_in: int
    bytes: int
    paths: tuple[tuple[str, int], ...]
    """The largest paths concerned, with their sizes."""


@dataclass(frozen=True)
class Waste:
    wasted_bytes: int = 0
    potential_wasted_bytes: int = 0
    shadowings: tuple[Shadowing, ...] = ()
    """Largest first."""


@dataclass
class _Tally:
    bytes: int = 0
    paths: list[tuple[str, int]] = field(default_factory=list)

    def add(self, path: str, size: int) -> None:
        self.bytes += size
        self.paths.append((path, size))


def analyze_waste(layers: tuple[LayerData, ...]) -> Waste:
    stack = _Stack()
    for index, layer in enumerate(layers):
        for entry in layer.files:  # deletions apply to the layers below, whatever their order in the tar
            if entry.kind == "w":
                stack.occurrences[entry.path].append(stack.delete(entry.path, index, itself=True))
            elif entry.kind == "o":
                stack.delete(entry.path, index, itself=False)
        for entry in layer.files:
            if entry.kind in "fdl":
                stack.add(entry.path, entry.size, entry.kind == "d", index)
    shadowings = sorted(
        (
            Shadowing(by, added_in, tally.bytes, tuple(sorted(tally.paths, key=lambda p: -p[1])[:TOP_PATHS]))
            for (by, added_in), tally in stack.tallies.items()
        ),
        key=lambda s: (-s.bytes, s.by, s.added_in),
    )
    potential = sum(sum(sizes) for sizes in stack.occurrences.values() if len(sizes) > 1)
    return Waste(sum(s.bytes for s in shadowings), potential, tuple(shadowings))


@dataclass
class _Stack:
    """The stacked file tree so far: path -> (size, added in layer, is a directory)."""

    present: dict[str, tuple[int, int, bool]] = field(default_factory=dict)
    occurrences: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    tallies: dict[tuple[int, int], _Tally] = field(default_factory=lambda: defaultdict(_Tally))

    def add(self, path: str, size: int, is_dir: bool, index: int) -> None:
        self.occurrences[path].append(size)
        existing = self.present.get(path)
        if existing is not None and is_dir and existing[2]:
            return  # a directory entry again (new mode or owner): its files stay
        if existing is not None:
            self.delete(path, index, itself=True)
        self.present[path] = (size, index, is_dir)

    def delete(self, path: str, by: int, *, itself: bool) -> int:
        """Remove `path` (when `itself`) and, for a directory, everything below it; the bytes removed."""
        existing = self.present.get(path)
        removed = 0
        if itself and existing is not None:
            removed += self._shadow(path, by)
        if existing is None or existing[2]:
            prefix = f"{path}/" if path else ""
            for child in [p for p in self.present if p.startswith(prefix)]:
                removed += self._shadow(child, by)
        return removed

    def _shadow(self, path: str, by: int) -> int:
        size, added_in, _is_dir = self.present.pop(path)
        if size:
            self.tallies[(by, added_in)].add(path, size)
        return size
