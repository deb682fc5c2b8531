"""GitHub API calls per `dockhand action` run on a typical pull request.

A typical PR: a Dockerfile, a compose file, requirements.txt and some code change; a handful of
findings, some with suggestions. Three runs on the same PR, as GitHub would trigger them: opened,
a push that fixes one finding and adds another, a push that touches only code. Every request
goes through the real PyGithub client to the fake GitHub server of the tests (which checks each
one against GitHub's OpenAPI description). Target: at most 6 calls per run.

    python benchmarks/api_calls.py
"""

from __future__ import annotations

import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.action_run import ActionScenario
from tests.support.fake_github import FakeGitHub
from tests.support.gitrepo import GitRepoFactory

TARGET = 6
BASE = {
    "Dockerfile": (
        'FROM python:3.12-slim\nRUN useradd --uid 1000 app\nCOPY . /app\nUSER app\nCMD ["python", "/app/main.py"]\n'
    ),
    "compose.yaml": 'services:\n  api:\n    build: .\n    ports: ["8000:8000"]\n',
    "requirements.txt": "flask==3.0.0\n",
    "main.py": "print('hello')\n",
}
OPENED = {
    **BASE,
    "Dockerfile": (
        "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y curl\nRUN pip install -r requirements.txt\n"
        "COPY . /app\nCMD python /app/main.py\n"
    ),
    "requirements.txt": "flask==3.0.3\nrequests==2.32.3\n",
    "main.py": "print('hello, world')\n",
}
FIX_ONE_ADD_ONE = {
    "Dockerfile": (
        "FROM python:3.12-slim\nRUN apt-get update && apt-get install -y curl\n"
        "RUN pip install --no-cache-dir -r requirements.txt\nRUN pip install gunicorn\n"
        "COPY . /app\nCMD python /app/main.py\n"
    )
}
CODE_ONLY = {"main.py": "print('hello, world!')\n"}


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        github = FakeGitHub()
        github.start()
        try:
            repo = GitRepoFactory(root)(base=BASE, head=OPENED)
            (root / "home").mkdir()
            action = ActionScenario(repo=repo, github=github, home=root / "home")
            action.open_pull()
            rows = []
            for name, push in (
                ("opened", None),
                ("push: fix one, add one", FIX_ONE_ADD_ONE),
                ("push: code only", CODE_ONLY),
            ):
                if push:
                    action.push(push)
                before = len(github.calls)
                result = action.run()
                calls = github.calls[before:]
                kinds = Counter(f"{c.method} {_shape(c.path)}" for c in calls)
                rows.append((name, len(calls), result.outputs.get("findings", "?"), kinds))
            if github.violations:
                print("contract violations:", *github.violations, sep="\n  ")
                return 1
        finally:
            github.stop()
    print(f"GitHub API calls per dockhand action run (typical PR; target <= {TARGET})\n")
    print(f"{'run':<26} {'calls':>5} {'findings':>8}  requests")
    for name, count, findings, kinds in rows:
        detail = ", ".join(f"{k} x{n}" if n > 1 else k for k, n in kinds.items())
        print(f"{name:<26} {count:>5} {findings:>8}  {detail}")
    worst = max(count for _, count, _, _ in rows)
    print(f"\nmost calls in one run: {worst} ({'within' if worst <= TARGET else 'OVER'} the target of {TARGET})")
    return 0 if worst <= TARGET else 1


def _shape(path: str) -> str:
    parts = path.split("/")[4:]
    return "/".join("{n}" if p.isdigit() else p for p in parts)


if __name__ == "__main__":
    sys.exit(main())
