"""The image analyzer: build base and head of every image the change touches, measure, compare.

Never raises for what it finds: a missing docker or engine, a build that fails, an image that
cannot be read are findings or notes; the rest of the review goes on.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from bot.changes import ChangeSet, HeadTree
from bot.config import Config
from bot.diskspace import disk_full_reason, is_disk_full
from bot.findings import place
from bot.git import GitError, GitRepo
from bot.image.buildcache import choose_build_cache
from bot.image.checkout import Checkout
from bot.image.discovery import BuildTarget, Repository, discover
from bot.image.docker import connect
from bot.image.layer_cache import LayerCache, default_cache_dir
from bot.image.report import image_data, image_tables, total_delta
from bot.image.result import ImageResult, ImageRuleContext, SideResult
from bot.image.rules import RULES
from bot.image.runner import BuildSession, SideJob, new_run_id, reuse_book, tag_for
from bot.model import Finding, Section
from bot.options import ReviewOptions
from bot.text import split_lines
from bot.workspace import Workspace

KEY = "image"
TITLE = "Images"
_BASE_SIDE_RULES = ("DH500", "DH503")


def analyze_images(changes: ChangeSet, config: Config, options: ReviewOptions, workspace: Workspace) -> Section:
    """The section, with how long it took (`data.seconds`: checkouts, builds and measuring)."""
    started = time.monotonic()
    section = _analyze(changes, config, options, workspace)
    return replace(section, data={**section.data, "seconds": round(time.monotonic() - started, 3)})


def _analyze(changes: ChangeSet, config: Config, options: ReviewOptions, workspace: Workspace) -> Section:
    if not options.build:
        return _section(notes=["image builds skipped (--no-build)"])
    config = _with_budget(config, options)
    repo = changes.tree.repo
    base_tree = changes.base_tree
    discovery = discover(Repository.of(repo, changes, workspace), config.image, options.only)
    notes = list(discovery.notes)
    if not discovery.targets:
        return _section(notes=notes)
    with ThreadPoolExecutor(1) as pool:
        engine_check = pool.submit(connect)  # asks the engine while git checks the commits out
        try:
            jobs: list[SideJob] | GitError | OSError = _jobs(repo, changes, base_tree, discovery.targets, workspace)
        except (GitError, OSError) as error:
            jobs = error
        engine = engine_check.result()
    if isinstance(engine, str):
        names = ", ".join(t.label for t in discovery.targets)
        return _section(notes=[*notes, f"images not built ({names}): {engine}"], unavailable=engine)
    notes.append(_builder_note(engine.buildx, engine.server_version))
    if isinstance(jobs, GitError | OSError):
        if is_disk_full(jobs):
            reason = disk_full_reason("images not built: the commits could not be checked out")
            return _section(notes=[*notes, reason], interrupted=reason)
        return _section(notes=[*notes, f"images not built: cannot check out the commits: {jobs}"])
    build_cache, cache_note = choose_build_cache(engine, options.build_cache_dir)
    notes.extend([cache_note] if cache_note else [])
    cache = LayerCache(default_cache_dir())
    reuse = reuse_book(engine, config.image, options.keep_images, cache)
    session = BuildSession(engine, config.image, workspace, options.keep_images, cache, build_cache, reuse=reuse)
    outcomes = session.run_all(jobs)
    checkouts = {id(job.checkout): job.checkout for job in jobs}.values()
    notes.extend(note for checkout in checkouts if (note := checkout.note()) is not None)
    results = [_result(index, target, jobs, outcomes) for index, target in enumerate(discovery.targets)]
    if options.keep_images:
        kept = [job.tag for job, outcome in zip(jobs, outcomes, strict=True) if outcome.measure is not None]
        notes.append("images kept: " + (", ".join(kept) or "none was built"))
    findings: list[Finding] = []
    for result in results:
        findings.extend(_findings(result, changes, base_tree, config))
        notes.extend(_result_notes(result))
    lost = session.lost.reason  # the engine died, or a disk filled up, part way
    if lost:
        built = sum(1 for result in results if result.head.measure is not None)
        notes.append(f"{lost}: {built} of {len(results)} image(s) built and measured; the others were not")
    return _section(findings, results, notes, interrupted=lost)


def _with_budget(config: Config, options: ReviewOptions) -> Config:
    """The action's `size-budget` limits, with the config file's size kind and severity."""
    if options.size_budget is None:
        return config
    limits = options.size_budget
    budget = replace(
        config.image.budget,
        max_growth_bytes=limits.max_growth_bytes,
        max_growth_percent=limits.max_growth_percent,
        max_size_bytes=limits.max_size_bytes,
    )
    return replace(config, image=replace(config.image, budget=budget))


def _section(
    findings: list[Finding] | None = None,
    results: list[ImageResult] | None = None,
    notes: list[str] | None = None,
    unavailable: str | None = None,
    interrupted: str = "",
) -> Section:
    """`data.unavailable`: why images that should be built were not (no docker, no engine);
    `data.interrupted`: why the builds stopped part way (the engine died, a disk filled up): the
    review is incomplete."""
    results = results or []
    return Section(
        key=KEY,
        title=TITLE,
        findings=tuple(findings or ()),
        tables=tuple(table for result in results for table in image_tables(result)),
        notes=tuple(notes or ()),
        data={
            "size_delta_bytes": total_delta(results),
            "images": [image_data(result) for result in results],
            **({"unavailable": unavailable} if unavailable else {}),
            **({"interrupted": interrupted} if interrupted else {}),
        },
    )


def _jobs(
    repo: GitRepo, changes: ChangeSet, base_tree: HeadTree, targets: tuple[BuildTarget, ...], workspace: Workspace
) -> list[SideJob]:
    """Head then base for each target, from clean checkouts of the two commits.

    Head first: the base usually comes entirely from the builder's cache (its branch was built
    before), so it builds while the head is being measured instead of before the head's build.
    Built one after the other, either order shares the cache the same way."""
    run = new_run_id()
    head_checkout = Checkout(repo, changes.head, workspace)
    head_checkout.path()  # now: a commit that cannot be checked out stops the builds here
    base_checkout = Checkout(repo, changes.base, workspace)
    jobs: list[SideJob] = []
    for index, target in enumerate(targets):
        head_text = changes.tree.read(target.dockerfile) or ""
        jobs.append(
            SideJob(index, target, "head", head_checkout, target.dockerfile, head_text, tag_for(run, index, "head"))
        )
        base_text = base_tree.read(target.base_dockerfile) if target.base_dockerfile else None
        if target.base_dockerfile and base_text is not None:
            base_tag = tag_for(run, index, "base")
            jobs.append(SideJob(index, target, "base", base_checkout, target.base_dockerfile, base_text, base_tag))
    return jobs


def _result(index: int, target: BuildTarget, jobs: list[SideJob], outcomes: list[SideResult]) -> ImageResult:
    sides = {job.side: outcome for job, outcome in zip(jobs, outcomes, strict=True) if job.index == index}
    base = sides.get("base")
    if base is None:
        problem = "new Dockerfile: no base image to compare with" if target.base_dockerfile is None else ""
        base = SideResult(problem=problem or "the Dockerfile is not readable on the base side")
    return ImageResult(target, sides.get("head", SideResult(problem="not built")), base)


def _findings(result: ImageResult, changes: ChangeSet, base_tree: HeadTree, config: Config) -> list[Finding]:
    """Head findings, placed against the base image's (same rule on a line of the same text)."""
    if result.same_failure:
        return []
    path = result.target.dockerfile
    head = [f for rule in RULES for f in rule.run(path, result, ImageRuleContext(config.image, "head"))]
    budget = config.image.budget.severity
    head = [replace(f, severity=budget) if f.rule == "DH502" else f for f in head]
    base_context = ImageRuleContext(config.image, "base")
    base = [f for rule in RULES if rule.id in _BASE_SIDE_RULES for f in rule.run(path, result, base_context)]
    changed = changes.file(path)
    head_text = changed.head_text if changed else changes.tree.read(path)
    base_path = result.target.base_dockerfile
    base_text = base_tree.read(base_path) if base_path else None
    return place(
        head,
        base,
        split_lines(head_text or ""),
        split_lines(base_text or ""),
        changed.changed_lines if changed else frozenset(),
    )


