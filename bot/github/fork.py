"""`dockhand publish --from review.json`: the second half of the fork-safe pair of workflows.

A `pull_request` job from a fork has a read-only token; it uploads its review JSON as an
artifact. A `workflow_run` job (base repository's code, a token that may write) downloads it
and runs this. The file is untrusted: the pull request it goes to and the commit it must be
about come from the event or the API, never from the file, and a report about another commit
is refused. Nothing from the pull request is checked out, built or run here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from github import Github, GithubException

from bot.cli import EXIT_ERROR, EXIT_PASS
from bot.github.action import Runtime, where_full
from bot.github.client import GitHubUnavailable, PermissionDenied, Retrier, describe, make_client
from bot.github.env import ActionError, GitHubEnv
from bot.github.inputs import ActionInputs
from bot.github.publish import PublishRequest, publish
from bot.github.workflow import ActionLog, append_step_summary
from bot.model import Review
from bot.report.json_load import ReportError, review_from_json
from bot.report.markdown import render_markdown


@dataclass(frozen=True)
class PublishTarget:
    number: int
    head: str


def run_publish(
    environ: Mapping[str, str], report: Path, pr_number: int | None = None, runtime: Runtime | None = None
) -> int:
    runtime = runtime or Runtime()
    log = ActionLog(runtime.stdout)
    try:
        env = GitHubEnv.from_environ(environ)
        inputs = ActionInputs.from_environ(environ)
        if not inputs.github_token:
            raise ActionError("no token: set GITHUB_TOKEN (or the github-token input) to one that may write")
        review = _read(report)
        client = make_client(env.api_url, inputs.github_token, runtime.settings)
        retrier = runtime.make_retrier(log.info)
        target = find_target(client, env, review, pr_number or inputs.pr_number, retrier)
    except (ActionError, ReportError, GitHubUnavailable, PermissionDenied) as error:
        log.error(str(error))
        return EXIT_ERROR
    except GithubException as error:
        log.error(f"GitHub refused to show the pull request: {describe(error)}")
        return EXIT_ERROR
    request = PublishRequest(
        repository=env.repository,
        number=target.number,
        head=target.head,
        review=review,
        comment=inputs.comment,
        suggestions=inputs.suggestions,
        check=inputs.check,
        diffmap=None,
        where_full=where_full(env, outputs=False),
        run_url=env.run_url,
        run_key=env.run_key,
    )
    outcome = publish(client, inputs.github_token, request, retrier)
    lines = [f"published the review of {target.head[:12]} to #{target.number}", *outcome.lines()]
    for line in lines:
        log.info(line)
    if env.step_summary:
        summary = render_markdown(review) + "\n---\n\n" + "\n".join(f"- {line}" for line in lines) + "\n"
        append_step_summary(env.step_summary, summary, where_full(env, outputs=False))
    if outcome.read_only or outcome.failures:
        for problem in [outcome.read_only or "", *outcome.failures]:
            if problem:
                log.error(problem)
        return EXIT_ERROR
    return EXIT_PASS


def _read(report: Path) -> Review:
    try:
        data = report.read_bytes()
    except OSError as error:
        raise ActionError(f"cannot read {report}: {error.strerror}") from None
    return review_from_json(data)


def find_target(client: Github, env: GitHubEnv, review: Review, number: int | None, retrier: Retrier) -> PublishTarget:
    """The pull request to publish to, and proof that the report is about its head commit."""
    repo = client.get_repo(env.repository)
    if number is not None:
        pull = repo.get_pull(number)
        head = retrier.call(f"read pull request #{number}", lambda: pull.head.sha)
        _same_commit(review, head, f"pull request #{number}'s head")
        return PublishTarget(number, head)
    run = env.event.get("workflow_run")
    if env.event_name != "workflow_run" or not isinstance(run, Mapping):
        raise ActionError("no pull request: run in a workflow_run job, or pass --pr NUMBER")
    head = str(run.get("head_sha") or "")
    _same_commit(review, head, "the workflow run's head commit")
    for pull in run.get("pull_requests") or []:
        if isinstance(pull, Mapping) and pull.get("head", {}).get("sha") == head:
            return PublishTarget(int(pull["number"]), head)
    found = retrier.call(
        "find the pull request of the commit",
        lambda: [p.number for p in repo.get_commit(head).get_pulls() if p.state == "open" and p.head.sha == head],
    )
    if not found:
        raise ActionError(f"no open pull request has {head[:12]} as its head")
    return PublishTarget(found[0], head)


def _same_commit(review: Review, head: str, what: str) -> None:
    if review.head != head:
        raise ActionError(f"the report reviews {review.head[:12]}, but {what} is {head[:12]}: not publishing it")
