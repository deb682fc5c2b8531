import json

from bot.config import Config
from bot.hardening.analyzer import analyze_hardening
from bot.model import Section
from bot.options import ReviewOptions
from bot.pipeline import ANALYZERS
from bot.report.json_report import render_json
from bot.report.markdown import render_markdown
from bot.workspace import BuiltImage, ImageConfig, Workspace
from tests.support.checks import changeset, review
from tests.support.gitrepo import GitRepoFactory, Repo
from tests.support.linting import dockerfile

HARDENED = dockerfile(
    """
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends tini curl \\
        && rm -rf /var/lib/apt/lists/*
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY --chown=app:app . .
    USER app
    EXPOSE 8000
    HEALTHCHECK CMD curl -fsS http://localhost:8000/health || exit 1
    ENTRYPOINT ["tini", "--"]
    CMD ["gunicorn", "app:app"]
    """
)
REGRESSED = dockerfile(
    """
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gcc \\
        && rm -rf /var/lib/apt/lists/*
    WORKDIR /app
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    COPY . .
    EXPOSE 8000
    HEALTHCHECK CMD curl -fsS http://localhost:8000/health || exit 0
    CMD ["gunicorn", "app:app"]
    """
)
IGNORE = ".git\n.env\n__pycache__/\n"


def hardening(repo: Repo, workspace: Workspace | None = None) -> Section:
    return analyze_hardening(changeset(repo), Config(), ReviewOptions(), workspace or Workspace())


def rows(section: Section) -> dict[str, tuple[str, ...]]:
    return {row[0]: row for row in section.tables[0].rows}


def test_regressions_are_findings_and_marked(make_repo: GitRepoFactory) -> None:
    repo = make_repo(
        base={"Dockerfile": HARDENED, ".dockerignore": IGNORE},
        head={"Dockerfile": REGRESSED, ".dockerignore": IGNORE},
    )
    section = hardening(repo)
    table = section.tables[0]
    assert table.path == "Dockerfile" and table.headers[:4] == ("Property", "Before", "After", "Change")
    by_label = rows(section)
    assert by_label["Non-root user"][1:4] == ("✅ `USER app`", "❌ no USER: runs as root", "⚠️ regressed")
    assert by_label["Init for PID 1"][2] == "❌ PID 1 is `gunicorn`"
    assert by_label["Health check that can fail"][3] == "⚠️ regressed"
    assert by_label["No build tools in the runtime image"][2] == "❌ gcc"
    assert by_label["Pinned base image"][3] == ""
    assert by_label[".dockerignore present and complete"][2] == "✅ .dockerignore excludes .git and .env"
    assert {row[5] for row in table.rows} == {"read from the Dockerfile"}
    regressions = sorted((f.line, f.message.split(":")[0]) for f in section.findings)
    assert regressions == [
        (1, "hardening regression, non-root user"),
        (2, "hardening regression, no build tools in the runtime image"),
        (9, "hardening regression, health check that can fail"),
        (10, "hardening regression, init for pid 1"),
    ]
    assert all(f.rule == "DH133" and f.new and f.counts_for_policy for f in section.findings)
    assert {f.line for f in section.findings if f.in_diff} == {2, 9}  # FROM and CMD lines are unchanged


def test_fixed_rows_are_marked_and_not_findings(make_repo: GitRepoFactory) -> None:
    repo = make_repo(base={"Dockerfile": REGRESSED}, head={"Dockerfile": HARDENED})
    section = hardening(repo)
    assert section.findings == ()
    assert rows(section)["Non-root user"][3] == "✅ fixed"
    assert rows(section)[".dockerignore present and complete"][2].startswith("❌ no .dockerignore")


def test_a_new_dockerfile_has_no_before(make_repo: GitRepoFactory) -> None:
    section = hardening(make_repo(base={"README.md": "x\n"}, head={"Dockerfile": REGRESSED}))
    assert {row[1] for row in section.tables[0].rows} == {"– (new file)"} and section.findings == ()


