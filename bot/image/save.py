"""An image's config and measured layers: from the cache, else from one `docker image save`.

`docker image save` streams the image as a tar of layer tars, in the classic layout
(`<v1 id>/layer.tar`, engines before 25) or the OCI one (`blobs/sha256/<diff_id>`). Only the
layers not measured before are copied out of the stream: an OCI blob is named by its digest; a
classic directory is named by a digest of the layer's chain, which the cache maps to a diff_id
once a save's manifest.json has said so. What is copied out is hashed on the way, so what gets
measured is exactly the layer the image lists, whatever its name said. An image whose config
and layers are all in the cache is not saved at all.
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import tempfile
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import IO, Any

from bot.image.docker import Docker, DockerError, last_line
from bot.image.layer_cache import LayerCache
from bot.image.layers import CHUNK_BYTES, LayerData, MeasureError, measure_layer

SPOOL_BYTES = 64 << 20
SAVE_TIMEOUT_SECONDS = 900
MANIFEST = "manifest.json"
_LEGACY_LAYER = "/layer.tar"
_OCI_BLOB = "blobs/sha256/"


@dataclass(frozen=True)
class ReadWork:
    """What reading one image cost, beyond `docker image inspect`."""

    saved: bool = False
    """Whether a `docker image save` ran: not when the cache knew the config and every layer."""
    layers_read: int = 0
    """Layer tars copied out of the save stream (and hashed)."""
    layers_measured: int = 0
    """Layers gzip-compressed and listed file by file."""


@dataclass(frozen=True)
class SavedImage:
    config: dict[str, Any]
    layers: tuple[LayerData, ...]
    """In the order of the image's RootFS (bottom first)."""
    work: ReadWork


@dataclass
class _Stream:
    """What one pass over a `docker image save` stream gave."""

    documents: dict[str, Any] = field(default_factory=dict)
    """The image config and manifest.json, by member name."""
    measured: dict[str, LayerData] = field(default_factory=dict)
    layers_read: int = 0


def read_image(docker: Docker, image_id: str, diff_ids: list[str], cache: LayerCache | None) -> SavedImage:
    """The config and every layer of an image (`diff_ids` as `docker image inspect` lists them)."""
    config = cache.config(image_id) if cache else None
    known = {d: layer for d in dict.fromkeys(diff_ids) if cache and (layer := cache.layer(d)) is not None}
    work = ReadWork()
    if config is None or len(known) < len(set(diff_ids)):
        stream = _read_save(docker, image_id, set(diff_ids) - set(known), cache)
        config = config or _saved_config(stream, image_id)
        known.update(stream.measured)
        work = ReadWork(True, stream.layers_read, len(stream.measured))
        if cache:
            _remember(cache, image_id, config, diff_ids, stream)
    missing = [d for d in diff_ids if d not in known]
    if missing:
        raise MeasureError(f"docker save of {image_id[:19]} did not contain layer {missing[0][:19]}")
    return SavedImage(config, tuple(known[d] for d in diff_ids), work)


def _remember(cache: LayerCache, image_id: str, config: dict[str, Any], diff_ids: list[str], stream: _Stream) -> None:
    cache.store_config(image_id, config)
    for layer in stream.measured.values():
        cache.store_layer(layer)
    for directory, diff_id in legacy_layer_names(stream.documents.get(MANIFEST), image_id, diff_ids).items():
        cache.store_saved_layer(directory, diff_id)


