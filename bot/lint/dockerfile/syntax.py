"""DH100: the Dockerfile does not parse."""

from __future__ import annotations

from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile
from bot.rule import Hit, rule


@rule("DH100", "dockerfile-syntax", Severity.HIGH, "The Dockerfile does not parse")
def dockerfile_syntax(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Parses the Dockerfile with BuildKit's own parser and reports the first line it rejects:
    unknown instructions, missing arguments, unknown flags, an unterminated heredoc, an
    instruction before the first `FROM`.

    ## Why it matters
    `docker build` stops at this line. Every other rule needs a file that parses, so nothing
    else is reported for this file until it does.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN <<EOF
    pip install --no-cache-dir flask
    ```

    ## Fix
    Correct the line named in the finding; here, close the heredoc with `EOF`.
    """
    for error in dockerfile.errors:
        yield Hit(error.line, f"BuildKit rejects this line: {error.message}")
