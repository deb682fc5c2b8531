"""`dockhand action`: the GitHub Action's entry point.

event -> base and head -> the same review as `dockhand review` -> report files, job summary
and outputs (always) -> the pull request's comment, inline review and check (when there is a
pull request and a token that may write) -> exit code from the policy.
"""

from __future__ import annotations

import glob
import json
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TextIO

from github import Github, GithubException

from bot.cli import EXIT_ERROR, EXIT_PASS, EXIT_POLICY, UsageError, open_change, review_repository
from bot.config import ConfigError
from bot.git import GitError, GitRepo
from bot.github.client import (
    ClientSettings,
    GitHubUnavailable,
    Log,
    PermissionDenied,
    Retrier,
    describe,
    make_client,
)
from bot.github.env import ActionError, GitHubEnv
from bot.github.hunks import diffmap_from_git
from bot.github.inputs import ActionInputs, ActionMode, Toggle
from bot.github.publish import PublishOutcome, PublishRequest, publish
from bot.github.refs import PullTarget, ensure_commits, pull_from_api, pull_from_event
from bot.github.workflow import ActionLog, annotate_findings, append_step_summary, review_outputs, write_outputs
from bot.image.discovery import BuildTarget
from bot.image.plan import matrix, plan_images
from bot.model import Review, Verdict
from bot.options import ReviewOptions
from bot.report import escape
from bot.report.json_report import render_json
from bot.report.markdown import render_markdown
from bot.report.merge import merge_files
from bot.report.sarif import render_sarif

PULL_REQUEST_EVENTS = ("pull_request", "pull_request_target")
REPORT_DIR = "dockhand-report"
FORK_SAFE_HELP = (
    "To publish reviews of pull requests from forks, use the fork-safe pair of workflows: this job "
    "uploads the review JSON (the json-path output) as an artifact, and a workflow_run job downloads it "
    "and runs `dockhand publish --from review.json` with a token that may write "
    "(README: 'Pull requests from forks')."
)


@dataclass(frozen=True)
class Runtime:
    """What a test replaces: the REST client's settings, the retry clock, where the log goes."""

    settings: ClientSettings = field(default_factory=ClientSettings)
    make_retrier: Callable[[Log], Retrier] = field(default=lambda log: Retrier(log=log))
    stdout: TextIO = field(default_factory=lambda: sys.stdout)


def run_action(environ: Mapping[str, str], runtime: Runtime | None = None) -> int:
    runtime = runtime or Runtime()
    log = ActionLog(runtime.stdout)
    try:
        env = GitHubEnv.from_environ(environ)
        inputs = ActionInputs.from_environ(environ)
        return _Action(env, inputs, runtime, log).run()
    except (ActionError, GitError, UsageError, GitHubUnavailable, PermissionDenied) as error:
        log.error(str(error))
        return EXIT_ERROR
    except OSError as error:
        log.error(f"cannot write {error.filename}: {error.strerror}")
        return EXIT_ERROR
    except ConfigError as error:
        for problem in error.problems:
            log.error(f"config: {problem.message}", file=problem.path, line=problem.line)
        return EXIT_ERROR


