"""An image built before from exactly the same inputs is not built again.

With the classic builder, the images of a review stay in the engine: they are the builder's
cache. The next review of the same base commit would check that commit out and rebuild it,
every step a cache hit, only to arrive at the image it already has; on a large repository the
checkout and the upload of the build context alone take seconds. What a classic build makes is
fixed by its inputs: the Dockerfile, the files of its context, the build arguments, target and
platform, and the images its stages start FROM. Those are recorded by content (git's tree and
blob IDs, the FROM images' IDs) with the image each build gave; a later build with the same
inputs whose image is still in the engine is not run, and its commit is not checked out.

A build that reads anything else is never reused: `ADD` of a URL or a git repository, `COPY
--from` an image rather than a stage, a FROM whose image is not in the engine (the builder would
pull it) or that names an argument without a value.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.git import GitError, GitRepo
from bot.image.discovery import BuildTarget
from bot.image.docker import Docker, DockerError
from bot.image.layer_cache import LayerCache
from bot.image.layers import MeasureError
from bot.image.measure import inspect_image
from bot.parsing.dockerfile import Dockerfile, arg_defaults, has_unset_variables, substitute

KEY_VERSION = 1
_REMOTE_SOURCE = re.compile(r"^(?:https?://|git@|git://|ssh://)", re.IGNORECASE)


@dataclass(frozen=True)
class BuildInputs:
    """What one build reads, by content."""

    commit: str
    context: str
    dockerfile_path: str
    target: str | None
    args: tuple[tuple[str, str], ...]
    platform: str | None
    from_images: tuple[str, ...]
    """The images the stages start FROM, with the build arguments in their names."""


def build_inputs(
    commit: str, target: BuildTarget, dockerfile_path: str, dockerfile: Dockerfile, platform: str | None
) -> BuildInputs | None:
    """The inputs of building `dockerfile` (at `dockerfile_path` in `commit`); None when the build
    reads something else too, or its images cannot be named without building."""
    if dockerfile.errors or not dockerfile.stages:
        return None
    values = arg_defaults(dockerfile.global_args)
    values.update({name: value for name, value in target.args.items() if name in values})
    stage_names = {stage.name for stage in dockerfile.stages if stage.name}
    images: list[str] = []
    for stage in dockerfile.stages:
        if has_unset_variables(stage.base, values):
            return None
        base = substitute(stage.base, values)
        if base.lower() not in stage_names and base.lower() != "scratch":
            images.append(base)
        for instruction in stage.instructions:
            if instruction.keyword == "ADD" and any(_REMOTE_SOURCE.match(a) for a in instruction.arguments[:-1]):
                return None
            source = instruction.flag("from") if instruction.keyword == "COPY" else None
            if source and source.lower() not in stage_names and not source.isdigit():
                return None
    args = tuple(sorted(target.args.items()))
    return BuildInputs(commit, target.context, dockerfile_path, target.target, args, platform, tuple(images))


def build_key(repo: GitRepo, docker: Docker, inputs: BuildInputs) -> str | None:
    """A digest of the inputs' content; None when some cannot be read (then build)."""
    try:
        context_tree, dockerfile_blob = _object_ids(repo, inputs.commit, inputs.context, inputs.dockerfile_path)
        found = {ref: str(inspect_image(docker, ref).get("Id") or "") for ref in dict.fromkeys(inputs.from_images)}
        image_ids = [found[ref] for ref in inputs.from_images]
    except (GitError, DockerError, MeasureError, ValueError):
        return None
    if not (context_tree and dockerfile_blob and all(image_ids)):
        return None
    described = {
        "version": KEY_VERSION,
        "builder": "classic",
        "context": context_tree,
        "dockerfile": dockerfile_blob,
        "target": inputs.target,
        "args": inputs.args,
        "platform": inputs.platform,
        "from": image_ids,
    }
    return hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()


def _object_ids(repo: GitRepo, commit: str, context: str, dockerfile: str) -> tuple[str, str]:
    """git's IDs of the context's tree and of the Dockerfile's blob in `commit` ("" when absent)."""
    context = context.strip("/")
    tree = f"{commit}^{{tree}}" if context in ("", ".") else f"{commit}:{context}"
    blob = f"{commit}:{dockerfile}"
    found = repo.object_ids([tree, blob])
    return found.get(tree, ""), found.get(blob, "")


def still_there(docker: Docker, image_id: str) -> bool:
    """The engine still has the image (nobody pruned it)."""
    try:
        return str(inspect_image(docker, image_id).get("Id") or "") == image_id
    except (DockerError, MeasureError):
        return False


@dataclass
class ReuseBook:
    """The builds of one review that need not run: decided once per build, by whichever thread
    asks first (the base's, while the head builds)."""

    docker: Docker
    cache: LayerCache
    _keys: dict[int, str | None] = field(default_factory=dict)
    _images: dict[int, str | None] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def image(self, job_id: int, repo: GitRepo, inputs: Callable[[], BuildInputs | None]) -> str | None:
        """The image an earlier build with the same inputs gave, if the engine still has it
        (looked up once per build, however many threads ask)."""
        with self._lock:
            if job_id in self._images:
                return self._images[job_id]
        key = self._key(job_id, repo, inputs)
        image_id = self.cache.build(key) if key else None
        found = image_id if image_id and still_there(self.docker, image_id) else None
        with self._lock:
            return self._images.setdefault(job_id, found)

    def remember(self, job_id: int, image_id: str) -> None:
        with self._lock:
            key = self._keys.get(job_id)
        if key:
            self.cache.store_build(key, image_id)

    def _key(self, job_id: int, repo: GitRepo, inputs: Callable[[], BuildInputs | None]) -> str | None:
        with self._lock:
            if job_id in self._keys:
                return self._keys[job_id]
        described = inputs()
        key = build_key(repo, self.docker, described) if described else None
        with self._lock:
            return self._keys.setdefault(job_id, key)
