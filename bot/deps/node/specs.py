"""What a package.json dependency value is: a semver range, a dist-tag, an alias, git, a URL, a path."""

from __future__ import annotations

import re

from bot.deps.model import Source
from bot.deps.python.pep508 import is_full_commit

_GIT_PREFIXES = ("git+", "git://", "github:", "gitlab:", "bitbucket:", "gist:")
_SHORTHAND = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+(#.*)?$")
_PATH_PREFIXES = ("file:", "link:", "./", "../", "~/", "/", "portal:")


def classify(spec: str) -> tuple[Source, bool]:
    """Source kind and, for git/URL sources, whether an exact commit is named."""
    value = spec.strip()
    if value.startswith("workspace:"):
        return Source.WORKSPACE, True
    if value.startswith(_PATH_PREFIXES):
        return Source.PATH, True
    if value.startswith(_GIT_PREFIXES) or _SHORTHAND.match(value):
        return Source.GIT, is_full_commit(git_ref(value))
    if value.startswith(("http://", "https://")):
        return Source.URL, False
    return Source.REGISTRY, True


def git_ref(spec: str) -> str:
    """The `#ref` of a git dependency (`user/repo#v1.2`, `git+https://...#<sha>`); `semver:` is no commit."""
    if "#" not in spec:
        return ""
    ref = spec.rsplit("#", 1)[1]
    return "" if ref.startswith("semver:") else ref


def registry_range(spec: str) -> tuple[str | None, str]:
    """(package name behind an `npm:` alias or None, the range): `npm:lodash@^4` -> ("lodash", "^4")."""
    if spec.startswith("npm:"):
        target = spec[4:]
        at = target.rfind("@")
        if at > 0:
            return target[:at], target[at + 1 :]
        return target, "*"
    return None, spec
