"""What each layer of an image holds, measured from `docker save`: its files, its size, and its
size gzip-compressed as a registry stores it.

`docker save` streams the image as a tar of layer tars (the classic `<id>/layer.tar` layout or
the OCI `blobs/sha256/<digest>` layout of newer engines). Each layer is identified by the sha256
of its tar (its diff_id, as `docker image inspect` lists it), compressed with gzip at the
default level (what `docker push` uploads) to measure its compressed size, and listed file by
file for the wasted-space analysis. Layers are content-addressed, so what was measured once is
kept in a cache directory and never measured again.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import json
import os
import tarfile
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from bot.image.docker import Docker, DockerError, last_line

CHUNK_BYTES = 1 << 20
SPOOL_BYTES = 64 << 20
SAVE_TIMEOUT_SECONDS = 900
CACHE_VERSION = "v1"
WHITEOUT_PREFIX = ".wh."
OPAQUE_MARKER = ".wh..wh..opq"


@dataclass(frozen=True)
class LayerFile:
    path: str
    """Without a leading slash; for a whiteout, the path it deletes."""
    size: int
    kind: str
    """"f" file, "d" directory, "l" link, "w" whiteout (deletes `path`), "o" opaque directory."""


@dataclass(frozen=True)
class LayerData:
    diff_id: str
    tar_bytes: int
    content_bytes: int
    """Sum of the sizes of the regular files it adds: its uncompressed size as `docker history`."""
    gzip_bytes: int
    files: tuple[LayerFile, ...]


@dataclass(frozen=True)
class SavedImage:
    config: dict[str, Any]
    layers: tuple[LayerData, ...]
    """In the order of the image's RootFS (bottom first)."""


class MeasureError(Exception):
    """The image could not be read back from the engine."""