@dataclass
class _Action:
    env: GitHubEnv
    inputs: ActionInputs
    runtime: Runtime
    log: ActionLog
    _client: Github | None = None

    def run(self) -> int:
        if self.inputs.mode is ActionMode.MERGE:
            return self.merge()
        root = _under(self.env.workspace, self.inputs.working_directory)
        repo = GitRepo.open(root)
        retrier = self.runtime.make_retrier(self.log.info)
        target = self.target(repo, retrier)
        untrusted = self.env.event_name == "pull_request_target"
        base, head = (target.base_sha, target.head_sha) if target else self.local_range()
        config = _under(root, self.inputs.config) if self.inputs.config else None
        config_from = target.base_sha if untrusted and target else None
        if self.inputs.mode is ActionMode.PLAN:
            return self.plan(root, (base, head), config, untrusted)  # the config of the head: plans build nothing
        options = self.options(untrusted)
        review = review_repository(root, base, head, config, options, config_from=config_from)
        missing = not_run(review, options)
        review = replace(review, notes=(*review.notes, *self.notes(untrusted, target), *missing))
        paths, unwritten = write_reports(self.env.workspace, review)
        missing += unwritten
        self.log.info(f"{review.verdict.value}: {review.reason} ({len(review.findings)} finding(s))")
        matrix_job = self.inputs.only is not None
        if matrix_job:
            self.log.info("a matrix job of plan/merge: its report is for the merge job, which publishes")
        outcome = self.publish(repo, review, target, retrier) if target and not matrix_job else None
        code = self.finish(review, paths, outcome, annotate=not matrix_job)
        for problem in missing:
            self.log.error(problem)
        if missing:
            return EXIT_ERROR
        return EXIT_PASS if matrix_job and code == EXIT_POLICY else code  # the merge job draws the verdict

    def plan(self, root: Path, commits: tuple[str | None, str | None], config: Path | None, untrusted: bool) -> int:
        """`mode: plan`: the images to build, as the `matrix` output (none under pull_request_target)."""
        with open_change(root, *commits, config) as (changes, settings):
            targets, notes = ([], []) if untrusted else plan_images(changes, settings)
        planned = matrix(targets)
        for note in notes:
            self.log.info(note)
        self.log.info(f"{len(targets)} image(s) to build in {len(planned['include'])} matrix job(s)")
        if self.env.step_summary:
            append_step_summary(self.env.step_summary, plan_summary(targets), where_full(self.env))
        if self.env.output:
            outputs = {"matrix": json.dumps(planned, separators=(",", ":")), "count": str(len(targets))}
            write_outputs(self.env.output, outputs)
        return EXIT_PASS

    def merge(self) -> int:
        """`mode: merge`: the matrix jobs' reviews as one report, published like a review."""
        patterns = [str(_under(self.env.workspace, Path(pattern))) for pattern in self.inputs.reviews]
        files = [Path(found) for pattern in patterns for found in sorted(glob.glob(pattern))]  # noqa: PTH207
        retrier = self.runtime.make_retrier(self.log.info)
        target = self.pull_target(retrier)
        review, problems = merge_files(files, target.head_sha if target else None, self.inputs.matrix)
        problems += [f"review incomplete: {problem}" for problem in review.interruptions()] if review else []
        for problem in problems:
            self.log.error(problem)
        if review is None:
            raise ActionError(f"nothing to merge: no review of the head could be read from {' '.join(patterns)}")
        self.log.info(f"merged {len(files)} review(s): {review.verdict.value}: {review.reason}")
        paths, unwritten = write_reports(self.env.workspace, review)
        problems += unwritten
        for problem in unwritten:
            self.log.error(problem)
        repo = _checkout_with(_under(self.env.workspace, self.inputs.working_directory), review.head)
        outcome = self.publish(repo, review, target, retrier) if target else None
        code = self.finish(review, paths, outcome)
        return EXIT_ERROR if problems else code

    def pull_target(self, retrier: Retrier) -> PullTarget | None:
        """The pull request to publish to, without fetching its commits (merge reads no code)."""
        if self.env.event_name in PULL_REQUEST_EVENTS:
            return pull_from_event(self.env.event)
        if self.inputs.pr_number is None:
            return None
        number = self.inputs.pr_number
        pull = self.client().get_repo(self.env.repository).get_pull(number)
        try:
            return pull_from_api(retrier.call(f"read pull request #{number}", lambda: pull.raw_data))
        except GithubException as error:
            raise ActionError(f"cannot read pull request #{number}: {describe(error)}") from None

    def target(self, repo: GitRepo, retrier: Retrier) -> PullTarget | None:
        if self.env.event_name in PULL_REQUEST_EVENTS:
            target = pull_from_event(self.env.event)
        elif self.inputs.pr_number is not None:
            number = self.inputs.pr_number
            pull = self.client().get_repo(self.env.repository).get_pull(number)
            try:
                target = pull_from_api(retrier.call(f"read pull request #{number}", lambda: pull.raw_data))
            except GithubException as error:
                raise ActionError(f"cannot read pull request #{number}: {describe(error)}") from None
        else:
            return None
        for done in ensure_commits(repo, target):
            self.log.info(done)
        return target

    def local_range(self) -> tuple[str | None, str | None]:
        """No pull request: `base-ref..head-ref`; a push compares with the commit before it."""
        base = self.inputs.base_ref
        if base is None and self.env.event_name == "push":
            before = str(self.env.event.get("before") or "")
            base = before if before.strip("0") else None
        return base, self.inputs.head_ref

    def options(self, untrusted: bool) -> ReviewOptions:
        build, scan, cache = self.inputs.build, self.inputs.scan, self.inputs.trivy_cache_dir
        if untrusted and Toggle.TRUE in (build, scan):
            self.log.warning("build/scan: true is ignored under pull_request_target: a PR's code is never built there")
        return ReviewOptions(
            build=build is not Toggle.FALSE and not untrusted,
            scan=scan is not Toggle.FALSE and not untrusted,
            fail_on=self.inputs.fail_on,
            build_required=build is Toggle.TRUE and not untrusted,
            scan_required=scan is Toggle.TRUE and not untrusted,
            size_budget=self.inputs.size_budget,
            trivy_cache_dir=_under(self.env.workspace, cache) if cache else None,
            build_cache_dir=_under(self.env.workspace, built) if (built := self.inputs.build_cache_dir) else None,
            only=self.inputs.only,
            offline=self.inputs.offline,
        )

    def notes(self, untrusted: bool, target: PullTarget | None) -> list[str]:
        notes = []
        if untrusted:
            notes.append(
                "started by pull_request_target: reviewed from git objects only, with the base branch's config; "
                "images were not built or scanned (a pull request's code never runs with a write token)"
            )
        if target and target.from_fork and not untrusted:
            notes.append(f"pull request from the fork {target.head_repo}")
        return notes

    def publish(
        self, repo: GitRepo | None, review: Review, target: PullTarget, retrier: Retrier
    ) -> PublishOutcome | None:
        if not self.inputs.github_token:
            self.log.warning("no github-token: the review is in the job summary only")
            return None
        request = PublishRequest(
            repository=self.env.repository,
            number=target.number,
            head=target.head_sha,
            review=review,
            comment=self.inputs.comment,
            suggestions=self.inputs.suggestions,
            check=self.inputs.check,
            diffmap=diffmap_from_git(repo, review.base, review.head, review.files) if repo else None,
            where_full=where_full(self.env),
            run_url=self.env.run_url,
            run_key=self.env.run_key,
        )
        try:
            return publish(self.client(), self.inputs.github_token, request, retrier)
        except Exception as error:  # noqa: BLE001 - a bug in publishing must not lose the report files and outputs
            return PublishOutcome(failures=[f"internal error while publishing: {type(error).__name__}: {error}"])

    def client(self) -> Github:
        if not self.inputs.github_token:
            raise ActionError("pr-number needs a github-token to read the pull request")
        if self._client is None:
            self._client = make_client(self.env.api_url, self.inputs.github_token, self.runtime.settings)
        return self._client

    def finish(
        self, review: Review, paths: dict[str, str], outcome: PublishOutcome | None, *, annotate: bool = True
    ) -> int:
        published = outcome.lines() if outcome else []
        for line in published:
            self.log.info(line)
        if outcome and outcome.read_only:
            self.log.warning(f"{outcome.read_only}. {FORK_SAFE_HELP}")
        for failure in outcome.failures if outcome else []:
            self.log.error(failure)
        if annotate and (outcome is None or not outcome.check_annotated):
            annotate_findings(review, self.log)
        written = True
        if self.env.step_summary:
            summary = render_markdown(review)
            if published:
                summary += "\n---\n\n" + "\n".join(f"- {line}" for line in published) + "\n"
            written &= self._written(
                self.env.step_summary, lambda p: append_step_summary(p, summary, where_full(self.env))
            )
        if self.env.output:
            written &= self._written(self.env.output, lambda p: write_outputs(p, review_outputs(review, paths)))
        if (outcome and outcome.failures) or not written:
            return EXIT_ERROR
        return EXIT_POLICY if review.verdict is Verdict.FAIL else EXIT_PASS

    def _written(self, path: Path, write: Callable[[Path], None]) -> bool:
        """A full disk under the job summary or the outputs file: an error, and what was published stays."""
        try:
            write(path)
        except OSError as error:
            self.log.error(f"cannot write {path}: {error.strerror}")
            return False
        return True


