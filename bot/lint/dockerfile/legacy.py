"""Old spellings BuildKit warns about on every build: DH141 (`ENV key value`), DH142 (`FROM x as y`
with the keywords' cases apart). Both have a suggestion that changes nothing else."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.lint.dockerfile.edits import replace_lines
from bot.model import Severity, Suggestion
from bot.parsing.dockerfile import Dockerfile, Instruction
from bot.rule import Hit, rule

_LEGACY_ENV = re.compile(
    r"^(?P<keyword>\s*ENV\s+)(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<gap>\s+)(?P<value>\S.*?)\s*$", re.I
)
_SAFE_VALUE = re.compile(r"^[^\s\"'\\]+$")
"""A value that means the same with `=` in front: no spaces, quotes or escapes to reinterpret."""
_FROM_AS = re.compile(r"^(?P<before>\s*(?P<from>from)\s.*\s)(?P<as>as)(?P<after>\s+\S+\s*)$", re.I)


@rule("DH141", "legacy-env-format", Severity.INFO, "ENV in the legacy `ENV key value` form")
def legacy_env_format(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `ENV NAME value`, the form without `=`, which sets one variable to the rest of the
    line.

    ## Why it matters
    BuildKit prints a `LegacyKeyValueFormat` warning for it on every build, and the form reads
    ambiguously: `ENV JAVA_OPTS -Xmx1g -Xms1g` sets one variable to both flags, while
    `ENV A=1 B=2` sets two. Docker documents it as deprecated.

    ## Example
    ```dockerfile
    ENV PATH /usr/local/bin:$PATH
    ```

    ## Fix
    ```dockerfile
    ENV PATH=/usr/local/bin:$PATH
    ```
    The suggestion is offered for a one-line value without spaces or quotes, where adding `=`
    changes nothing else.
    """
    for stage in dockerfile.stages:
        for ins in stage.of("ENV"):
            if not _is_legacy(dockerfile, ins):
                continue
            name = ins.arguments[0]
            match = _LEGACY_ENV.match(dockerfile.text_of(ins.line, ins.line)) if ins.line == ins.end_line else None
            yield Hit(
                ins.line,
                f"`ENV {name} ...` is the legacy form: write `ENV {name}=...`",
                ins.end_line,
                _env_fix(dockerfile, ins, match),
            )


def _is_legacy(dockerfile: Dockerfile, ins: Instruction) -> bool:
    words = dockerfile.text_of(ins.line, ins.end_line).split(None, 2)
    return len(words) == 3 and "=" not in words[1] and len(ins.arguments) == 2


def _env_fix(dockerfile: Dockerfile, ins: Instruction, match: re.Match[str] | None) -> Suggestion | None:
    if match is None or not _SAFE_VALUE.match(match.group("value")):
        return None
    return replace_lines(dockerfile, ins, f"{match.group('keyword')}{match.group('name')}={match.group('value')}")


@rule("DH142", "from-as-casing", Severity.INFO, "`FROM ... as name` with FROM and AS in different cases")
def from_as_casing(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `FROM image as name` whose `as` is not in the case of its `FROM` (`FROM x as y`,
    `from x AS y`).

    ## Why it matters
    BuildKit prints a `FromAsCasing` warning for it on every build, which buries the warnings
    that matter in the build log.

    ## Example
    ```dockerfile
    FROM node:22 as build
    ```

    ## Fix
    ```dockerfile
    FROM node:22 AS build
    ```
    """
    for stage in dockerfile.stages:
        ins = stage.from_instruction
        if ins.line != ins.end_line:
            continue
        match = _FROM_AS.match(dockerfile.text_of(ins.line, ins.line))
        if match is None or match.group("from").isupper() == match.group("as").isupper():
            continue
        wanted = "AS" if match.group("from").isupper() else "as"
        yield Hit(
            ins.line,
            f"`{match.group('from')} ... {match.group('as')}`: write `{wanted}` in the case of `{match.group('from')}`",
            ins.end_line,
            replace_lines(dockerfile, ins, f"{match.group('before')}{wanted}{match.group('after')}"),
        )
