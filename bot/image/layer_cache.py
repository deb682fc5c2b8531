"""What was measured once, kept by content digest so that it is never measured again.

Layers are content-addressed (a layer's diff_id is the sha256 of its tar), and so are image
configs (the image ID is the sha256 of its config): an entry can never go stale. The classic
`docker image save` format names each layer's directory by a legacy "v1 id", a digest of the
layer's chain; the cache remembers which diff_id each such name holds, so that a later save can
skip the layers it already knows without reading them. It also keeps which image a build gave,
by a digest of the build's inputs (bot/image/reuse.py). A directory of small gzip-ed JSON files
under `~/.cache/dockhand` (or `$DOCKHAND_CACHE_DIR`); a cache that cannot be read or written
is no error, only slower.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.image.layers import LayerData, LayerFile

CACHE_VERSION = "v3"  # v3: gzip sizes measured in parallel blocks (v2: zlib-ng in one stream)


def default_cache_dir() -> Path:
    explicit = os.environ.get("DOCKHAND_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "dockhand"


@dataclass(frozen=True)
class LayerCache:
    """Measured layers, image configs and save-format layer names, by content digest."""

    root: Path

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

    def saved_layer(self, v1_id: str) -> str | None:
        """The diff_id of the layer a legacy `docker image save` puts in directory `v1_id`."""
        return self._digest("v1", v1_id)

    def store_saved_layer(self, v1_id: str, diff_id: str) -> None:
        self._store_digest("v1", v1_id, diff_id)

    def build(self, key: str) -> str | None:
        """The image a build with these inputs gave (bot/image/reuse.py)."""
        return self._digest("build", key)

    def store_build(self, key: str, image_id: str) -> None:
        self._store_digest("build", key, image_id)

    def _digest(self, kind: str, key: str) -> str | None:
        data = self._read(kind, key)
        return data if isinstance(data, str) and data.startswith("sha256:") else None

    def _store_digest(self, kind: str, key: str, digest: str) -> None:
        if self._digest(kind, key) != digest:
            self._write(kind, key, digest)

    def _path(self, kind: str, digest: str) -> Path:
        name = digest.removeprefix("sha256:")
        if not name.isalnum():  # names come from a tar stream: never a path
            raise ValueError(f"not a digest: {digest[:80]!r}")
        return self.root / "layers" / CACHE_VERSION / f"{kind}-{name}.json.gz"

    def _read(self, kind: str, digest: str) -> Any:
        try:
            with gzip.open(self._path(kind, digest), "rt", encoding="utf-8") as handle:
                return json.load(handle)
        except (OSError, ValueError, EOFError):
            return None

    def _write(self, kind: str, digest: str, data: Any) -> None:
        """Atomically (a temporary file renamed into place); a cache that cannot be written is no error."""
        with contextlib.suppress(OSError, ValueError):
            target = self._path(kind, digest)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            try:
                with os.fdopen(handle, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as out:
                    out.write(json.dumps(data, separators=(",", ":")).encode())
                Path(temporary).replace(target)
            finally:
                Path(temporary).unlink(missing_ok=True)
