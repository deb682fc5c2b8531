"""Wasted space on hand-made layers: overwrites, file and directory whiteouts, opaque directories."""

from __future__ import annotations

from bot.image.layers import LayerData, LayerFile
from bot.image.waste import analyze_waste


def layer(*files: tuple[str, int, str]) -> LayerData:
    entries = tuple(LayerFile(path, size, kind) for path, size, kind in files)
    return LayerData("sha256:x", 0, sum(f.size for f in entries if f.kind == "f"), 0, entries)


def test_overwrite_is_blamed_on_the_later_layer() -> None:
    waste = analyze_waste(
        (layer(("app", 0, "d"), ("app/a", 100, "f"), ("app/b", 50, "f")), layer(("app", 0, "d"), ("app/a", 100, "f")))
    )
    assert waste.wasted_bytes == 100
    assert [(s.by, s.added_in, s.bytes, s.paths) for s in waste.shadowings] == [(1, 0, 100, (("app/a", 100),))]
    assert waste.potential_wasted_bytes == 200  # dive: both copies of app/a


def test_whiteouts_of_files_and_directories_and_opaque_directories() -> None:
    waste = analyze_waste(
        (
            layer(("var/lib/apt/lists/x", 30, "f"), ("var/lib/apt/lists/y", 20, "f"), ("tmp/t", 5, "f")),
            layer(("cache/c", 7, "f")),
            layer(("var/lib/apt/lists", 0, "w"), ("tmp/t", 0, "w")),
            layer(("cache", 0, "o"), ("cache/new", 1, "f")),
        )
    )
    assert waste.wasted_bytes == 62
    assert [(s.by, s.added_in, s.bytes) for s in waste.shadowings] == [(2, 0, 55), (3, 1, 7)]


def test_nothing_is_wasted_when_layers_only_add() -> None:
    waste = analyze_waste((layer(("a", 1, "f")), layer(("b", 2, "f"), ("a", 0, "d"))))
    assert waste.wasted_bytes == 1  # a file replaced by a directory hides the file
    assert analyze_waste((layer(("a", 1, "f")), layer(("b", 2, "f")))).wasted_bytes == 0
