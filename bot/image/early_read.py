"""Reading a classic build's layers back before the build ends.

The classic builder commits an image after every instruction. The instructions that end most
Dockerfiles (USER, WORKDIR, EXPOSE, HEALTHCHECK, ENTRYPOINT, CMD, LABEL) add no layer, yet each
costs it a container and a commit, about 40 ms. Once it has committed the built stage's last
RUN, COPY or ADD, that step's image already holds every layer the final image will have, so it
is read back (saved, measured) while the builder finishes the rest.

The final image then needs no `docker image save` of its own. Its layers must be exactly the
step image's; then its history is the step image's, followed by the entries `docker history`
lists above the step image (metadata only, since no layer was added). That history is all the
measurement reads from an image config, and what the layer cache keeps for the final image.
When anything disagrees (a WORKDIR that made a
directory, an ONBUILD trigger, a step image that could not be read), the final image is saved
and read as usual.

BuildKit commits no image per step (and `--load` exports the image only at the end): nothing
is read early there.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.image.build import CLASSIC_STEP, all_instructions
from bot.image.docker import Docker, DockerError
from bot.image.history import built_chain
from bot.parsing.dockerfile import Dockerfile

LAYER_KEYWORDS = frozenset({"RUN", "COPY", "ADD"})
STEP_IMAGE = re.compile(r"^ ---> ([0-9a-f]{12,64})$")
"""The classic builder's line naming the image a step committed."""


@dataclass(frozen=True)
class LastLayerStep:
    """The built stage's last instruction that can make a layer, as the classic builder counts it."""

    number: int
    """Its `Step N/M` number: every instruction of the file counts, global ARGs included."""
    keyword: str


def last_layer_step(dockerfile: Dockerfile, target: str | None) -> LastLayerStep | None:
    """The step to read early, or None when no instruction follows it in the built stage (there
    is nothing to overlap) or the built stage makes no layer of its own."""
    _chain, stage = built_chain(dockerfile, target)
    if stage is None:
        return None
    layer_making = [index for index, ins in enumerate(stage.instructions) if ins.keyword in LAYER_KEYWORDS]
    if not layer_making or layer_making[-1] == len(stage.instructions) - 1:
        return None
    instruction = stage.instructions[layer_making[-1]]
    numbers = {id(ins): number for number, ins in enumerate(all_instructions(dockerfile), start=1)}
    return LastLayerStep(numbers[id(instruction)], instruction.keyword)


class StepWatcher:
    """Follows a classic build's output line by line; calls `on_image` once, with the ID of the
    image committed by `step`."""

    def __init__(self, step: LastLayerStep, on_image: Callable[[str], None]) -> None:
        self.step = step
        self.on_image = on_image
        self._current: int | None = None
        self._fired = False

    def feed(self, line: str) -> None:
        if self._fired:
            return
        started = CLASSIC_STEP.match(line.strip())
        if started:
            keyword = started.group(3).split(" ", 1)[0].upper()
            number = int(started.group(1))
            self._current = number if number == self.step.number and keyword == self.step.keyword else None
            return
        committed = STEP_IMAGE.match(line.rstrip())
        if committed and self._current is not None:
            self._fired = True
            self.on_image(committed.group(1))


def config_after(
    docker: Docker, image_id: str, diff_ids: list[str], ancestor_id: str, ancestor_config: dict[str, Any]
) -> dict[str, Any] | None:
    """The history and layers of `image_id`, an image built on `ancestor_id` without adding a
    layer: the ancestor's history, then the entries `docker history` lists above it. None when
    the layers differ or the two histories do not join."""
    rootfs = ancestor_config.get("rootfs")
    inherited = ancestor_config.get("history")
    if not isinstance(rootfs, dict) or rootfs.get("diff_ids") != diff_ids or not isinstance(inherited, list):
        return None
    rows = image_history(docker, image_id)
    ids = [row.image_id for row in rows or ()]
    if rows is None or ancestor_id not in ids:
        return None
    above = ids.index(ancestor_id)
    if len(rows) - above != len(inherited):
        return None
    added = [row.config_entry() for row in reversed(rows[:above])]
    return {"rootfs": {"type": "layers", "diff_ids": list(diff_ids)}, "history": [*inherited, *added]}


@dataclass(frozen=True)
class HistoryRow:
    """One entry of `docker image history`, newest first; `image_id` is "<missing>" for the
    entries of an image not built here."""

    image_id: str
    created_by: str
    created: str
    comment: str

    def config_entry(self) -> dict[str, Any]:
        """As an image config's history lists it, for an instruction that made no layer."""
        entry: dict[str, Any] = {"created": self.created, "created_by": self.created_by, "empty_layer": True}
        return {**entry, "comment": self.comment} if self.comment else entry


def image_history(docker: Docker, image_id: str) -> list[HistoryRow] | None:
    """`docker image history`, newest first; None when it cannot be read."""
    try:
        entries = docker.image_history(image_id)
    except DockerError:
        return None
    return [
        HistoryRow(
            str(entry.get("Id", "")),
            str(entry.get("CreatedBy", "")),
            _timestamp(entry.get("Created")),
            str(entry.get("Comment") or ""),
        )
        for entry in entries
    ]


def _timestamp(created: Any) -> str:
    """The engine gives seconds, the client (`--human=false`) a timestamp already."""
    if isinstance(created, int | float):
        return datetime.fromtimestamp(created, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return str(created or "")
