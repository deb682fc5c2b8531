"""Measure one built image: sizes, layers by instruction, wasted space, and its own config."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from bot.image.docker import Docker, RunningWork
from bot.image.history import Step, map_steps
from bot.image.layer_cache import LayerCache
from bot.image.layers import LayerData, MeasureError
from bot.image.save import AncestorImage, ReadWork, read_image
from bot.image.waste import Waste, analyze_waste
from bot.parsing.dockerfile import Dockerfile
from bot.workspace import ImageConfig


@dataclass(frozen=True)
class ImageMeasure:
    image_id: str
    size: int
    """Uncompressed, as `docker image inspect` (and `docker images`) report it."""
    compressed: int
    """Sum of the layers gzip-compressed: what a registry stores and a pull downloads."""
    layer_count: int
    steps: tuple[Step, ...]
    waste: Waste
    config: ImageConfig
    platform: str
    layers: tuple[LayerData, ...]
    work: ReadWork
    """What measuring it cost: whether it was saved, how many layers were read and measured."""


def measure_image(
    docker: Docker,
    image_id: str,
    dockerfile: Dockerfile,
    target: str | None,
    cache: LayerCache | None,
    ancestor: AncestorImage | None = None,
    running: RunningWork | None = None,
) -> ImageMeasure:
    """`ancestor`: the build's last layer-making step image, when it was read early; `running`:
    where an interrupted review stops the reading."""
    inspected = inspect_image(docker, image_id)
    diff_ids = [str(d) for d in (inspected.get("RootFS") or {}).get("Layers") or []]
    saved = read_image(docker, image_id, diff_ids, cache, ancestor, running)
    steps = map_steps(saved.config, saved.layers, dockerfile, target)
    platform = "/".join(p for p in (inspected.get("Os"), inspected.get("Architecture"), inspected.get("Variant")) if p)
    return ImageMeasure(
        image_id=image_id,
        size=int(inspected.get("Size") or sum(layer.content_bytes for layer in saved.layers)),
        compressed=sum(layer.gzip_bytes for layer in saved.layers),
        layer_count=len(diff_ids),
        steps=tuple(steps),
        waste=analyze_waste(saved.layers),
        config=replace(image_config(inspected.get("Config") or {}), programs=programs(saved.layers)),
        platform=platform,
        layers=saved.layers,
        work=saved.work,
    )


BIN_DIRECTORIES = ("bin", "sbin", "usr/bin", "usr/sbin", "usr/local/bin", "usr/local/sbin")


def programs(layers: tuple[LayerData, ...]) -> frozenset[str]:
    """The files and links in the bin directories of the image the layers make, bottom layer
    first: a whiteout removes a path, an opaque directory what lower layers had in it."""
    present: set[str] = set()
    for layer in layers:
        for item in layer.files:
            directory = item.path.rpartition("/")[0]
            if item.kind in ("o", "w"):  # an opaque directory hides what was below; a whiteout, the path
                inside = item.path.rstrip("/") + "/"
                present = {path for path in present if not path.startswith(inside) and path != item.path}
            elif item.kind in ("f", "l") and directory in BIN_DIRECTORIES:
                present.add(item.path)
    return frozenset(present)


def inspect_image(docker: Docker, ref: str) -> dict[str, Any]:
    data = docker.inspect_image(ref)
    if not isinstance(data, dict):
        raise MeasureError(f"docker image inspect {ref} gave no image")
    return data


def image_config(config: dict[str, Any]) -> ImageConfig:
    """The built image's own settings; of the environment only the names, never the values."""
    healthcheck = config.get("Healthcheck") or {}
    return ImageConfig(
        user=str(config.get("User") or ""),
        entrypoint=_strings(config.get("Entrypoint")),
        cmd=_strings(config.get("Cmd")),
        healthcheck=_strings(healthcheck.get("Test")),
        exposed_ports=tuple(sorted(config.get("ExposedPorts") or {})),
        env_names=tuple(str(item).split("=", 1)[0] for item in config.get("Env") or []),
    )


def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(item) for item in value)
    if isinstance(value, str) and value:
        return (value,)
    return ()
