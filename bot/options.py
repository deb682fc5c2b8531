"""How a review is run: what the command line or the action's inputs asked for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.image.settings import SizeBudget
from bot.model import Severity


@dataclass(frozen=True)
class ReviewOptions:
    build: bool = True
    """Build base and head images (when the image analyzer is present and docker answers)."""
    scan: bool = True
    """Scan with Trivy (when the scan analyzer is present and trivy is installed)."""
    fail_on: Severity | None = None
    """Overrides the config file's `fail-on` when set."""
    build_required: bool = False
    """`build: true` in the action: a build that cannot run (no Docker engine) is an error in the
    report, not a note. `build: auto` leaves it a note."""
    scan_required: bool = False
    """`scan: true` in the action: a scan that cannot run (no Trivy, no DB) is an error, not a note."""
    size_budget: SizeBudget | None = None
    """The action's `size-budget` input: its limits beat the config file's `image.budget`."""
    trivy_cache_dir: Path | None = None
    """Trivy's `--cache-dir` (the action's `trivy-cache-dir` input, `--trivy-cache-dir`); beats the config file's."""
    build_cache_dir: Path | None = None
    """BuildKit's layer cache, kept in this directory between runs (`--build-cache-dir`, the
    action's `build-cache-dir` input); see bot/image/buildcache.py."""
    keep_images: bool = False
    """Keep the images built for the review (tagged `dockhand-review:...`) instead of removing them."""
    only: frozenset[str] | None = None
    """A matrix job of `dockhand plan`: build only these images (ids from the plan, Dockerfile
    paths or labels), whatever image.max-images says; an empty set builds none. None: build what
    discovery finds, up to image.max-images."""
    offline: bool = False
    """Never download anything (also when the config file does not say `offline: true`)."""
    trivy: Path | None = None
    """The trivy binary to run (default: the one next to the Python interpreter, then PATH)."""
