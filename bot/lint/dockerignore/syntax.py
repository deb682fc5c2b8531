"""DH300: a .dockerignore pattern that Docker rejects."""

from __future__ import annotations

from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.dockerignore import DockerIgnore
from bot.rule import Hit, rule


@rule("DH300", "dockerignore-syntax", Severity.HIGH, "A .dockerignore pattern is malformed")
def dockerignore_syntax(ignore: DockerIgnore, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reads the file as BuildKit does and reports every pattern Go's `filepath.Match` rejects:
    an unclosed character class (`[abc`), a class that starts with `-` or `]`, a range with
    no end (`[a-]`), a trailing backslash, and a lone `!`.

    ## Why it matters
    `docker build` stops before sending the context ("syntax error in pattern"), for every
    Dockerfile that uses this context. Nothing builds until the line is fixed.

    ## Example
    ```
    node_modules
    [Bb]uild
    *.log[
    ```

    ## Fix
    Close or escape the bracket (`*.log\\[` for a literal `[`), or remove the line.
    """
    for error in ignore.errors:
        yield Hit(error.line, f"Docker rejects this pattern: {error.message}")
