"""Which Dockerfile instruction made the image layer a vulnerable package came from.

Trivy names the layer (its DiffID). The image config's history has one entry per instruction
of the built stages, after the base image's entries; the entries that made a layer take the
image's layers in order. Matched from the end, instruction against entry by keyword, each layer
gets its instruction; the layers left at the start are the base image's: its FROM line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing.dockerfile import Dockerfile, Instruction

_NOP = re.compile(r"#\(nop\)\s+([A-Z]+)")
_KEYWORDS = frozenset(
    [
        "ADD",
        "ARG",
        "CMD",
        "COPY",
        "ENTRYPOINT",
        "ENV",
        "EXPOSE",
        "HEALTHCHECK",
        "LABEL",
        "MAINTAINER",
        "ONBUILD",
        "RUN",
        "SHELL",
        "STOPSIGNAL",
        "USER",
        "VOLUME",
        "WORKDIR",
    ]
)


@dataclass(frozen=True)
class LayerOrigin:
    keyword: str
    """FROM for the base image's layers."""
    line: int
    end_line: int
    text: str
    """The instruction on one line, or for FROM the base image."""


def history_keyword(created_by: str) -> str:
    """The keyword behind a history entry: the classic builder writes `/bin/sh -c #(nop)  ENV ...`
    or the RUN's command, BuildKit writes `ENV ...` and `RUN /bin/sh -c ... # buildkit`."""
    text = created_by.strip()
    nop = _NOP.search(text)
    if nop:
        return nop.group(1)
    first = text.split(" ", 1)[0]
    return first if first in _KEYWORDS else "RUN"


def layer_origins(
    history: tuple[tuple[str, bool], ...], diff_ids: tuple[str, ...], dockerfile: Dockerfile, target: str | None
) -> dict[str, LayerOrigin]:
    """DiffID -> the instruction that made it (FROM for the base image's layers)."""
    stage = dockerfile.stage_named(target) if target else dockerfile.final_stage
    if stage is None or not diff_ids:
        return {}
    chain = list(reversed(dockerfile.lineage(stage)))
    root = chain[0].from_instruction
    base = LayerOrigin("FROM", root.line, root.end_line, chain[0].base_resolved or chain[0].base)
    layer_of = _layer_indexes(history, len(diff_ids))
    origins = {diff_id: base for diff_id in diff_ids}
    instructions: list[Instruction] = [i for s in chain for i in s.instructions]
    position = len(history) - 1
    for instruction in reversed(instructions):
        if position < 0 or history_keyword(history[position][0]) != instruction.keyword:
            break
        layer = layer_of[position]
        if layer is not None:
            origins[diff_ids[layer]] = LayerOrigin(
                instruction.keyword, instruction.line, instruction.end_line, _one_line(instruction)
            )
        position -= 1
    return origins


def _layer_indexes(history: tuple[tuple[str, bool], ...], layer_count: int) -> list[int | None]:
    indexes: list[int | None] = []
    layer = 0
    for _created_by, empty in history:
        indexes.append(None if empty else layer)
        layer += 0 if empty else 1
    if layer != layer_count:  # no (consistent) history: every layer is the base image's
        return [None] * len(history)
    return indexes


def _one_line(instruction: Instruction) -> str:
    return " ".join(instruction.original.split())
