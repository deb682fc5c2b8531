"""DH400: a dependency file does not parse."""

from __future__ import annotations

from collections.abc import Iterator

from bot.deps.model import ParsedFile
from bot.deps.rules.context import DepContext
from bot.model import Severity
from bot.rule import Hit, rule


@rule("DH400", "dependency-syntax", Severity.HIGH, "The dependency file does not parse")
def dependency_syntax(parsed: ParsedFile, context: DepContext) -> Iterator[Hit]:
    """
    ## What it does
    Reads every changed requirements file, pyproject.toml, uv.lock, poetry.lock, Pipfile,
    Pipfile.lock, package.json, package-lock.json, yarn.lock, pnpm-lock.yaml, Cargo.toml,
    Cargo.lock, go.mod and go.sum with that format's rules, and reports the line where reading
    stops: invalid TOML or JSON, a requirement pip rejects, an unknown go.mod directive, a
    malformed go.sum line, a yarn.lock entry without a version.

    ## Why it matters
    The package manager stops at this line, so the image build or the install step fails —
    often only in CI or at deploy time. Nothing else in the file can be compared until it parses.

    ## Example
    ```text
    requests>=2.31 ; python_version >= 3.8
    ```

    ## Fix
    Correct the line named in the finding; here, quote the marker value:
    `requests>=2.31 ; python_version >= "3.8"`. For lock files, regenerate them with the
    package manager instead of editing by hand.
    """
    if parsed.error is not None:
        yield Hit(parsed.error.line, parsed.error.message)