def default_cache_dir() -> Path:
    explicit = os.environ.get("DOCKHAND_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dockhand"


@dataclass(frozen=True)
class LayerCache:
    """Measured layers and image configs by content digest; a directory of small files."""

    root: Path

    def _path(self, kind: str, digest: str) -> Path:
        return self.root / "layers" / CACHE_VERSION / f"{kind}-{digest.removeprefix('sha256:')}.json.gz"

    def layer(self, diff_id: str) -> LayerData | None:
        data = self._read("layer", diff_id)
        if data is None:
            return None
        try:
            files = tuple(LayerFile(path, size, kind) for path, size, kind in data["files"])
            return LayerData(diff_id, data["tar_bytes"], data["content_bytes"], data["gzip_bytes"], files)
        except (KeyError, TypeError, ValueError):
            return None

    def store_layer(self, layer: LayerData) -> None:
        files = [[f.path, f.size, f.kind] for f in layer.files]
        data = {
            "tar_bytes": layer.tar_bytes,
            "content_bytes": layer.content_bytes,
            "gzip_bytes": layer.gzip_bytes,
            "files": files,
        }
        self._write("layer", layer.diff_id, data)

    def config(self, image_id: str) -> dict[str, Any] | None:
        data = self._read("config", image_id)
        return data if isinstance(data, dict) else None

    def store_config(self, image_id: str, config: dict[str, Any]) -> None:
        self._write("config", image_id, config)

    def _read(self, kind: str, digest: str) -> Any:
        try:
            with gzip.open(self._path(kind, digest), "rt", encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError, EOFError):
            return None

    def _write(self, kind: str, digest: str, data: Any) -> None:
        """Atomically (a temporary file renamed into place); a cache that cannot be written is no error."""
        target = self._path(kind, digest)
        with contextlib.suppress(OSError):
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
                    out.write(json.dumps(data, separators=(",", ":")).encode())
                Path(temporary).replace(target)
            finally:
                Path(temporary).unlink(missing_ok=True)


def read_image(docker: Docker, image_id: str, diff_ids: list[str], cache: LayerCache | None) -> SavedImage:
    """The config and every layer of an image, from the cache or, for what is missing, `docker save`."""
    config = cache.config(image_id) if cache else None
    known = {d: layer for d in dict.fromkeys(diff_ids) if cache and (layer := cache.layer(d)) is not None}
    if config is None or len(known) < len(set(diff_ids)):
        saved_config, measured = _save_and_measure(docker, image_id, set(diff_ids) - set(known))
        config = config or saved_config
        known.update(measured)
        if cache:
            cache.store_config(image_id, config)
            for layer in measured.values():
                cache.store_layer(layer)
    missing = [d for d in diff_ids if d not in known]
    if missing:
        raise MeasureError(f"docker save of {image_id[:19]} did not contain layer {missing[0][:19]}")
    return SavedImage(config, tuple(known[d] for d in diff_ids))


def _save_and_measure(docker: Docker, image_id: str, wanted: set[str]) -> tuple[dict[str, Any], dict[str, LayerData]]:
    process = docker.popen(["image", "save", image_id])
    assert process.stdout is not None
    config: dict[str, Any] | None = None
    measured: dict[str, LayerData] = {}
    config_name = image_id.removeprefix("sha256:")
    try:
        with ThreadPoolExecutor(max_workers=max(1, min(4, os.cpu_count() or 1))) as pool:
            pending: list[Future[LayerData]] = []
            with tarfile.open(fileobj=process.stdout, mode="r|") as archive:
                for member in archive:
                    if not member.isfile():
                        continue
                    name = member.name.removeprefix("./")
                    handle = archive.extractfile(member)
                    if handle is None:
                        continue
                    if name in (f"{config_name}.json", f"blobs/sha256/{config_name}"):
                        config = json.loads(handle.read())
                    elif _may_be_layer(name, wanted):
                        spool, digest = _spool(handle)
                        if digest in wanted and digest not in measured:
                            pending.append(pool.submit(_measure_spooled, digest, spool))
                        else:
                            spool.close()
            for future in pending:
                layer = future.result()
                measured[layer.diff_id] = layer
    except (tarfile.TarError, OSError, ValueError) as error:
        process.kill()
        raise MeasureError(f"cannot read `docker image save` output: {error}") from None
    finally:
        _finish(process)
    if config is None:
        raise MeasureError(f"docker image save of {image_id[:19]} had no image config")
    return config, measured


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


def _may_be_layer(name: str, wanted: set[str]) -> bool:
    if name.endswith("/layer.tar"):
        return True
    if name.startswith("blobs/sha256/"):  # OCI layout: the name is the digest
        return f"sha256:{name.rsplit('/', 1)[1]}" in wanted
    return False


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


def measure_layer(diff_id: str, layer: IO[bytes]) -> LayerData:
    """Size, gzip size and file list of one layer tar (a seekable file)."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # gzip framing, default level
    compressed = 0
    total = 0
    while chunk := layer.read(CHUNK_BYTES):
        total += len(chunk)
        compressed += len(compressor.compress(chunk))
    compressed += len(compressor.flush())
    layer.seek(0)
    files = tuple(_entries(layer))
    content = sum(f.size for f in files if f.kind == "f")
    return LayerData(diff_id, total, content, compressed, files)


def _entries(layer: IO[bytes]) -> Iterator[LayerFile]:
    with tarfile.open(fileobj=layer, mode="r:") as archive:
        for member in archive:
            yield _entry(member)


def _entry(member: tarfile.TarInfo) -> LayerFile:
    path = member.name.removeprefix("./").strip("/")
    directory, _, name = path.rpartition("/")
    if name == OPAQUE_MARKER:
        return LayerFile(directory, 0, "o")
    if name.startswith(WHITEOUT_PREFIX):
        deleted = name.removeprefix(WHITEOUT_PREFIX)
        return LayerFile(f"{directory}/{deleted}" if directory else deleted, 0, "w")
    if member.isdir():
        return LayerFile(path, 0, "d")
    if member.isfile():
        return LayerFile(path, member.size, "f")
    return LayerFile(path, 0, "l")


def total_gzip(layers: Iterable[LayerData]) -> int:
    return sum(layer.gzip_bytes for layer in layers)
