"""Which images a review builds.

- every changed Dockerfile, with its build context;
- every Dockerfile whose build context holds a changed file that its .dockerignore does not
  exclude (a change to `app.py` changes the image built from `COPY . .`);
- compose `build:` entries (context, dockerfile, target, args) of those;
- or, when the config lists `image.images`, exactly those (discovery is off), built when their
  Dockerfile or build context changed.

A Dockerfile's build context, when nothing says it, is inferred from the sources it copies
(`bot.lint.buildcontexts.context_or_own_directory`): `docker build -f docker/Dockerfile .` is as
common as a Dockerfile beside its sources.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.changes import ChangeSet
from bot.filekinds import Family, classify
from bot.git import GitRepo
from bot.image.settings import ImageSettings, ImageSpec
from bot.lint.buildcontexts import context_or_own_directory
from bot.lint.repoview import BASE, HEAD, RepoView
from bot.parsing.compose import BuildSpec, is_remote
from bot.parsing.dockerfile import parse_dockerfile
from bot.parsing.dockerignore import DockerIgnore, ignore_file_for, parse_dockerignore
from bot.parsing.interpolation import resolve
from bot.repopaths import climbs_out
from bot.workspace import Workspace


@dataclass(frozen=True)
class BuildTarget:
    dockerfile: str
    """Head path of the Dockerfile."""
    base_dockerfile: str | None
    """Base path of the same Dockerfile (its old name when renamed); None when it is new."""
    context: str
    """Repository path of the build context, "." for the root."""
    reason: str
    """Why it is built, for the report: "Dockerfile changed", "build context changed: app.py" ..."""
    target: str | None = None
    args: dict[str, str] = field(default_factory=dict)
    platform: str | None = None
    service: str | None = None
    """The compose service it comes from, if any."""

    @property
    def label(self) -> str:
        parts = [self.dockerfile]
        if self.target:
            parts.append(f"target {self.target}")
        if self.service:
            parts.append(f"service {self.service}")
        return " · ".join(parts)

    @property
    def identity(self) -> tuple[str, str, str | None, tuple[tuple[str, str], ...], str | None]:
        return (self.dockerfile, self.context, self.target, tuple(sorted(self.args.items())), self.platform)

    @property
    def id(self) -> str:
        """A short stable name for `--only` (the same on every runner: it hashes what is built)."""
        text = json.dumps([*self.identity[:3], self.identity[3], self.identity[4], self.service], separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def selected_by(self, only: frozenset[str]) -> bool:
        """`--only` names it: by id, by Dockerfile path, or by the label the report shows."""
        return bool(only & {self.id, self.dockerfile, self.label})


@dataclass(frozen=True)
class Repository:
    """What discovery needs to know about the two commits."""

    head: RepoView
    """The head commit's files and directories, read as every analyzer reads them."""
    base_paths: frozenset[str]
    changed: frozenset[str]
    """Every path the diff touches, on either side (renames count as both names)."""
    renamed_from: dict[str, str]
    """Head path -> base path, for renamed files."""
    changed_lines: dict[str, frozenset[int]] = field(default_factory=dict)
    """Head lines the diff touches, for the changed files the review reads (compose files)."""

    @classmethod
    def of(cls, repo: GitRepo, changes: ChangeSet, workspace: Workspace | None = None) -> Repository:
        """From the review's commits: every changed path (one `git diff`), both trees' paths;
        the review's views of both sides (views of its own without a workspace)."""
        changed: set[str] = set()
        renamed: dict[str, str] = {}
        for change in repo.raw_diff(changes.base, changes.head):
            changed.add(change.path)
            if change.old_path:
                changed.add(change.old_path)
                renamed[change.path] = change.old_path
        return cls(
            head=workspace.view(changes, HEAD) if workspace else RepoView(changes, HEAD),
            base_paths=(workspace.view(changes, BASE) if workspace else RepoView(changes, BASE)).files,
            changed=frozenset(changed),
            renamed_from=renamed,
            changed_lines={f.path: f.changed_lines for f in changes.files},
        )


@dataclass(frozen=True)
class Discovery:
    targets: tuple[BuildTarget, ...]
    notes: tuple[str, ...] = ()


