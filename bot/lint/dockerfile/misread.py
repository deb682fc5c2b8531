"""Instructions the builder rejects or reads differently than written: DH139 (COPY of several
sources to a path that is not a directory), DH140 (ENV reading a variable it sets itself)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile, Instruction
from bot.parsing.interpolation import references
from bot.rule import Hit, rule

_DIRECTORY_ENDINGS = ("/", "/.", "/..")


def _instructions(dockerfile: Dockerfile, *keywords: str) -> Iterator[Instruction]:
    for stage in dockerfile.stages:
        yield from (ins for ins in stage.instructions if ins.keyword in keywords)


@rule(
    "DH139",
    "copy-to-file-path",
    Severity.HIGH,
    "COPY or ADD of several sources to a destination that is not a directory",
    aliases=("DL3021",),
)
def copy_to_file_path(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `COPY` or `ADD` with more than one source whose destination does not end with
    `/` (nor is `.` or `..`).

    ## Why it matters
    The builder refuses it: "When using COPY with more than one source file, the destination
    must be a directory and end with a /". The build fails at this line.

    ## Example
    ```dockerfile
    COPY package.json package-lock.json /app
    ```

    ## Fix
    ```dockerfile
    COPY package.json package-lock.json /app/
    ```
    """
    for ins in _instructions(dockerfile, "COPY", "ADD"):
        if ins.heredocs or len(ins.arguments) < 3:
            continue
        *sources, destination = ins.arguments
        if destination in (".", "..") or destination.endswith(_DIRECTORY_ENDINGS):
            continue
        yield Hit(
            ins.line,
            f"{ins.keyword} of {len(sources)} sources to `{destination}`, which is not a directory:"
            f" the build fails; write `{destination}/`",
            ins.end_line,
        )


@rule(
    "DH140",
    "env-reads-itself",
    Severity.MEDIUM,
    "ENV uses a variable it sets in the same instruction",
    aliases=("DL3044",),
)
def env_reads_itself(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports an `ENV` whose value refers to a variable that the same `ENV` sets before it
    (`ENV A=1 B=$A`).

    ## Why it matters
    The builder expands every value of one `ENV` with the variables as they were before the
    instruction: `B` gets the old value of `A` (often nothing), not the `1` written beside it.
    The image starts with a value nobody wrote.

    ## Example
    ```dockerfile
    ENV APP_HOME=/srv/app APP_BIN=$APP_HOME/bin
    ```

    ## Fix
    Set the variable in an `ENV` of its own first:
    ```dockerfile
    ENV APP_HOME=/srv/app
    ENV APP_BIN=$APP_HOME/bin
    ```
    """
    for ins in _instructions(dockerfile, "ENV"):
        pairs = list(zip(ins.arguments[::2], ins.arguments[1::2], strict=False))
        set_before: set[str] = set()
        for name, value in pairs:
            read = next((ref.name for ref in references(value) if ref.name in set_before), None)
            if read is not None:
                yield Hit(
                    ins.line,
                    f"`{name}` reads `${read}`, which this ENV sets too: it gets the value from before this"
                    f" instruction, not the one beside it",
                    ins.end_line,
                )
                break
            set_before.add(name)
