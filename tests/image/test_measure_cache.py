"""What is measured once is not measured again: counted in docker calls and gzip-ed layers.

A docker on PATH that logs its arguments and runs the real client counts the engine's work;
each side's `measurement` data counts the layers read out of a save and gzip-ed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.image.docker import find_docker
from bot.image.layer_cache import LayerCache
from bot.image.measure import inspect_image
from bot.image.save import read_image, saved_layer_names
from tests.image.conftest import image_section, review_repo, saved_images
from tests.support.docker import DockerEngine
from tests.support.gitrepo import GitRepoFactory

pytestmark = pytest.mark.docker


def sides(review: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    image = image_section(review).data["images"][0]
    return image["head"], image["base"]


def test_an_unchanged_base_is_not_measured_again_and_shared_layers_only_once(
    make_repo: GitRepoFactory,
    busybox_image: Callable[..., str],
    engine_requests: Callable[[], list[str]],
    docker_engine: DockerEngine,
) -> None:
    base = busybox_image()
    text = f"FROM {base}\nRUN dd if=/dev/urandom of=/blob bs=1000 count=1500\nCOPY app.txt /app.txt\nUSER 1000\n"
    repo = make_repo({"Dockerfile": text, "app.txt": "one\n"}, {"Dockerfile": text, "app.txt": "two\n"})

    head, base_side = sides(review_repo(repo))
    # the head first, from a cold cache: its three layers; then the base: only its own COPY layer
    assert head["measurement"] == {"image_saved": True, "layers_read": 3, "layers_measured": 3}
    assert base_side["measurement"] == {"image_saved": True, "layers_read": 1, "layers_measured": 1}
    assert len(saved_images(engine_requests())) == 2

    repo.git("checkout", "--quiet", "-b", "second", "main")
    (repo.path / "app.txt").write_text("three\n")
    repo.git("commit", "--quiet", "-am", "second change")
    repo.head = repo.git("rev-parse", "HEAD")
    before = len(engine_requests())
    head_again, base_again = sides(review_repo(repo))
    assert base_again["image_id"] == base_side["image_id"]  # the classic builder's cached image, kept
    assert base_again["measurement"] == {"image_saved": False, "layers_read": 0, "layers_measured": 0}
    assert head_again["measurement"] == {"image_saved": True, "layers_read": 1, "layers_measured": 1}
    # saved while the builder ran `USER 1000`: the COPY's step image, the final image's parent
    parent = docker_engine.docker("image", "inspect", "--format", "{{.Parent}}", head_again["image_id"]).strip()
    assert saved_images(engine_requests()[before:]) == [parent]
    assert (head_again["compressed_bytes"], head_again["size_bytes"]) != (0, 0)
    assert base_again["compressed_bytes"] == base_side["compressed_bytes"]
    assert base_again["layers"] == base_side["layers"] == 3


def test_read_image_from_the_cache_gives_what_the_save_gave(
    busybox_image: Callable[..., str], docker_engine: DockerEngine, tmp_path: Path
) -> None:
    image = busybox_image({"data/a.txt": "a" * 50_000, "data/b.bin": bytes(range(256)) * 400})
    docker = find_docker()
    assert docker is not None
    inspected = inspect_image(docker, image)
    diff_ids = list(inspected["RootFS"]["Layers"])
    cache = LayerCache(tmp_path / "cache")
    first = read_image(docker, inspected["Id"], diff_ids, cache)
    again = read_image(docker, inspected["Id"], diff_ids, cache)
    assert (first.work.saved, first.work.layers_measured) == (True, len(diff_ids))
    assert (again.work.saved, again.work.layers_read, again.work.layers_measured) == (False, 0, 0)
    assert again.layers == first.layers
    assert again.config == first.config
    assert {f.path for layer in first.layers for f in layer.files} >= {"data/a.txt", "data/b.bin", "bin/busybox"}
    uncached = read_image(docker, inspected["Id"], diff_ids, None)
    assert uncached.layers == first.layers


def test_saved_layer_names_come_from_the_image_entry_of_the_manifest() -> None:
    manifest = [
        {"Config": "ffff.json", "Layers": ["0000/layer.tar"]},
        {"Config": "abcd.json", "RepoTags": None, "Layers": ["1111/layer.tar", "2222/layer.tar"]},
    ]
    assert saved_layer_names(manifest, "abcd.json", ["sha256:l1", "sha256:l2"]) == {
        "1111": "sha256:l1",
        "2222": "sha256:l2",
    }
    assert saved_layer_names(manifest, "abcd.json", ["sha256:l1"]) == {}  # not the image inspect saw
    oci = [{"Config": "blobs/sha256/abcd", "Layers": ["blobs/sha256/l1"]}]
    assert saved_layer_names(oci, "blobs/sha256/abcd", ["sha256:l1"]) == {}  # named by their digests already
    gzipped = [{"Config": "blobs/sha256/c0", "Layers": ["blobs/sha256/9a", "blobs/sha256/9b"]}]
    assert saved_layer_names(gzipped, "blobs/sha256/c0", ["sha256:l1", "sha256:l2"]) == {
        "9a": "sha256:l1",
        "9b": "sha256:l2",
    }
    assert saved_layer_names({"not": "a list"}, "abcd.json", []) == {}


def test_cache_names_from_a_tar_stream_never_become_paths(tmp_path: Path) -> None:
    cache = LayerCache(tmp_path / "cache")
    cache.store_saved_layer("../../escape", "sha256:" + "0" * 64)
    cache.store_saved_layer("1111", "sha256:" + "1" * 64)
    assert cache.saved_layer("../../escape") is None
    assert cache.saved_layer("1111") == "sha256:" + "1" * 64
    assert not list(tmp_path.glob("**/*escape*"))
