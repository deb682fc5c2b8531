"""The scan section end to end: real git repositories, real Trivy, the test DB."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.config import Config
from bot.model import Finding, Review, Section, Severity, Verdict
from bot.report.json_report import review_to_dict
from bot.report.markdown import render_markdown
from bot.suggestions import apply_suggestion
from tests.scan.test_scans import CARGO_LOCK, PACKAGE_LOCK, UV_LOCK
from tests.support.gitrepo import GitRepoFactory, Repo, write_tree
from tests.support.trivy import CountingTrivy, review_commits

pytestmark = pytest.mark.trivy


def _review(repo: Repo, cache: Path, trivy: Path, config: Config | None = None, head: str | None = None) -> Review:
    return review_commits(repo.path, repo.base, head or repo.head, config, trivy_cache_dir=cache, trivy=trivy)


def _scan(review: Review) -> Section:
    return next(s for s in review.sections if s.key == "scan")


def _dh601(review: Review) -> list[Finding]:
    return [f for f in review.findings if f.rule == "DH601"]


def _commit(repo: Repo, files: dict[str, str]) -> str:
    write_tree(repo.path, files)
    repo.git("add", "--all")
    repo.git("commit", "--quiet", "-m", "next")
    return repo.git("rev-parse", "HEAD")


def test_a_new_vulnerable_pin_is_a_finding_on_its_line_with_the_fix(
    make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path
) -> None:
    repo = make_repo(
        base={"requirements.txt": "flask==2.3.2\nrequests==2.32.4\n"},
        head={"requirements.txt": "flask==2.3.2\nrequests==2.19.0\n"},
    )
    review = _review(repo, trivy_cache, trivy_binary)
    [finding] = _dh601(review)
    assert (finding.path, finding.line, finding.severity) == ("requirements.txt", 2, Severity.HIGH)
    assert finding.in_diff and finding.new
    assert finding.message == (
        "`requests` 2.19.0 has 4 new known vulnerabilities (1 high, 3 medium): CVE-2018-18074, CVE-2023-32681, "
        "CVE-2024-35195, CVE-2024-47081; 2.32.4 is the smallest version without known vulnerabilities"
    )
    assert finding.suggestion is not None and finding.suggestion.replacement == "requests==2.32.4"
    assert review.verdict is Verdict.FAIL


def test_the_suggestion_applied_leaves_no_vulnerability(
    make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path
) -> None:
    head_text = "urllib3==1.26.5\nrequests==2.19.0\nPyYAML==5.3\n"
    repo = make_repo(base={"requirements.txt": "urllib3==1.26.18\n"}, head={"requirements.txt": head_text})
    review = _review(repo, trivy_cache, trivy_binary)
    fixed_text = head_text
    for finding in sorted(_dh601(review), key=lambda f: -(f.line or 0)):
        assert finding.suggestion is not None
        fixed_text = apply_suggestion(fixed_text, finding.suggestion)
    assert fixed_text == "urllib3==1.26.18\nrequests==2.32.4\nPyYAML==5.4\n"
    after = _review(repo, trivy_cache, trivy_binary, head=_commit(repo, {"requirements.txt": fixed_text}))
    assert _dh601(after) == []
    data = _scan(after).data
    assert (data["new_vulnerabilities"], data["unchanged_vulnerabilities"], data["fixed_vulnerabilities"]) == (0, 0, 0)
    assert after.verdict is Verdict.PASS


def test_counts_and_tables_of_new_fixed_and_unchanged(
    make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path
) -> None:
    repo = make_repo(
        base={"requirements.txt": "requests==2.19.0\nurllib3==1.26.5\n"},
        head={"requirements.txt": "requests==2.31.0\nurllib3==1.26.5\nPyYAML==5.3\n"},
    )
    review = _review(repo, trivy_cache, trivy_binary)
    data = _scan(review).data
    assert data["new_vulnerabilities"] == 1
    assert data["new_by_severity"] == {"critical": 1, "high": 0, "medium": 0, "low": 0, "unknown": 0}
    assert data["fixed_vulnerabilities"] == 2  # CVE-2018-18074 and CVE-2023-32681 on requests
    assert data["unchanged_vulnerabilities"] == 4  # two left on requests, two on urllib3
    assert [v["id"] for v in data["new"]] == ["CVE-2020-14343"]
    assert data["new"][0]["where"] == "requirements.txt:3"
    assert {v["id"] for v in data["fixed"]} == {"CVE-2018-18074", "CVE-2023-32681"}
    titles = [t.title for t in _scan(review).tables]
    assert titles == [
        "Vulnerabilities by severity",
        "New vulnerabilities (1)",
        "Fixed by this change (2)",
        "Unchanged (already in the base) (4)",
    ]
    assert [t.collapsed for t in _scan(review).tables] == [False, False, False, True]
    summary = _scan(review).tables[0]
    assert summary.rows[0] == ("New", "1", "0", "0", "0", "0", "1")
    assert summary.note == "Scanned with Trivy 0.76.0, vulnerability DB of 2025-01-01."


def test_the_report_links_ids_and_exposes_the_counts(
    make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path
) -> None:
    repo = make_repo(base={"requirements.txt": "flask==2.3.2\n"}, head={"requirements.txt": "flask==2.3.0\n"})
    review = _review(repo, trivy_cache, trivy_binary)
    markdown = render_markdown(review)
    assert "### Vulnerabilities" in markdown
    assert "[CVE-2023-30861](https://avd.aquasec.com/nvd/cve-2023-30861)" in markdown
    assert "| CVE-2023-30861 |" not in markdown
    assert "2.3.0 → 2.2.5, 2.3.2" in markdown
    sections = json.loads(json.dumps(review_to_dict(review)))["sections"]
    assert sections["scan"]["new_vulnerabilities"] == 1
    assert sections["scan"]["new_by_severity"]["high"] == 1
    assert sections["scan"]["trivy_version"] == "0.76.0"


def test_npm_and_cargo_lock_findings_name_the_command(
    make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path
) -> None:
    safe_lock = PACKAGE_LOCK.replace("4.17.11", "4.17.21")
    repo = make_repo(
        base={"web/package-lock.json": safe_lock, "Cargo.lock": CARGO_LOCK.replace("1.6.0", "1.6.1")},
        head={"web/package-lock.json": PACKAGE_LOCK, "Cargo.lock": CARGO_LOCK},
    )
    review = _review(repo, trivy_cache, trivy_binary)
    by_path = {f.path: f for f in _dh601(review)}
    lodash, smallvec = by_path["web/package-lock.json"], by_path["Cargo.lock"]
    assert (lodash.line, lodash.severity, lodash.suggestion) == (15, Severity.CRITICAL, None)
    assert lodash.message.endswith(
        "4.17.21 is the smallest version without known vulnerabilities: `npm install lodash@4.17.21`"
    )
    assert smallvec.line == 14
    assert smallvec.message.endswith(
        "1.6.1 is the smallest version without known vulnerabilities: `cargo update -p smallvec --precise 1.6.1`"
    )


def test_a_second_review_does_not_scan_the_base_again(
    make_repo: GitRepoFactory, trivy_cache: Path, counting_trivy: CountingTrivy
) -> None:
    repo = make_repo(base={"requirements.txt": "requests==2.32.4\n"}, head={"requirements.txt": "requests==2.19.0\n"})
    _review(repo, trivy_cache, counting_trivy.path)
    scanned = [call["files"] for call in counting_trivy.scans("fs")]
    assert scanned[:2] == [["u1/requirements.txt"], ["u1/requirements.txt"]]  # base, head; then the probe
    next_head = _commit(repo, {"requirements.txt": "requests==2.20.0\n"})
    before = len(counting_trivy.scans("fs"))
    review = _review(repo, trivy_cache, counting_trivy.path, head=next_head)
    assert len(counting_trivy.scans("fs")) - before == 2  # the new head and its probe; the base came from the cache
    assert {"kind": "dependencies", "side": "base", "files": ["requirements.txt"], "cached": True} in _scan(
        review
    ).data["scanned"]


def test_missing_trivy_is_a_note_and_the_rest_of_the_review_goes_on(
    make_repo: GitRepoFactory, trivy_cache: Path, tmp_path: Path
) -> None:
    repo = make_repo(
        base={"requirements.txt": "requests==2.32.4\n", "Dockerfile": "FROM python:3.12\nUSER app\n"},
        head={"requirements.txt": "requests==2.19.0\n", "Dockerfile": "FROM python:3.12\n"},
    )
    review = _review(repo, trivy_cache, tmp_path / "no-trivy-here")
    scan = _scan(review)
    assert scan.findings == ()
    assert scan.notes[0].startswith("not scanned: cannot run ")
    assert scan.data["unavailable"].startswith("cannot run ")  # what the action's `scan: true` fails on
    assert "DH101" in {f.rule for f in review.findings}  # the Dockerfile was still linted
    assert review.verdict is Verdict.FAIL


def test_scan_required_turns_a_missing_scan_into_a_failure(
    make_repo: GitRepoFactory, trivy_cache: Path, tmp_path: Path
) -> None:
    repo = make_repo(base={"requirements.txt": "a==1\n"}, head={"requirements.txt": "a==2\n"})
    config = Config(scan_required=True, source=".github/dockhand.yml")
    review = _review(repo, trivy_cache, tmp_path / "no-trivy-here", config)
    [finding] = review.findings
    assert (finding.rule, finding.path, finding.severity) == ("DH603", ".github/dockhand.yml", Severity.CRITICAL)
    assert review.verdict is Verdict.FAIL
    relaxed = _review(repo, trivy_cache, tmp_path / "no-trivy-here")
    assert relaxed.verdict is Verdict.PASS


def test_offline_without_a_db_is_a_note(make_repo: GitRepoFactory, tmp_path: Path, trivy_binary: Path) -> None:
    repo = make_repo(base={"requirements.txt": "a==1\n"}, head={"requirements.txt": "a==2\n"})
    review = _review(repo, tmp_path / "empty", trivy_binary)
    assert any("no Trivy vulnerability DB" in note for note in _scan(review).notes)
    assert "no Trivy vulnerability DB" in _scan(review).data["unavailable"]


def test_trivyignore_and_ignore_unfixed_leave_vulnerabilities_out_and_say_why(
    make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path
) -> None:
    ignore = "vulnerabilities:\n  - id: CVE-2020-14343\n    statement: yaml.load is never called\n"
    repo = make_repo(
        base={"requirements.txt": "flask==2.3.2\n"},
        head={"requirements.txt": "flask==2.3.2\nPyYAML==5.3\n", ".trivyignore.yaml": ignore},
    )
    review = _review(repo, trivy_cache, trivy_binary)
    assert _dh601(review) == []
    scan = _scan(review)
    assert scan.data["new_vulnerabilities"] == 0 and scan.data["ignored_vulnerabilities"] == 1
    ignored = next(t for t in scan.tables if t.title == "Ignored (1)")
    assert ignored.rows[0][-1] == ".trivyignore.yaml (entry 1): yaml.load is never called"


def test_a_lock_file_trivy_cannot_read_is_noted(
    make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path
) -> None:
    repo = make_repo(base={"package-lock.json": PACKAGE_LOCK}, head={"package-lock.json": "{ not json"})
    review = _review(repo, trivy_cache, trivy_binary)
    assert "package-lock.json: Trivy found no pinned packages in it (nothing pinned, or it does not parse)" in (
        _scan(review).notes
    )
    assert _scan(review).data["fixed_vulnerabilities"] == 3


def test_nothing_to_scan_runs_no_trivy(
    make_repo: GitRepoFactory, trivy_cache: Path, counting_trivy: CountingTrivy
) -> None:
    repo = make_repo(base={"README.md": "a"}, head={"README.md": "b"})
    review = _review(repo, trivy_cache, counting_trivy.path)
    assert counting_trivy.calls() == []
    assert _scan(review).data["new_vulnerabilities"] == 0


def test_a_uv_lock_finding_sits_on_the_changed_version_line(
    make_repo: GitRepoFactory, trivy_cache: Path, trivy_binary: Path
) -> None:
    repo = make_repo(base={"uv.lock": UV_LOCK.replace('"5.3"', '"5.4"')}, head={"uv.lock": UV_LOCK})
    review = _review(repo, trivy_cache, trivy_binary)
    [finding] = _dh601(review)
    assert (finding.line, finding.in_diff, finding.severity) == (17, True, Severity.CRITICAL)
    assert finding.message.endswith(
        "5.4 is the smallest version without known vulnerabilities: `uv lock --upgrade-package pyyaml==5.4`"
    )


def test_without_a_vulnerability_db_the_report_shows_no_vulnerability_counts(
    make_repo: GitRepoFactory, trivy_binary: Path, tmp_path: Path
) -> None:
    """Trivy's Dockerfile checks need no DB and still run; a table of zero vulnerabilities would
    read as a clean scan, so there is none, and the notes say why nothing was scanned."""
    repo = make_repo(
        base={"requirements.txt": "flask==2.3.2\n", "Dockerfile": "FROM alpine:3.20\nUSER 1000\n"},
        head={"requirements.txt": "flask==2.3.2\nrequests==2.19.0\n", "Dockerfile": "FROM alpine:3.20\n"},
    )
    review = _review(repo, tmp_path / "empty-cache", trivy_binary)
    scan = _scan(review)
    assert any(item["kind"] == "dockerfile-checks" for item in scan.data["scanned"])
    assert not any(item["kind"] in ("dependencies", "image") for item in scan.data["scanned"])
    assert scan.data["unavailable"].startswith("vulnerabilities not scanned: no Trivy vulnerability DB")
    assert scan.tables == ()
    markdown = render_markdown(review)
    assert "Scanned with" not in markdown and "Vulnerabilities by severity" not in markdown
    assert "vulnerabilities not scanned: no Trivy vulnerability DB" in markdown
