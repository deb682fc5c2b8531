"""The pipeline's own decisions: redundant findings, ignored paths, analyzer failures."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from bot import pipeline
from bot.changes import build_changeset, resolve_range
from bot.config import Config
from bot.git import GitRepo
from bot.lint.dockerfile.analyzer import analyze_dockerfiles
from bot.model import Review, Section
from bot.options import ReviewOptions
from bot.workspace import Workspace
from tests.support.gitrepo import GitRepoFactory

BEFORE = 'FROM debian:12\nUSER 1000\nCMD ["app"]\n'
AFTER = 'FROM debian:12\nCMD ["app"]\n'


def review(make_repo: GitRepoFactory, head: str, config: Config | None = None) -> Review:
    repo = make_repo({"Dockerfile": BEFORE}, {"Dockerfile": head})
    git = GitRepo.open(repo.path)
    changes = build_changeset(git, resolve_range(git, "main", "pr"))
    return pipeline.run_review(changes, config or Config(), ReviewOptions(build=False, scan=False))


def test_a_regression_the_rule_reports_is_not_reported_twice(make_repo: GitRepoFactory) -> None:
    rules = [f.rule for f in review(make_repo, AFTER).findings]
    assert "DH101" in rules
    assert "DH133" not in rules


def test_with_the_rule_disabled_the_regression_is_still_reported(make_repo: GitRepoFactory) -> None:
    rules = [f.rule for f in review(make_repo, AFTER, Config(disabled_rules=frozenset({"DH101"}))).findings]
    assert "DH133" in rules


def test_an_ignore_comment_covers_the_regression_too(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, "# dockhand ignore=DH101 runs as root on purpose\n" + AFTER)
    assert "DH133" not in [f.rule for f in result.findings]
    assert [item.finding.rule for item in result.suppressed] == ["DH101"]


def test_ignored_paths_are_not_reviewed(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, AFTER, Config(ignore_paths=("Dockerfile",), source=".dockhand.yml"))
    assert result.findings == ()
    assert result.files == ()
    assert any("ignore-paths" in note for note in result.notes)


def test_an_analyzer_bug_is_a_note_and_the_rest_of_the_review_goes_on(
    make_repo: GitRepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> None:
        raise RuntimeError("boom")

    analyzers = [(key, title, broken if key == "compose" else fn) for key, title, fn in pipeline.ANALYZERS]
    monkeypatch.setattr(pipeline, "ANALYZERS", tuple(analyzers))
    result = review(make_repo, AFTER)
    compose = next(s for s in result.sections if s.key == "compose")
    assert compose.notes == ("internal error, section incomplete: RuntimeError: boom",)
    assert "DH101" in [f.rule for f in result.findings]


def test_the_commit_only_analyzers_run_while_the_images_build(
    make_repo: GitRepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    linted = threading.Event()
    lint_started_after_the_builds: list[bool] = []

    def images_waiting_for_the_lint(_c: object, _o: object, _p: object, workspace: Workspace) -> Section:
        time.sleep(0.2)  # finding what to build: the lint's modules must not be loading meanwhile
        workspace.builds_started.set()
        # a build that takes as long as the Dockerfile lint: with one thread it never sees the lint end
        if not linted.wait(timeout=30):
            return Section("image", "Images", notes=("the Dockerfile analyzer did not run during the builds",))
        return Section("image", "Images")

    def dockerfiles_then_signal(*args: object) -> Section:
        workspace = args[3]
        assert isinstance(workspace, Workspace)
        lint_started_after_the_builds.append(workspace.builds_started.is_set())
        section = analyze_dockerfiles(*args)  # type: ignore[arg-type]
        linted.set()
        return section

    stand_ins = {"image": images_waiting_for_the_lint, "dockerfile": dockerfiles_then_signal}
    analyzers = [(key, title, stand_ins.get(key, fn)) for key, title, fn in pipeline.ANALYZERS]
    monkeypatch.setattr(pipeline, "ANALYZERS", tuple(analyzers))
    result = review(make_repo, AFTER)
    assert [s.key for s in result.sections] == [key for key, _, _ in pipeline.ANALYZERS]  # the report's order stays
    assert result.sections[0].notes == ()
    assert lint_started_after_the_builds == [True]
    assert "DH101" in [f.rule for f in result.findings]


def test_ctrl_c_during_the_builds_does_not_wait_for_the_lint(
    make_repo: GitRepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = threading.Event()

    def interrupted(*_: object) -> Section:
        raise KeyboardInterrupt

    def slow_lint(*_: object) -> Section:
        release.wait(timeout=30)
        return Section("dockerfile", "Dockerfiles")

    stand_ins = {"image": interrupted, "dockerfile": slow_lint}
    analyzers = [(key, title, stand_ins.get(key, fn)) for key, title, fn in pipeline.ANALYZERS]
    monkeypatch.setattr(pipeline, "ANALYZERS", tuple(analyzers))
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            review(make_repo, AFTER)
        assert time.monotonic() - started < 10
    finally:
        release.set()


def test_the_command_line_loads_no_rule_module_before_the_builds_start() -> None:
    """The rule modules load in the analyzers' own thread, while the builds run."""
    rules = ("bot.catalog", "bot.deps.rules", "bot.lint.dockerfile.")
    code = f"import sys, bot.cli; print(sorted(m for m in sys.modules if m.startswith({rules!r})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.strip() == "[]"
