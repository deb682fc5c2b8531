"""How a review is run: what the command line or the action's inputs asked for."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.model import Severity


@dataclass(frozen=True)
class ReviewOptions:
    build: bool = True
    """Build base and head images (when the image analyzer is present and docker answers)."""
    scan: bool = True
    """Scan with Trivy (when the scan analyzer is present and trivy is installed)."""
    fail_on: Severity | None = None
    """Overrides the config file's `fail-on` when set."""
    keep_images: bool = False
    """Keep the images built for the review (tagged `dockhand-review:...`) instead of removing them."""
    trivy_cache_dir: Path | None = None
    """Overrides the config file's `trivy-cache-dir` when set."""
    offline: bool = False
    """Never download anything (also when the config file does not say `offline: true`)."""
    trivy: Path | None = None
    """The trivy binary to run (default: the one next to the Python interpreter, then PATH)."""
