"""Each compose file is parsed once per review, whichever analyzers read it."""

from __future__ import annotations

from bot.config import Config
from bot.image.analyzer import analyze_images
from bot.lint.compose.analyzer import analyze_compose
from bot.lint.dockerignore.analyzer import analyze_dockerignore
from bot.options import ReviewOptions
from bot.parsing.cache import ParsedFiles
from bot.parsing.compose import parse_compose
from bot.workspace import Workspace
from tests.support.composelint import changeset_of
from tests.support.gitrepo import GitRepoFactory

COMPOSE = "services:\n  web:\n    build: ./web\n    image: example/web:1.0\n"


def test_a_file_is_parsed_once_and_shared() -> None:
    parsed = ParsedFiles()
    first = parsed.compose("compose.yaml", COMPOSE)
    assert parsed.compose("compose.yaml", COMPOSE) is first
    assert first == parse_compose("compose.yaml", COMPOSE)
    assert parsed.parses == 1
    edited = parsed.compose("compose.yaml", COMPOSE.replace("1.0", "2.0"))
    other = parsed.compose("other/compose.yaml", COMPOSE)
    assert edited is not first and other is not first and other.path == "other/compose.yaml"
    assert parsed.parses == 3


def test_the_cache_keeps_a_bounded_amount_of_text() -> None:
    parsed = ParsedFiles(budget=2 * len(COMPOSE))
    first = parsed.compose("a.yaml", COMPOSE)
    parsed.compose("b.yaml", COMPOSE)
    assert parsed.compose("a.yaml", COMPOSE) is first  # a is now the most recently used
    parsed.compose("c.yaml", COMPOSE)  # over budget: b goes, a stays
    assert parsed.compose("a.yaml", COMPOSE) is first and parsed.parses == 3
    parsed.compose("b.yaml", COMPOSE)
    assert parsed.parses == 4


def test_one_review_parses_each_compose_file_once(make_repo: GitRepoFactory) -> None:
    base = {
        "compose.yaml": COMPOSE,
        "compose.override.yaml": "services:\n  web:\n    restart: always\n",
        "web/Dockerfile": "FROM busybox:1.36\nCOPY app.sh /app.sh\n",
        "web/app.sh": "echo 1\n",
        "web/.dockerignore": ".git\n",
    }
    head = {
        **base,
        "compose.yaml": COMPOSE + "    restart: always\n",
        "compose.override.yaml": "services:\n  web:\n    restart: unless-stopped\n",
        "web/.dockerignore": ".git\n*.md\n",
        "web/app.sh": "echo 2\n",
    }
    changes = changeset_of(make_repo, head, base)
    workspace = Workspace()
    options = ReviewOptions(build=True, scan=False, only=frozenset({"none"}))
    parses = []
    for analyzer in (analyze_images, analyze_compose, analyze_dockerignore):
        analyzer(changes, Config(), options, workspace)
        parses.append(workspace.parsed.parses)
    # image discovery parses both head files; the Compose analyzer lints each file in its project
    # (the other file too) on both sides, but parses only the base sides anew; the .dockerignore
    # analyzer reads the head files for the build context and parses nothing
    assert parses == [2, 4, 4]


def test_one_review_builds_each_sides_file_list_once(make_repo: GitRepoFactory) -> None:
    base = {
        "compose.yaml": COMPOSE,
        "web/Dockerfile": "FROM busybox:1.36\nCOPY app.sh /app.sh\n",
        "web/app.sh": "echo 1\n",
    }
    changes = changeset_of(make_repo, {**base, "web/app.sh": "echo 2\n", "web/.dockerignore": ".git\n"}, base)
    workspace = Workspace()
    options = ReviewOptions(build=True, scan=False, only=frozenset({"none"}))
    for analyzer in (analyze_images, analyze_compose, analyze_dockerignore):
        analyzer(changes, Config(), options, workspace)
    head, base_view = workspace.view(changes, "head"), workspace.view(changes, "base")
    assert (head.side, base_view.side) == ("head", "base")
    assert "files" in vars(head) and "files" in vars(base_view)  # already built by the analyzers above
    assert workspace.view(changes, "head") is head and workspace.view(changes, "base") is base_view
    other = changeset_of(make_repo, base, base)
    assert workspace.view(other, "head") is not head  # another review's commits: a view of its own
