"""DH200: the Compose file does not parse, is not valid Compose, or is refused by a limit."""

from __future__ import annotations

from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.compose import ComposeFile
from bot.rule import Hit, rule


@rule("DH200", "compose-syntax", Severity.HIGH, "The Compose file does not parse or is not valid Compose")
def compose_syntax(compose: ComposeFile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reads the file as Compose does and reports the line where it stops: YAML errors (a tab in
    the indentation, a duplicated key, an unclosed bracket), settings Compose does not know
    (`imagee:`, an unknown top-level key), values of the wrong shape (`ports: 80` instead of a
    list, a mapping inside `environment`), and input refused by dockhand's limits: files over
    512 KiB, nesting deeper than 64 levels, and YAML aliases that would expand past 100,000
    values (a "billion laughs" alias bomb).

    ## Why it matters
    `docker compose up` refuses the whole file, so nothing in it starts. Unknown keys are the
    worst kind: a misspelt `healthcheck` or `restart` would otherwise be silently missing. The
    limits keep a hostile pull request from stalling the review.

    ## Example
    ```yaml
    services:
      web:
        image: nginx:1.27
        restrat: unless-stopped
    ```

    ## Fix
    Correct the line named in the finding; here, `restart: unless-stopped`. Every other
    compose rule needs a file that parses, so they report nothing for this file until it does.
    """
    for problem in compose.problems:
        yield Hit(problem.line, problem.message)
