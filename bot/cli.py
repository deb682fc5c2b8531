"""The `dockhand` command line: review, plan, merge, demo, action, publish, rules."""

from __future__ import annotations

import argparse
import contextlib
import gc
import importlib
import json
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, NoReturn

from bot import __version__
from bot.changes import ChangeSet, HeadTree, ResolvedRange, build_changeset, resolve_range
from bot.config import Config, ConfigError, load_config
from bot.git import GitError, GitRepo
from bot.history import complete_shallow, has_remote
from bot.image.plan import MAX_MATRIX_JOBS, matrix, parse_only, plan_images
from bot.model import Review, Severity, Verdict
from bot.options import ReviewOptions
from bot.pipeline import run_review

EXIT_PASS, EXIT_POLICY, EXIT_ERROR = 0, 1, 2
REMOTE = "origin"
RENDERERS = {
    "markdown": ("bot.report.markdown", "render_markdown"),
    "json": ("bot.report.json_report", "render_json"),
    "sarif": ("bot.report.sarif", "render_sarif"),
    "html": ("bot.report.html", "render_html"),
}
"""Each format's renderer, imported when a report is written: `dockhand review` loads only what
its builds need before starting them (the rule modules load in the analyzers' own threads)."""


class UsageError(Exception):
    """A problem with what the user asked for: one line on stderr, exit code 2."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (a cancelled CI job, `docker stop`): stopped and cleaned up like Ctrl-C."""


