"""Scale: a review's wall time in a monorepo, as the pull request and the repository grow.

Run by hand from the repository root:

    python benchmarks/monorepo.py                  # 3 rounds, median shown
    python benchmarks/monorepo.py --rounds 5 --services 1000

A synthetic monorepo: `--services` (500) services, each a Dockerfile, a .dockerignore and an
app.py; 100 stacks, each a compose file building five of the services; 200 dependency files
(a requirements.txt or a package.json in 200 of the services). That is 500 Dockerfiles, 100
compose files and 200 dependency files. A pull request edits a tenth of those 800 files (50
Dockerfiles, 10 compose files, 20 dependency files), then twice and four times as many; then
the tenth-sized pull request runs again in a repository twice and four times as large.

Each review is the real command line in a fresh process: `python -m bot review --no-build
--no-scan --format json` (images are not built: that is the plan/merge mode's job). `git` is
counted through a wrapper on PATH. The review should grow with the pull request (about 2x per
doubling) and stay flat as the repository grows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.gitrepo import git, write_tree  # noqa: E402

Files = dict[str, str]
PR_FILES = (50, 10, 20)
"""Dockerfiles, compose files, dependency files a tenth-sized pull request edits."""


def dockerfile(service: int, version: int) -> str:
    return (
        f"FROM python:3.12-slim\nWORKDIR /app\nCOPY requirements.txt ./\n"
        f"RUN pip install --no-cache-dir -r requirements.txt\nCOPY app.py ./\n"
        f"ENV SERVICE=svc{service} RELEASE={version}\nRUN useradd --uid 1000 app\nUSER app\nEXPOSE 8080\n"
        f'HEALTHCHECK CMD ["python", "-c", "print(1)"]\nCMD ["python", "app.py"]\n'
    )


def compose(stack: int, services: int, version: int) -> str:
    lines = ["services:"]
    for offset in range(5):
        service = (stack * 5 + offset) % services
        lines += [
            f"  svc{service}:",
            f"    build: ../../services/svc{service}",
            f"    image: registry.example.com/svc{service}:{version}",
            f'    ports: ["{10000 + service}:8080"]',
            "    restart: unless-stopped",
        ]
    return "\n".join(lines) + "\n"


def dependency(service: int, version: int) -> tuple[str, str]:
    if service % 2:
        return "requirements.txt", f"flask==3.0.{version}\nrequests==2.32.{version}\ngunicorn>=21\n"
    return "package.json", f'{{"name": "svc{service}", "dependencies": {{"express": "^4.{version}.0"}}}}\n'


def repository(services: int, stacks: int, dependencies: int) -> Files:
    files: Files = {}
    for service in range(services):
        folder = f"services/svc{service}"
        files[f"{folder}/Dockerfile"] = dockerfile(service, 0)
        files[f"{folder}/.dockerignore"] = ".git\n*.pyc\nnode_modules\n"
        files[f"{folder}/app.py"] = f"print('svc{service}')\n"
        if service < dependencies:
            name, text = dependency(service, 0)
            files[f"{folder}/{name}"] = text
        elif service % 2 == 0:
            files[f"{folder}/requirements.txt"] = "flask==3.0.0\n"  # read by the Dockerfile, not a counted file
    for stack in range(stacks):
        files[f"stacks/stack{stack}/compose.yaml"] = compose(stack, services, 0)
    return files


def pull_request(services: int, scale: int) -> Files:
    """`scale` x (50 Dockerfiles, 10 compose files, 20 dependency files), spread over the repository."""
    dockerfiles, composes, dependencies = (count * scale for count in PR_FILES)
    edits: Files = {}
    for n in range(dockerfiles):
        service = n * services // dockerfiles
        edits[f"services/svc{service}/Dockerfile"] = dockerfile(service, 1)
    for n in range(composes):
        stack = n * (services // 5) // composes
        edits[f"stacks/stack{stack}/compose.yaml"] = compose(stack, services, 1)
    for n in range(dependencies):
        service = n * (services * 2 // 5) // dependencies
        name, text = dependency(service, 1)
        edits[f"services/svc{service}/{name}"] = text
    return edits


@dataclass(frozen=True)
class Run:
    seconds: float
    git_processes: int
    findings: int


def build(root: Path, services: int, scale: int) -> Path:
    repo = root / f"repo-{services}-{scale}"
    if repo.exists():  # the first row of both series
        return repo
    repo.mkdir()
    git(repo, "init", "--quiet", "--initial-branch=main")
    write_tree(repo, repository(services, services // 5, services * 2 // 5))
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "base")
    git(repo, "checkout", "--quiet", "-b", "pr")
    write_tree(repo, pull_request(services, scale))
    git(repo, "commit", "--quiet", "--all", "-m", "head")
    return repo


def git_counter(root: Path) -> tuple[Path, Path]:
    """A `git` on PATH that logs each call and runs the real one."""
    real = subprocess.run(["which", "git"], capture_output=True, text=True, check=True).stdout.strip()
    folder, log = root / "bin", root / "git-calls.log"
    folder.mkdir()
    wrapper = folder / "git"
    wrapper.write_text(f'#!/bin/sh\necho x >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    return folder, log


def review(repo: Path, counter: tuple[Path, Path]) -> Run:
    folder, log = counter
    log.write_text("", encoding="utf-8")
    output = repo.parent / "review.json"
    command = [sys.executable, "-m", "bot", "review", "--repo", str(repo), "--base", "main", "--head", "pr"]
    command += ["--no-build", "--no-scan", "--format", "json", "--output", str(output)]
    env = {**os.environ, "PATH": f"{folder}{os.pathsep}{os.environ.get('PATH', '')}"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=3600, check=False)
    seconds = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"review failed ({done.returncode}): {done.stderr[-2000:]}")
    findings = output.read_text(encoding="utf-8").count('"fingerprint"')
    return Run(seconds, len(log.read_text(encoding="utf-8").splitlines()), findings)


def measure(root: Path, services: int, scale: int, rounds: int, counter: tuple[Path, Path]) -> Run:
    repo = build(root, services, scale)
    runs = [review(repo, counter) for _ in range(rounds)]
    return Run(statistics.median(r.seconds for r in runs), runs[0].git_processes, runs[0].findings)


HEADER = ("repository (Dockerfiles)", "changed files", "wall s", "x prev", "git", "findings")


def series(root: Path, points: list[tuple[int, int]], rounds: int, counter: tuple[Path, Path]) -> None:
    """One row per (services, scale), each with its ratio to the row before."""
    previous: Run | None = None
    for services, scale in points:
        run = measure(root, services, scale, rounds, counter)
        ratio = f"{run.seconds / previous.seconds:.2f}x" if previous else ""
        cells = (services, sum(PR_FILES) * scale, f"{run.seconds:.2f}", ratio, run.git_processes, run.findings)
        print(" ".join(f"{cell:>{len(title)}}" for cell, title in zip(cells, HEADER, strict=True)), flush=True)
        previous = run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--services", type=int, default=500, help="services (Dockerfiles) in the base repository")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="dockhand-monorepo-") as temp:
        root = Path(temp)
        counter = git_counter(root)
        print(f"review --no-build --no-scan, median of {args.rounds} rounds, fresh process each\n")
        print(" ".join(HEADER))
        print("-- the pull request doubles (same repository)")
        series(root, [(args.services, scale) for scale in (1, 2, 4)], args.rounds, counter)
        print("-- the repository doubles (same size of pull request)")
        series(root, [(args.services * k, 1) for k in (1, 2, 4)], args.rounds, counter)
    return 0


if __name__ == "__main__":
    sys.exit(main())
