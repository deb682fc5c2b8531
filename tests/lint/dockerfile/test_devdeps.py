"""DH136: development dependencies installed into (or copied into) the image that runs."""

from __future__ import annotations

import json

from bot.changes import HeadTree
from tests.support.checks import fixed, head_tree, hits
from tests.support.gitrepo import GitRepoFactory
from tests.support.linting import dockerfile

PACKAGE = json.dumps({"name": "web", "dependencies": {"express": "^4"}, "devDependencies": {"vite": "^5", "tsx": "^4"}})
PYPROJECT = '[project]\nname = "api"\ndependencies = ["fastapi"]\n[dependency-groups]\ndev = ["pytest"]\n'
POETRY = '[tool.poetry]\nname = "api"\n[tool.poetry.group.test.dependencies]\npytest = "^8"\n'


def tree(make_repo: GitRepoFactory, files: dict[str, str]) -> HeadTree:
    return head_tree(make_repo(base={"README.md": "x\n"}, head={"README.md": "x\n", **files}))


def test_hit_npm_ci_in_the_final_stage_with_its_fix(make_repo: GitRepoFactory) -> None:
    text = "FROM node:22-slim\nCOPY package.json package-lock.json ./\nRUN npm ci && npm cache clean --force\n"
    repo = tree(make_repo, {"package.json": PACKAGE})
    (found,) = hits("DH136", text, tree=repo)
    assert (found.line, found.message) == (
        3,
        "`npm ci` installs the 2 devDependencies of package.json into the runtime image: add `--omit=dev`",
    )
    assert "RUN npm ci --omit=dev && npm cache clean --force" in fixed("DH136", text, tree=repo)


def test_miss_production_installs_prunes_and_projects_without_dev_dependencies(make_repo: GitRepoFactory) -> None:
    repo = tree(make_repo, {"package.json": PACKAGE})
    for text in (
        "FROM node:22-slim\nRUN npm ci --omit=dev\n",
        "FROM node:22-slim\nENV NODE_ENV=production\nRUN npm ci\n",
        "FROM node:22-slim\nRUN NODE_ENV=production npm ci\n",
        "FROM node:22-slim\nRUN npm ci && npm run build\nRUN npm prune --omit=dev\n",
        "FROM node:22-slim\nRUN pnpm install --prod --frozen-lockfile\n",
        "FROM node:22-slim AS build\nRUN npm ci && npm run build\n"
        "FROM node:22-slim\nCOPY --from=build /src/dist /app\n",  # only the build's output is copied
    ):
        assert hits("DH136", text, tree=repo) == [], text
    no_dev = tree(make_repo, {"package.json": json.dumps({"name": "web", "dependencies": {"express": "^4"}})})
    assert hits("DH136", "FROM node:22-slim\nRUN npm ci\n", tree=no_dev) == []


def test_hit_node_modules_copied_from_a_stage_that_kept_the_dev_dependencies(make_repo: GitRepoFactory) -> None:
    text = dockerfile(
        """
        FROM node:22-slim AS build
        WORKDIR /src
        RUN npm ci && npm run build
        FROM node:22-slim
        COPY --from=build /src/node_modules ./node_modules
        COPY --from=build /src/dist ./dist
        """
    )
    repo = tree(make_repo, {"package.json": PACKAGE})
    (found,) = hits("DH136", text, tree=repo)
    assert found.line == 5
    assert found.message.startswith(
        "`node_modules` copied from stage `build` brings the 2 devDependencies of package.json into the runtime"
        " image (installed by `npm ci` on line 3): prune them after the build (`npm prune --omit=dev`)"
    )
    pruned = text.replace("npm run build", "npm run build && npm prune --omit=dev")
    assert hits("DH136", pruned, tree=repo) == []


