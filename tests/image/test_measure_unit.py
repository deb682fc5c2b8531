"""What a built image's layers say about its files, without an engine."""

from __future__ import annotations

from bot.image.layers import LayerData, LayerFile
from bot.image.measure import programs
from bot.workspace import ImageConfig


def layer(*files: tuple[str, str]) -> LayerData:
    return LayerData("sha256:0", 0, 0, 0, tuple(LayerFile(path, 1, kind) for path, kind in files))


def test_the_programs_of_an_image_are_its_layers_applied_in_order() -> None:
    found = programs(
        (
            layer(("usr/bin/curl", "f"), ("usr/bin/wget", "f"), ("bin/sh", "l"), ("usr/lib/libcurl.so", "f")),
            layer(("usr/bin/curl", "w")),  # rm /usr/bin/curl
            layer(("usr/local/bin", "o"), ("usr/local/bin/app", "f")),
            layer(("bin", "w")),  # rm -rf /bin
        )
    )
    assert found == frozenset({"usr/bin/wget", "usr/local/bin/app"})
    image = ImageConfig(programs=found)
    assert image.has_program("wget") and image.has_program("/usr/bin/wget")
    assert image.has_program("curl") is False and image.has_program("sh") is False
    assert ImageConfig().has_program("curl") is None  # its files were not listed
