"""The config file's `image:` part: every key, and problems at their lines."""

from __future__ import annotations

import pytest

from bot.catalog import rule_codes
from bot.config import Config, ConfigError, parse_config
from bot.image.settings import ImageSettings, ImageSpec, SizeBudget
from bot.model import Severity


def parse(text: str) -> Config:
    return parse_config(text, ".dockhand.yml", rule_codes())


def test_every_image_key() -> None:
    config = parse(
        "image:\n"
        "  max-images: 2\n"
        "  concurrency: 3\n"
        "  timeout: 60\n"
        "  network: none\n"
        "  platform: linux/amd64\n"
        "  keep-cache: false\n"
        "  growth-threshold-mb: 0\n"
        "  waste-threshold-mb: 2.5\n"
        "  budget: {max-growth-mb: 50, max-growth-percent: 10, max-size-mb: 500, size: compressed, severity: medium}\n"
        "  images:\n"
        "    - dockerfile: docker/Dockerfile\n"
        "      context: .\n"
        "      target: runtime\n"
        "      args: {V: 3.12, EMPTY: null}\n"
        "      platform: linux/arm64\n"
    )
    assert config.image == ImageSettings(
        max_images=2,
        concurrency=3,
        timeout=60,
        network="none",
        platform="linux/amd64",
        keep_cache=False,
        growth_threshold_bytes=0,
        waste_threshold_bytes=2_500_000,
        budget=SizeBudget(50_000_000, 10.0, 500_000_000, compressed=True, severity=Severity.MEDIUM),
        images=(ImageSpec("docker/Dockerfile", ".", "runtime", {"V": "3.12", "EMPTY": ""}, "linux/arm64"),),
    )


def test_sizes_too_large_to_be_meant_are_problems_not_crashes() -> None:
    with pytest.raises(ConfigError) as raised:
        parse("image:\n  waste-threshold-mb: 1.0e+308\n  budget: {max-size-mb: 2000000000}\n")
    messages = [str(p) for p in raised.value.problems]
    assert ".dockhand.yml:2: image.waste-threshold-mb must be at most 1,000,000,000 (a petabyte)" in messages
    assert ".dockhand.yml:3: image.budget.max-size-mb must be at most 1,000,000,000 (a petabyte)" in messages


def test_defaults_without_an_image_key() -> None:
    assert parse("fail-on: high\n").image == ImageSettings()
    assert not ImageSettings().budget.active


def test_image_problems_name_their_lines() -> None:
    with pytest.raises(ConfigError) as raised:
        parse(
            "image:\n"
            "  max-images: 0\n"
            "  budjet: {}\n"
            "  budget: {max-growth-mb: -1, severity: huge, size: zipped}\n"
            "  network: --privileged\n"
            "  images: [{context: .}]\n"
        )
    messages = [str(p) for p in raised.value.problems]
    assert ".dockhand.yml:2: image.max-images must be a positive whole number" in messages
    assert ".dockhand.yml:4: image.budget.max-growth-mb must be a number, 0 or more" in messages
    assert any(m.startswith(".dockhand.yml:4: image.budget.severity: unknown severity 'huge'") for m in messages)
    assert ".dockhand.yml:4: image.budget.size must be 'uncompressed' or 'compressed'" in messages
    assert (
        ".dockhand.yml:3: unknown key image.budjet (one of: max-images, concurrency, timeout, network, platform, "
        "keep-cache, growth-threshold-mb, waste-threshold-mb, budget, images)" in messages
    )
    assert ".dockhand.yml:5: image.network must be a non-empty string, not starting with '-'" in messages
    assert ".dockhand.yml:6: every entry of image.images needs a 'dockerfile' path" in messages
