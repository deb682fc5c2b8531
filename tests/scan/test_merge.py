"""Scan sections of matrix jobs merged (`dockhand merge`): every vulnerability once, counts and
tables drawn again, from reviews of real Trivy scans read back from their JSON."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from bot.model import Review, Section
from bot.report.json_load import review_from_json
from bot.report.json_report import render_json, review_to_dict
from bot.report.merge import merge_reviews
from tests.support.gitrepo import GitRepoFactory
from tests.support.trivy import review_commits

pytestmark = pytest.mark.trivy


def scan(review: Review) -> Section:
    return next(s for s in review.sections if s.key == "scan")


@pytest.fixture
def job_review(make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path) -> dict[str, object]:
    repo = make_repo(
        {"requirements.txt": "flask==2.3.2\nrequests==2.32.4\n"},
        {"requirements.txt": "flask==2.3.2\nrequests==2.19.0\n"},
    )
    review = review_commits(repo.path, repo.base, repo.head, trivy_cache_dir=trivy_cache, trivy=trivy_binary)
    return review_to_dict(review)


def test_jobs_that_scanned_the_same_files_merge_into_one_scan(job_review: dict[str, object]) -> None:
    one = review_from_json(json.dumps(job_review))
    merged = merge_reviews([one, review_from_json(json.dumps(job_review))])
    assert scan(merged).data["new"] == scan(one).data["new"]
    assert scan(merged).data["new_vulnerabilities"] == scan(one).data["new_vulnerabilities"] == 4
    assert [t.title for t in scan(merged).tables] == [t.title for t in scan(one).tables]
    assert json.loads(render_json(merged))["findings"] == json.loads(render_json(one))["findings"]


def test_an_image_scanned_by_another_job_adds_its_vulnerabilities(job_review: dict[str, object]) -> None:
    other = copy.deepcopy(job_review)
    section = other["sections"]["scan"]  # type: ignore[index]
    image_vulnerability = {
        **section["new"][0],
        "id": "CVE-2023-45853",
        "package": "zlib1g",
        "target": "debian",
        "pkg_path": "",
        "dockerfile": "api/Dockerfile",
        "where": "api/Dockerfile:1",
        "severity": "critical",
    }
    section["new"].append(image_vulnerability)
    section["scanned"].append({"kind": "image", "side": "head", "dockerfile": "api/Dockerfile"})
    first, second = review_from_json(json.dumps(job_review)), review_from_json(json.dumps(other))
    merged = scan(merge_reviews([first, second]))
    assert merged.data["new_vulnerabilities"] == 5
    assert merged.data["new_by_severity"]["critical"] == scan(first).data["new_by_severity"]["critical"] + 1
    assert [item["kind"] for item in merged.data["scanned"]].count("image") == 1
    [new_table] = [t for t in merged.tables if t.title.startswith("New vulnerabilities")]
    assert new_table.title == "New vulnerabilities (5)"
    assert new_table.rows[0][:2] == ("CVE-2023-45853", "zlib1g")  # the most severe first
    summary = next(t for t in merged.tables if t.title == "Vulnerabilities by severity")
    assert summary.rows[0][0] == "New" and summary.rows[0][-1] == "5"