def not_run(review: Review, options: ReviewOptions) -> list[str]:
    """`build: true` / `scan: true` whose analyzer could not run (its section's `data.unavailable`),
    and work that started and was cut short (`data.interrupted`), whatever the inputs."""
    problems = [f"review incomplete: {problem}" for problem in review.interruptions()]
    for key, name, required in (("image", "build", options.build_required), ("scan", "scan", options.scan_required)):
        if not required:
            continue
        section = next((s for s in review.sections if s.key == key), None)
        reason = section.data.get("unavailable") if section else f"this dockhand has no {key} analyzer"
        if reason:
            problems.append(f"{name}: true, but it could not run: {reason}")
    return problems


def plan_summary(targets: list[BuildTarget]) -> str:
    """The job summary of `mode: plan`: each image, why it is built, and its id for `--only`."""
    if not targets:
        return "## dockhand plan\n\nNo image to build: the matrix has one job, the review without builds.\n"
    rows = "".join(f"| {escape.text(t.label)} | {escape.text(t.reason)} | `{t.id}` |\n" for t in targets)
    table = f"| Image | Why | id |\n|---|---|---|\n{rows}"
    return f"## dockhand plan\n\n{len(targets)} image(s) to build, one matrix job each.\n\n{table}"


def _checkout_with(root: Path, commit: str) -> GitRepo | None:
    """The checkout, when it has the commit (inline comments are then placed from git, not the API)."""
    try:
        repo = GitRepo.open(root)
    except GitError:
        return None
    return repo if repo.has_commit(commit) else None


