from bot.changes import HeadTree
from tests.support.checks import fixed, head_tree, hits
from tests.support.gitrepo import GitRepoFactory
from tests.support.linting import dockerfile

SEED_000 = dockerfile(
    """
    FROM python:3.12-slim AS builder
    COPY pyproject.toml uv.lock ./
    RUN uv sync --frozen --no-dev --no-editable
    FROM python:3.12-slim
    COPY --from=builder /app/.venv /app/.venv
    RUN . /app/.venv/bin/activate && pip install --no-cache-dir \\
        prometheus-client \\
        sentry-sdk[fastapi] \\
        structlog
    """
)


def tree(make_repo: GitRepoFactory, files: dict[str, str]) -> HeadTree:
    return head_tree(make_repo(base={"README.md": "x\n"}, head={"README.md": "x\n", **files}))


def test_seed_000_runtime_pip_install_names_the_lock_it_bypasses(make_repo: GitRepoFactory) -> None:
    repo_tree = tree(make_repo, {"uv.lock": "version = 1\n", "src/api/Dockerfile.staging": SEED_000})
    found = hits("DH132", SEED_000, path="src/api/Dockerfile.staging", tree=repo_tree)
    assert [f.line for f in found] == [6]
    assert "uv.lock" in found[0].message and "prometheus-client sentry-sdk[fastapi] structlog" in found[0].message


def test_lock_found_through_copy_without_a_tree() -> None:
    found = hits("DH132", SEED_000)
    assert len(found) == 1 and "uv.lock" in found[0].message


def test_no_lock_file_no_finding() -> None:
    assert hits("DH132", "FROM python:3.12-slim\nRUN pip install --no-cache-dir flask\n") == []


def test_pinned_and_tooling_installs_are_quiet() -> None:
    text = (
        "FROM python:3.12-slim\nCOPY uv.lock .\n"
        "RUN pip install --no-cache-dir --upgrade pip setuptools wheel uv\n"
        "RUN pip install --no-cache-dir gunicorn==22.0.0 -r requirements.txt .\n"
    )
    assert hits("DH132", text) == []


def test_uv_sync_without_locked(make_repo: GitRepoFactory) -> None:
    text = "FROM python:3.12-slim\nCOPY . .\nRUN uv sync --no-dev\n"
    repo_tree = tree(make_repo, {"uv.lock": "version = 1\n"})
    found = hits("DH132", text, tree=repo_tree)
    assert [f.line for f in found] == [3] and "uv.lock" in found[0].message
    assert "uv sync --locked --no-dev" in fixed("DH132", text, tree=repo_tree)


def test_npm_install_where_npm_ci_is_meant(make_repo: GitRepoFactory) -> None:
    text = "FROM node:20-slim\nCOPY package.json package-lock.json ./\nRUN npm install --omit=dev\n"
    found = hits("DH132", text)
    assert "package-lock.json" in found[0].message
    assert "RUN npm ci --omit=dev" in fixed("DH132", text)
    assert hits("DH132", "FROM node:20-slim\nCOPY package.json ./\nRUN npm install\n") == []


def test_npm_package_outside_the_lock() -> None:
    text = "FROM node:20-slim\nCOPY package-lock.json .\nRUN npm ci && npm install -g nodemon npm@10\n"
    found = hits("DH132", text)
    assert len(found) == 1 and "nodemon" in found[0].message and "npm@10" not in found[0].message


def test_yarn_classic_and_berry(make_repo: GitRepoFactory) -> None:
    text = "FROM node:20-slim\nCOPY package.json yarn.lock ./\nRUN yarn install --production\n"
    assert "yarn install --frozen-lockfile --production" in fixed("DH132", text)
    berry = tree(make_repo, {"yarn.lock": "", ".yarnrc.yml": "nodeLinker: node-modules\n"})
    assert "yarn install --immutable" in fixed("DH132", text, tree=berry)


def test_pnpm_pipenv_cargo() -> None:
    pnpm = "FROM node:20-slim\nCOPY pnpm-lock.yaml .\nRUN pnpm install\n"
    assert "pnpm install --frozen-lockfile" in fixed("DH132", pnpm)
    pipenv = "FROM python:3.12\nCOPY Pipfile Pipfile.lock ./\nRUN pipenv install --system\n"
    assert "pipenv install --deploy --system" in fixed("DH132", pipenv)
    cargo = "FROM rust:1.79 AS build\nCOPY Cargo.toml Cargo.lock ./\nRUN cargo build --release\n"
    assert "cargo build --locked --release" in fixed("DH132", cargo)
    assert hits("DH132", cargo.replace("--release", "--release --locked")) == []


def test_poetry_relocking_inside_the_build() -> None:
    found = hits("DH132", "FROM python:3.12\nRUN poetry lock --no-update && poetry install\n")
    assert len(found) == 1 and "poetry lock" in found[0].message
