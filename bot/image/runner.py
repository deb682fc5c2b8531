"""Build and measure the base and head images of every target, one build at a time by default.

Each image is built from a clean checkout of its commit, measured, and left in the Workspace
(`workspace.images`, by image ID) for later analyzers such as the vulnerability scan.

What stays in the engine afterwards: with `--keep-images`, every image, tagged
`dockhand-review:<run>-<n>-<side>`. Otherwise the builder's cache stays unless `image.keep-cache`
is false. The classic builder's cache is its images, one per step, the last one included, so
its images are built untagged and left in place: an unchanged base then gets the same image ID
in the next review, and its measurements (cached by image ID and layer digest) apply again.
Removing the last step's image instead would make the next build recreate it with a new ID,
to be saved and read again every time. BuildKit keeps a cache of its own: its images are
tagged and removed when the review ends. With `keep-cache: false` the tags are removed with
their untagged parents, and a failed classic build's leftover step images go too.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

from bot.diskspace import disk_full_reason, is_disk_full
from bot.git import GitError
from bot.image.build import BuildOutcome, BuildRequest, run_build
from bot.image.buildcache import BuildCache
from bot.image.checkout import Checkout
from bot.image.discovery import BuildTarget
from bot.image.docker import Docker, DockerError, Engine, RunningWork, engine_gone
from bot.image.early_read import StepWatcher, last_layer_step
from bot.image.layer_cache import LayerCache
from bot.image.layers import MeasureError
from bot.image.measure import inspect_image, measure_image
from bot.image.result import SideResult
from bot.image.reuse import BuildInputs, ReuseBook, build_inputs
from bot.image.save import AncestorImage, read_image
from bot.image.settings import ImageSettings
from bot.parsing.dockerfile import Dockerfile, parse_dockerfile
from bot.workspace import BuiltImage, Workspace

TAG_REPOSITORY = "dockhand-review"
ENGINE_LOST = "not built: the Docker engine stopped answering (see the section's notes)"


@dataclass(frozen=True)
class SideJob:
    index: int
    """The target's position in the review's list of images."""
    target: BuildTarget
    side: str
    checkout: Checkout
    """Shared by the jobs of one commit; removed once the last of their builds is done."""
    dockerfile_path: str
    text: str
    tag: str


@dataclass
class EngineLoss:
    """Set when the engine stops answering, or a disk fills up, in the middle of the review: the
    builds not yet started are not started, and the section says the review was cut short."""

    reason: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def full_disk(self, reason: str) -> str:
        with self._lock:
            self.reason = self.reason or reason
        return reason

    def check(self, docker: Docker) -> str:
        """After a failed build or measure: is it the engine's fault? (the reason, or "")."""
        gone = engine_gone(docker)
        if gone:
            with self._lock:
                self.reason = self.reason or gone
        return gone


