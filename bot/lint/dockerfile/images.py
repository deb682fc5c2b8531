"""Base images: DH116 (latest or no tag), DH117 (untrusted registry), DH118 (no digest pin)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from bot.lint.context import LintContext
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile, Stage, arg_defaults, has_unset_variables
from bot.parsing.imageref import ImageRef, parse_image_ref, registry_matches
from bot.rule import Hit, rule


@dataclass(frozen=True)
class BaseImage:
    stage: Stage
    ref: ImageRef
    text: str
    """The reference with ARG defaults substituted, as the build pulls it."""


def base_images(dockerfile: Dockerfile) -> list[BaseImage]:
    """Every FROM that pulls an image (not `scratch`, not an earlier stage, not an unset ARG)."""
    defaults = arg_defaults(dockerfile.global_args)
    found = []
    for stage in dockerfile.stages:
        if dockerfile.parent_stage(stage) is not None or stage.base_resolved.lower() == "scratch":
            continue
        if has_unset_variables(stage.base, defaults):
            continue
        ref = parse_image_ref(stage.base_resolved)
        if ref is not None:
            found.append(BaseImage(stage, ref, stage.base_resolved))
    return found


@rule("DH116", "base-image-latest", Severity.MEDIUM, "Base image with :latest or no tag", aliases=("DL3006", "DL3007"))
def base_image_latest(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `FROM` whose image has no tag or the tag `latest` (and no digest). `ARG` values
    are substituted first, so `ARG PYTHON=3.12` / `FROM python:${PYTHON}-slim` is judged as
    `python:3.12-slim`, and a `FROM` naming an earlier stage is not an image.

    ## Why it matters
    `latest` is whatever the publisher pushed last. The same commit builds a different image
    next week, a major version jump arrives without a pull request, and a bug cannot be
    reproduced because nobody knows which base was used.

    ## Example
    ```dockerfile
    FROM node
    ```

    ## Fix
    ```dockerfile
    FROM node:20.11-bookworm-slim
    ```
    Add the digest (`node:20.11-bookworm-slim@sha256:...`) for a fully reproducible build,
    and let Renovate or Dependabot propose updates.
    """
    for base in base_images(dockerfile):
        if base.ref.digest is None and base.ref.tag in {None, "latest"}:
            what = "no tag" if base.ref.tag is None else "the `latest` tag"
            yield Hit(
                base.stage.from_instruction.line,
                f"`{base.text}` has {what}: each build may pull a different image; pin a version tag",
            )


@rule("DH117", "untrusted-registry", Severity.MEDIUM, "Base image from a registry outside trusted-registries")
def untrusted_registry(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    When the config lists `trusted-registries` (or `.hadolint.yaml` lists
    `trustedRegistries`), reports every `FROM` and `COPY --from=<image>` that pulls from
    another registry. Images without a registry come from Docker Hub (`docker.io`).

    ## Why it matters
    Teams that mirror and scan their base images in a private registry need every build to
    use it: one `FROM` that pulls from a public registry bypasses the scanning, the
    availability guarantees and the licence review.

    ## Example
    ```yaml
    # .github/dockhand.yml
    trusted-registries: [registry.example.com]
    ```
    ```dockerfile
    FROM python:3.12-slim
    ```

    ## Fix
    ```dockerfile
    FROM registry.example.com/mirror/python:3.12-slim
    ```
    `*.example.com` trusts every subdomain.
    """
    trusted = context.config.trusted_registries
    if not trusted:
        return
    pulled = [(base.stage.from_instruction.line, base.ref, base.text) for base in base_images(dockerfile)]
    for stage in dockerfile.stages:
        for ins in stage.instructions:
            source = ins.flag("from") if ins.keyword in {"COPY", "ADD"} else None
            if source and dockerfile.stage_named(source) is None and (ref := parse_image_ref(source)) is not None:
                pulled.append((ins.line, ref, source))
    for line, ref, text in pulled:
        if not any(registry_matches(ref.registry, registry) for registry in trusted):
            yield Hit(line, f"`{text}` comes from {ref.registry}, which is not in trusted-registries")


@rule("DH118", "base-image-no-digest", Severity.INFO, "Base image not pinned by digest")
def base_image_no_digest(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `FROM` image that has a tag but no `@sha256:` digest.

    ## Why it matters
    Tags move: `python:3.12-slim` is rebuilt every few weeks with new system packages. A
    digest names exactly one image, so a build is reproducible and a base image change is a
    visible, reviewable diff (tools like Renovate update the digest in a pull request).

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    ```

    ## Fix
    ```dockerfile
    FROM python:3.12-slim@sha256:<digest>
    ```
    Get the digest with `docker buildx imagetools inspect python:3.12-slim`.
    """
    for base in base_images(dockerfile):
        if base.ref.digest is None and base.ref.tag not in {None, "latest"}:
            yield Hit(base.stage.from_instruction.line, f"`{base.text}` is pinned by tag, not by digest")
