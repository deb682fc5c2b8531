"""`trivy image` of real images in a real engine: packages, layers, lines, the diff, the cache."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.changes import ChangeSet, build_changeset, resolve_range
from bot.config import Config
from bot.git import GitRepo
from bot.model import Finding, Section, Severity
from bot.options import ReviewOptions
from bot.report.markdown import render_markdown
from bot.scan.analyzer import analyze_vulnerabilities
from bot.scan.scans import Scanner
from bot.suggestions import apply_suggestion
from bot.workspace import BuiltImage, Workspace
from tests.support.docker import DockerEngine
from tests.support.gitrepo import GitRepoFactory, Repo, write_tree
from tests.support.images import build_image, debian_image, dist_info
from tests.support.trivy import CountingTrivy, review_commits

pytestmark = [pytest.mark.trivy, pytest.mark.docker]

BASE_DOCKERFILE = 'FROM dockhand-test/debian:12.5\nRUN pip install requests==2.32.4\nCMD ["sh"]\n'
HEAD_DOCKERFILE = 'FROM dockhand-test/debian:12.2\nRUN pip install flask==2.3.2 requests==2.19.0\nCMD ["sh"]\n'


def test_an_imported_rootfs_with_dpkg_status_and_dist_info(docker_engine: DockerEngine, scanner: Scanner) -> None:
    packages = [("libssl3", "openssl", "3.0.11-1~deb12u2"), ("zlib1g", "zlib", "1:1.2.13.dfsg-1")]
    extra = dist_info("requests", "2.19.0")
    image_id = debian_image(docker_engine, packages, "12.2", "dockhand-test/rootfs:scan", extra)
    result = scanner.image(BuiltImage("head", "Dockerfile", ".", image_id, "dockhand-test/rootfs:scan"))
    found = {(v.target, v.package, v.id, v.fixed, v.pkg_path) for v in result.vulnerabilities}
    assert found == {
        ("debian", "libssl3", "CVE-2023-5678", "3.0.13-1~deb12u1", ""),
        ("debian", "libssl3", "CVE-2024-0727", "3.0.13-1~deb12u1", ""),
        ("debian", "zlib1g", "CVE-2023-45853", "", ""),
        *(
            (
                "python-pkg",
                "requests",
                cve,
                fixed,
                "usr/local/lib/python3.12/site-packages/requests-2.19.0.dist-info/METADATA",
            )
            for cve, fixed in (
                ("CVE-2018-18074", "2.20.0"),
                ("CVE-2023-32681", "2.31.0"),
                ("CVE-2024-35195", "2.32.0"),
                ("CVE-2024-47081", "2.32.4"),
            )
        ),
    }
    assert len(result.diff_ids) == 1 and {v.layer for v in result.vulnerabilities} == set(result.diff_ids)


def _build(engine: DockerEngine, tmp_path: Path, side: str, text: str, name: str) -> BuiltImage:
    image_id = build_image(engine, tmp_path / f"context-{name}-{side}", text, f"dockhand-test/app-{name}:{side}")
    return BuiltImage(side, "Dockerfile", ".", image_id, f"dockhand-test/app-{name}:{side}")


def _changes(repo: Repo, head: str | None = None) -> ChangeSet:
    git = GitRepo(repo.path)
    return build_changeset(git, resolve_range(git, repo.base, head or repo.head))


def _analyze(
    changes: ChangeSet, images: list[BuiltImage], cache: Path, trivy: Path, config: Config | None = None
) -> Section:
    options = ReviewOptions(build=False, offline=True, trivy_cache_dir=cache, trivy=trivy)
    return analyze_vulnerabilities(changes, config or Config(), options, Workspace(images=images))


def _dh602(section: Section) -> dict[int, Finding]:
    return {f.line or 0: f for f in section.findings if f.rule == "DH602"}


@pytest.fixture
def app_images(
    docker_engine: DockerEngine, debian_images: dict[str, str], make_repo: GitRepoFactory, tmp_path: Path
) -> tuple[Repo, list[BuiltImage]]:
    repo = make_repo(base={"Dockerfile": BASE_DOCKERFILE}, head={"Dockerfile": HEAD_DOCKERFILE})
    images = [
        _build(docker_engine, tmp_path, "base", BASE_DOCKERFILE, tmp_path.name.lower()),
        _build(docker_engine, tmp_path, "head", HEAD_DOCKERFILE, tmp_path.name.lower()),
    ]
    return repo, images


def test_new_vulnerabilities_point_at_the_from_line_and_the_run_that_installed_them(
    app_images: tuple[Repo, list[BuiltImage]], trivy_cache: Path, trivy_binary: Path
) -> None:
    repo, images = app_images
    section = _analyze(_changes(repo), images, trivy_cache, trivy_binary)
    findings = _dh602(section)
    assert set(findings) == {1, 2}
    base_image, run = findings[1], findings[2]
    assert base_image.severity is Severity.MEDIUM  # zlib's critical CVE-2023-45853 is in both base images
    assert base_image.message.startswith("the base image `dockhand-test/debian:12.2` brings packages with 2 new")
    assert "`libssl3` 3.0.11-1~deb12u2 (CVE-2023-5678, CVE-2024-0727; fixed in 3.0.13-1~deb12u1)" in base_image.message
    assert base_image.in_diff and base_image.new
    assert run.message.startswith("this RUN brings packages with 4 new known vulnerabilities (1 high, 3 medium)")
    assert "`requests` 2.19.0 (CVE-2018-18074, CVE-2023-32681, CVE-2024-35195, CVE-2024-47081; 2.32.4 fixes all)" in (
        run.message
    )
    assert run.suggestion is not None
    assert run.suggestion.replacement == "RUN pip install flask==2.3.2 requests==2.32.4"
    data = section.data
    assert data["new_vulnerabilities"] == 6
    assert data["unchanged_vulnerabilities"] == 1  # zlib: in both images
    where = {v["id"]: v["where"] for v in data["new"]}
    assert where["CVE-2023-5678"] == "Dockerfile:1 `FROM dockhand-test/debian:12.2`"
    assert where["CVE-2018-18074"] == "Dockerfile:2 `RUN pip install flask==2.3.2 requests==2.19.0`"


def test_the_suggestion_applied_and_rebuilt_has_no_new_vulnerability_there(
    app_images: tuple[Repo, list[BuiltImage]],
    trivy_cache: Path,
    trivy_binary: Path,
    docker_engine: DockerEngine,
    tmp_path: Path,
) -> None:
    repo, images = app_images
    run = _dh602(_analyze(_changes(repo), images, trivy_cache, trivy_binary))[2]
    assert run.suggestion is not None
    fixed = apply_suggestion(HEAD_DOCKERFILE, run.suggestion)
    write_tree(repo.path, {"Dockerfile": fixed})
    repo.git("commit", "--quiet", "--all", "-m", "bump")
    head = repo.git("rev-parse", "HEAD")
    rebuilt = _build(docker_engine, tmp_path, "head", fixed, tmp_path.name.lower() + "-fixed")
    section = _analyze(_changes(repo, head), [images[0], rebuilt], trivy_cache, trivy_binary)
    assert set(_dh602(section)) == {1}  # only the older base image's openssl is left


def test_ignore_unfixed_leaves_out_what_has_no_fix(
    docker_engine: DockerEngine,
    debian_images: dict[str, str],
    make_repo: GitRepoFactory,
    tmp_path: Path,
    trivy_cache: Path,
    trivy_binary: Path,
) -> None:
    repo = make_repo(base={"Dockerfile": "FROM scratch\n"}, head={"Dockerfile": "FROM dockhand-test/debian:12.5\n"})
    head = _build(docker_engine, tmp_path, "head", "FROM dockhand-test/debian:12.5\n", "unfixed")
    everything = _analyze(_changes(repo), [head], trivy_cache, trivy_binary)
    assert [v["id"] for v in everything.data["new"]] == ["CVE-2023-45853"]
    fixable = _analyze(_changes(repo), [head], trivy_cache, trivy_binary, Config(ignore_unfixed=True))
    assert fixable.data["new_vulnerabilities"] == 0 and fixable.data["ignored_vulnerabilities"] == 1
    assert "no base image to compare with" in " ".join(everything.notes)


def test_images_are_scanned_once_per_image_id(
    app_images: tuple[Repo, list[BuiltImage]], trivy_cache: Path, counting_trivy: CountingTrivy
) -> None:
    repo, images = app_images
    first = _analyze(_changes(repo), images, trivy_cache, counting_trivy.path)
    second = _analyze(_changes(repo), images, trivy_cache, counting_trivy.path)
    assert len(counting_trivy.scans("image")) == 2  # base and head, the first time only
    assert [item["cached"] for item in second.data["scanned"] if item["kind"] == "image"] == [True, True]
    assert second.data["new"] == first.data["new"]


def test_a_review_builds_the_images_then_scans_them(
    docker_engine: DockerEngine,
    debian_images: dict[str, str],
    make_repo: GitRepoFactory,
    trivy_cache: Path,
    trivy_binary: Path,
) -> None:
    repo = make_repo(base={"Dockerfile": BASE_DOCKERFILE}, head={"Dockerfile": HEAD_DOCKERFILE})
    review = review_commits(
        repo.path, repo.base, repo.head, build=True, trivy_cache_dir=trivy_cache, trivy=trivy_binary
    )
    scan = next(s for s in review.sections if s.key == "scan")
    assert [(item["kind"], item["side"]) for item in scan.data["scanned"] if item["kind"] == "image"] == [
        ("image", "base"),
        ("image", "head"),
    ]
    assert {(f.rule, f.line) for f in review.findings if f.rule == "DH602"} == {("DH602", 1), ("DH602", 2)}
    markdown = render_markdown(review)
    assert "Dockerfile:1 `FROM dockhand-test/debian:12.2`" in markdown
    assert "+RUN pip install flask==2.3.2 requests==2.32.4" in markdown


def test_packages_installed_from_a_changed_requirements_file_are_reported_there_only(
    docker_engine: DockerEngine,
    debian_images: dict[str, str],
    make_repo: GitRepoFactory,
    trivy_cache: Path,
    trivy_binary: Path,
) -> None:
    dockerfile = "FROM dockhand-test/debian:12.5\nCOPY requirements.txt /\nRUN pip install -r /requirements.txt\n"
    repo = make_repo(
        base={"Dockerfile": dockerfile, "requirements.txt": "requests==2.32.4\n"},
        head={"Dockerfile": dockerfile, "requirements.txt": "requests==2.19.0\n"},
    )
    review = review_commits(
        repo.path, repo.base, repo.head, build=True, trivy_cache_dir=trivy_cache, trivy=trivy_binary
    )
    assert {(f.rule, f.path, f.line) for f in review.findings if f.rule.startswith("DH60")} == {
        ("DH601", "requirements.txt", 1)
    }
    scan = next(s for s in review.sections if s.key == "scan")
    places = {v["where"] for v in scan.data["new"] if v["id"] == "CVE-2018-18074"}
    assert places == {"requirements.txt:1", "Dockerfile:3 `RUN pip install -r /requirements.txt`"}
