"""Size and shape: a review costs what the pull request changes, and hostile inputs end in a
finding or a note at their file, never a crash or a hang. (Wall time and memory are measured in
benchmarks/limits.py and benchmarks/monorepo.py; these tests check the behaviour.)"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bot.cli import review_repository
from bot.model import Review
from bot.options import ReviewOptions
from bot.parsing.dockerfile import parse_dockerfile
from tests.support.gitrepo import GitRepoFactory

OPTIONS = ReviewOptions(build=False, scan=False)


def service_files(count: int, version: int) -> dict[str, str]:
    files = {}
    for n in range(count):
        files[f"svc{n}/Dockerfile"] = f'FROM python:3.12-slim\nCOPY app.py /app/\nENV V={version}\nCMD ["python"]\n'
        files[f"svc{n}/app.py"] = "print(1)\n"
        files[f"svc{n}/.dockerignore"] = f".git\n*.v{version}\n"
        files[f"svc{n}/requirements.txt"] = f"flask==3.0.{version}\n"
        files[f"svc{n}/compose.yaml"] = f"services:\n  s{n}:\n    build: .\n    image: s{n}:{version}\n"
    return files


def git_calls(make_repo: GitRepoFactory, log: Path, changed: int) -> int:
    """git processes one review starts, in a repository of 40 services with `changed` of them changed."""
    repo = make_repo(service_files(40, 0), {**service_files(40, 0), **service_files(changed, 1)})
    log.write_text("", encoding="utf-8")
    review = review_repository(repo.path, repo.base, repo.head, None, OPTIONS)
    assert len(review.files) == 4 * changed
    return len(log.read_text(encoding="utf-8").splitlines())


def test_git_processes_do_not_grow_with_the_pull_request(
    make_repo: GitRepoFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Files are read through one long-lived `git cat-file` per kind, not a process per file."""
    real, log = shutil.which("git"), tmp_path / "git.log"
    wrapper = tmp_path / "bin" / "git"
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho x >> "{log}"\nexec "{real}" "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    few, many = git_calls(make_repo, log, 2), git_calls(make_repo, log, 30)
    assert few == many
    assert many <= 15


def hostile_review(make_repo: GitRepoFactory) -> Review:
    bomb = "".join(f"  a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]\n" for n in range(1, 12))
    bomb = '  a0: &a0 ["lol"]\n' + bomb
    deep = "[" * 50_000 + "]" * 50_000
    services = "".join(f"  s{n}:\n    image: registry.example.com/s{n}:1\n" for n in range(12_000))
    head = {
        "bomb/compose.yaml": f"x-bomb:\n{bomb}services:\n  web:\n    image: *a11\n",
        "lock/pnpm-lock.yaml": f"lockfileVersion: '9.0'\nx:\n{bomb}importers:\n  .:\n    dependencies: *a11\n",
        "deep/package.json": '{"dependencies": {"a": ' + deep + "}}\n",
        "deep/Cargo.toml": f'[package]\nname = "a"\nversion = "1.0.0"\n[package.metadata]\nx = {deep}\n',
        "heredoc/Dockerfile": "FROM alpine:3.20\n" + "RUN <<EOF\n" * 20_000,
        "huge/compose.yaml": "services:\n" + services,
        "big/package-lock.json": '{"lockfileVersion": 3, "packages": {"": {}}, "pad": "' + "x" * 1_200_000 + '"}\n',
        "app/Dockerfile": "FROM debian:12\nRUN apt-get install -y curl\n",
        ".dockhand.yml": "max-file-bytes: 1000000\n",
    }
    repo = make_repo({}, head)
    return review_repository(repo.path, repo.base, repo.head, None, OPTIONS)


def test_hostile_inputs_are_findings_or_notes_and_the_rest_is_reviewed(make_repo: GitRepoFactory) -> None:
    review = hostile_review(make_repo)
    found = {(f.path, f.rule): f for f in review.findings}
    assert "alias bomb" in found["bomb/compose.yaml", "DH200"].message
    assert "alias bomb" in found["lock/pnpm-lock.yaml", "DH400"].message
    assert "levels deep" in found["deep/package.json", "DH400"].message
    assert "levels deep" in found["deep/Cargo.toml", "DH400"].message
    assert found["deep/Cargo.toml", "DH400"].line == 5
    assert (found["heredoc/Dockerfile", "DH100"].line, "heredoc" in found["heredoc/Dockerfile", "DH100"].message) == (
        2,
        True,
    )
    assert "over the 524,288-byte limit" in found["huge/compose.yaml", "DH200"].message
    big = next(f for f in review.files if f.path == "big/package-lock.json")
    assert any("over the 1,000,000-byte limit: not read" in note for note in big.notes)
    assert ("app/Dockerfile", "DH103") in found  # the ordinary file next to them is still reviewed
    assert not any("internal error" in note for section in review.sections for note in section.notes)


def test_a_single_stage_of_thousands_of_instructions_is_linted_in_one_pass() -> None:
    """DH124 once rescanned every COPY and WORKDIR above each RUN (cubic in a stage's size)."""
    from bot.lint.context import LintContext
    from bot.lint.dockerfile.layers import recursive_chown

    lines = ["FROM debian:12", "WORKDIR /app"]
    for n in range(1500):
        lines += [f"COPY f{n} /app/d{n % 7}/f{n}", f"RUN chown -R app /app/d{n % 7}", f"WORKDIR /app/d{n % 3}"]
    dockerfile = parse_dockerfile("Dockerfile", "\n".join(lines) + "\n")
    hits = recursive_chown.run("Dockerfile", dockerfile, LintContext())
    assert len(hits) == 1500
    assert "COPY on line 3 put there" in hits[0].message