def test_the_built_image_decides_user_init_and_healthcheck(make_repo: GitRepoFactory) -> None:
    head = REGRESSED.replace("install -y --no-install-recommends gcc", "install -y --no-install-recommends gcc curl")
    repo = make_repo(base={"Dockerfile": HARDENED}, head={"Dockerfile": head})
    image = ImageConfig(
        user="1000:1000",
        entrypoint=("/usr/bin/tini", "--"),
        cmd=("gunicorn", "app:app"),
        healthcheck=("CMD-SHELL", "curl -fsS http://localhost:8000/health || exit 1"),
        exposed_ports=("8000/tcp",),
    )
    workspace = Workspace(images=[BuiltImage("head", "Dockerfile", ".", "sha256:1", "dockhand:head", config=image)])
    section = hardening(repo, workspace)
    by_label = rows(section)
    for label in ("Non-root user", "Init for PID 1", "Health check that can fail"):
        assert by_label[label][2].startswith("✅") and by_label[label][5] == "verified in the built image"
    # what the Dockerfile does not set came from the base image: the row says so, at the FROM line
    assert by_label["Non-root user"][2::2] == ("✅ the image runs as 1000:1000 (from the base image)", "line 1")
    assert by_label["Init for PID 1"][2::2] == ("✅ PID 1 is `tini` (from the base image)", "line 1")
    assert by_label["Health check that can fail"][2::2] == ("✅ the image's health check", "line 9")
    assert by_label["No build tools in the runtime image"][5] == "read from the Dockerfile"
    assert "verified in the built image (head)" in section.tables[0].note
    assert sorted(f.message.split(":")[0] for f in section.findings) == [
        "hardening regression, no build tools in the runtime image"
    ]


def test_a_built_images_health_check_that_its_image_cannot_run(make_repo: GitRepoFactory) -> None:
    repo = make_repo(base={"Dockerfile": HARDENED}, head={"Dockerfile": REGRESSED})  # gcc, and no curl
    image = ImageConfig(
        user="app", healthcheck=("CMD", "curl", "-f", "http://localhost:8000/"), exposed_ports=("8000/tcp",)
    )
    workspace = Workspace(images=[BuiltImage("head", "Dockerfile", ".", "sha256:3", "t", config=image)])
    row = rows(hardening(repo, workspace))["Health check that can fail"]
    assert row[2] == "❌ cannot pass: runs `curl`, which `python:3.12-slim` does not have"
    assert row[5] == "read from the Dockerfile"


def test_a_built_image_running_as_root_fails_the_row(make_repo: GitRepoFactory) -> None:
    repo = make_repo(base={"Dockerfile": HARDENED}, head={"Dockerfile": HARDENED + "LABEL x=y\n"})
    root = ImageConfig(user="", entrypoint=("gunicorn",), healthcheck=("NONE",), exposed_ports=("8000/tcp",))
    workspace = Workspace(images=[BuiltImage("head", "Dockerfile", ".", "sha256:2", "t", config=root)])
    by_label = rows(hardening(repo, workspace))
    assert by_label["Non-root user"][2] == "❌ the image runs as root (no user set)"
    assert by_label["Init for PID 1"][2] == "❌ PID 1 is `gunicorn`"
    assert by_label["Health check that can fail"][2] == "❌ the image has no health check"


def test_dockerignore_completeness_follows_the_pull_request(make_repo: GitRepoFactory) -> None:
    rust = (
        "FROM rust:1.79 AS build\nCOPY Cargo.toml Cargo.lock ./\nRUN cargo build --locked\nFROM debian:12\nUSER app\n"
    )
    repo = make_repo(
        base={"Dockerfile": rust, ".dockerignore": ".git\n.env\ntarget/\n"},
        head={"Dockerfile": rust + "LABEL a=b\n", ".dockerignore": ".git\n.env\ntarget/\n*.lock\n"},
    )
    section = hardening(repo)
    row = rows(section)[".dockerignore present and complete"]
    assert row[1].startswith("✅") and row[2] == "❌ .dockerignore:4 excludes Cargo.lock, which the Dockerfile copies"
    assert row[3] == "⚠️ regressed"
    missing_git = make_repo(base={"README.md": "x\n"}, head={"Dockerfile": rust, ".dockerignore": "!.git\n.env*\n"})
    assert (
        rows(hardening(missing_git))[".dockerignore present and complete"][2]
        == "❌ .dockerignore does not exclude .git"
    )


def test_secret_rows_never_show_the_value(make_repo: GitRepoFactory) -> None:
    head = HARDENED.replace("USER app", "ENV DB_PASSWORD=hunter2-secret\nUSER app")
    repo = make_repo(base={"Dockerfile": HARDENED}, head={"Dockerfile": head})
    result = review(repo)
    markdown, rendered_json = render_markdown(result), render_json(result)
    assert "hunter2-secret" not in markdown and "hunter2-secret" not in rendered_json
    checklist = json.loads(rendered_json)["sections"]["hardening"]["checklists"][0]
    secrets_row = next(row for row in checklist["rows"] if row["property"] == "no-secrets")
    assert secrets_row["head"]["status"] == "fail" and secrets_row["change"] == "⚠️ regressed"
    assert "Hardening checklist: Dockerfile" in markdown


