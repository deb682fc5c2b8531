"""An image's config and measured layers: from the cache, else from one `docker image save`.

`docker image save` streams the image as a tar of layer tars, in one of three layouts:
- classic (engines before 25): `<v1 id>/layer.tar`, the config as `<image id>.json`;
- OCI, from the classic store (engines 25+): `blobs/sha256/<diff_id>`, uncompressed, the
  config as the blob named by the image ID;
- OCI, from the containerd image store (Docker Engine 29's default): the layers as the gzip
  blobs the builder wrote (`blobs/sha256/<digest of the gzip>`), the image ID naming an index
  or a manifest that leads to the config.
Only the layers not measured before are copied out of the stream. A blob named by a digest the
image lists is known by its name; a classic directory, or a gzip blob, by the name the cache
learned for it from an earlier save (manifest.json, or the gzip's own content). What is copied
out is hashed on the way (a gzip blob once decompressed), so what gets measured is exactly the
layer the image lists, whatever its name said. The config is the JSON document whose rootfs
lists the image's layers. An image whose config and layers are all in the cache is not saved.
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

from bot.image.docker import Docker, RunningWork
from bot.image.early_read import config_after
from bot.image.layer_cache import LayerCache
from bot.image.layers import (
    CHUNK_BYTES,
    GZIP_MAGIC,
    SPOOL_BYTES,
    LayerData,
    MeasureError,
    measure_compressed_layer,
    measure_layer,
)

CONTAINERD_MISSING_LAYERS = (
    " (a known bug of the containerd image store: a save leaves out layers the store holds for another"
    " image, moby/moby#49473)"
)
DOCUMENT_BYTES = 4 << 20
"""Blobs up to this size that start like JSON are read as documents (configs, manifests, indexes)."""
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

    def plus(self, other: ReadWork) -> ReadWork:
        return ReadWork(
            self.saved or other.saved,
            self.layers_read + other.layers_read,
            self.layers_measured + other.layers_measured,
        )


@dataclass(frozen=True)
class SavedImage:
    config: dict[str, Any]
    layers: tuple[LayerData, ...]
    """In the order of the image's RootFS (bottom first)."""
    work: ReadWork


@dataclass(frozen=True)
class AncestorImage:
    """An image already read that another was built on: a build's step image, read early
    (bot/image/early_read.py)."""

    image_id: str
    saved: SavedImage


@dataclass
class _Stream:
    """What one pass over a `docker image save` stream gave."""

    documents: dict[str, Any] = field(default_factory=dict)
    """The JSON members by name: manifest.json, configs, OCI manifests and indexes."""
    measured: dict[str, LayerData] = field(default_factory=dict)
    layers_read: int = 0
    gzip_blobs: dict[str, str] = field(default_factory=dict)
    """The gzip blobs decompressed: blob name (its digest's hex) -> the diff_id of the tar inside."""


def read_image(
    docker: Docker,
    image_id: str,
    diff_ids: list[str],
    cache: LayerCache | None,
    ancestor: AncestorImage | None = None,
    running: RunningWork | None = None,
) -> SavedImage:
    """The config and every layer of an image (`diff_ids` as `docker image inspect` lists them).

    `ancestor`: the image it was built on, read already; an image that adds no layer to it is
    not saved (bot/image/early_read.py). `running`: where an interrupted review stops the save."""
    config = cache.config(image_id) if cache else None
    known = {d: layer for d in dict.fromkeys(diff_ids) if cache and (layer := cache.layer(d)) is not None}
    work = ReadWork()
    if ancestor is not None:
        known.update({layer.diff_id: layer for layer in ancestor.saved.layers if layer.diff_id in diff_ids})
        if config is None and len(known) == len(set(diff_ids)):
            config = config_after(docker, image_id, diff_ids, ancestor.image_id, ancestor.saved.config)
            if config is not None and cache:
                cache.store_config(image_id, config)
        work = ancestor.saved.work  # the step image's reading is this image's
    containerd = False
    if config is None or len(known) < len(set(diff_ids)):
        stream = _read_save(docker, image_id, diff_ids, set(diff_ids) - set(known), cache, running or RunningWork())
        config_name, saved = saved_config(stream.documents, image_id, diff_ids)
        config = config or saved
        known.update(stream.measured)
        work = work.plus(ReadWork(True, stream.layers_read, len(stream.measured)))
        containerd = config_name not in _config_names(image_id)
        if cache:
            _remember(cache, image_id, config, (config_name, diff_ids), stream)
    missing = [d for d in diff_ids if d not in known]
    if missing:
        why = CONTAINERD_MISSING_LAYERS if containerd else ""
        raise MeasureError(f"docker save of {image_id[:19]} did not contain layer {missing[0][:19]}{why}")
    return SavedImage(config, tuple(known[d] for d in diff_ids), work)


