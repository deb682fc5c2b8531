"""DH300-DH304 over real repositories: which file a finding goes to, and fixes that hold."""

from __future__ import annotations

import pytest

from tests.support.composelint import applied, context_findings
from tests.support.gitrepo import GitRepoFactory

RUST = "FROM rust:1.80\nWORKDIR /app\nCOPY Cargo.toml Cargo.lock ./\nRUN cargo fetch --locked\nCOPY . .\n"
APP = {"Cargo.toml": "[package]\nname = 'app'\n", "Cargo.lock": "# lock\n", "src/main.rs": "fn main() {}\n"}


def test_a_malformed_pattern(make_repo: GitRepoFactory) -> None:
    (finding,) = context_findings(make_repo, {".dockerignore": "target\n*.log[\n"}, rule="DH300")
    assert (finding.path, finding.line) == (".dockerignore", 2)
    assert context_findings(make_repo, {".dockerignore": "target\n*.log\n"}, rule="DH300") == []


def test_an_explicitly_copied_file_excluded_is_reported_at_the_pattern(make_repo: GitRepoFactory) -> None:
    ignore = ".git\ntarget/\nCargo.lock\n.env\n"
    head = {"Dockerfile": RUST, ".dockerignore": ignore, **APP}
    (finding,) = context_findings(make_repo, head, rule="DH303")
    assert (finding.path, finding.line) == (".dockerignore", 3)
    assert "leaves `Cargo.lock` out of the context, but `Dockerfile` copies it (line 3" in finding.message
    fixed = applied(ignore, finding)
    assert context_findings(make_repo, {**head, ".dockerignore": fixed}, rule="DH303") == []


def test_a_wildcard_gets_an_exception_after_it(make_repo: GitRepoFactory) -> None:
    ignore = ".git\n*.lock\n.env\n"
    head = {"Dockerfile": RUST, ".dockerignore": ignore, **APP}
    (finding,) = context_findings(make_repo, head, rule="DH303")
    assert finding.suggestion is not None and finding.suggestion.replacement == "*.lock\n!Cargo.lock"
    assert context_findings(make_repo, {**head, ".dockerignore": applied(ignore, finding)}, rule="DH303") == []


def test_when_only_the_dockerfile_changed_the_finding_is_at_its_copy(make_repo: GitRepoFactory) -> None:
    base = {".dockerignore": ".git\nCargo.lock\n", **APP, "Dockerfile": "FROM rust:1.80\nCOPY src src\n"}
    (finding,) = context_findings(make_repo, {**base, "Dockerfile": RUST}, base=base, rule="DH303")
    assert (finding.path, finding.line, finding.suggestion) == ("Dockerfile", 3, None)
    assert "line 2 of `.dockerignore`" in finding.message


def test_an_excluded_directory_with_an_exception_inside_is_still_sent(make_repo: GitRepoFactory) -> None:
    dockerfile = "FROM python:3.12-slim\nCOPY config/ /etc/app/\n"
    head = {"Dockerfile": dockerfile, ".dockerignore": "config\n!config/app.toml\n", "config/app.toml": "x=1\n"}
    assert context_findings(make_repo, head, rule="DH303") == []


def test_a_bind_mount_source_counts(make_repo: GitRepoFactory) -> None:
    dockerfile = "FROM python:3.12-slim\nRUN --mount=type=bind,source=uv.lock,target=uv.lock uv sync --locked\n"
    head = {"Dockerfile": dockerfile, ".dockerignore": "*.lock\n", "uv.lock": "x\n", "app.py": "x\n"}
    (finding,) = context_findings(make_repo, head, rule="DH303")
    assert finding.line == 1


def test_a_lock_file_left_out_of_a_whole_context_copy(make_repo: GitRepoFactory) -> None:
    # seed 001: Cargo.lock in .dockerignore, `COPY . .` and a build
    dockerfile = "FROM rust:1.80\nWORKDIR /app\nCOPY . .\nRUN cargo build --release\n"
    ignore = ".git\n.env\n# Rust\ntarget/\nCargo.lock\n**/*.rs.bk\n"
    head = {"Dockerfile": dockerfile, ".dockerignore": ignore, **APP}
    (finding,) = context_findings(make_repo, head, rule="DH304")
    assert (finding.path, finding.line) == (".dockerignore", 5)
    assert "`Cargo.lock` is left out of the build context" in finding.message
    assert context_findings(make_repo, {**head, ".dockerignore": applied(ignore, finding)}, rule="DH304") == []


def test_a_wildcard_copy_that_loses_its_lock_file(make_repo: GitRepoFactory) -> None:
    dockerfile = "FROM node:22-slim\nCOPY package*.json ./\nRUN npm ci\n"
    head = {
        "Dockerfile": dockerfile,
        ".dockerignore": "package-lock.json\n",
        "package.json": "{}",
        "package-lock.json": "{}",
    }
    (finding,) = context_findings(make_repo, head, rule="DH304")
    assert finding.line == 1 and "`COPY package*.json`" in finding.message


