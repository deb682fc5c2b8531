"""DH134: a COPY, ADD or bind-mount source that climbs above the build context."""

from __future__ import annotations

from collections.abc import Iterator

from bot.lint.buildcontexts import copy_sources
from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile
from bot.rule import Hit, rule


@rule("DH134", "source-outside-context", Severity.MEDIUM, "A COPY or ADD source climbs above the build context")
def source_outside_context(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `COPY`, `ADD` or `RUN --mount=type=bind` source that starts with `..` once
    cleaned (`../config`, `app/../../secrets`): a path above the build context.

    ## Why it matters
    A build only sees its context. The classic builder refuses the instruction ("Forbidden path
    outside the build context"); BuildKit quietly reads the path from the context's root
    instead (`../config` is `config`), which is a different file from the one the author meant,
    or none. Either way the file outside is never copied, and the Dockerfile does not say
    what it does.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    COPY ../shared/requirements.txt /app/
    ```

    ## Fix
    Build from the directory that holds both (`docker build -f service/Dockerfile .`, or
    `build: {context: .., dockerfile: service/Dockerfile}` in Compose) and name the source
    from there: `COPY shared/requirements.txt /app/`.
    """
    for source in copy_sources(dockerfile):
        parts = source.path.split("/")
        if parts[0] == "..":
            inside = "/".join(part for part in parts if part != "..") or "."
            yield Hit(
                source.line,
                f"`{source.text}` is above the build context: the classic builder refuses it, BuildKit reads "
                f"`{inside}` at the context's root instead",
                source.instruction.end_line,
            )
