"""Which Dockerfile builds with which context: from Compose, or inferred from COPY sources."""

from __future__ import annotations

from bot.lint.buildcontexts import (
    context_or_own_directory,
    copy_sources,
    infer_context,
    relevant_contexts,
    whole_context_copy,
)
from bot.lint.repoview import BASE, HEAD, RepoView
from bot.parsing.dockerfile import parse_dockerfile
from tests.support.composelint import changeset_of
from tests.support.gitrepo import GitRepoFactory


def test_copy_sources() -> None:
    dockerfile = parse_dockerfile(
        "Dockerfile",
        "FROM golang:1.23 AS build\nCOPY --from=x /a /b\nCOPY go.mod go.sum ./\nADD https://example.com/x.tgz /x\n"
        "COPY ./cmd/ /src/cmd/\nCOPY *.go ./\nRUN --mount=type=bind,source=vendor,target=/v go build\n"
        'COPY ["a b.txt", "/c"]\nCOPY . .\n',
    )
    assert [(s.path, s.wildcard, s.line) for s in copy_sources(dockerfile)] == [
        ("go.mod", False, 3),
        ("go.sum", False, 3),
        ("cmd", False, 5),
        ("*.go", True, 6),
        ("vendor", False, 7),
        ("a b.txt", False, 8),
        (".", False, 9),
    ]
    whole = whole_context_copy(dockerfile)
    assert whole is not None and whole.line == 9


def test_the_context_is_where_the_sources_are(make_repo: GitRepoFactory) -> None:
    changes = changeset_of(
        make_repo,
        {
            "docker/api/Dockerfile": "FROM x\nCOPY api/ /app\nCOPY pyproject.toml /\n",
            "api/a.py": "",
            "pyproject.toml": "",
        },
        {},
    )
    dockerfile = parse_dockerfile("docker/api/Dockerfile", changes.files[0].head_text or "")
    assert infer_context("docker/api/Dockerfile", dockerfile, RepoView(changes, HEAD)) == "."


def test_no_evidence_no_context(make_repo: GitRepoFactory) -> None:
    changes = changeset_of(make_repo, {"docker/Dockerfile": "FROM x\nCOPY . .\n"}, {})
    dockerfile = parse_dockerfile("docker/Dockerfile", "FROM x\nCOPY . .\n")
    assert infer_context("docker/Dockerfile", dockerfile, RepoView(changes, HEAD)) is None
    # a build must send something: the image builder and the checklist take the Dockerfile's directory
    assert context_or_own_directory("docker/Dockerfile", dockerfile, RepoView(changes, HEAD)) == "docker"


def test_one_inference_for_lint_and_builds(make_repo: GitRepoFactory) -> None:
    text = (
        "FROM x\n"
        "RUN --mount=type=bind,source=requirements.txt,target=/r pip install -r /r\n"
        "COPY src/ /app/src/\n"
        "COPY --from=build /out /out\n"
        "COPY <<EOF /etc/motd\nhi\nEOF\n"
    )
    changes = changeset_of(
        make_repo,
        {"svc/docker/Dockerfile": text, "svc/requirements.txt": "", "svc/src/a.py": "", "svc/docker/src/b.py": ""},
        {},
    )
    dockerfile = parse_dockerfile("svc/docker/Dockerfile", text)
    view = RepoView(changes, HEAD)
    # the nearest directory holding every source, a bind mount's too (svc/docker holds only src/)
    assert infer_context("svc/docker/Dockerfile", dockerfile, view) == "svc"
    assert context_or_own_directory("svc/docker/Dockerfile", dockerfile, view) == "svc"


def test_compose_gives_the_context_and_the_ignore_file(make_repo: GitRepoFactory) -> None:
    compose = "services:\n  web:\n    build:\n      context: ./web\n      dockerfile: ../docker/web.Dockerfile\n"
    changes = changeset_of(
        make_repo,
        {"compose.yaml": compose, "docker/web.Dockerfile": "FROM x\nCOPY . .\n", "web/.dockerignore": ".git\n"},
        {},
    )
    (context,) = relevant_contexts(changes, RepoView(changes, HEAD))
    assert (context.dockerfile, context.context, context.ignore_file) == (
        "docker/web.Dockerfile",
        "web",
        "web/.dockerignore",
    )
    assert (context.compose_file, context.service, context.build_line, context.inferred) == (
        "compose.yaml",
        "web",
        3,
        False,
    )


def test_the_base_side_sees_base_files(make_repo: GitRepoFactory) -> None:
    changes = changeset_of(
        make_repo, {".dockerignore": "new\n", "added.txt": "x"}, {".dockerignore": "old\n", "gone.txt": "y"}
    )
    base, head = RepoView(changes, BASE), RepoView(changes, HEAD)
    assert base.read(".dockerignore") == "old\n" and head.read(".dockerignore") == "new\n"
    assert head.exists("added.txt") and not head.exists("gone.txt")
    assert base.read("added.txt") is None
