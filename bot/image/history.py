"""Which Dockerfile instruction made which layer: the image's history mapped to the Dockerfile.

Every instruction of the built stage (and of the stages it is built `FROM`) adds one entry to
the image config's `history`, in order, after the entries of the base image; entries that
made a layer take the image's layers in order. Matching from the end, instruction against
entry (by keyword: the classic builder writes `/bin/sh -c #(nop)  ENV ...` or the RUN's
command, BuildKit writes `ENV ...` and `RUN /bin/sh -c ... # buildkit`), gives each layer
its Dockerfile line; what is left at the start is the base image.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.image.layers import LayerData
from bot.parsing.dockerfile import INSTRUCTIONS, Dockerfile, Instruction, Stage

_NOP = re.compile(r"#\(nop\)\s+([A-Z]+)")


@dataclass(frozen=True)
class Step:
    """One history entry of an image, or the base image's entries taken together."""

    keyword: str
    """The instruction keyword; "FROM" for the base image's layers."""
    text: str
    """The instruction as written in the Dockerfile (its first line), or FROM's image."""
    line: int | None
    end_line: int | None
    layers: tuple[int, ...]
    """Indexes of the image layers this step made (one, or none for metadata; many for FROM)."""
    size: int
    """Uncompressed bytes of its layers."""
    gzip_size: int
    stage: str | None = None
    key: str = ""
    """The whole instruction, whitespace collapsed: what base and head steps are matched by."""


@dataclass(frozen=True)
class HistoryEntry:
    created_by: str
    empty: bool
    layer: int | None


def history_entries(config: dict[str, Any], layer_count: int) -> list[HistoryEntry]:
    """The config's history with each layer-making entry given its layer index.

    Images without (consistent) history get one entry per layer with an unknown command."""
    raw = config.get("history") or []
    entries: list[HistoryEntry] = []
    index = 0
    for item in raw:
        empty = bool(item.get("empty_layer"))
        layer = None if empty else index
        if not empty:
            index += 1
        entries.append(HistoryEntry(str(item.get("created_by", "")), empty, layer))
    if index != layer_count:
        return [HistoryEntry("", False, i) for i in range(layer_count)]
    return entries


def history_keyword(created_by: str) -> str:
    """The instruction keyword behind a history entry, as each builder writes it."""
    text = created_by.strip()
    nop = _NOP.search(text)
    if nop:
        return nop.group(1)
    first = text.split(" ", 1)[0]
    if first in INSTRUCTIONS:
        return first
    return "RUN"


def built_chain(dockerfile: Dockerfile, target: str | None) -> tuple[list[Stage], Stage | None]:
    """The stages whose instructions are in the built image, root first, and the built stage."""
    stage = dockerfile.stage_named(target) if target else dockerfile.final_stage
    if stage is None:
        return [], None
    return list(reversed(dockerfile.lineage(stage))), stage


def map_steps(
    config: dict[str, Any], layers: tuple[LayerData, ...], dockerfile: Dockerfile, target: str | None
) -> list[Step]:
    """The image's steps: the base image first (all its layers as one FROM step), then one step
    per instruction of the built stages with its line and the size of the layer it made."""
    entries = history_entries(config, len(layers))
    chain, _stage = built_chain(dockerfile, target)
    instructions: list[tuple[Instruction, str | None]] = [
        (instruction, stage.name) for stage in chain for instruction in stage.instructions
    ]
    pairs: list[tuple[HistoryEntry, Instruction, str | None]] = []
    position = len(entries) - 1
    for instruction, stage_name in reversed(instructions):
        if position < 0 or history_keyword(entries[position].created_by) != instruction.keyword:
            break
        pairs.append((entries[position], instruction, stage_name))
        position -= 1
    pairs.reverse()
    base_entries = entries[: position + 1]
    steps = [_base_step(base_entries, layers, chain)]
    for entry, instruction, stage_name in pairs:
        indexes = () if entry.layer is None else (entry.layer,)
        steps.append(
            Step(
                keyword=instruction.keyword,
                text=short_text(display_text(instruction)),
                line=instruction.line,
                end_line=instruction.end_line,
                layers=indexes,
                size=sum(layers[i].content_bytes for i in indexes),
                gzip_size=sum(layers[i].gzip_bytes for i in indexes),
                stage=stage_name,
                key=_key(instruction.original),
            )
        )
    return steps


def _base_step(entries: list[HistoryEntry], layers: tuple[LayerData, ...], chain: list[Stage]) -> Step:
    indexes = tuple(entry.layer for entry in entries if entry.layer is not None)
    root = chain[0] if chain else None
    image = root.base_resolved if root else "the base image"
    line = root.from_instruction.line if root else None
    return Step(
        keyword="FROM",
        text=f"FROM {image}",
        line=line,
        end_line=root.from_instruction.end_line if root else None,
        layers=indexes,
        size=sum(layers[i].content_bytes for i in indexes),
        gzip_size=sum(layers[i].gzip_bytes for i in indexes),
        stage=root.name if root else None,
        key=_key(f"FROM {image}"),
    )


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def display_text(instruction: Instruction) -> str:
    """The instruction as the report may show it: ENV, ARG and LABEL values masked (they may be
    credentials, and a size review does not need them)."""
    if instruction.keyword in ("ENV", "LABEL"):
        names = instruction.arguments[0::2]
        return f"{instruction.keyword} " + " ".join(f"{name}=…" for name in names)
    if instruction.keyword == "ARG":
        words = [word.partition("=") for word in instruction.arguments]
        return "ARG " + " ".join(f"{name}=…" if eq else name for name, eq, _value in words)
    return instruction.original


def short_text(text: str, limit: int = 80) -> str:
    """An instruction on one line, cut at `limit` characters."""
    flat = re.sub(r"\s+", " ", text).strip()
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
