"""Running `dockhand action` as GitHub would, against a real git repository and the fake GitHub.

The environment is what a container action sees: GITHUB_* variables, an event payload file
shaped like GitHub's examples, and every input of action.yml as `INPUT_<NAME>` with hyphens
kept, defaults filled in from action.yml as the runner does.
"""

from __future__ import annotations

import copy
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.github.action import Runtime, run_action
from bot.github.client import ClientSettings, Retrier
from tests.support.fake_github import TOKEN, FakeGitHub, FakePull, pull_commits, pull_files
from tests.support.github_contract import event_template
from tests.support.gitrepo import Repo, clear_tree, git, write_tree

ACTION_YML = Path(__file__).resolve().parents[2] / "action.yml"


@dataclass
class FakeClock:
    """Retries wait on this clock: no test ever sleeps."""

    now: float = 0.0
    slept: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    def monotonic(self) -> float:
        return self.now

    def wall(self) -> float:
        return 1_700_000_000.0 + self.now


@dataclass
class RunResult:
    code: int
    log: str
    outputs: dict[str, str]
    summary: str


def default_inputs() -> dict[str, str]:
    """INPUT_<NAME> for every input of action.yml with its default, as the runner sets them."""
    spec = YAML(typ="safe").load(ACTION_YML.read_text(encoding="utf-8"))
    inputs = {}
    for name, item in spec["inputs"].items():
        default = str(item.get("default", ""))
        inputs[f"INPUT_{name.upper()}"] = "" if "${{" in default else default
    return inputs


def read_outputs(path: Path) -> dict[str, str]:
    outputs: dict[str, str] = {}
    if not path.exists():
        return outputs
    lines = path.read_text(encoding="utf-8").split("\n")
    index = 0
    while index < len(lines):
        line = lines[index]
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            end = lines.index(delimiter, index + 1)
            outputs[name] = "\n".join(lines[index + 1 : end])
            index = end + 1
        else:
            index += 1
    return outputs


@dataclass
class ActionScenario:
    """A pull request on a real repository, published to the fake GitHub."""

    repo: Repo
    github: FakeGitHub
    home: Path
    number: int = 7
    event_name: str = "pull_request"
    inputs: dict[str, str] = field(default_factory=dict)
    clock: FakeClock = field(default_factory=FakeClock)
    timeout: int = 5
    pull: FakePull | None = None
    runs: int = 0

    def open_pull(self, fork: str | None = None) -> FakePull:
        self.pull = self.github.add_pull(
            FakePull(
                number=self.number,
                base_sha=self.repo.base,
                head_sha=self.repo.head,
                files=pull_files(self.repo.path, self.repo.base, self.repo.head),
                commits=pull_commits(self.repo.path, self.repo.base, self.repo.head),
                head_repo=fork,
            )
        )
        return self.pull

    def push(self, files: dict[str, str], keep: bool = True) -> str:
        """A new head commit on the pull request's branch (synchronize)."""
        if not keep:
            clear_tree(self.repo.path)
        write_tree(self.repo.path, files)
        git(self.repo.path, "add", "--all")
        git(self.repo.path, "commit", "--quiet", "--allow-empty", "-m", "push")
        head = git(self.repo.path, "rev-parse", "HEAD")
        self.repo = Repo(self.repo.path, self.repo.base, head)
        assert self.pull is not None
        self.pull.head_sha = head
        self.pull.files = pull_files(self.repo.path, self.repo.base, head)
        self.pull.commits = pull_commits(self.repo.path, self.repo.base, head)
        return head

    def event(self) -> dict[str, Any]:
        if self.event_name in ("pull_request", "pull_request_target"):
            event = copy.deepcopy(event_template("pull_request.synchronize"))
            pull = event["pull_request"]
            event["number"] = pull["number"] = self.number
            pull["base"]["sha"], pull["head"]["sha"] = self.repo.base, self.repo.head
            pull["base"]["ref"] = "main"
            pull["base"]["repo"]["full_name"] = self.github.repository
            fork = self.pull.head_repo if self.pull else None
            pull["head"]["repo"]["full_name"] = fork or self.github.repository
            event["after"] = self.repo.head
            event["repository"]["full_name"] = self.github.repository
            return event
        return copy.deepcopy(event_template("workflow_dispatch"))

    def environ(self) -> dict[str, str]:
        self.runs += 1
        event_path = self.home / f"event{self.runs}.json"
        event_path.write_text(json.dumps(self.event()), encoding="utf-8")
        run_dir = self.home / f"run{self.runs}"
        run_dir.mkdir()
        return {
            "GITHUB_ACTIONS": "true",
            "GITHUB_EVENT_NAME": self.event_name,
            "GITHUB_EVENT_PATH": str(event_path),
            "GITHUB_REPOSITORY": self.github.repository,
            "GITHUB_API_URL": self.github.url,
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_WORKSPACE": str(self.repo.path),
            "GITHUB_SHA": self.repo.head,
            "GITHUB_RUN_ID": str(9000 + self.runs),
            "GITHUB_RUN_ATTEMPT": "1",
            "GITHUB_STEP_SUMMARY": str(run_dir / "summary.md"),
            "GITHUB_OUTPUT": str(run_dir / "output.txt"),
            **default_inputs(),
            "INPUT_GITHUB-TOKEN": TOKEN,
            "INPUT_BUILD": "false",  # image builds and scans have their own tests; these are about GitHub
            "INPUT_SCAN": "false",
            **self.inputs,
        }

    def runtime(self, stdout: io.StringIO) -> Runtime:
        clock = self.clock
        return Runtime(
            settings=ClientSettings(timeout=self.timeout, seconds_between_requests=None, seconds_between_writes=None),
            make_retrier=lambda log: Retrier(
                sleep=clock.sleep, clock=clock.monotonic, wall_clock=clock.wall, log=log, deadline_seconds=600
            ),
            stdout=stdout,
        )

    def run(self, **extra_env: str) -> RunResult:
        environ = {**self.environ(), **extra_env}
        stdout = io.StringIO()
        code = run_action(environ, self.runtime(stdout))
        summary_path = Path(environ["GITHUB_STEP_SUMMARY"])
        return RunResult(
            code=code,
            log=stdout.getvalue(),
            outputs=read_outputs(Path(environ["GITHUB_OUTPUT"])),
            summary=summary_path.read_text(encoding="utf-8") if summary_path.exists() else "",
        )