def test_the_checklist_runs_after_the_dockerfile_analyzer() -> None:
    keys = [key for key, _title, _analyzer in ANALYZERS]
    assert keys.index("hardening") > keys.index("dockerfile")


def test_the_lock_file_row_names_the_dependency_install_not_the_tool_install(make_repo: GitRepoFactory) -> None:
    poetry = dockerfile(
        """
        FROM python:3.12-slim
        COPY pyproject.toml poetry.lock ./
        RUN pip install --no-cache-dir --upgrade pip poetry && poetry install --no-root
        USER app
        """
    )
    lock = '[[package]]\nname = "flask"\nversion = "3.0.3"\n'
    files = {"pyproject.toml": '[tool.poetry]\nname = "app"\n', "poetry.lock": lock}
    repo = make_repo(base={"Dockerfile": poetry, **files}, head={"Dockerfile": poetry + "LABEL a=b\n", **files})
    row = rows(hardening(repo))["Installs respect the lock file"]
    assert row[2] == "✅ `poetry install --no-root`" and row[4] == "line 3"


def test_a_long_install_command_is_shortened_with_an_ellipsis(make_repo: GitRepoFactory) -> None:
    install = "pip install --no-cache-dir --require-hashes -r requirements/production.txt"
    long = f"FROM python:3.12-slim\nRUN {install}\nUSER app\n"
    files = {"requirements/production.txt": "flask==3.0.3 --hash=sha256:00\n"}
    repo = make_repo(base={"Dockerfile": long, **files}, head={"Dockerfile": long + "LABEL a=b\n", **files})
    shown = rows(hardening(repo))["Installs respect the lock file"][2]
    assert shown == "✅ `pip install --no-cache-dir --require-hashes -r requirements…`"


def test_a_windows_image_has_no_user_or_init_rows_to_fail(make_repo: GitRepoFactory) -> None:
    windows = 'FROM mcr.microsoft.com/windows/servercore:ltsc2022\nCMD ["C:\\\\app\\\\app.exe"]\n'
    repo = make_repo(base={"Dockerfile": windows}, head={"Dockerfile": windows + "LABEL a=b\n"})
    by_label = rows(hardening(repo))
    assert by_label["Non-root user"][2] == "➖ Windows image"
    assert by_label["Init for PID 1"][2] == "➖ Windows image: no PID 1 to reap or forward signals"


def test_the_init_row_applies_to_services_as_dh107_does(make_repo: GitRepoFactory) -> None:
    job = 'FROM python:3.12-slim\nUSER app\nCMD ["python", "-m", "migrate"]\n'
    repo = make_repo(base={"Dockerfile": job}, head={"Dockerfile": job + "LABEL a=b\n"})
    assert rows(hardening(repo))["Init for PID 1"][2] == "➖ not a service (no EXPOSE); PID 1 is `python`"
    service = job.replace("USER app\n", "USER app\nEXPOSE 8000\n")
    repo = make_repo(base={"Dockerfile": service}, head={"Dockerfile": service + "LABEL a=b\n"})
    assert rows(hardening(repo))["Init for PID 1"][2] == "❌ PID 1 is `python`"


SERVED_BY_COMPOSE = 'FROM python:3.12-slim\nUSER app\nCMD ["fastapi", "run", "app/main.py"]\n'
COMPOSE = """\
services:
  backend:
    build:
      context: ./backend
  worker:
    build:
      context: ./backend
    command: celery worker
"""
OVERRIDE = """\
services:
  backend:
    ports:
      - "8000:8000"
    healthcheck:
      test: ["CMD", "curl", "-f", "http://localhost:8000/health"]
"""


def test_a_dockerfile_whose_compose_service_publishes_a_port_is_a_service(make_repo: GitRepoFactory) -> None:
    files = {"backend/Dockerfile": SERVED_BY_COMPOSE, "compose.yml": COMPOSE, "compose.override.yml": OVERRIDE}
    repo = make_repo(base={"README.md": "x\n"}, head={"README.md": "x\n", **files})
    found = rows(hardening(repo))
    init, health = found["Init for PID 1"], found["Health check that can fail"]
    assert init[2] == "❌ PID 1 is `fastapi`"  # no EXPOSE, but compose.override.yml publishes 8000
    assert health[2] == "✅ Compose's health check (service `backend`)" and health[5] == "read from compose.yml"
    alone = make_repo(base={"README.md": "x\n"}, head={"README.md": "x\n", "backend/Dockerfile": SERVED_BY_COMPOSE})
    assert rows(hardening(alone))["Init for PID 1"][2] == "➖ not a service (no EXPOSE); PID 1 is `fastapi`"


