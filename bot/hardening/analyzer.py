"""The hardening analyzer: for each changed Dockerfile, the checklist at base and at head.

It runs after the Dockerfile analyzer (and after the image builds, when there are any): a
`BuiltImage` with a config for a Dockerfile and side decides the user, init, health check and
build tools rows. Rows that changed are marked; a row that went from ✅ to ❌ is a finding (DH133).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from bot.changes import ChangedFile, ChangeSet
from bot.config import Config
from bot.filekinds import Family
from bot.findings import place
from bot.hardening.checklist import FROM_IMAGE, PROPERTIES, Check, Status, Subject, checklist
from bot.hardening.context import build_context, dockerignore_sides
from bot.lint.compose_uses import compose_uses
from bot.lint.context import LintContext
from bot.lint.repoview import BASE, HEAD, RepoView
from bot.model import Finding, Section, Severity, Table
from bot.options import ReviewOptions
from bot.parsing.dockerfile import Dockerfile, parse_dockerfile
from bot.rule import Hit, rule
from bot.workspace import ImageConfig, Workspace

_LABELS = dict(PROPERTIES)
_ROW_RULES: dict[str, tuple[str, ...]] = {
    "non-root-user": ("DH101",),
    "init": ("DH107",),
    "healthcheck": ("DH106", "DH108", "DH145"),
    "no-build-tools": ("DH109",),
    "pinned-base": ("DH116", "DH118"),
    "no-secrets": ("DH114",),
    "lock-file": ("DH132",),
    "caches-cleaned": ("DH104", "DH105", "DH111", "DH112"),
    "dockerignore": ("DH301", "DH302"),
}
"""The rules that report the same property's failure on the Dockerfile; a regression they
already report in the same file is not reported twice."""
_IMAGE_ROWS = "user, init, health check and build tools"


@dataclass(frozen=True)
class Row:
    key: str
    base: Check | None
    head: Check

    @property
    def regressed(self) -> bool:
        return self.base is not None and self.base.status is Status.PASS and self.head.status is Status.FAIL

    @property
    def change(self) -> str:
        if self.base is None or self.base.status is self.head.status:
            return ""
        if self.regressed:
            return "⚠️ regressed"
        return "✅ fixed" if self.head.status is Status.PASS else "changed"


@dataclass(frozen=True)
class Comparison:
    """The checklist of one Dockerfile at base and head."""

    head: Dockerfile
    rows: list[Row]
    image_sides: list[str]
    """The sides ("base", "head") whose built image decided the image rows."""
    changed: frozenset[str] = frozenset()
    """The paths the change touches."""

    @property
    def fallback_line(self) -> int:
        """Where a finding goes when the Dockerfile has no line that decides it: the final FROM."""
        final = self.head.final_stage
        return final.from_instruction.line if final is not None else 1


@rule("DH133", "hardening-regression", Severity.MEDIUM, "A hardening property the base had is lost")
def hardening_regression(comparison: Comparison, context: None) -> Iterator[Hit]:
    """
    ## What it does
    Compares the hardening checklist of a changed Dockerfile's final stage before and after
    the change (non-root user, init for PID 1, a health check that can fail, no build tools,
    pinned base image, no secrets, installs that respect the lock file, cleaned package
    caches, a complete `.dockerignore`) and reports each property that held before and no
    longer does. The user, init, health check and build tools are read from the built images when the
    review built them. A loss that comes from a requirements file the change also touches (a
    package it leaves unpinned) is reported there, by DH402, not again here.

    ## Why it matters
    Hardening is usually done once, in a dedicated pull request, and undone later by a
    change about something else: a `USER` dropped while reorganising stages, a `tini`
    entrypoint replaced by a new start command. The checklist in the report shows what the
    team achieved; this finding says when a change gives part of it back.

    ## Example
    Before:
    ```dockerfile
    USER app
    ENTRYPOINT ["tini", "--"]
    CMD ["gunicorn", "app:app"]
    ```
    After:
    ```dockerfile
    CMD ["gunicorn", "app:app"]
    ```

    ## Fix
    Restore the property (here `USER app` and the `tini` entrypoint), or, if losing it is
    intended, say why with `# dockhand ignore=DH133 <reason>` on the line the finding points
    at.
    """
    for row in comparison.rows:
        if row.regressed and row.base is not None and row.head.elsewhere not in comparison.changed:
            yield Hit(
                row.head.line or comparison.fallback_line,
                f"hardening regression, {_LABELS[row.key].lower()}: ✅ before, ❌ now ({row.head.detail})",
                redundant_with=_ROW_RULES.get(row.key, ()),
            )


def analyze_hardening(changes: ChangeSet, config: Config, options: ReviewOptions, workspace: Workspace) -> Section:
    context = LintContext(config, changes.tree)
    tables: list[Table] = []
    findings: list[Finding] = []
    data: list[dict[str, Any]] = []
    dockerfiles = [f for f in changes.of_family(Family.DOCKERFILE.value) if f.head_text is not None]
    head = workspace.view(changes, HEAD)
    for changed in dockerfiles:
        comparison = _compare(changes, changed, context, workspace, head)
        if comparison is None:
            continue
        regressions = hardening_regression.run(changed.path, comparison, None)
        findings.extend(place(regressions, [], comparison.head.lines, (), changed.changed_lines))
        tables.append(_table(changed.path, comparison))
        data.append(
            {
                "path": changed.path,
                "rows": [_row_data(row) for row in comparison.rows],
                "image_sides": comparison.image_sides,
            }
        )
    return Section(
        key="hardening",
        title="Hardening checklist",
        findings=tuple(findings),
        tables=tuple(tables),
        data={"checklists": data},
    )


def _compare(
    changes: ChangeSet, changed: ChangedFile, context: LintContext, workspace: Workspace, head_view: RepoView
) -> Comparison | None:
    """None when the head does not parse (DH100 says so; there is nothing to judge)."""
    head = parse_dockerfile(changed.path, changed.head_text or "")
    if head.errors:
        return None
    base = parse_dockerfile(changed.old_path or changed.path, changed.base_text) if changed.base_text else None
    build_dir = build_context(head, workspace, head_view)
    base_ignore, head_ignore = dockerignore_sides(changes, changed.path, build_dir)
    head_image = _image(workspace, changed.path, "head")
    base_image = _image(workspace, changed.old_path or changed.path, "base")
    sets = context.config.compose_sets
    head_compose = compose_uses(changed.path, head_view, sets)
    head_checks = checklist(Subject(head, context, head_ignore, head_image, head_compose))
    base_checks: list[Check | None] = [None] * len(head_checks)
    if base is not None and not base.errors:
        base_view = workspace.view(changes, BASE)
        base_compose = compose_uses(base.path, base_view, sets)
        base_context = replace(context, tree=base_view.tree)  # the base's lock and requirements files
        base_checks = list(checklist(Subject(base, base_context, base_ignore, base_image, base_compose)))
    sides = [side for side, image in (("base", base_image), ("head", head_image)) if image is not None]
    rows = [Row(h.key, b, h) for b, h in zip(base_checks, head_checks, strict=True)]
    return Comparison(head, rows, sides, frozenset(f.path for f in changes.files))


def _image(workspace: Workspace, path: str, side: str) -> ImageConfig | None:
    for image in workspace.images_of(side):
        if image.dockerfile == path and image.config is not None:
            return image.config
    return None


def _table(path: str, comparison: Comparison) -> Table:
    cells = []
    for row in comparison.rows:
        before = f"{row.base.status.value} {row.base.detail}" if row.base else "– (new file)"
        after = f"{row.head.status.value} {row.head.detail}"
        deciding = f"line {row.head.line}" if row.head.line else "–"
        cells.append((_LABELS[row.key], before, after, row.change, deciding, row.head.source))
    if comparison.image_sides:
        sides = " and ".join(comparison.image_sides)
        note = f"The {_IMAGE_ROWS} rows were {FROM_IMAGE} ({sides}); the other rows were read from the Dockerfile."
    else:
        note = "Every row was read from the Dockerfile: no image was built for it in this review."
    return Table(
        title=f"Hardening checklist: {path}",
        headers=("Property", "Before", "After", "Change", "Deciding line", "Source"),
        rows=tuple(cells),
        path=path,
        note=note,
    )


def _row_data(row: Row) -> dict[str, Any]:
    def side(check: Check | None) -> dict[str, Any] | None:
        if check is None:
            return None
        return {"status": check.status.name.lower(), "detail": check.detail, "line": check.line, "source": check.source}

    return {
        "property": row.key,
        "label": _LABELS[row.key],
        "base": side(row.base),
        "head": side(row.head),
        "change": row.change,
    }