def _remember(
    cache: LayerCache, image_id: str, config: dict[str, Any], listed: tuple[str, list[str]], stream: _Stream
) -> None:
    cache.store_config(image_id, config)
    for layer in stream.measured.values():
        cache.store_layer(layer)
    config_name, diff_ids = listed
    names = saved_layer_names(stream.documents.get(MANIFEST), config_name, diff_ids) | stream.gzip_blobs
    for name, diff_id in names.items():
        cache.store_saved_layer(name, diff_id)


def _read_save(
    docker: Docker, image_id: str, diff_ids: list[str], wanted: set[str], cache: LayerCache | None, running: RunningWork
) -> _Stream:
    """One pass: the documents, and the `wanted` layers measured (in threads, while the rest of
    the stream arrives)."""
    with docker.save_image(image_id, running) as stream:
        try:
            with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
                reader = _SaveReader(image_id, set(diff_ids), wanted, cache, pool)
                with tarfile.open(fileobj=stream, mode="r|", bufsize=CHUNK_BYTES) as archive:
                    for member in archive:
                        handle = archive.extractfile(member) if member.isfile() else None
                        if handle is not None:
                            reader.take(member.name.removeprefix("./"), member.size, handle)
                return reader.finished()
        except (tarfile.TarError, OSError, ValueError) as error:
            raise MeasureError(f"cannot read `docker image save` output: {error}") from None


@dataclass
class _SaveReader:
    """Sorts the members of one save as they stream past: documents kept, known layers skipped,
    the others copied out and measured in `pool`."""

    image_id: str
    listed: set[str]
    """The image's diff_ids."""
    wanted: set[str]
    """The diff_ids to measure (not in the cache)."""
    cache: LayerCache | None
    pool: ThreadPoolExecutor
    stream: _Stream = field(default_factory=_Stream)
    pending: dict[str, Future[LayerData]] = field(default_factory=dict)
    """Uncompressed layers being measured, by diff_id."""
    gzipped: dict[str, Future[LayerData]] = field(default_factory=dict)
    """Gzip blobs being decompressed and measured, by blob name."""

    def take(self, name: str, size: int, handle: IO[bytes]) -> None:
        if name == MANIFEST or name in _config_names(self.image_id):
            self.stream.documents[name] = _json(handle.read())
            return
        if not _is_layer(name) or not _worth_reading(_named_digest(name, self.listed, self.cache), self):
            return
        spool, digest = _spool(handle)
        if (document := _document(name, spool, size)) is not None:
            self.stream.documents[name] = document
            return
        self.stream.layers_read += 1
        if _is_gzip(spool):
            self.gzipped[_blob_name(name)] = self.pool.submit(_measure_gzip_spooled, spool, size)
        elif digest in self.wanted and digest not in self.pending:
            self.pending[digest] = self.pool.submit(_measure_spooled, digest, spool)
        else:
            spool.close()

    def finished(self) -> _Stream:
        """Once the stream has ended: every measurement, waited for."""
        self.stream.measured = {digest: future.result() for digest, future in self.pending.items()}
        for blob, future in self.gzipped.items():
            layer = future.result()
            self.stream.gzip_blobs[blob] = layer.diff_id
            if layer.diff_id in self.wanted:
                self.stream.measured.setdefault(layer.diff_id, layer)
        return self.stream