def discover(repo: Repository, settings: ImageSettings, only: frozenset[str] | None = None) -> Discovery:
    """The images to build, most relevant first, at most `settings.max_images`.

    `only` (a matrix job of `dockhand plan`): just those images, however many the plan found."""
    notes: list[str] = []
    is_ignored = _IgnoreFiles(repo)
    if settings.images:
        found = [t for spec in settings.images if (t := _listed(repo, spec, is_ignored, notes)) is not None]
    else:
        found = [*_compose_targets(repo, is_ignored, notes), *_dockerfiles(repo, is_ignored, notes)]
        found = _without_compose_duplicates(found)
    unique = list({target.identity: target for target in reversed(found)}.values())[::-1]
    if only is not None:
        return Discovery(tuple(t for t in unique if t.selected_by(only) and _buildable(repo, t, notes)), tuple(notes))
    unique = [t for t in unique if _buildable(repo, t, notes)]
    kept = unique[: settings.max_images]
    skipped = unique[settings.max_images :]
    if skipped:
        names = ", ".join(t.label for t in skipped)
        notes.append(f"{len(skipped)} more image(s) not built (image.max-images is {settings.max_images}): {names}")
    return Discovery(tuple(kept), tuple(notes))


@dataclass
class _IgnoreFiles:
    """Is a changed path left out of a build context by the .dockerignore BuildKit would use?"""

    repo: Repository
    _parsed: dict[str, DockerIgnore] = field(default_factory=dict)

    def __call__(self, context: str, dockerfile: str, path: str) -> bool:
        ignore_path = ignore_file_for(dockerfile, context, self.repo.head.exists)
        if ignore_path is None:
            return False
        if ignore_path not in self._parsed:
            self._parsed[ignore_path] = parse_dockerignore(self.repo.head.read(ignore_path) or "")
        relative = path if context == "." else posixpath.relpath(path, context)
        return self._parsed[ignore_path].is_excluded(relative)


IgnoreCheck = Callable[[str, str, str], bool]
"""(context, dockerfile, path) -> True when the build's .dockerignore excludes `path`."""


def _compose_targets(repo: Repository, is_ignored: IgnoreCheck, notes: list[str]) -> list[BuildTarget]:
    """The `build:` of every compose service whose Dockerfile, build context or build settings changed."""
    targets = []
    for path in sorted(p for p in repo.head.files if _family(p) is Family.COMPOSE):
        compose = repo.head.compose(path)
        if compose is None:
            continue
        for service in compose.services if compose.parsed else ():
            spec = service.build
            if spec is None:
                continue
            target = _service_target(repo, path, service.name, spec, is_ignored, notes)
            if target is not None:
                targets.append(target)
    return targets


def _service_target(
    repo: Repository, compose_path: str, service: str, spec: BuildSpec, is_ignored: IgnoreCheck, notes: list[str]
) -> BuildTarget | None:
    if spec.context is None or spec.dockerfile is None:
        notes.append(f"{compose_path}: service {service} {_unbuildable(spec)}: not built")
        return None
    lines = repo.changed_lines.get(compose_path, frozenset())
    settings_changed = compose_path in repo.changed and (
        spec.line in lines or any(arg.line in lines for arg in spec.args) or _is_new(repo, compose_path)
    )
    reason = _change_reason(repo, spec.dockerfile, spec.context, is_ignored)
    if reason is None and settings_changed:
        reason = f"build settings of service {service} changed in {compose_path}"
    if reason is None:
        return None
    from_environment = [arg.name for arg in spec.args if arg.value is None]
    if from_environment:
        notes.append(
            f"{compose_path}: service {service} takes build args {', '.join(from_environment)} from the environment: "
            "built without them (dockhand passes no environment to builds)"
        )
    return BuildTarget(
        spec.dockerfile,
        _base_path(repo, spec.dockerfile),
        spec.context,
        reason,
        spec.target,
        {arg.name: arg.value for arg in spec.args if arg.value is not None},
        service=service,
    )


def _unbuildable(spec: BuildSpec) -> str:
    """Why a compose `build:` is not built: never anything outside the repository."""
    if spec.inline:
        return "builds from an inline Dockerfile"
    context = resolve(spec.context_text)
    if context is None:
        return f"has a build context that depends on unset variables (`{spec.context_text}`)"
    if is_remote(context):
        return f"builds from a remote source (`{spec.context_text}`)"
    if spec.context is None:
        return f"has its build context `{spec.context_text}` outside the repository"
    return f"has its Dockerfile `{spec.dockerfile_text}` outside the repository"