def run() -> NoReturn:
    """The `dockhand` program: main(), then exit. Every object left is frozen first, so that the
    interpreter's last collection does not walk them all: with every rule module loaded that
    walk costs ~25 ms, on every run."""
    code = main()
    gc.freeze()
    sys.exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        with _stop_on_sigterm():
            return int(args.handler(args))
    except (UsageError, GitError) as error:
        print(f"dockhand: error: {error}", file=sys.stderr)
        return EXIT_ERROR
    except ConfigError as error:
        for problem in error.problems:
            print(f"dockhand: config error: {problem}", file=sys.stderr)
        return EXIT_ERROR
    except Terminated:
        print("dockhand: terminated", file=sys.stderr)
        return 128 + signal.SIGTERM
    except KeyboardInterrupt:
        print("dockhand: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except BrokenPipeError:  # the reader went away (`dockhand rules | head`): nothing more to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush is quiet
        return 128 + signal.SIGPIPE


@contextlib.contextmanager
def _stop_on_sigterm() -> Iterator[None]:
    """Builds, checkouts and tagged images are cleaned up on SIGTERM too, as on Ctrl-C (GitHub
    Actions sends SIGINT, then SIGTERM, when a run is cancelled). Left alone when the embedding
    program has its own handler, and outside the main thread, where Python allows none."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dockhand",
        description="Review the Docker and dependency files a change touches.",
    )
    parser.add_argument("--version", action="version", version=f"dockhand {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    review = commands.add_parser("review", help="review the changes between two commits of a git repository")
    review.add_argument("--repo", type=Path, default=Path(), help="the git repository (default: .)")
    review.add_argument("--base", help="base commit (default: merge-base with origin/HEAD, main or master)")
    review.add_argument("--head", help="head commit (default: HEAD)")
    _add_output_options(review)
    review.add_argument("--config", type=Path, help="config file (default: .github/dockhand.yml or .dockhand.yml)")
    review.add_argument("--fail-on", type=_severity, help="fail at this severity or above (default: high)")
    review.add_argument("--no-build", action="store_true", help="do not build the base and head images")
    review.add_argument("--no-scan", action="store_true", help="do not scan with Trivy")
    review.add_argument("--keep-images", action="store_true", help="keep the images built for the review")
    review.add_argument(
        "--build-cache-dir",
        type=Path,
        metavar="DIR",
        help="keep BuildKit's layer cache in DIR between runs (buildx builders that can export a cache)",
    )
    _add_fetch_option(review)
    review.add_argument(
        "--only",
        action="append",
        metavar="IMAGE",
        help="build only this image: an id from `dockhand plan` (comma-separated for several), a Dockerfile "
        "path, or `none` (repeatable; a matrix job of plan/merge)",
    )
    _add_scan_options(review)
    review.set_defaults(handler=_review)

    plan = commands.add_parser("plan", help="print the images a change needs built, as a GitHub Actions matrix (JSON)")
    _add_change_options(plan)
    plan.add_argument("--max-jobs", type=int, default=MAX_MATRIX_JOBS, help="most matrix jobs (GitHub allows 256)")
    plan.set_defaults(handler=_plan)

    merge = commands.add_parser("merge", help="merge the JSON reviews of a plan's matrix jobs into one report")
    merge.add_argument("reviews", nargs="+", type=Path, metavar="REVIEW_JSON", help="review JSON files (--format json)")
    _add_output_options(merge)
    merge.add_argument("--matrix", help="the plan's matrix JSON: images whose job left no review are named")
    merge.add_argument(
        "--publish",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="publish to the pull request like the action (default: when run in GitHub Actions)",
    )
    merge.add_argument("--pr", type=int, help="pull request number (default: from the event)")
    merge.set_defaults(handler=_merge)

    demo = commands.add_parser("demo", help="review a built-in example repository end to end")
    _add_output_options(demo)
    demo.add_argument("--keep", action="store_true", help="keep the demo repository and print its path")
    demo.add_argument("--no-build", action="store_true", help="do not build the demo images")
    demo.add_argument("--no-scan", action="store_true", help="do not scan with Trivy")
    _add_scan_options(demo)
    demo.set_defaults(handler=_demo)

    action = commands.add_parser("action", help="run as the GitHub Action (reads GITHUB_* and INPUT_* variables)")
    action.set_defaults(handler=_action)

    publish = commands.add_parser("publish", help="publish a review JSON to a pull request (fork-safe workflows)")
    publish.add_argument("--from", dest="source", type=Path, required=True, help="the review JSON (--format json)")
    publish.add_argument("--pr", type=int, help="pull request number (default: from the workflow_run event)")
    publish.set_defaults(handler=_publish)

    rules = commands.add_parser("rules", help="list every rule (id, severity, summary)")
    rules.add_argument("--docs", action="store_true", help="print the full rule documentation (docs/rules.md)")
    rules.set_defaults(handler=_rules)
    return parser


def _add_output_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--format", choices=sorted(RENDERERS), default="markdown", help="report format")
    command.add_argument("--output", type=Path, help="write the report to this file instead of stdout")


def _add_scan_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--trivy-cache-dir",
        type=Path,
        metavar="DIR",
        help="Trivy's cache dir: its vulnerability DB and dockhand's cached scan results (default: ~/.cache/trivy)",
    )
    command.add_argument(
        "--offline", action="store_true", help="download nothing: the Trivy DB must already be in the cache dir"
    )
    command.add_argument("--trivy", type=Path, metavar="PATH", help="the trivy binary to run")


def _scan_options(args: argparse.Namespace) -> dict[str, Any]:
    return {"trivy_cache_dir": args.trivy_cache_dir, "offline": args.offline, "trivy": args.trivy}


def _severity(text: str) -> Severity:
    try:
        return Severity.parse(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def _review(args: argparse.Namespace) -> int:
    review = review_repository(
        args.repo,
        args.base,
        args.head,
        args.config,
        ReviewOptions(
            build=not args.no_build,
            scan=not args.no_scan,
            fail_on=args.fail_on,
            keep_images=args.keep_images,
            build_cache_dir=args.build_cache_dir,
            only=parse_only(args.only) if args.only is not None else None,
            **_scan_options(args),
        ),
        fetch=not args.no_fetch,
    )
    _write(render(args.format, review), args.output)
    return exit_code(review)


def exit_code(review: Review) -> int:
    """2 when work was cut short (the report says what finished), else the policy's 0 or 1."""
    for problem in review.interruptions():
        print(f"dockhand: error: review incomplete: {problem}", file=sys.stderr)
    if review.interruptions():
        return EXIT_ERROR
    return EXIT_POLICY if review.verdict is Verdict.FAIL else EXIT_PASS


def review_repository(
    path: Path,
    base: str | None,
    head: str | None,
    config_path: Path | None,
    options: ReviewOptions,
    config_from: str | None = None,
    *,
    fetch: bool = True,
) -> Review:
    """The whole local review: git -> ChangeSet -> analyzers -> Review.

    `config_from`: the commit to read the config file from (default: the head); the action
    reads the base's under pull_request_target, so a pull request cannot relax its own policy.
    """
    with open_change(path, base, head, config_path, config_from, fetch=fetch) as (changes, config):
        return run_review(changes, config, options)


@contextlib.contextmanager
def open_change(
    path: Path,
    base: str | None,
    head: str | None,
    config_path: Path | None,
    config_from: str | None = None,
    *,
    fetch: bool = True,
) -> Iterator[tuple[ChangeSet, Config]]:
    """The ChangeSet and the Config of a local review; git's reader processes stop at the end.

    `fetch`: a shallow clone that lacks the base, the head or their merge-base is completed from
    its `origin` (bot/history.py); else the error says how to fetch it."""
    repo = GitRepo.open(path)
    try:
        commits = _resolve(repo, base, head, fetch)
        config_commit = repo.resolve_commit(config_from) if config_from else commits.head
        config_tree = HeadTree(repo, config_commit)
        config = load_config(config_tree, config_path, _rule_codes)
        yield build_changeset(repo, commits, config.max_file_bytes, config_tree), config
    finally:
        repo.close()


def _plan(args: argparse.Namespace) -> int:
    with open_change(args.repo, args.base, args.head, args.config, fetch=not args.no_fetch) as (changes, config):
        targets, notes = plan_images(changes, config)
    planned = matrix(targets, args.max_jobs)
    for note in notes:
        print(f"dockhand: {note}", file=sys.stderr)
    print(f"dockhand: {len(targets)} image(s) to build in {len(planned['include'])} matrix job(s)", file=sys.stderr)
    print(json.dumps(planned, separators=(",", ":")))
    return EXIT_PASS


def _merge(args: argparse.Namespace) -> int:
    publish = args.publish if args.publish is not None else os.environ.get("GITHUB_ACTIONS") == "true"
    if publish:
        from bot.github.action import run_action

        inputs = {"INPUT_MODE": "merge", "INPUT_REVIEWS": "\n".join(str(path) for path in args.reviews)}
        inputs |= {"INPUT_MATRIX": args.matrix} if args.matrix else {}
        inputs |= {"INPUT_PR-NUMBER": str(args.pr)} if args.pr else {}
        return run_action({**os.environ, **inputs})
    from bot.report.merge import merge_files

    review, problems = merge_files(args.reviews, matrix_json=args.matrix or "")
    for problem in problems:
        print(f"dockhand: {problem}", file=sys.stderr)
    if review is None:
        raise UsageError("nothing to merge")
    _write(render(args.format, review), args.output)
    code = exit_code(review)
    return EXIT_ERROR if problems else code


def _add_change_options(command: argparse.ArgumentParser) -> None:
    command.add_argument("--repo", type=Path, default=Path(), help="the git repository (default: .)")
    command.add_argument("--base", help="base commit (default: merge-base with origin/HEAD, main or master)")
    command.add_argument("--head", help="head commit (default: HEAD)")
    command.add_argument("--config", type=Path, help="config file (default: .github/dockhand.yml or .dockhand.yml)")
    _add_fetch_option(command)


def _add_fetch_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--no-fetch",
        action="store_true",
        help="in a shallow clone, do not fetch missing history from origin (say how to instead)",
    )