def _config_names(image_id: str) -> tuple[str, str]:
    digest = image_id.removeprefix("sha256:")
    return f"{digest}.json", f"{_OCI_BLOB}{digest}"


def saved_config(documents: dict[str, Any], image_id: str, diff_ids: list[str]) -> tuple[str, dict[str, Any]]:
    """The image's config and its member name: the one its ID names (classic store), else the
    document whose rootfs lists exactly the image's layers (behind the containerd store's index)."""
    for name in _config_names(image_id):
        config = documents.get(name)
        if isinstance(config, dict) and "rootfs" in config:
            return name, config
    for name, document in documents.items():
        rootfs = document.get("rootfs") if isinstance(document, dict) else None
        if isinstance(rootfs, dict) and rootfs.get("diff_ids") == diff_ids:
            return name, document
    raise MeasureError(f"docker image save of {image_id[:19]} had no image config")


def _is_layer(name: str) -> bool:
    return name.endswith(_LEGACY_LAYER) or name.startswith(_OCI_BLOB)


def _blob_name(name: str) -> str:
    return name.removeprefix(_OCI_BLOB)


def _named_digest(name: str, listed: set[str], cache: LayerCache | None) -> str | None:
    """The diff_id a member's name says it holds, when the name or the cache says so."""
    if name.startswith(_OCI_BLOB):
        digest = f"sha256:{_blob_name(name)}"
        if digest in listed:
            return digest
        return cache.saved_layer(_blob_name(name)) if cache and _blob_name(name).isalnum() else None
    directory = name.removesuffix(_LEGACY_LAYER)
    return cache.saved_layer(directory) if cache and directory.isalnum() else None


def _worth_reading(named: str | None, reader: _SaveReader) -> bool:
    """Unnamed members must be read to know what they are; named ones only when still wanted."""
    return named is None or (named in reader.wanted and named not in reader.pending)


def _document(name: str, spool: IO[bytes], size: int) -> dict[str, Any] | None:
    """A small OCI blob that is a JSON object (a config, a manifest, an index); else None."""
    if not name.startswith(_OCI_BLOB) or size > DOCUMENT_BYTES or spool.read(1) != b"{":
        spool.seek(0)
        return None
    spool.seek(0)
    try:
        document = json.loads(spool.read())
    except (ValueError, RecursionError):  # a layer tar whose first file name starts like JSON
        document = None
    spool.seek(0)
    return document if isinstance(document, dict) else None


def _is_gzip(spool: IO[bytes]) -> bool:
    magic = spool.read(len(GZIP_MAGIC))
    spool.seek(0)
    return magic == GZIP_MAGIC


def _json(data: bytes) -> Any:
    return json.loads(data)


def saved_layer_names(manifest: Any, config_name: str, diff_ids: list[str]) -> dict[str, str]:
    """Each layer name the save used that is not the layer's diff_id (a classic directory, a gzip
    blob) -> that diff_id, from the image's entry in manifest.json (its `Layers` are in RootFS
    order; the entry is the one whose `Config` is the config's member)."""
    if not isinstance(manifest, list):
        return {}
    for entry in manifest:
        if not isinstance(entry, dict) or entry.get("Config") != config_name:
            continue
        layers = entry.get("Layers")
        if not isinstance(layers, list) or len(layers) != len(diff_ids):
            return {}
        names = {_short_name(str(path)): diff_id for path, diff_id in zip(layers, diff_ids, strict=True)}
        return {name: diff_id for name, diff_id in names.items() if name.isalnum() and f"sha256:{name}" != diff_id}
    return {}


def _short_name(path: str) -> str:
    """`<v1 id>/layer.tar` -> the v1 id; `blobs/sha256/<hex>` -> the hex."""
    return path.removesuffix(_LEGACY_LAYER) if path.endswith(_LEGACY_LAYER) else path.removeprefix(_OCI_BLOB)


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


def _measure_gzip_spooled(spool: IO[bytes], size: int) -> LayerData:
    with spool:
        return measure_compressed_layer(spool, size)
