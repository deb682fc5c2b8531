"""`trivy config` merged with dockhand's lint: what we cover is dropped, the rest kept once."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.catalog import rule_codes
from bot.config import Config
from bot.model import Review
from bot.scan.misconfig import TRIVY_DOCKERFILE_CHECKS, canonical_check_id, covering_rule
from tests.support.gitrepo import GitRepoFactory
from tests.support.trivy import CountingTrivy, review_commits

pytestmark = pytest.mark.trivy

BASE = 'FROM python:3.12-slim\nCOPY app.py /app/\nCMD ["python", "/app/app.py"]\n'
HEAD = 'FROM python:3.12-slim\nCOPY app.py /app/\nEXPOSE 22\nCMD ["python", "/app/app.py"]\n'


def _scan_findings(review: Review) -> dict[str, tuple[int | None, bool]]:
    section = next(s for s in review.sections if s.key == "scan")
    return {f.rule: (f.line, f.new) for f in section.findings}


def test_trivys_own_checks_are_kept_and_placed_against_the_base(
    make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path
) -> None:
    repo = make_repo(base={"Dockerfile": BASE}, head={"Dockerfile": HEAD})
    review = review_commits(repo.path, repo.base, repo.head, trivy_cache_dir=trivy_cache, trivy=trivy_binary)
    findings = _scan_findings(review)
    assert findings["trivy:DS-0004"] == (3, True)
    assert findings["trivy:DS-0026"] == (1, False)  # no HEALTHCHECK: already so in the base
    port = next(f for f in review.findings if f.rule == "trivy:DS-0004")
    assert port.in_diff and port.docs == "https://avd.aquasec.com/misconfig/ds-0004"
    assert port.message == "Port 22 exposed: Port 22 should not be exposed in Dockerfile"


def test_checks_that_dockhand_covers_are_not_reported_twice(
    make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path
) -> None:
    head = "FROM debian:12\nRUN apt-get update && apt-get install -y curl\n"
    repo = make_repo(base={"Dockerfile": BASE}, head={"Dockerfile": head})
    review = review_commits(repo.path, repo.base, repo.head, trivy_cache_dir=trivy_cache, trivy=trivy_binary)
    rules = {f.rule for f in review.findings}
    assert {"DH101", "DH103"} <= rules  # root user, --no-install-recommends: ours
    assert "trivy:DS-0002" not in rules and "trivy:DS-0029" not in rules
    scan = next(s for s in review.sections if s.key == "scan")
    assert next(item for item in scan.data["scanned"] if item["kind"] == "dockerfile-checks")["covered"] == 2


def test_trivyignore_and_ignore_comments_silence_trivys_checks(
    make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path
) -> None:
    head = HEAD.replace("EXPOSE 22\n", "# dockhand ignore=DS-0004 sshd for the debug image\nEXPOSE 22\n")
    repo = make_repo(base={"Dockerfile": BASE}, head={"Dockerfile": head, ".trivyignore": "DS026\n"})
    review = review_commits(repo.path, repo.base, repo.head, trivy_cache_dir=trivy_cache, trivy=trivy_binary)
    assert not {"trivy:DS-0004", "trivy:DS-0026"} & {f.rule for f in review.findings}
    assert [(s.finding.rule, s.reason) for s in review.suppressed] == [("trivy:DS-0004", "sshd for the debug image")]


def test_config_results_are_cached_by_content(
    make_repo: GitRepoFactory, trivy_cache: Path, counting_trivy: CountingTrivy
) -> None:
    repo = make_repo(base={"Dockerfile": BASE}, head={"Dockerfile": HEAD})
    for _ in range(2):
        review_commits(repo.path, repo.base, repo.head, trivy_cache_dir=trivy_cache, trivy=counting_trivy.path)
    assert len(counting_trivy.scans("config")) == 1


def test_disabling_a_covering_rule_by_its_trivy_id(
    make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path
) -> None:
    repo = make_repo(base={"Dockerfile": BASE}, head={"Dockerfile": HEAD})
    config = Config(disabled_rules=frozenset({rule_codes()["DS-0002"]}))
    review = review_commits(repo.path, repo.base, repo.head, config, trivy_cache_dir=trivy_cache, trivy=trivy_binary)
    assert "DH101" not in {f.rule for f in review.findings}


def test_check_ids_in_every_spelling() -> None:
    assert canonical_check_id("DS002") == canonical_check_id("AVD-DS-0002") == "DS-0002"
    assert covering_rule("DS002", rule_codes()) == "DH101"
    assert covering_rule("DS-0004", rule_codes()) is None
    assert len(TRIVY_DOCKERFILE_CHECKS) == 27
