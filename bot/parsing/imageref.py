"""Image references as `FROM` and `COPY --from` write them: registry, repository, tag, digest."""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_REGISTRY = "docker.io"
_DOCKER_HUB_ALIASES = frozenset({"docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"})
_UNRESOLVED = re.compile(r"\$")


@dataclass(frozen=True)
class ImageRef:
    registry: str
    """`docker.io` when the reference names none."""
    repository: str
    """`library/python` for official images."""
    tag: str | None
    digest: str | None
    registry_given: bool
    """The reference names its registry (`ghcr.io/org/app`) rather than defaulting to Docker Hub."""

    @property
    def is_docker_hub(self) -> bool:
        return self.registry in _DOCKER_HUB_ALIASES

    @property
    def short_name(self) -> str:
        """`python` for `docker.io/library/python:3.12`, `org/app` for `ghcr.io/org/app`."""
        return self.repository.rpartition("/")[2] if self.is_docker_hub else self.repository

    @property
    def family(self) -> str:
        """The last repository component: `python`, `alpine`, `golang`."""
        return self.repository.rpartition("/")[2]


def parse_image_ref(text: str) -> ImageRef | None:
    """Parse `[registry/]repository[:tag][@digest]`; None when empty or still holding `$VARS`."""
    text = text.strip()
    if not text or _UNRESOLVED.search(text) or any(c.isspace() for c in text):
        return None
    name, _, digest = text.partition("@")
    slash = name.find("/")
    first = name[:slash] if slash >= 0 else ""
    registry_given = bool(first) and ("." in first or ":" in first or first == "localhost")
    remainder = name[slash + 1 :] if registry_given else name
    repository, tag = remainder, None
    colon = remainder.rfind(":")
    if colon > remainder.rfind("/"):
        repository, tag = remainder[:colon], remainder[colon + 1 :]
    if not repository:
        return None
    registry = first.lower() if registry_given else DEFAULT_REGISTRY
    if registry in _DOCKER_HUB_ALIASES and "/" not in repository:
        repository = f"library/{repository}"
    return ImageRef(registry, repository.lower(), tag or None, digest or None, registry_given)


def registry_matches(registry: str, trusted: str) -> bool:
    """`trusted` names a registry (`ghcr.io`), a subdomain wildcard (`*.corp.example`) or Hub aliases."""
    trusted = trusted.strip().lower().rstrip("/")
    if trusted.startswith("*."):
        return registry.endswith(trusted[1:])
    if trusted in _DOCKER_HUB_ALIASES:
        return registry in _DOCKER_HUB_ALIASES
    return registry == trusted


_TAG_VERSION = re.compile(r"^v?(\d+(?:\.\d+)*)")


def tag_goes_down(old: str, new: str) -> bool:
    """Whether tag `new` names a lower version than `old` (`3.12-slim` -> `3.11-slim`), compared
    as far as both go (`3.12` floats to the newest 3.12.x, so `3.12.8` -> `3.12` is not lower).
    Tags without a leading version (`bookworm`, `latest`) are never lower."""
    before, after = _tag_version(old), _tag_version(new)
    if before is None or after is None:
        return False
    common = min(len(before), len(after))
    return after[:common] < before[:common]


def _tag_version(tag: str) -> tuple[int, ...] | None:
    match = _TAG_VERSION.match(tag)
    return tuple(int(part) for part in match.group(1).split(".")) if match else None
