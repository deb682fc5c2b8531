"""DH101: the image runs as root."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile, Instruction
from bot.rule import Hit, rule

_ROOT = re.compile(r"^(root|0)(:.*)?$")
_NON_ROOT_BASE = re.compile(r"nonroot|rootless", re.IGNORECASE)


@rule("DH101", "root-user", Severity.HIGH, "The final stage runs as root", aliases=("DL3002",))
def root_user(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Finds the user the image runs as: the last `USER` of the final stage, or of the stages it
    is built `FROM`. Reports a `USER root` / `USER 0`, and a final stage with no `USER` at all.

    ## Why it matters
    A process running as root in a container is root on the host's kernel. One escape bug,
    one writable host mount or one mis-set capability turns an application bug into a host
    compromise. Most images need no root at run time.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    COPY . /app
    CMD ["python", "/app/main.py"]
    ```

    ## Fix
    Create an unprivileged user and switch to it after the steps that need root:
    ```dockerfile
    RUN groupadd --gid 1000 app && useradd --uid 1000 --gid app --no-create-home app
    COPY --chown=app:app . /app
    USER app
    ```
    Bases that already run unprivileged (`*:nonroot`, rootless images) are not reported.
    """
    final = dockerfile.final_stage
    if final is None or dockerfile.is_windows(final):
        return
    user = effective_user(dockerfile)
    if user is None:
        if not base_runs_unprivileged(dockerfile):
            yield Hit(final.from_instruction.line, "no USER in the final stage: the container runs as root")
    elif is_root(user.arguments[0] if user.arguments else ""):
        yield Hit(user.line, f"the final stage switches to root (`USER {user.arguments[0]}`) and stays there")


def is_root(user: str) -> bool:
    """`root`, `0`, `root:root`, `0:0`, and the empty user (Docker's default)."""
    return not user.strip() or bool(_ROOT.match(user.strip()))


def base_runs_unprivileged(dockerfile: Dockerfile) -> bool:
    """The final stage's base image is one known to run unprivileged (`*:nonroot`, rootless)."""
    final = dockerfile.final_stage
    return final is not None and bool(_NON_ROOT_BASE.search(dockerfile.root_of(final).base_resolved))


def effective_user(dockerfile: Dockerfile) -> Instruction | None:
    """The USER instruction in effect in the final stage (None: the base image's user)."""
    final = dockerfile.final_stage
    return dockerfile.last_in_lineage(final, "USER") if final else None
