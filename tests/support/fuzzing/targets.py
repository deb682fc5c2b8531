"""One fuzz target per parser: run it on an input, then check what it promises.

Each target feeds the text to the parser as the ChangeSet would, then to the rules that read
that parser's output (through the real analyzer, on an in-memory change of one file), then to
the renderers. It fails when anything raises, when a finding or a parse error points at a line
the file does not have, when a finding lands on another file, when an analyzer's machine data
cannot be written as JSON, or when a rendered report carries the sticky marker more than once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from bot.catalog import rule_codes
from bot.changes import ChangedFile, ChangeSet, HeadTree
from bot.config import Config, ConfigError, parse_config, parse_hadolint_config
from bot.deps.analyzer import analyze_dependencies
from bot.deps.model import ParsedFile
from bot.deps.parse import PARSERS
from bot.filekinds import classify
from bot.findings import place
from bot.git import GitRepo, TreeEntry
from bot.lint.compose.analyzer import analyze_compose
from bot.lint.compose.downgrade import compose_image_downgrade
from bot.lint.context import LintContext, Sides
from bot.lint.dockerfile.analyzer import lint_dockerfile, redact
from bot.lint.dockerfile.base_downgrade import base_image_downgrade
from bot.lint.dockerfile.devdeps import dev_dependencies_in_runtime
from bot.lint.dockerfile.snippets import shell_snippets
from bot.lint.dockerignore.syntax import dockerignore_syntax
from bot.model import Finding, Review, ReviewedFile, Section, Severity, Verdict
from bot.options import ReviewOptions
from bot.parsing.compose import ComposeFile, parse_compose
from bot.parsing.dockerfile import parse_dockerfile
from bot.parsing.dockerignore import parse_dockerignore
from bot.parsing.shell import parse_script
from bot.report.json_report import render_json
from bot.report.markdown import MARKER, render_markdown
from bot.report.sarif import render_sarif
from bot.text import line_count
from bot.workspace import Workspace
from tests.support.corpus import find_corpus


class InvariantBroken(AssertionError):
    """The parser returned, but what it returned breaks a promise (a line outside the file ...)."""


DEPENDENCY_PATHS = {
    "requirements": "requirements.txt",
    "pyproject": "pyproject.toml",
    "uv.lock": "uv.lock",
    "poetry.lock": "poetry.lock",
    "pipfile": "Pipfile",
    "pipfile.lock": "Pipfile.lock",
    "package.json": "package.json",
    "package-lock": "package-lock.json",
    "yarn.lock": "yarn.lock",
    "pnpm-lock": "pnpm-lock.yaml",
    "cargo.toml": "Cargo.toml",
    "cargo.lock": "Cargo.lock",
    "go.mod": "go.mod",
    "go.sum": "go.sum",
}
BASE, HEAD = "a" * 40, "b" * 40
_IGNORE_PROBES = ("a", "a/b", "node_modules/x/y.js", ".git/HEAD", "README.md", "docs/x.rst", "keep/x", "é/ü", "x/..")


COMPANIONS = {"uv.lock": "c005/head/pyproject.toml", "pyproject": "c005/head/uv.lock"}
"""The file a dependency target's rules read beside the fuzzed one (a lock's manifest, a
manifest's lock), unchanged in the same commits: a real pair of the corpus, whose own seeds
then mutate into inputs that still name the same project."""


class MemoryRepo(GitRepo):
    """Git holding only `files`, at every commit: the fuzzed change needs no git process."""

    def __init__(self, files: dict[str, str] | None = None) -> None:
        super().__init__(Path("/nonexistent-fuzz-repository"))
        self.blobs = {f"{n:040x}": text.encode() for n, text in enumerate((files or {}).values(), start=1)}
        self.entries = [TreeEntry("100644", blob, path) for blob, path in zip(self.blobs, files or {}, strict=True)]

    def tree(self, commit: str) -> list[TreeEntry]:
        return list(self.entries)

    def blob_sizes(self, blobs: Iterable[str]) -> dict[str, int]:
        return {blob: len(self.blobs[blob]) for blob in blobs if blob in self.blobs}

    def read_blobs(self, blobs: Iterable[str]) -> dict[str, bytes]:
        return {blob: self.blobs[blob] for blob in blobs if blob in self.blobs}


def companion_files(fmt: str) -> dict[str, str]:
    corpus = find_corpus()
    relative = COMPANIONS.get(fmt)
    if corpus is None or relative is None or not (corpus / relative).is_file():
        return {}
    return {Path(relative).name: (corpus / relative).read_text(encoding="utf-8")}


def one_file_change(
    path: str, head: str | None, base: str | None = None, unchanged: dict[str, str] | None = None
) -> ChangeSet:
    """A ChangeSet in memory: one file added (or modified, with `base`), every line changed,
    beside the `unchanged` files of both commits."""
    kind = classify(path)
    assert kind is not None, path
    changed = ChangedFile(
        path=path,
        kind=kind,
        status="added" if base is None else "modified",
        base_text=base,
        head_text=head,
        changed_lines=frozenset(range(1, line_count(head or "") + 1)),
    )
    tree = HeadTree(MemoryRepo(unchanged), HEAD)
    return ChangeSet(Path("/nonexistent-fuzz-repository"), BASE, HEAD, (changed,), tree)


# -- invariants --------------------------------------------------------------------------------------


def check_line(text: str, line: int | None, what: str, optional: bool = False) -> None:
    if line is None and optional:
        return
    last = max(1, line_count(text))
    if line is None or not 1 <= line <= last:
        raise InvariantBroken(f"{what}: line {line} outside 1..{last}")


def check_findings(text: str, path: str, findings: Iterable[Finding]) -> None:
    last = max(1, line_count(text))
    for finding in findings:
        if finding.path != path:
            raise InvariantBroken(f"{finding.rule} on {finding.path!r}, not on the changed file {path!r}")
        check_line(text, finding.line, f"{finding.rule} ({finding.message[:80]!r})")
        end = finding.end_line if finding.end_line is not None else finding.line
        if end is None or not (finding.line or 0) <= end <= last:
            raise InvariantBroken(f"{finding.rule}: end line {end} outside {finding.line}..{last}")
        if finding.suggestion is not None and not 1 <= finding.suggestion.start <= finding.suggestion.end <= last:
            raise InvariantBroken(f"{finding.rule}: suggestion {finding.suggestion.start}..{finding.suggestion.end}")


def check_section(changes: ChangeSet, section: Section) -> None:
    """Findings inside the file, data that JSON can hold, and reports that render."""
    changed = changes.files[0]
    check_findings(changed.head_text or "", changed.path, section.findings)
    try:
        json.dumps(section.data, allow_nan=False)
    except (TypeError, ValueError) as error:
        raise InvariantBroken(f"section {section.key}: data is not JSON: {error}") from None
    render(changes, section)


def render(changes: ChangeSet, section: Section) -> None:
    files = tuple(ReviewedFile(f.path, f.kind.label, f.status, f.old_path, f.notes) for f in changes.files)
    review = Review(BASE, HEAD, files, (section,), section.findings, Verdict.WARN, "fuzz", Severity.HIGH)
    markdown = render_markdown(review)
    if markdown.count(MARKER) != 1 or not markdown.startswith(MARKER):
        raise InvariantBroken("the report marker appears more than once: a fuzzed string is not inert")
    json.loads(render_json(review))
    json.loads(render_sarif(review))


# -- targets -----------------------------------------------------------------------------------------


class DevProjectTree:
    """A head tree whose project declares development dependencies, for the rules that read
    the project beside a Dockerfile (DH136)."""

    FILES: ClassVar[dict[str, str]] = {
        "package.json": '{"devDependencies": {"vite": "^5"}}',
        "pyproject.toml": '[dependency-groups]\ndev = ["pytest"]\n',
    }

    def read(self, path: str) -> str | None:
        return self.FILES.get(path)

    def exists(self, path: str) -> bool:
        return path in self.FILES


def check_dockerfile(text: str) -> None:
    path = "Dockerfile"
    parsed = parse_dockerfile(path, text)
    for error in parsed.errors:
        check_line(text, error.line, f"parse error {error.message[:80]!r}")
    for stage in parsed.stages:
        for ins in (stage.from_instruction, *stage.instructions):
            check_line(text, ins.line, f"{ins.keyword} start")
            check_line(text, ins.end_line, f"{ins.keyword} end")
            _ = ins.commands  # the shell view of every RUN
    for snippet in shell_snippets(parsed) if not parsed.errors else ():
        check_line(text, snippet.first_line, "shell snippet start")
        check_line(text, snippet.last_line, "shell snippet end")
    changes = one_file_change(path, text)
    _, findings = lint_dockerfile(path, text, LintContext())
    project = LintContext(Config(), DevProjectTree())  # type: ignore[arg-type]
    findings += dev_dependencies_in_runtime.run(path, parsed, project)
    if not parsed.errors:
        findings += base_image_downgrade.run(path, Sides(parsed, parsed), project)
    findings = place(redact(parsed, findings), [], parsed.lines, (), changes.files[0].changed_lines)
    check_section(changes, Section("dockerfile", "Dockerfiles", tuple(findings)))


def check_shell(text: str) -> None:
    for command in parse_script(text):
        _ = (command.argv, command.program, command.positional, command.sudo, command.operands(frozenset({"-o"})))
        command.is_("apt-get", "install")
        command.has_flag("y", "no-install-recommends")


def check_compose(text: str) -> None:
    path = "compose.yaml"
    compose = parse_compose(path, text)
    for problem in compose.problems:
        check_line(text, problem.line, f"compose problem {problem.message[:80]!r}")
    _check_services(text, compose)
    if compose.parsed:
        check_findings(text, path, compose_image_downgrade.run(path, Sides(compose, compose), LintContext()))
    changes = one_file_change(path, text)
    check_section(changes, analyze_compose(changes, Config(), ReviewOptions(build=False, scan=False), Workspace()))


def _check_services(text: str, compose: ComposeFile) -> None:
    for service in compose.services:
        check_line(text, service.line, f"service {service.name[:40]!r}")
        lines = [service.key_line(key) for key in ("image", "build", "environment", "ports", "volumes")]
        lines += [item.line for item in (*service.environment, *service.ports, *service.mounts, *service.depends_on)]
        build, health = service.build, service.healthcheck
        if build is not None:
            lines += [build.line, *(arg.line for arg in build.args)]
        if health is not None:
            lines += [health.line, health.test_line]
        for line in lines:
            check_line(text, line, f"a key of service {service.name[:40]!r}")
        for port in service.ports:
            port.target_ports()
            port.published_ports()


def check_dockerignore(text: str) -> None:
    ignore = parse_dockerignore(text)
    for pattern in ignore.patterns:
        check_line(text, pattern.line, f"pattern {pattern.text[:60]!r}")
    for probe in _IGNORE_PROBES:
        ignore.deciding_pattern(probe)
    path = ".dockerignore"
    changes = one_file_change(path, text)
    findings = place(dockerignore_syntax.run(path, ignore, LintContext()), [], ignore.lines, (), frozenset())
    check_section(changes, Section("dockerignore", ".dockerignore", tuple(findings)))


def dependency_target(fmt: str) -> Callable[[str], None]:
    path = DEPENDENCY_PATHS[fmt]
    unchanged = companion_files(fmt)

    def check(text: str, base: str | None = None) -> None:
        parsed = PARSERS[fmt](path, text)
        _check_parsed(text, parsed)
        changes = one_file_change(path, text, base, unchanged)
        options = ReviewOptions(build=False, scan=False)
        check_section(changes, analyze_dependencies(changes, Config(), options, Workspace()))

    return check


def _check_parsed(text: str, parsed: ParsedFile) -> None:
    if parsed.error is not None:
        check_line(text, parsed.error.line, f"parse error {parsed.error.message[:80]!r}")
    for dependency in parsed.dependencies:
        check_line(text, dependency.line, f"dependency {dependency.name[:60]!r}", optional=True)
    for include in parsed.includes:
        check_line(text, include.line, f"include {include.path[:60]!r}")
    for key, line in parsed.duplicates:
        check_line(text, line, f"duplicate key {key[:60]!r}")


def check_config(text: str) -> None:
    _config_target(text, lambda t: parse_config(t, ".github/dockhand.yml", rule_codes()))


def check_hadolint(text: str) -> None:
    _config_target(text, lambda t: parse_hadolint_config(t, ".hadolint.yaml", rule_codes()))


def _config_target(text: str, parse: Callable[[str], Config]) -> None:
    """A config file either reads, or raises ConfigError whose every problem is at a line of the file."""
    try:
        config = parse(text)
    except ConfigError as error:
        if not error.problems:
            raise InvariantBroken("ConfigError without a problem") from None
        for problem in error.problems:
            check_line(text, problem.line, f"config problem {problem.message[:80]!r}")
        return
    for probe in _IGNORE_PROBES:
        config.is_ignored_path(probe)


@dataclass(frozen=True)
class Target:
    name: str
    check: Callable[[str], None]
    paired: bool = False
    """True when the check also takes a base-side text (a dependency file's previous version)."""


def targets() -> dict[str, Target]:
    found = {
        "dockerfile": Target("dockerfile", check_dockerfile),
        "shell": Target("shell", check_shell),
        "compose": Target("compose", check_compose),
        "dockerignore": Target("dockerignore", check_dockerignore),
    }
    for fmt in DEPENDENCY_PATHS:
        found[fmt] = Target(fmt, dependency_target(fmt), paired=True)
    found["config"] = Target("config", check_config)
    found["hadolint"] = Target("hadolint", check_hadolint)
    return found


def run_target(target: Target, text: str, base: str | None = None) -> None:
    if target.paired:
        target.check(text, base)  # type: ignore[call-arg]
    else:
        target.check(text)