@dataclass(frozen=True)
class BuildSession:
    engine: Engine
    settings: ImageSettings
    workspace: Workspace
    keep_images: bool
    cache: LayerCache | None
    build_cache: BuildCache | None = None
    """BuildKit's cache directory, when the builder can export to one."""
    running: RunningWork = field(default_factory=RunningWork)
    lost: EngineLoss = field(default_factory=EngineLoss)
    reuse: ReuseBook | None = None
    """Builds not run again (bot/image/reuse.py): only where the images stay in the engine."""

    def run_all(self, jobs: list[SideJob]) -> list[SideResult]:
        """Every job's result, in the jobs' order; `settings.concurrency` builds at a time.

        Measuring an image (reading its layers back) uses the CPU here while a build uses the
        engine, so each image is measured while the next one builds. One image at a time: the
        layers the head and the base share are then measured once, by the first, and found in
        the cache by the second. The checkouts of later builds are made while the first one
        builds, and a classic build's layers are read while it finishes its last instructions
        (bot/image/early_read.py)."""
        builds = ThreadPoolExecutor(max_workers=self.settings.concurrency)
        measures = ThreadPoolExecutor(1)
        beside = ThreadPoolExecutor(1)  # checkouts made ahead, step images read early
        for job in jobs:
            job.checkout.use()
        pools = (builds, measures, beside)
        try:
            for checkout in {id(job.checkout): job.checkout for job in jobs}.values():
                beside.submit(self._prepare, checkout, [job for job in jobs if job.checkout is checkout])
            built = [builds.submit(self._build, job, beside) for job in jobs]
            pairs = zip(jobs, built, strict=True)
            measured = [measures.submit(self._measure_built, job, future) for job, future in pairs]
            return [future.result() for future in measured]
        except BaseException:  # Ctrl-C: stop the running builds now, start no other
            for pool in pools:
                pool.shutdown(wait=False, cancel_futures=True)
            self.running.stop_all()
            raise
        finally:
            for pool in pools:
                pool.shutdown(wait=True)

    def _prepare(self, checkout: Checkout, jobs: list[SideJob]) -> None:
        """Make a checkout ahead of its builds, unless none of them will run."""
        if not checkout.made and not all(self._reused(job) for job in jobs):
            checkout.prepare()

    def _reused(self, job: SideJob) -> str | None:
        """The image an earlier build of the same inputs gave, when this build need not run."""
        if self.reuse is None:
            return None
        dockerfile = parse_dockerfile(job.dockerfile_path, job.text)
        platform = job.target.platform or self.settings.platform
        commit = job.checkout.commit

        def inputs() -> BuildInputs | None:
            return build_inputs(commit, job.target, job.dockerfile_path, dockerfile, platform)

        return self.reuse.image(id(job), job.checkout.repo, inputs)

    def _measure_built(self, job: SideJob, build: Future[Built]) -> SideResult:
        built = build.result()
        if built.failed is not None or built.image_id is None:
            return replace(built.failed or SideResult(problem="not built"), build_seconds=built.seconds)
        started = time.monotonic()
        ancestor = built.early.result() if built.early is not None else None
        measured = self._measured(job, built.image_id, parse_dockerfile(job.dockerfile_path, job.text), ancestor)
        seconds = time.monotonic() - started
        return replace(measured, build_seconds=built.seconds, read_seconds=seconds, reused=built.reused)

    def _build(self, job: SideJob, beside: ThreadPoolExecutor) -> Built:
        try:
            return self.build_one(job, beside)
        finally:
            self.workspace.builds_started.set()  # this job built nothing, or its build is over

    def build_one(self, job: SideJob, beside: ThreadPoolExecutor | None = None) -> Built:
        """The built image's id, or the failed side's result; its removal is registered. With
        `beside`, a classic build's last layer-making step is read back there while it finishes."""
        if self.lost.reason:
            job.checkout.release()
            return Built(failed=SideResult(problem=ENGINE_LOST))
        if (reused := self._reused(job)) is not None:
            job.checkout.release()
            return Built(reused, reused=True)
        dockerfile = parse_dockerfile(job.dockerfile_path, job.text)
        try:
            root = job.checkout.path()
        except (GitError, OSError) as error:
            job.checkout.release()
            return Built(failed=self._not_checked_out(job, error))
        buildx = self.engine.buildx
        reader = _EarlyReader(self, beside) if beside is not None and not buildx else None
        watcher = reader.watcher(dockerfile, job.target.target) if reader else None
        self.workspace.builds_started.set()
        try:
            outcome = run_build(
                self.engine.docker,
                self._request(job, root),
                dockerfile,
                buildx=buildx,
                running=self.running,
                on_line=watcher.feed if watcher else None,
            )
        finally:
            _release(job.checkout, beside)
        return self._after(job, outcome, reader.future if reader else None)

    def _not_checked_out(self, job: SideJob, error: GitError | OSError) -> SideResult:
        if is_disk_full(error):
            reason = self.lost.full_disk(disk_full_reason(f"the {job.side} commit could not be checked out"))
            return SideResult(problem=f"not built: {reason}")
        return SideResult(problem=f"the {job.side} commit cannot be checked out: {error}")

    def _request(self, job: SideJob, root: Path) -> BuildRequest:
        return BuildRequest(
            dockerfile=root / job.dockerfile_path,
            context=root / job.target.context,
            tag=job.tag if self.tagged else None,
            target=job.target.target,
            args=job.target.args,
            platform=job.target.platform or self.settings.platform,
            network=self.settings.network,
            timeout=float(self.settings.timeout),
            cache_flags=self.build_cache.flags(job.side) if self.build_cache else (),
        )

    def _after(self, job: SideJob, outcome: BuildOutcome, read_early: Future[AncestorImage | None] | None) -> Built:
        """What a finished build gave; what it leaves in the engine is registered for removal."""
        docker, seconds = self.engine.docker, outcome.seconds
        prune = not self.settings.keep_cache
        if not self.keep_images and prune:
            for leftover in outcome.leftover:
                self.workspace.on_close(_remover(docker, leftover, prune=True, only_dangling=True))
        if outcome.image_id is None and outcome.failure is not None and is_disk_full(outcome.failure.reason):
            said = outcome.failure.reason  # the engine's disk or the client's temporary directory
            reason = self.lost.full_disk(f"a disk filled up during a build ({said})")
            return Built(failed=SideResult(problem=f"not built: {reason}"), seconds=seconds)
        if outcome.image_id is None and not self.running.stopped:
            gone = self.lost.check(docker)  # a dead engine is not the Dockerfile's failure
            failed = SideResult(problem=ENGINE_LOST) if gone else SideResult(failure=outcome.failure)
            return Built(failed=failed, seconds=seconds)
        if outcome.image_id is None:
            return Built(failed=SideResult(failure=outcome.failure), seconds=seconds)
        if self.tagged and not self.keep_images:
            self.workspace.on_close(_remover(docker, job.tag, prune=prune, only_dangling=False))
        if self.reuse is not None:
            self.reuse.remember(id(job), outcome.image_id)
        return Built(outcome.image_id, early=read_early, seconds=seconds)

    @property
    def tagged(self) -> bool:
        """False only where the image is the classic builder's cache and the cache stays."""
        return self.keep_images or self.engine.buildx or not self.settings.keep_cache

    def read_step_image(self, step_image: str) -> AncestorImage | None:
        """A build's step image, read while the build goes on; None if it cannot be (the final
        image is then read on its own, as usual)."""
        try:
            inspected = inspect_image(self.engine.docker, step_image)
            image_id = str(inspected.get("Id") or "")
            diff_ids = [str(d) for d in (inspected.get("RootFS") or {}).get("Layers") or []]
            saved = read_image(self.engine.docker, image_id, diff_ids, self.cache, running=self.running)
        except (DockerError, MeasureError, OSError):
            return None
        return AncestorImage(image_id, saved) if image_id else None

    def _measured(
        self, job: SideJob, image_id: str, dockerfile: Dockerfile, ancestor: AncestorImage | None = None
    ) -> SideResult:
        try:
            docker, target = self.engine.docker, job.target.target
            measure = measure_image(docker, image_id, dockerfile, target, self.cache, ancestor, self.running)
        except (DockerError, MeasureError, OSError) as error:
            if is_disk_full(error):
                reason = self.lost.full_disk(disk_full_reason("the built images could not be read back"))
                return SideResult(problem=f"built, but could not be measured: {reason}")
            gone = self.lost.check(self.engine.docker)
            return SideResult(problem=f"built, but could not be measured: {ENGINE_LOST if gone else error}")
        self.workspace.images.append(
            BuiltImage(
                side=job.side,
                dockerfile=job.dockerfile_path,
                context=job.target.context,
                image_id=image_id,
                tag=job.tag if self.tagged else "",
                target=job.target.target,
                config=measure.config,
            )
        )
        return SideResult(measure=measure)