def _read_save(docker: Docker, image_id: str, wanted: set[str], cache: LayerCache | None) -> _Stream:
    """One pass: the config, the manifest, and the `wanted` layers measured (in threads, while
    the rest of the stream arrives)."""
    process = docker.popen(["image", "save", image_id])
    assert process.stdout is not None
    stream = _Stream()
    documents = {*_config_names(image_id), MANIFEST}
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
            pending: dict[str, Future[LayerData]] = {}
            with tarfile.open(fileobj=process.stdout, mode="r|", bufsize=CHUNK_BYTES) as archive:
                for member in archive:
                    name = member.name.removeprefix("./")
                    handle = archive.extractfile(member) if member.isfile() else None
                    if handle is None:
                        continue
                    if name in documents:
                        stream.documents[name] = json.loads(handle.read())
                    elif _is_layer(name) and _worth_reading(_named_digest(name, cache), wanted, pending):
                        spool, digest = _spool(handle)
                        stream.layers_read += 1
                        if digest in wanted and digest not in pending:
                            pending[digest] = pool.submit(_measure_spooled, digest, spool)
                        else:
                            spool.close()
            stream.measured = {digest: future.result() for digest, future in pending.items()}
    except (tarfile.TarError, OSError, ValueError) as error:
        process.kill()
        raise MeasureError(f"cannot read `docker image save` output: {error}") from None
    finally:
        _finish(process)
    return stream


def _config_names(image_id: str) -> tuple[str, str]:
    digest = image_id.removeprefix("sha256:")
    return f"{digest}.json", f"{_OCI_BLOB}{digest}"


def _saved_config(stream: _Stream, image_id: str) -> dict[str, Any]:
    for name in _config_names(image_id):
        config = stream.documents.get(name)
        if isinstance(config, dict):
            return config
    raise MeasureError(f"docker image save of {image_id[:19]} had no image config")


def _is_layer(name: str) -> bool:
    return name.endswith(_LEGACY_LAYER) or name.startswith(_OCI_BLOB)


def _named_digest(name: str, cache: LayerCache | None) -> str | None:
    """The diff_id a member's name says it holds, when the name says so."""
    if name.startswith(_OCI_BLOB):
        return f"sha256:{name.removeprefix(_OCI_BLOB)}"
    directory = name.removesuffix(_LEGACY_LAYER)
    return cache.saved_layer(directory) if cache and directory.isalnum() else None


def _worth_reading(named: str | None, wanted: set[str], pending: dict[str, Future[LayerData]]) -> bool:
    """Unnamed layers must be read to know what they are; named ones only when still wanted."""
    return named is None or (named in wanted and named not in pending)


def legacy_layer_names(manifest: Any, image_id: str, diff_ids: list[str]) -> dict[str, str]:
    """Classic save layout: each layer directory's name -> the diff_id it holds, from the image's
    entry in manifest.json (its `Layers` are in RootFS order)."""
    if not isinstance(manifest, list):
        return {}
    config_names = _config_names(image_id)
    for entry in manifest:
        if not isinstance(entry, dict) or entry.get("Config") not in config_names:
            continue
        layers = entry.get("Layers")
        if not isinstance(layers, list) or len(layers) != len(diff_ids):
            return {}
        return {
            str(path).removesuffix(_LEGACY_LAYER): diff_id
            for path, diff_id in zip(layers, diff_ids, strict=True)
            if str(path).endswith(_LEGACY_LAYER) and str(path).removesuffix(_LEGACY_LAYER).isalnum()
        }
    return {}


def _finish(process: Any) -> None:
    stderr = b""
    try:
        stderr = process.stderr.read() if process.stderr else b""
        process.wait(timeout=SAVE_TIMEOUT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    if process.returncode != 0:
        raise DockerError(f"docker image save failed: {last_line(stderr) or process.returncode}")


def _spool(handle: IO[bytes]) -> tuple[IO[bytes], str]:
    """Copy a member out of the stream (memory, then disk), hashing it on the way."""
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - closed by the measurer
    digest = hashlib.sha256()
    while chunk := handle.read(CHUNK_BYTES):
        digest.update(chunk)
        spool.write(chunk)
    spool.seek(0)
    return spool, f"sha256:{digest.hexdigest()}"


def _measure_spooled(diff_id: str, spool: IO[bytes]) -> LayerData:
    with spool:
        return measure_layer(diff_id, spool)
