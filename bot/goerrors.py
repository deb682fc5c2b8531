"""Go error chains (Trivy's, BuildKit's) shortened to what a reader can act on.

Go programs wrap an error at every layer it passes: "run error: init error: DB error: failed
to download vulnerability DB: ...: no such host". The layers' names say nothing to a reviewer.
"""

from __future__ import annotations

import re

_ERROR_WRAPPER = re.compile(r"(?:[A-Za-z][\w .-]* error|\d+ errors? occurred:?)")
"""A layer that only names itself in an error chain ("run error", "OCI artifact error")."""


def condensed(chain: str) -> str:
    """A Go error chain without its bare wrapper names, repeats, and the "failed to" steps that
    a more precise one follows: "run error: init error: DB error: failed to download vulnerability
    DB: OCI artifact error: failed to download artifact from X: 1 error occurred: Get ...: no such
    host" keeps "failed to download artifact from X: Get ...: no such host"."""
    kept: list[str] = []
    parts = chain.split(": ")
    for index, part in enumerate(parts):
        part = part.strip()
        last = index == len(parts) - 1  # the cause itself may read like a name: "internal server error"
        if not part or (_ERROR_WRAPPER.fullmatch(part) and not last) or part in kept:
            continue
        if kept and kept[-1].startswith("failed to") and part.startswith("failed to"):
            kept.pop()
        kept.append(part)
    return ": ".join(kept) or chain
