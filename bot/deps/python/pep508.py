"""One PEP 508 requirement (`requests[socks]>=2.31; python_version < "3.13"`) as a Dependency."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement

from bot.deps.model import Dependency, Source
from bot.deps.pyver import normalize_name, pinned_version

VCS_SCHEMES = ("git+", "hg+", "svn+", "bzr+")
_HASH_FRAGMENT = re.compile(r"(?:^|&)(sha1|sha224|sha256|sha384|sha512|md5)=[0-9a-fA-F]+")
_FULL_COMMIT = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


class RequirementError(ValueError):
    pass


def from_pep508(text: str, line: int | None, group: str = "", direct: bool | None = True) -> Dependency:
    """Parse a PEP 508 string; raises RequirementError with packaging's words when it is not one."""
    try:
        requirement = Requirement(text)
    except InvalidRequirement as error:
        raise RequirementError(str(error).splitlines()[0]) from None
    name = normalize_name(requirement.name)
    spec = str(requirement.specifier)
    source, location, pinned = Source.REGISTRY, "", True
    if requirement.url:
        source, pinned = url_source(requirement.url)
        location = requirement.url
        spec = requirement.url
    return Dependency(
        name=name,
        spec=spec,
        line=line,
        version=pinned_version(requirement.specifier) if not requirement.url else None,
        direct=direct,
        group=group,
        source=source,
        location=location,
        pinned=pinned,
        marker=str(requirement.marker) if requirement.marker else "",
        display=requirement.name if requirement.name != name else "",
        extras=tuple(sorted(normalize_name(extra) for extra in requirement.extras)),
    )


def url_source(url: str) -> tuple[Source, bool]:
    """What kind of source a URL is, and whether it names an exact commit or carries a hash."""
    if url.startswith(VCS_SCHEMES):
        return Source.GIT, is_full_commit(vcs_ref(url))
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("", "file"):
        return Source.PATH, True
    return Source.URL, bool(_HASH_FRAGMENT.search(urlsplit(url).fragment))


def vcs_ref(url: str) -> str:
    """The `@ref` of a pip VCS URL (`git+https://host/repo.git@v1.0#egg=x` -> `v1.0`), or ""."""
    path = urlsplit(url.split("+", 1)[1]).path if "+" in url else urlsplit(url).path
    if "@" not in path:
        return ""
    return path.rsplit("@", 1)[1]


def is_full_commit(ref: str) -> bool:
    return bool(_FULL_COMMIT.match(ref.lower()))
