from tests.support.checks import hits
from tests.support.linting import dockerfile


def test_whole_context_before_the_install() -> None:
    text = dockerfile(
        """
        FROM python:3.12-slim
        WORKDIR /app
        COPY . .
        RUN pip install --no-cache-dir -r requirements.txt
        """
    )
    found = hits("DH113", text)
    assert [f.line for f in found] == [3]
    assert "requirements.txt" in found[0].message and "line 4" in found[0].message


def test_manifest_first_is_quiet() -> None:
    text = dockerfile(
        """
        FROM node:20-slim
        WORKDIR /app
        COPY package.json package-lock.json ./
        RUN npm ci
        COPY . .
        RUN npm run build
        """
    )
    assert hits("DH113", text) == []


def test_npm_ci_after_copy_everything() -> None:
    assert len(hits("DH113", "FROM node:20-slim\nCOPY . /app\nRUN cd /app && npm ci\n")) == 1


def test_recursive_chown_over_copied_files() -> None:
    text = dockerfile(
        """
        FROM python:3.12-slim
        WORKDIR /app
        COPY src ./src
        RUN mkdir -p /app/logs && chown -R app:app /app
        """
    )
    found = hits("DH124", text)
    assert [f.line for f in found] == [4]
    assert "line 3" in found[0].message and "--chown" in found[0].message


def test_chown_of_a_directory_nothing_was_copied_into_is_quiet() -> None:
    text = "FROM python:3.12-slim\nCOPY app.py /app/\nRUN mkdir /data && chown -R app /data\n"
    assert hits("DH124", text) == []


def test_copy_chown_is_quiet() -> None:
    assert hits("DH124", "FROM python:3.12-slim\nCOPY --chown=app:app . /app\n") == []


def test_dependencies_first_then_the_project_is_the_uv_pattern() -> None:
    text = dockerfile(
        """
        FROM python:3.12-slim
        RUN --mount=type=bind,source=uv.lock,target=uv.lock uv sync --locked --no-install-project
        COPY . /app
        RUN uv sync --locked
        """
    )
    assert hits("DH113", text) == []
