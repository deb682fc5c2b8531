"""DH114: credentials in ENV, ARG and other instructions. Values are never repeated."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot import secrets
from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile, Instruction
from bot.rule import Hit, rule


@dataclass(frozen=True)
class Credential:
    instruction: Instruction
    description: str
    """What is wrong, naming the variable but never its value."""


def credentials_in(dockerfile: Dockerfile) -> list[Credential]:
    found: list[Credential] = []
    instructions = [*dockerfile.global_args, *(ins for stage in dockerfile.stages for ins in stage.instructions)]
    for ins in instructions:
        described = _described(ins)
        if described is None:
            kind = secrets.token_kind(dockerfile.text_of(ins.line, ins.end_line))
            described = f"this {ins.keyword} holds {kind}" if kind else None
        if described is not None:
            found.append(Credential(ins, described))
    return found


def _described(ins: Instruction) -> str | None:
    for name, value in _variables(ins):
        kind = secrets.token_kind(value) if value else None
        if kind:
            return f"{ins.keyword} {name} holds {kind}"
        if not secrets.is_secret_name(name):
            continue
        if value is None:
            if ins.keyword == "ARG":
                return f"build arg {name} carries a credential: build args are recorded in the image history"
            continue
        if secrets.is_literal_value(value):
            return f"{ins.keyword} {name} has a credential written into the Dockerfile (value masked: {secrets.MASK})"
        if ins.keyword == "ENV" and value.strip().startswith("$"):
            return f"ENV {name} copies a credential into the image's environment, where `docker inspect` shows it"
    return None


def _variables(ins: Instruction) -> list[tuple[str, str | None]]:
    if ins.keyword == "ARG":
        return [(w.partition("=")[0], w.partition("=")[2] if "=" in w else None) for w in ins.arguments]
    if ins.keyword == "ENV":
        return list(zip(ins.arguments[::2], ins.arguments[1::2], strict=False))
    return []


def secret_values(dockerfile: Dockerfile) -> list[str]:
    """Every credential value in the file, for masking (never for display)."""
    values = secrets.token_values("\n".join(dockerfile.lines))
    for ins in (*dockerfile.global_args, *(i for stage in dockerfile.stages for i in stage.instructions)):
        for name, value in _variables(ins):
            if value and secrets.is_secret_name(name) and secrets.is_literal_value(value):
                values.extend({value, secrets.unquote(value)})
    return [value for value in values if len(value) >= 3]


@rule("DH114", "secret-in-image", Severity.HIGH, "A credential in ENV, ARG or an instruction")
def secret_in_image(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `ENV` and `ARG` variables whose name says they hold a credential (`*PASSWORD*`,
    `*SECRET*`, `*TOKEN*`, `*API_KEY*` ...) with a value written into the Dockerfile or copied
    from a build arg, build args named like credentials, and any instruction holding a value
    shaped like a known credential (GitHub, GitLab, AWS, Slack, Stripe, npm and PyPI tokens,
    JWTs, private keys, passwords inside URLs). The value itself is never shown.

    ## Why it matters
    `ENV` values are stored in the image configuration, where `docker inspect` shows them to
    anyone who can pull the image. Build args used by a `RUN` are recorded in
    `docker history`. And a credential in the Dockerfile is in the git history for good:
    it must be rotated, not just removed.

    ## Example
    ```dockerfile
    ARG NPM_TOKEN
    ENV DATABASE_PASSWORD=hunter2
    RUN echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci
    ```

    ## Fix
    Mount the secret for the one `RUN` that needs it; it never reaches a layer:
    ```dockerfile
    RUN --mount=type=secret,id=npm_token,env=NPM_TOKEN \\
        echo "//registry.npmjs.org/:_authToken=${NPM_TOKEN}" > .npmrc && npm ci && rm .npmrc
    ```
    (`docker build --secret id=npm_token,env=NPM_TOKEN .`). Pass run-time credentials when the
    container starts (`docker run --env-file`, compose `secrets:`), not in the image.
    """
    for credential in credentials_in(dockerfile):
        ins = credential.instruction
        yield Hit(ins.line, f"{credential.description}; use `RUN --mount=type=secret`", ins.end_line)