def write_reports(workspace: Path, review: Review) -> tuple[dict[str, str], list[str]]:
    """report.md, review.json and review.sarif in `dockhand-report/` of the workspace (git-ignored);
    paths relative to the workspace, so later steps (upload-artifact, upload-sarif) find them.

    A file that cannot be written (a full disk) is left out, never left half-written, and said
    in the second list: the review is still published and the step exits 2."""
    folder = workspace / REPORT_DIR
    files = {
        "report-path": ("report.md", render_markdown(review)),
        "json-path": ("review.json", render_json(review)),
        "sarif-path": ("review.sarif", render_sarif(review)),
    }
    paths: dict[str, str] = {}
    problems: list[str] = []
    try:
        if folder.is_symlink():  # committed by the pull request: never write through it
            folder.unlink()
        folder.mkdir(parents=True, exist_ok=True)
        _write_new(folder / ".gitignore", "*\n")
    except OSError as error:
        return paths, [f"cannot write the report files in {folder}: {error.strerror}"]
    for output, (name, content) in files.items():
        try:
            _write_new(folder / name, content)
        except OSError as error:
            (folder / name).unlink(missing_ok=True)
            problems.append(f"cannot write {REPORT_DIR}/{name}: {error.strerror}")
        else:
            paths[output] = f"{REPORT_DIR}/{name}"
    return paths, problems


def _write_new(path: Path, content: str) -> None:
    """Write a report file in the checkout; a link the pull request put there is replaced, not followed."""
    if path.is_symlink():
        path.unlink()
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW
    with os.fdopen(os.open(path, flags, 0o644), "w", encoding="utf-8") as handle:
        handle.write(content)


def where_full(env: GitHubEnv, outputs: bool = True) -> str:
    summary = f"[job summary]({env.run_url})" if env.run_url else "job summary"
    return f"The full report is in this run's {summary}" + (" and in the `report-path` output." if outputs else ".")


def _under(root: Path, path: Path) -> Path:
    return path if path.is_absolute() else root / path
