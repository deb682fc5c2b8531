"""BuildKit's cache directory (`--build-cache-dir`): the flags each side's build gets, which
builders can use it, and the note when the builder cannot.

The buildx plugin cannot be installed on this machine, so `docker buildx inspect` and
`docker info` are answered by a small script standing in for the docker client; the classic
builder's case runs against the real engine.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.image.build import BuildRequest, build_command
from bot.image.buildcache import BuildCache, choose_build_cache, parse_driver, unsupported_reason
from bot.image.docker import Docker, Engine
from tests.image.conftest import image_section, review_repo
from tests.support.docker import DockerEngine
from tests.support.gitrepo import GitRepoFactory

INSPECT = """Name:          builder-3f2a
Driver:        {driver}
Last Activity: 2026-11-26 20:12:09 +0000 UTC

Nodes:
Name:      builder-3f2a0
Endpoint:  unix:///var/run/docker.sock
Status:    running
BuildKit:  v0.17.3
Platforms: linux/amd64, linux/amd64/v2, linux/386
"""


def fake_docker(tmp_path: Path, driver: str, driver_status: str = "[]") -> Docker:
    """A docker client that answers `buildx inspect` and `docker info` as a real one would."""
    (tmp_path / "inspect.txt").write_text(INSPECT.format(driver=driver), encoding="utf-8")
    (tmp_path / "info.json").write_text(driver_status, encoding="utf-8")
    script = tmp_path / "docker"
    script.write_text(
        "#!/bin/sh\n"
        f'case "$1 $2" in\n'
        f'  "buildx inspect") cat {tmp_path}/inspect.txt ;;\n'
        f'  "info --format") cat {tmp_path}/info.json ;;\n'
        '  *) echo "unexpected: $*" >&2; exit 1 ;;\n'
        "esac\n",
        encoding="utf-8",
    )
    script.chmod(0o755)
    return Docker(str(script), {"PATH": os.defpath})


def test_each_side_reads_both_sides_caches_and_writes_its_own() -> None:
    cache = BuildCache(Path("/w/.cache/buildkit"))
    assert cache.flags("head") == (
        "--cache-from=type=local,src=/w/.cache/buildkit,tag=base",
        "--cache-from=type=local,src=/w/.cache/buildkit,tag=head",
        "--cache-to=type=local,dest=/w/.cache/buildkit,mode=max,tag=head",
    )
    assert cache.flags("base")[-1] == "--cache-to=type=local,dest=/w/.cache/buildkit,mode=max,tag=base"


def test_only_buildkit_builds_get_the_cache_flags() -> None:
    request = BuildRequest(Path("/w/Dockerfile"), Path("/w"), None, cache_flags=BuildCache(Path("/c")).flags("base"))
    buildx = build_command(request, buildx=True, iidfile=Path("/tmp/iid"))
    assert "--cache-to=type=local,dest=/c,mode=max,tag=base" in buildx
    assert buildx[-2:] == ["--", "/w"]  # the flags come before the context
    assert not any(arg.startswith("--cache") for arg in build_command(request, buildx=False, iidfile=Path("/tmp/iid")))


def test_the_driver_is_read_from_buildx_inspect() -> None:
    assert parse_driver(INSPECT.format(driver="docker-container")) == "docker-container"
    assert parse_driver("Name: x\n") == ""


@pytest.mark.parametrize("driver", ["docker-container", "kubernetes", "remote"])
def test_builders_that_export_a_cache(tmp_path: Path, driver: str) -> None:
    assert unsupported_reason(fake_docker(tmp_path, driver)) == ""


def test_the_docker_driver_exports_only_with_the_containerd_image_store(tmp_path: Path) -> None:
    graph_driver = '[["Backing Filesystem","extfs"],["Supports d_type","true"],["Using metacopy","false"]]'
    reason = unsupported_reason(fake_docker(tmp_path, "docker", graph_driver))
    assert "`docker` driver cannot export a cache" in reason
    assert "docker buildx create --use" in reason
    containerd = '[["driver-type","io.containerd.snapshotter.v1"]]'
    assert unsupported_reason(fake_docker(tmp_path, "docker", containerd)) == ""


def test_an_unreadable_answer_is_a_reason_not_a_crash(tmp_path: Path) -> None:
    assert "does not say which driver" in unsupported_reason(fake_docker(tmp_path, ""))
    assert "cannot export" in unsupported_reason(fake_docker(tmp_path, "docker", "not json"))


def test_a_builder_that_can_gets_the_directory_made_and_a_note(tmp_path: Path) -> None:
    engine = Engine(fake_docker(tmp_path, "docker-container"), "27.5.1", buildx=True)
    directory = tmp_path / "cache" / "buildkit"
    cache, note = choose_build_cache(engine, directory)
    assert cache == BuildCache(directory)
    assert directory.is_dir()
    assert note == f"BuildKit's cache read from and written to {directory}"
    assert choose_build_cache(engine, None) == (None, "")


def test_a_builder_that_cannot_builds_without_it_and_the_note_says_why(tmp_path: Path) -> None:
    engine = Engine(fake_docker(tmp_path, "docker"), "27.5.1", buildx=True)
    cache, note = choose_build_cache(engine, tmp_path / "buildkit")
    assert cache is None
    assert note.startswith(f"build cache {tmp_path / 'buildkit'} not used: the buildx builder's `docker` driver")
    assert not (tmp_path / "buildkit").exists()


def test_a_path_buildx_would_misread_is_refused(tmp_path: Path) -> None:
    engine = Engine(fake_docker(tmp_path, "docker-container"), "27.5.1", buildx=True)
    cache, note = choose_build_cache(engine, tmp_path / "a,type=registry")
    assert cache is None
    assert "cannot hold a comma or a quote" in note


def test_a_directory_that_cannot_be_made_is_a_note(tmp_path: Path) -> None:
    engine = Engine(fake_docker(tmp_path, "docker-container"), "27.5.1", buildx=True)
    (tmp_path / "file").write_text("", encoding="utf-8")
    cache, note = choose_build_cache(engine, tmp_path / "file" / "buildkit")
    assert cache is None
    assert note.endswith("not used: Not a directory")


@pytest.mark.docker
def test_the_classic_builder_builds_without_it_and_says_why(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str], docker_engine: DockerEngine, tmp_path: Path
) -> None:
    base = busybox_image()
    repo = make_repo({"Dockerfile": f"FROM {base}\nUSER 1000\n"}, {"Dockerfile": f"FROM {base}\nUSER 1001\n"})
    section = image_section(review_repo(repo, build_cache_dir=tmp_path / "buildkit"))
    assert any("classic builder keeps its cache in the engine" in note for note in section.notes)
    assert section.data["images"][0]["head"]["built"] is True  # built all the same
    assert not (tmp_path / "buildkit").exists()