@dataclass(frozen=True)
class Built:
    """What one build gave: the image, or the side's result when there is none to measure."""

    image_id: str | None = None
    failed: SideResult | None = None
    early: Future[AncestorImage | None] | None = None
    """The build's last layer-making step image, being read while the build finished."""
    seconds: float | None = None
    """How long the build ran (None: it did not start)."""
    reused: bool = False
    """Not built: an earlier build of the same inputs gave this image (bot/image/reuse.py)."""


class _EarlyReader:
    """Starts reading a classic build's step image in `pool` as soon as the build commits it."""

    def __init__(self, session: BuildSession, pool: ThreadPoolExecutor) -> None:
        self.session = session
        self.pool = pool
        self.future: Future[AncestorImage | None] | None = None

    def watcher(self, dockerfile: Dockerfile, target: str | None) -> StepWatcher | None:
        step = last_layer_step(dockerfile, target)
        return StepWatcher(step, self._start) if step is not None else None

    def _start(self, step_image: str) -> None:
        with contextlib.suppress(RuntimeError):  # the review is being interrupted: the pool is shut
            self.future = self.pool.submit(self.session.read_step_image, step_image)


def reuse_book(
    engine: Engine, settings: ImageSettings, keep_images: bool, cache: LayerCache | None
) -> ReuseBook | None:
    """Builds are reused only where their images stay in the engine: the classic builder's, kept
    as its cache (BuildKit keeps a cache of its own, and its images are removed after the review)."""
    if cache is None or keep_images or engine.buildx or not settings.keep_cache:
        return None
    return ReuseBook(engine.docker, cache)


def _release(checkout: Checkout, pool: ThreadPoolExecutor | None) -> None:
    """A build is done with its checkout: removing it (the last build's) is left to `pool`, off
    the way to the next build."""
    if pool is not None:
        with contextlib.suppress(RuntimeError):  # shut down: the review is being interrupted
            pool.submit(checkout.release)
            return
    checkout.release()


def new_run_id() -> str:
    return secrets.token_hex(4)


def tag_for(run_id: str, index: int, side: str) -> str:
    return f"{TAG_REPOSITORY}:{run_id}-{index}-{side}"


def _remover(docker: Docker, ref: str, *, prune: bool, only_dangling: bool) -> Callable[[], None]:
    """`docker image rm`; without `prune`, the untagged parents (the classic builder's cache) stay."""

    def remove() -> None:
        if only_dangling and not _is_dangling(docker, ref):
            return
        docker.run(["image", "rm", *([] if prune else ["--no-prune"]), ref], check=False)

    return remove


def _is_dangling(docker: Docker, image_id: str) -> bool:
    """Untagged and no other image's parent: a failed classic build's last step, nobody else's."""
    listed = docker.run(["image", "ls", "--quiet", "--no-trunc", "--filter", "dangling=true"], check=False)
    ids = {line.strip().removeprefix("sha256:") for line in listed.stdout.decode().splitlines()}
    return any(candidate.startswith(image_id) for candidate in ids)
