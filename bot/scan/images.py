"""The images the image analyzer built, paired base with head, and where their packages came from."""

from __future__ import annotations

from dataclasses import dataclass

from bot.changes import ChangeSet
from bot.parsing.dockerfile import parse_dockerfile
from bot.scan.cache import ScanResult
from bot.scan.layers import LayerOrigin, layer_origins
from bot.text import split_lines
from bot.workspace import BuiltImage


@dataclass(frozen=True)
class ImagePair:
    dockerfile: str
    """The head path of the Dockerfile."""
    target: str | None
    base: BuiltImage | None
    head: BuiltImage | None


def image_pairs(changes: ChangeSet, images: list[BuiltImage]) -> list[ImagePair]:
    """Base and head image of each Dockerfile (and target), a renamed Dockerfile under its new path."""
    renamed = {f.old_path: f.path for f in changes.files if f.old_path}
    pairs: dict[tuple[str, str | None], dict[str, BuiltImage]] = {}
    for image in images:
        path = renamed.get(image.dockerfile, image.dockerfile) if image.side == "base" else image.dockerfile
        pairs.setdefault((path, image.target), {})[image.side] = image
    return [
        ImagePair(path, target, sides.get("base"), sides.get("head"))
        for (path, target), sides in sorted(pairs.items(), key=lambda item: (item[0][0], item[0][1] or ""))
    ]


def dockerfile_text(changes: ChangeSet, path: str, side: str) -> str | None:
    """The Dockerfile an image was built from, as that side of the change has it."""
    changed = changes.file(path)
    if changed is not None:
        return changed.base_text if side == "base" else changed.head_text
    return changes.tree.read(path)  # not changed: the same on both sides


def origins_of(changes: ChangeSet, pair: ImagePair, side: str, result: ScanResult) -> dict[str, LayerOrigin]:
    text = dockerfile_text(changes, pair.dockerfile, side)
    if text is None:
        return {}
    dockerfile = parse_dockerfile(pair.dockerfile, text)
    if dockerfile.errors:
        return {}
    return layer_origins(result.history, result.diff_ids, dockerfile, pair.target)


def dockerfile_lines(changes: ChangeSet, path: str) -> list[str]:
    return split_lines(dockerfile_text(changes, path, "head") or "")
