from __future__ import annotations

from bot.deps.model import Source
from bot.deps.rust.cargo import parse_cargo_lock, parse_cargo_toml
from tests.deps.corpus import corpus_text

CARGO = """\
[package]
name = "server"
version = "0.1.0"

[dependencies]
serde = { version = "1.0", features = ["derive"] }
tokio = "1.37"
web = { package = "actix-web", version = "4" }
shared = { path = "../shared" }
forked = { git = "https://github.com/org/forked", branch = "main" }
pinned = { git = "https://github.com/org/pinned", rev = "0123456789abcdef0123456789abcdef01234567" }
log.workspace = true

[dependencies.regex]
version = "=1.10.4"

[target.'cfg(unix)'.dependencies]
nix = "0.28"

[dev-dependencies]
tempfile = "3"

[build-dependencies]
cc = "1"
"""


def test_every_table_with_lines() -> None:
    parsed = parse_cargo_toml("Cargo.toml", CARGO)
    assert parsed.error is None and parsed.project == "server"
    found = {d.name: d for d in parsed.dependencies}
    assert (found["serde"].spec, found["serde"].line) == ("1.0", 6)
    assert (found["actix-web"].display, found["actix-web"].line) == ("web", 8)
    assert found["shared"].source is Source.PATH
    assert (found["forked"].source, found["forked"].pinned) == (Source.GIT, False)
    assert found["pinned"].pinned
    assert (found["log"].source, found["log"].line) == (Source.WORKSPACE, 12)
    assert (found["regex"].version, found["regex"].line) == ("1.10.4", 14)
    assert (found["nix"].marker, found["nix"].line) == ("cfg(unix)", 18)
    assert (found["tempfile"].group, found["cc"].group) == ("dev", "build")


def test_cargo_lock_from_the_corpus() -> None:
    text = corpus_text("c016/head/Cargo.lock")
    parsed = parse_cargo_lock("Cargo.lock", text)
    assert parsed.error is None
    assert "vaultwarden" in parsed.members
    derive = next(d for d in parsed.dependencies if d.name == "derive_more")
    assert (derive.version, derive.direct) == ("2.0.0", True)
    assert text.split("\n")[derive.line - 1] == 'name = "derive_more"'  # type: ignore[operator]


def test_invalid_cargo_toml() -> None:
    parsed = parse_cargo_toml("Cargo.toml", '[dependencies]\nserde = "1"\nserde = "2"\n')
    assert parsed.error is not None and parsed.error.line == 3
