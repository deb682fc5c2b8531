"""DH301 no .dockerignore for a context copied whole, DH302 one that lets secrets and bulk in."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.lint.dockerignore.edits import append_patterns
from bot.lint.dockerignore.subject import ContextReview
from bot.model import Severity
from bot.parsing.shell import parse_script
from bot.rule import Hit, rule

KEY_FILES = (
    "*.pem",
    "*.key",
    "id_rsa",
    "id_rsa.*",
    "id_ed25519",
    "id_ed25519.*",
    "*.p12",
    "*.pfx",
    "*.jks",
    "*.keystore",
)
_VCS_VERSIONING = re.compile(
    r"setuptools[_-]scm|hatch-vcs|versioningit|dunamai|poetry-dynamic-versioning|vcs-versioning"
)
_NODE_INSTALL = frozenset({("npm", "ci"), ("npm", "install"), ("npm", "i"), ("yarn", "install"), ("pnpm", "install")})


@rule(
    "DH301", "dockerignore-missing", Severity.MEDIUM, "The whole build context is copied and there is no .dockerignore"
)
def dockerignore_missing(review: ContextReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a Dockerfile that copies its entire build context (`COPY . .`, `ADD . /app`) when
    the context has no `.dockerignore` (nor a `<Dockerfile>.dockerignore` beside the
    Dockerfile). The context is the one Compose's `build:` gives the service, or for a
    Dockerfile no Compose file builds, the directory its COPY sources are found in.

    ## Why it matters
    Everything in the directory goes into the image: `.git` with the whole history, `.env`
    files with local credentials, `node_modules` and build output from the developer's
    machine, private keys. It also makes every build slower and every code change a cache
    miss for the `COPY` layer.

    ## Example
    ```dockerfile
    FROM node:22-slim
    WORKDIR /app
    COPY . .
    RUN npm ci
    ```
    (with no `.dockerignore` next to it)

    ## Fix
    Add a `.dockerignore` at the root of the context:
    ```
    .git
    .env*
    node_modules
    *.pem
    ```
    """
    if review.ignore is None and review.whole_copy is not None:
        yield Hit(
            review.line(instruction=review.whole_copy),
            f"{review.describe()} copies the whole context, which has no .dockerignore: "
            ".git, .env files and local build output all go into the image",
        )


@rule(
    "DH302",
    "dockerignore-incomplete",
    Severity.MEDIUM,
    "The .dockerignore lets `.git`, `.env`, keys or `node_modules` in",
)
def dockerignore_incomplete(review: ContextReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    For a context that a Dockerfile copies whole, checks with Docker's own matching that the
    `.dockerignore` leaves out `.git`, `.env`, the private keys and certificates tracked in
    the context (`*.pem`, `*.key`, `id_rsa` ...), and `node_modules` when the Dockerfile
    installs Node packages itself. `.git` is not asked for when the build needs it
    (setuptools-scm, hatch-vcs, or a `git` command in a RUN).

    ## Why it matters
    These are the files that should never be in an image: the repository history (with every
    secret ever committed), local environment files, keys, and a host `node_modules` built for
    another platform that overwrites the one `npm ci` installs.

    ## Example
    ```
    # .dockerignore
    __pycache__
    *.pyc
    ```
    with `COPY . .` in the Dockerfile.

    ## Fix
    Add the missing patterns; the suggestion adds `.git` and `node_modules` where they are
    certainly not needed:
    ```
    .git
    .env*
    node_modules
    ```
    """
    ignore = review.ignore
    if ignore is None or review.whole_copy is None:
        return
    missing: list[str] = []
    certain: list[str] = []
    samples: list[str] = []
    if not ignore.is_excluded(".git/config") and not _needs_git(review):
        missing.append("`.git`")
        certain.append(".git")
        samples.append(".git/config")
    if not ignore.is_excluded(".env"):
        missing.append("`.env`")
    keys = [path for path in review.files if _is_key_file(path) and not ignore.is_excluded(path)]
    if keys:
        shown = ", ".join(f"`{path}`" for path in keys[:3]) + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")
        missing.append(f"key files ({shown})")
    if "package.json" in review.files and _installs_node_packages(review) and not ignore.is_excluded("node_modules/x"):
        missing.append("`node_modules`")
        certain.append("node_modules")
        samples.append("node_modules/x")
    if missing:
        suggestion = append_patterns(review, certain, samples) if review.target == "ignore" else None
        message = f"{review.describe()} copies the whole context, and this .dockerignore lets in {', '.join(missing)}"
        yield Hit(review.line(instruction=review.whole_copy), message, suggestion=suggestion)


def _is_key_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in KEY_FILES)


def _needs_git(review: ContextReview) -> bool:
    for stage in review.dockerfile.stages:
        for ins in stage.of("RUN"):
            if any(cmd.program == "git" for cmd in parse_script(ins.shell_script or ins.command_text)):
                return True
    for name in ("pyproject.toml", "setup.cfg", "setup.py"):
        path = name if review.build.context in ("", ".") else f"{review.build.context}/{name}"
        text = review.view.read(path) if review.view.exists(path) else None
        if text and _VCS_VERSIONING.search(text):
            return True
    return False


def _installs_node_packages(review: ContextReview) -> bool:
    for stage in review.dockerfile.stages:
        for ins in stage.of("RUN"):
            for cmd in parse_script(ins.shell_script or ins.command_text):
                if (cmd.program, next(iter(cmd.positional), "")) in _NODE_INSTALL or (
                    cmd.program == "yarn" and not cmd.positional
                ):
                    return True
    return False