def test_hit_python_installs_that_include_the_dev_group(make_repo: GitRepoFactory) -> None:
    uv = tree(make_repo, {"pyproject.toml": PYPROJECT})
    (found,) = hits("DH136", "FROM python:3.12-slim\nRUN uv sync --locked\n", tree=uv)
    assert found.message.startswith("`uv sync` installs the `dev` dependency group of pyproject.toml")
    assert "RUN uv sync --no-dev --locked" in fixed("DH136", "FROM python:3.12-slim\nRUN uv sync --locked\n", tree=uv)
    assert hits("DH136", "FROM python:3.12-slim\nRUN uv sync --locked --no-dev\n", tree=uv) == []
    assert hits("DH136", "FROM python:3.12-slim\nENV UV_NO_DEV=1\nRUN uv sync --locked\n", tree=uv) == []
    poetry = tree(make_repo, {"pyproject.toml": POETRY})
    (found,) = hits("DH136", "FROM python:3.12-slim\nRUN poetry install --no-root\n", tree=poetry)
    assert found.message.startswith("`poetry install` installs the `test` dependency group")
    assert hits("DH136", "FROM python:3.12-slim\nRUN poetry install --only main\n", tree=poetry) == []
    dev_requirements = "FROM python:3.12-slim\nRUN pip install --no-cache-dir -r requirements-dev.txt\n"
    assert [f.line for f in hits("DH136", dev_requirements, tree=uv)] == [2]


def test_no_suggestion_where_the_run_installs_other_things_with_npm(make_repo: GitRepoFactory) -> None:
    text = "FROM node:22-slim\nRUN npm install -g pnpm@9 && npm ci\n"
    (found,) = hits("DH136", text, tree=tree(make_repo, {"package.json": PACKAGE}))
    assert found.suggestion is None and found.message.endswith("add `--omit=dev`")


def test_hit_a_whole_app_directory_copied_with_its_node_modules(make_repo: GitRepoFactory) -> None:
    text = dockerfile(
        """
        FROM node:22-slim AS build
        WORKDIR /app
        RUN npm ci && npm run build
        FROM node:22-slim
        COPY --from=build /app /app
        """
    )
    repo = tree(make_repo, {"package.json": PACKAGE})
    (found,) = hits("DH136", text, tree=repo)
    assert found.line == 5
    assert found.message.startswith("`/app` copied from stage `build` (its `node_modules` included) brings the 2")
    assert (
        hits("DH136", text.replace("COPY --from=build /app /app", "COPY --from=build /app/dist /app"), tree=repo) == []
    )


def test_the_nearest_package_json_decides_not_the_workspace_root(make_repo: GitRepoFactory) -> None:
    service = json.dumps({"name": "api", "dependencies": {"express": "^4"}})
    files = {"package.json": PACKAGE, "services/api/package.json": service}
    text = "FROM node:22-slim\nCOPY package.json package-lock.json ./\nRUN npm ci\n"
    assert hits("DH136", text, path="services/api/Dockerfile", tree=tree(make_repo, files)) == []


def test_the_package_json_the_dockerfile_copies_decides(make_repo: GitRepoFactory) -> None:
    frontend = json.dumps({"name": "ui", "dependencies": {"react": "^18"}})
    text = "FROM node:22-slim\nCOPY frontend/package.json frontend/package-lock.json ./\nRUN npm ci\n"
    quiet = tree(make_repo, {"package.json": PACKAGE, "frontend/package.json": frontend})
    assert hits("DH136", text, tree=quiet) == []  # the root's tooling is not what this image installs
    loud = tree(make_repo, {"package.json": frontend, "frontend/package.json": PACKAGE})
    assert [f.line for f in hits("DH136", text, tree=loud)] == [3]


def test_uv_default_groups_without_dev_is_respected(make_repo: GitRepoFactory) -> None:
    no_default = PYPROJECT + "[tool.uv]\ndefault-groups = []\n"
    repo = tree(make_repo, {"pyproject.toml": no_default})
    assert hits("DH136", "FROM python:3.12-slim\nRUN uv sync --locked\n", tree=repo) == []


def test_miss_test_images_where_the_dev_dependencies_are_the_point(make_repo: GitRepoFactory) -> None:
    files = {"package.json": PACKAGE, "e2e/package.json": PACKAGE, "playwright/package.json": PACKAGE}
    repo = tree(make_repo, files)
    install = "FROM node:22-slim\nCOPY package.json ./\nRUN npm ci\n"
    for path in ("e2e/Dockerfile", "Dockerfile.test", "tests.dockerfile", "playwright/compose/playwright/Dockerfile"):
        assert hits("DH136", install, path=path, tree=repo) == [], path
    as_test = "FROM node:22-slim AS build\nRUN npm ci\nFROM build AS unit-test\nRUN npm test\n"
    assert hits("DH136", as_test, tree=repo) == []
    assert [f.line for f in hits("DH136", install, path="contest/Dockerfile", tree=repo)] == [3]  # a word, not a part