def _result_notes(result: ImageResult) -> list[str]:
    label = result.target.label
    notes = []
    head, base = result.head, result.base
    if result.same_failure:
        assert head.failure is not None
        notes.append(
            f"{label}: base and head both fail at `{head.failure.instruction}` ({head.failure.reason}): "
            "not a change of this pull request; sizes not compared"
        )
        return notes
    if head.failure is not None and head.failure.timed_out:
        notes.append(f"{label}: head {head.failure.reason} (image.timeout); stopped at `{head.failure.instruction}`")
    if head.problem:
        notes.append(f"{label}: head {head.problem}")
    if base.failure is not None:
        where = f" at `{base.failure.instruction}`" if base.failure.instruction else ""
        notes.append(f"{label}: the base image does not build{where} ({base.failure.reason}): sizes not compared")
    elif base.problem and head.measure is not None:
        notes.append(f"{label}: {base.problem}")
    notes.extend(_reuse_note(label, side, result) for side in ("head", "base") if _side(result, side).reused)
    return notes


def _side(result: ImageResult, side: str) -> SideResult:
    return result.head if side == "head" else result.base


def _reuse_note(label: str, side: str, result: ImageResult) -> str:
    measure = _side(result, side).measure
    image = f" {measure.image_id.removeprefix('sha256:')[:12]}" if measure else ""
    return (
        f"{label}: {side} image{image} not built again: an earlier review built it from the same commit, "
        "Dockerfile, build arguments and base images, and the engine still has it"
    )


def _builder_note(buildx: bool, version: str) -> str:
    if buildx:
        return f"images built with BuildKit (docker buildx build --load), engine {version}"
    return (
        f"images built with the classic builder (no buildx plugin), engine {version}; "
        "base and head share its layer cache within the review"
    )
