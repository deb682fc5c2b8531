"""Reading `docker image save` in the layout of the containerd image store (Docker Engine 29's
default): gzip layer blobs, the image ID naming an index that leads to a manifest and the config.

The engine on this machine (20.10) saves in the classic layout, which the tests with the real
engine cover (tests/image/test_measure_cache.py). This layout is built here the way containerd
exports it, and served by a stand-in `docker` that streams it for `docker image save`.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import tarfile
from pathlib import Path

import pytest

from bot.image.docker import Docker
from bot.image.layer_cache import LayerCache
from bot.image.layers import MeasureError
from bot.image.save import read_image

INDEX = "application/vnd.oci.image.index.v1+json"
MANIFEST = "application/vnd.oci.image.manifest.v1+json"


def tar_of(files: dict[str, bytes]) -> bytes:
    """A tar of these files: a layer, or a whole save."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sha256(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


class ContainerdSave:
    """An image as the containerd image store saves it."""

    def __init__(self, layers: list[bytes], blobs: list[bytes] | None = None) -> None:
        self.tars = layers
        self.gzips = blobs if blobs is not None else [gzip.compress(t, mtime=0) for t in layers]
        self.diff_ids = [sha256(t) for t in layers]
        history = [{"created_by": f"RUN step {n}"} for n in range(len(layers))]
        config = {"architecture": "amd64", "os": "linux", "config": {"User": "1000"}, "history": history}
        config["rootfs"] = {"type": "layers", "diff_ids": self.diff_ids}
        self.config = json.dumps(config).encode()
        gzip_layer = "application/vnd.oci.image.layer.v1.tar+gzip"
        manifest = {
            "schemaVersion": 2,
            "mediaType": MANIFEST,
            "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": sha256(self.config)},
            "layers": [{"mediaType": gzip_layer, "digest": sha256(b), "size": len(b)} for b in self.gzips],
        }
        self.manifest = json.dumps(manifest).encode()
        platform = {"architecture": "amd64", "os": "linux"}
        index = {
            "schemaVersion": 2,
            "mediaType": INDEX,
            "manifests": [{"digest": sha256(self.manifest), "platform": platform}],
        }
        self.index = json.dumps(index).encode()
        self.image_id = sha256(self.index)

    def tar(self, without_layer: int | None = None) -> bytes:
        """The save; `without_layer` leaves that layer's blob out, as a save of an image whose
        content the store lacks does (moby#49473)."""
        members: dict[str, bytes] = {}
        kept = [b for n, b in enumerate(self.gzips) if n != without_layer]
        for blob in [*kept, self.config, self.manifest, self.index]:
            members[f"blobs/sha256/{sha256(blob).removeprefix('sha256:')}"] = blob
        docker_manifest = [
            {
                "Config": f"blobs/sha256/{sha256(self.config).removeprefix('sha256:')}",
                "RepoTags": ["app:1"],
                "Layers": [f"blobs/sha256/{sha256(b).removeprefix('sha256:')}" for b in self.gzips],
            }
        ]
        members["index.json"] = json.dumps({"schemaVersion": 2, "manifests": [{"digest": self.image_id}]}).encode()
        members["manifest.json"] = json.dumps(docker_manifest).encode()
        members["oci-layout"] = b'{"imageLayoutVersion": "1.0.0"}'
        return tar_of(members)


