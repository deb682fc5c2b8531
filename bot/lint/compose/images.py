"""DH203: a service runs an image by `:latest` or by no tag at all."""

from __future__ import annotations

from collections.abc import Iterator

from bot.lint.compose.subject import ComposeReview
from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.interpolation import is_literal, resolve
from bot.rule import Hit, rule


@rule("DH203", "compose-image-latest", Severity.MEDIUM, "An image is used by `:latest` or without a tag")
def image_latest(review: ComposeReview, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a service `image:` with no tag or the `latest` tag, also when it is the fallback of
    an interpolation (`${IMAGE:-app/server:latest}`). Images pinned by digest, images whose tag
    comes from a variable without a default, and the name given to an image the service builds
    itself (`build:` with `image:`) are not reported.

    ## Why it matters
    `latest` is whatever was pushed last. Two hosts, or the same host a week apart, run
    different software from the same file; an upstream major release arrives unannounced; a
    rollback has nothing to roll back to.

    ## Example
    ```yaml
    services:
      cache:
        image: redis
    ```

    ## Fix
    Pin the version you tested, and the digest where you can:
    ```yaml
    services:
      cache:
        image: redis:7.4-alpine
    ```
    """
    for service in review.services:
        image = service.image
        if image is None or review.whole(service).has("build"):
            continue
        resolved = resolve(image)
        if resolved is None or "@" in resolved:
            continue
        tag = _tag(resolved)
        fallback = "" if is_literal(image) else " (the fallback when its variable is unset)"
        where = f"service `{service.name}`: image `{resolved}`{fallback}"
        if tag is None:
            yield Hit(service.value_line("image"), f"{where} has no tag, so it is whatever `latest` is at pull time")
        elif tag == "latest":
            yield Hit(service.value_line("image"), f"{where} follows `latest`, which changes under you")


def _tag(reference: str) -> str | None:
    last = reference.rsplit("/", 1)[-1]
    return last.rsplit(":", 1)[1] if ":" in last else None