def _resolve(repo: GitRepo, base: str | None, head: str | None, fetch: bool) -> ResolvedRange:
    try:
        return resolve_range(repo, base, head)
    except GitError as error:
        if not (fetch and repo.is_shallow() and has_remote(repo, REMOTE)):
            raise
        first = error
    try:
        base, head, done = complete_shallow(repo, base, head, REMOTE)
    except GitError as error:
        raise GitError(f"{first}; fetching from {REMOTE} did not help: {error}") from None
    commits = resolve_range(repo, base, head)
    return replace(commits, notes=(*done, *commits.notes))


def _demo(args: argparse.Namespace) -> int:
    from bot.demo import BASE_BRANCH, HEAD_BRANCH, make_demo_repository, remove_demo_repository

    root = make_demo_repository()
    try:
        options = ReviewOptions(build=not args.no_build, scan=not args.no_scan, **_scan_options(args))
        review = review_repository(root, BASE_BRANCH, HEAD_BRANCH, None, options)
        _write(render(args.format, review), args.output)
    finally:
        if args.keep:
            print(f"dockhand: the demo repository is kept at {root}", file=sys.stderr)
        else:
            remove_demo_repository(root)
    return EXIT_PASS


def _action(args: argparse.Namespace) -> int:
    from bot.github.action import run_action

    return run_action(os.environ)


def _publish(args: argparse.Namespace) -> int:
    from bot.github.fork import run_publish

    return run_publish(os.environ, args.source, args.pr)


def _rules(args: argparse.Namespace) -> int:
    from bot.catalog import ALL_RULES
    from bot.docs import rules_markdown

    if args.docs:
        sys.stdout.write(rules_markdown())
        return EXIT_PASS
    width = max(len(rule.name) for rule in ALL_RULES)
    for rule in ALL_RULES:
        print(f"{rule.id}  {rule.severity.label:<8}  {rule.name:<{width}}  {rule.summary}")
    return EXIT_PASS


def render(report_format: str, review: Review) -> str:
    module, function = RENDERERS[report_format]
    renderer: Callable[[Review], str] = getattr(importlib.import_module(module), function)
    return renderer(review)


def _rule_codes() -> dict[str, str]:
    """Every rule id and alias the config file may name (loads every rule module)."""
    from bot.catalog import rule_codes

    return rule_codes()


def _write(content: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(content)
        sys.stdout.flush()
        return
    try:
        output.write_text(content, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {output}: {error.strerror}") from None
