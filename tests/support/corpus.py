"""Where the developer corpus (../shared/corpus: real base/head pairs) is, from any checkout."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def find_corpus() -> Path | None:
    """DOCKHAND_CORPUS, else shared/corpus beside the checkout or one level up, else the
    workplace's copy; None when there is none."""
    candidates = [
        os.environ.get("DOCKHAND_CORPUS", ""),
        str(ROOT.parent / "shared" / "corpus"),
        str(ROOT.parent.parent / "shared" / "corpus"),
        "/work/shared/corpus",
    ]
    return next((Path(c) for c in candidates if c and Path(c).is_dir()), None)
