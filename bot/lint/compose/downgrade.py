"""DH219: a service's image goes down a version between the base and head Compose file."""

from __future__ import annotations

from collections.abc import Iterator

from bot.lint.context import LintContext, Sides
from bot.model import Severity
from bot.parsing.compose import ComposeFile, Service
from bot.parsing.imageref import ImageRef, parse_image_ref, tag_goes_down
from bot.parsing.interpolation import resolve
from bot.rule import Hit, rule


@rule("DH219", "compose-image-downgrade", Severity.MEDIUM, "A service's image goes down a version")
def compose_image_downgrade(sides: Sides[ComposeFile], context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Compares the `image:` of each service with the same service in the base version of the
    file and reports a tag whose version goes down (`postgres:16.4` becoming `postgres:15.8`,
    `redis:7.4` becoming `redis:7.2`). Versions are compared as far as both tags go, so `7` and
    `7.4` are the same line; tags without a version, another image, and tags from variables
    without a default are not compared.

    ## Why it matters
    An older image brings back what the newer one fixed. For a datastore it is worse: a
    database does not open a data directory that a newer major version wrote (PostgreSQL
    refuses it, Elasticsearch and MongoDB too), so the downgrade is an outage on the next
    restart, not a rollback.

    ## Example
    ```yaml
    services:
      db:
    -   image: postgres:16.4-alpine
    +   image: postgres:15.8-alpine
    ```

    ## Fix
    Keep the newer version and fix what needed the older one. For a datastore that really must
    go back, restore a dump made with the older version into a fresh volume; then say why with
    `# dockhand ignore=DH219 <reason>` above the `image:` line.
    """
    before = {service.name: service for service in sides.base.services}
    for service in sides.head.services:
        earlier = before.get(service.name)
        old, new = _image(earlier), _image(service)
        if old is None or new is None or (old.registry, old.repository) != (new.registry, new.repository):
            continue
        if old.tag and new.tag and tag_goes_down(old.tag, new.tag):
            yield Hit(
                service.value_line("image"),
                f"service `{service.name}`: `{new.short_name}` goes down from {old.tag} to {new.tag}",
            )


def _image(service: Service | None) -> ImageRef | None:
    image = service.image if service is not None else None
    resolved = resolve(image) if image is not None else None
    return parse_image_ref(resolved) if resolved else None