def _is_new(repo: Repository, path: str) -> bool:
    return path not in repo.base_paths and path not in repo.renamed_from


def _listed(repo: Repository, spec: ImageSpec, is_ignored: IgnoreCheck, notes: list[str]) -> BuildTarget | None:
    if not repo.head.exists(spec.dockerfile):
        notes.append(f"{spec.dockerfile} (listed in image.images) is not in the head commit: not built")
        return None
    context = _clean(spec.context) if spec.context else _directory(spec.dockerfile)
    if climbs_out(context):
        notes.append(
            f"{spec.dockerfile} (listed in image.images): build context {spec.context} is outside the repository"
        )
        return None
    reason = _change_reason(repo, spec.dockerfile, context, is_ignored)
    if reason is None:
        notes.append(f"{spec.dockerfile}: neither it nor its build context changed: not built")
        return None
    return BuildTarget(
        spec.dockerfile,
        _base_path(repo, spec.dockerfile),
        context,
        reason,
        spec.target,
        dict(spec.args),
        spec.platform,
    )


def _dockerfiles(repo: Repository, is_ignored: IgnoreCheck, notes: list[str]) -> list[BuildTarget]:
    changed_first = sorted((p for p in repo.head.files if _is_dockerfile(p)), key=lambda p: (p not in repo.changed, p))
    targets = []
    for path in changed_first:
        text = repo.head.read(path)
        if text is None:
            continue
        context = context_or_own_directory(path, parse_dockerfile(path, text), repo.head)
        reason = _change_reason(repo, path, context, is_ignored)
        if reason is not None:
            targets.append(BuildTarget(path, _base_path(repo, path), context, reason))
    return targets


def _without_compose_duplicates(found: list[BuildTarget]) -> list[BuildTarget]:
    """A Dockerfile that a compose service builds is built as the service says (context, args)."""
    from_compose = {t.dockerfile for t in found if t.service}
    return [t for t in found if t.service or t.dockerfile not in from_compose]


def _buildable(repo: Repository, target: BuildTarget, notes: list[str]) -> bool:
    text = repo.head.read(target.dockerfile)
    if text is None:
        notes.append(f"{target.dockerfile}: not a readable text file in the head commit: not built")
        return False
    parsed = parse_dockerfile(target.dockerfile, text)
    if parsed.errors and not parsed.template:
        notes.append(f"{target.dockerfile}: does not parse (see its findings): not built")
        return False
    if parsed.template:
        notes.append(f"{target.dockerfile}: a template, not a Dockerfile docker can build: not built")
        return False
    if target.target and parsed.stage_named(target.target) is None:
        notes.append(f"{target.dockerfile}: no stage named {target.target!r}: not built")
        return False
    if not repo.head.is_dir(target.context):
        notes.append(f"{target.dockerfile}: build context {target.context} is not a directory at head: not built")
        return False
    return True


def _change_reason(repo: Repository, dockerfile: str, context: str, is_ignored: IgnoreCheck) -> str | None:
    if dockerfile in repo.renamed_from:
        return f"Dockerfile renamed from `{repo.renamed_from[dockerfile]}`"
    if dockerfile in repo.changed:
        return "Dockerfile changed"
    inside = sorted(
        p for p in repo.changed if _under(p, context) and p != dockerfile and not is_ignored(context, dockerfile, p)
    )
    if not inside:
        return None
    shown = ", ".join(posixpath.relpath(p, context) if context != "." else p for p in inside[:3])
    more = f" and {len(inside) - 3} more" if len(inside) > 3 else ""
    return f"build context changed: {shown}{more}"


def _directory(path: str) -> str:
    return posixpath.dirname(path) or "."


def _clean(path: str) -> str:
    cleaned = posixpath.normpath(path.strip().lstrip("/")) if path.strip() else "."
    return "." if cleaned in ("", ".") else cleaned


def _under(path: str, context: str) -> bool:
    return context == "." or path.startswith(f"{context}/")


def _base_path(repo: Repository, head_path: str) -> str | None:
    base = repo.renamed_from.get(head_path, head_path)
    return base if base in repo.base_paths else None


def _is_dockerfile(path: str) -> bool:
    return _family(path) is Family.DOCKERFILE


def _family(path: str) -> Family | None:
    kind = classify(path)
    return kind.family if kind else None
