"""DH135: a base image goes down a version (`python:3.12-slim` becoming `python:3.11-slim`)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.lint.context import LintContext, Sides
from bot.lint.dockerfile.images import BaseImage, base_images
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile
from bot.parsing.imageref import tag_goes_down
from bot.rule import Hit, rule


@rule("DH135", "base-image-downgrade", Severity.MEDIUM, "A base image goes down a version")
def base_image_downgrade(sides: Sides[Dockerfile], context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Compares each `FROM` image of the head with the same image in the base version of the
    Dockerfile (the stage of the same name, else at the same position, else the only `FROM` of
    that image) and reports a tag whose version goes down: `python:3.12-slim` becoming
    `python:3.11-slim`, `node:20` becoming `node:18`. Versions are compared as far as both tags
    go, so `3.12` and `3.12.8` are the same line; tags without a version (`bookworm`) are not
    compared. `ARG` defaults are substituted first.

    ## Why it matters
    A lower base version brings back what the newer one fixed: interpreter and runtime bugs,
    security fixes of the system packages, an end-of-life date that is closer. It hides easily
    in a pull request about something else ("fixed dependency conflicts by moving the builder to
    Python 3.11"), and every package built in that stage changes with it.

    ## Example
    ```dockerfile
    -FROM python:3.12-slim AS builder
    +FROM python:3.11-slim AS builder
    ```

    ## Fix
    Keep the newer base image and fix what needed the older one (a dependency without wheels
    for the new version: update it, or pin it with a reason). When the downgrade is intended,
    say why with `# dockhand ignore=DH135 <reason>` above the `FROM`.
    """
    before = base_images(sides.base)
    for index, image in enumerate(base_images(sides.head)):
        earlier = _counterpart(image, index, before)
        if earlier is None or earlier.ref.tag is None or image.ref.tag is None:
            continue
        if tag_goes_down(earlier.ref.tag, image.ref.tag):
            stage = f" (stage `{image.stage.name}`)" if image.stage.name else ""
            yield Hit(
                image.stage.from_instruction.line,
                f"`{image.ref.short_name}` goes down from {earlier.ref.tag} to {image.ref.tag}{stage}",
            )


def _counterpart(image: BaseImage, index: int, before: list[BaseImage]) -> BaseImage | None:
    """The base version's FROM of the same image: same stage name, else same position, else the only one."""
    same = [b for b in before if (b.ref.registry, b.ref.repository) == (image.ref.registry, image.ref.repository)]
    name = (image.stage.name or "").lower()
    named = [b for b in same if name and (b.stage.name or "").lower() == name]
    if named:
        return named[0]
    if index < len(before) and before[index] in same:
        return before[index]
    return same[0] if len(same) == 1 else None