def saving_docker(tmp_path: Path, image: ContainerdSave, without_layer: int | None = None) -> tuple[Docker, Path]:
    """A docker client whose `image save` streams `image`; it logs each save."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "save.tar").write_bytes(image.tar(without_layer))
    log = tmp_path / "saves.log"
    script = tmp_path / "docker"
    script.write_text(
        f'#!/bin/sh\n[ "$1 $2" = "image save" ] || exit 1\necho "$3" >> {log}\ncat {tmp_path}/save.tar\n',
        encoding="utf-8",
    )
    script.chmod(0o755)
    return Docker(str(script), {"PATH": os.defpath}), log


APP = tar_of({"app/main.py": b"print('hi')\n" * 2000, "app/data.bin": os.urandom(30_000)})
BASE = tar_of({"bin/sh": b"\x7fELF" + bytes(5000)})


def test_gzip_blobs_are_measured_as_they_are_and_the_config_found_behind_the_index(tmp_path: Path) -> None:
    image = ContainerdSave([BASE, APP])
    docker, _log = saving_docker(tmp_path, image)
    saved = read_image(docker, image.image_id, image.diff_ids, None)
    assert [layer.diff_id for layer in saved.layers] == image.diff_ids
    assert [layer.gzip_bytes for layer in saved.layers] == [len(b) for b in image.gzips]  # what a push uploads
    assert [layer.tar_bytes for layer in saved.layers] == [len(BASE), len(APP)]
    assert {f.path for f in saved.layers[1].files} == {"app/main.py", "app/data.bin"}
    assert saved.config["config"]["User"] == "1000"
    assert (saved.work.saved, saved.work.layers_read, saved.work.layers_measured) == (True, 2, 2)


def test_a_gzip_blob_read_once_is_known_by_its_name_next_time(tmp_path: Path) -> None:
    cache = LayerCache(tmp_path / "cache")
    first = ContainerdSave([BASE, APP])
    docker, _log = saving_docker(tmp_path / "one", first)
    read_image(docker, first.image_id, first.diff_ids, cache)
    again = read_image(docker, first.image_id, first.diff_ids, cache)
    assert again.work.saved is False  # config and layers cached

    changed = ContainerdSave([BASE, tar_of({"app/main.py": b"print('bye')\n"})])
    docker, log = saving_docker(tmp_path / "two", changed)
    saved = read_image(docker, changed.image_id, changed.diff_ids, cache)
    assert (saved.work.layers_read, saved.work.layers_measured) == (1, 1)  # the shared base blob is skipped by name
    assert saved.layers[0] == again.layers[0]
    assert log.read_text().split() == [changed.image_id]


def test_a_broken_gzip_blob_is_a_measure_error(tmp_path: Path) -> None:
    good = gzip.compress(APP, mtime=0)
    image = ContainerdSave([APP], blobs=[good[: len(good) // 2]])
    docker, _log = saving_docker(tmp_path, image)
    with pytest.raises(MeasureError, match="cut short"):
        read_image(docker, image.image_id, image.diff_ids, None)


def test_a_save_without_a_layer_blob_says_which_is_missing(tmp_path: Path) -> None:
    image = ContainerdSave([BASE, APP])
    docker, _log = saving_docker(tmp_path, image, without_layer=1)
    with pytest.raises(MeasureError, match=f"did not contain layer {image.diff_ids[1][:19]}") as raised:
        read_image(docker, image.image_id, image.diff_ids, None)
    assert "moby/moby#49473" in str(raised.value)  # a known bug of the store, said so


def test_the_classic_stores_oci_layout_names_layers_by_diff_id(tmp_path: Path) -> None:
    # engines 25 to 28 with the classic store: uncompressed layer blobs, the config named by the image ID
    image = ContainerdSave([BASE, APP])
    image.gzips = image.tars  # uncompressed blobs: their names are the diff_ids
    image.image_id = sha256(image.config)
    docker, _log = saving_docker(tmp_path, image)
    saved = read_image(docker, image.image_id, image.diff_ids, LayerCache(tmp_path / "cache"))
    assert [layer.diff_id for layer in saved.layers] == image.diff_ids
    assert [layer.tar_bytes for layer in saved.layers] == [len(BASE), len(APP)]
    assert saved.layers[1].gzip_bytes < len(APP)  # compressed here, as a push would
    assert saved.config["rootfs"]["diff_ids"] == image.diff_ids


def test_a_layer_whose_first_file_name_looks_like_json_is_still_a_layer(tmp_path: Path) -> None:
    tricky = tar_of({'{"rootfs": {"diff_ids": []}}': b"x", "[" * 90: b"y"})
    image = ContainerdSave([tricky])
    image.gzips = image.tars  # the classic store's OCI layout: the blob is the tar itself
    image.image_id = sha256(image.config)
    docker, _log = saving_docker(tmp_path, image)
    saved = read_image(docker, image.image_id, image.diff_ids, None)
    assert [layer.diff_id for layer in saved.layers] == image.diff_ids
    assert len(saved.layers[0].files) == 2