def test_lock_files_that_are_not_copied_are_none_of_our_business(make_repo: GitRepoFactory) -> None:
    dockerfile = "FROM node:22-slim\nCOPY dist/ /srv/\n"
    head = {
        "Dockerfile": dockerfile,
        ".dockerignore": "package-lock.json\n",
        "dist/x.js": "1",
        "package-lock.json": "{}",
    }
    assert context_findings(make_repo, head, rule="DH304") == []


def test_no_dockerignore_for_a_whole_context_copy(make_repo: GitRepoFactory) -> None:
    dockerfile = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
    (finding,) = context_findings(make_repo, {"Dockerfile": dockerfile, "app.py": "x\n"}, rule="DH301")
    assert (finding.path, finding.line) == ("Dockerfile", 3)
    with_ignore = {"Dockerfile": dockerfile, "app.py": "x\n", ".dockerignore": ".git\n"}
    assert context_findings(make_repo, with_ignore, rule="DH301") == []


def test_a_dockerfile_specific_ignore_file_counts(make_repo: GitRepoFactory) -> None:
    dockerfile = "FROM python:3.12-slim\nCOPY . .\n"
    head = {"docker/app.Dockerfile": dockerfile, "docker/app.Dockerfile.dockerignore": ".git\n.env\n", "app.py": "x"}
    compose = "services:\n  app:\n    build:\n      context: .\n      dockerfile: docker/app.Dockerfile\n"
    assert context_findings(make_repo, {**head, "compose.yaml": compose}, rule="DH301") == []


def test_the_compose_build_line_when_only_the_compose_file_changed(make_repo: GitRepoFactory) -> None:
    base = {"api/Dockerfile": "FROM python:3.12-slim\nCOPY . .\n", "api/app.py": "x"}
    compose = "services:\n  api:\n    build: ./api\n"
    (finding,) = context_findings(make_repo, {**base, "compose.yaml": compose}, base=base, rule="DH301")
    assert (finding.path, finding.line) == ("compose.yaml", 3)
    assert "service `api`" in finding.message


@pytest.mark.parametrize(
    ("ignore", "missing"),
    [
        ("__pycache__\n", "`.git`, `.env`"),
        (".git\n", "`.env`"),
        ("**/.git\n.env*\n", None),
        (".*\n", None),
    ],
)
def test_what_the_dockerignore_lets_in(make_repo: GitRepoFactory, ignore: str, missing: str | None) -> None:
    head = {"Dockerfile": "FROM python:3.12-slim\nCOPY . .\n", ".dockerignore": ignore, "app.py": "x"}
    findings = context_findings(make_repo, head, rule="DH302")
    assert [f.message.split("lets in ")[1] for f in findings] == ([missing] if missing else [])


def test_tracked_keys_and_node_modules(make_repo: GitRepoFactory) -> None:
    dockerfile = "FROM node:22-slim\nWORKDIR /app\nCOPY . .\nRUN npm ci\n"
    ignore = ".git\n.env\n"
    head = {"Dockerfile": dockerfile, ".dockerignore": ignore, "package.json": "{}", "certs/server.key": "k"}
    (finding,) = context_findings(make_repo, head, rule="DH302")
    assert finding.message.endswith("lets in key files (`certs/server.key`), `node_modules`")
    assert finding.suggestion is not None and finding.suggestion.replacement == ".env\nnode_modules"
    fixed = {**head, ".dockerignore": applied(ignore, finding), "certs/server.key": None}
    del fixed["certs/server.key"]
    assert context_findings(make_repo, fixed, rule="DH302") == []


def test_git_is_not_asked_for_when_the_build_needs_it(make_repo: GitRepoFactory) -> None:
    pyproject = "[build-system]\nrequires = ['setuptools', 'setuptools-scm']\n"
    head = {"Dockerfile": "FROM python:3.12\nCOPY . .\nRUN pip install .\n", ".dockerignore": ".env\n"}
    assert context_findings(make_repo, {**head, "pyproject.toml": pyproject}, rule="DH302") == []


def test_the_context_is_inferred_from_copy_sources(make_repo: GitRepoFactory) -> None:
    dockerfile = "FROM python:3.12-slim\nCOPY requirements.txt .\nCOPY src/ /app/src/\n"
    head = {"docker/Dockerfile": dockerfile, ".dockerignore": "src\n", "requirements.txt": "x", "src/a.py": "1"}
    (finding,) = context_findings(make_repo, head, rule="DH303")
    assert finding.path == ".dockerignore" and "context `.`" not in finding.message
