"""Which Dockerfile instruction made the image layer a vulnerable package came from.

Trivy names the layer (its DiffID) and gives the image's history; the image analyzer's mapping
of history entries to instructions (bot.image.history) says which instruction made each
layer. The base image's layers belong to the root stage's FROM line.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.image.history import map_steps
from bot.image.layers import LayerData
from bot.parsing.dockerfile import Dockerfile


@dataclass(frozen=True)
class LayerOrigin:
    keyword: str
    """FROM for the base image's layers."""
    line: int
    end_line: int
    text: str
    """The instruction on one line, as the image report shows it (`FROM debian:12`, `RUN ...`)."""


def layer_origins(
    history: tuple[tuple[str, bool], ...], diff_ids: tuple[str, ...], dockerfile: Dockerfile, target: str | None
) -> dict[str, LayerOrigin]:
    """DiffID -> the instruction that made it (FROM for the base image's layers)."""
    config = {"history": [{"created_by": created_by, "empty_layer": empty} for created_by, empty in history]}
    unmeasured = tuple(LayerData(diff_id, 0, 0, 0, ()) for diff_id in diff_ids)  # sizes are not needed here
    origins: dict[str, LayerOrigin] = {}
    for step in map_steps(config, unmeasured, dockerfile, target):
        if step.line is None:
            continue
        for index in step.layers:
            origins[diff_ids[index]] = LayerOrigin(step.keyword, step.line, step.end_line or step.line, step.text)
    return origins