def test_compose_init_and_a_health_check_that_cannot_fail(make_repo: GitRepoFactory) -> None:
    compose = COMPOSE.replace(
        "      context: ./backend\n  worker", "      context: ./backend\n    init: true\n  worker", 1
    )
    override = OVERRIDE.replace('["CMD", "curl", "-f", "http://localhost:8000/health"]', "curl localhost || true")
    files = {"backend/Dockerfile": SERVED_BY_COMPOSE, "compose.yml": compose, "compose.override.yml": override}
    repo = make_repo(base={"README.md": "x\n"}, head={"README.md": "x\n", **files})
    found = rows(hardening(repo))
    assert found["Init for PID 1"][2] == "✅ `init: true` (service `backend`)"
    assert found["Health check that can fail"][2].startswith("❌ service `backend`: cannot fail:")


def test_nginx_as_pid_1_does_an_inits_work(make_repo: GitRepoFactory) -> None:
    proxy = 'FROM nginx:1.27\nUSER nginx\nEXPOSE 8080\nCMD ["nginx", "-g", "daemon off;"]\n'
    repo = make_repo(base={"README.md": "x\n"}, head={"README.md": "x\n", "Dockerfile": proxy})
    assert rows(hardening(repo))["Init for PID 1"][2] == '✅ `CMD ["nginx", "-g", "daemon off;"]`'


INSTALLS = "FROM python:3.12-slim\nCOPY requirements.txt .\nRUN pip install --no-cache-dir -r requirements.txt\n"


def test_a_requirements_file_that_pins_nothing_fails_the_lock_file_row(make_repo: GitRepoFactory) -> None:
    repo = make_repo(
        base={"Dockerfile": INSTALLS, "requirements.txt": "flask==3.0.3\n"},
        head={"Dockerfile": INSTALLS + "USER 1000\n", "requirements.txt": "flask==3.0.3\nredis\nhttpx>=0.27\n"},
    )
    section = hardening(repo)
    before, after = rows(section)["Installs respect the lock file"][1:3]
    assert before == "✅ `pip install --no-cache-dir -r requirements.txt`"  # read from the base's file
    assert (
        after == "❌ `pip install --no-cache-dir -r requirements.txt`: requirements.txt pins no version of redis, httpx"
    )
    assert section.findings == ()  # the change is to requirements.txt: DH402 reports it there


def test_a_dockerfile_that_starts_installing_loose_requirements_is_a_regression(make_repo: GitRepoFactory) -> None:
    locked = "FROM python:3.12-slim\nCOPY requirements.lock .\nRUN pip install --no-cache-dir -r requirements.lock\n"
    files = {"requirements.lock": "flask==3.0.3\n", "requirements.txt": "flask\n"}
    repo = make_repo(base={"Dockerfile": locked, **files}, head={"Dockerfile": INSTALLS, **files})
    assert [f.rule for f in hardening(repo).findings] == ["DH133"]


def test_a_health_check_the_image_cannot_run_fails_the_row(make_repo: GitRepoFactory) -> None:
    probe = "HEALTHCHECK CMD curl -fsS http://localhost:8000/health || exit 1\n"
    slim = f"FROM python:3.12-slim\nUSER app\nEXPOSE 8000\n{probe}"
    full = f"FROM python:3.12\nUSER app\nEXPOSE 8000\n{probe}"
    repo = make_repo(base={"Dockerfile": full}, head={"Dockerfile": slim})  # the slimmer image lost curl
    section = hardening(repo)
    before, after = rows(section)["Health check that can fail"][1:3]
    assert before.startswith("✅") and after == "❌ cannot pass: runs `curl`, which `python:3.12-slim` does not have"
    assert [f.rule for f in section.findings] == ["DH133"]  # the analyzer drops it when DH145 reports the line


def test_a_built_image_says_which_compilers_it_holds(make_repo: GitRepoFactory) -> None:
    text = 'FROM python:3.12\nUSER app\nCMD ["python", "app.py"]\n'
    repo = make_repo(base={"Dockerfile": text}, head={"Dockerfile": text + "LABEL x=y\n"})
    full = ImageConfig(user="app", programs=frozenset({"usr/bin/gcc", "usr/bin/make", "usr/bin/python3"}))
    slim = ImageConfig(user="app", programs=frozenset({"usr/local/bin/python3"}))
    for config, expected in (
        (full, "❌ the image has gcc, make (from the base image)"),  # python:3.12 is built on buildpack-deps
        (slim, "✅ no compiler or build tool in the image"),
    ):
        workspace = Workspace(images=[BuiltImage("head", "Dockerfile", ".", "sha256:4", "t", config=config)])
        row = rows(hardening(repo, workspace))["No build tools in the runtime image"]
        assert (row[2], row[5]) == (expected, "verified in the built image")
