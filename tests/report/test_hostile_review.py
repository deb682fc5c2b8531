"""A pull request full of markdown and HTML payloads, reviewed end to end (real git, every
analyzer but the image builds): what every renderer makes of it stays inert text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import review_repository
from bot.model import Review
from bot.options import ReviewOptions
from bot.report.html import render_html
from bot.report.json_report import render_json
from bot.report.markdown import MARKER, render_markdown
from bot.report.sarif import render_sarif
from tests.support.gitrepo import GitRepoFactory
from tests.support.hostile import PAYLOADS, WORKFLOW_COMMAND, check_html, check_markdown, hostile_files


@pytest.fixture(scope="module")
def review(tmp_path_factory: pytest.TempPathFactory) -> Review:
    repo = GitRepoFactory(tmp_path_factory.mktemp("hostile"))(base={"README.md": "x\n"}, head=hostile_files())
    return review_repository(repo.path, repo.base, repo.head, None, ReviewOptions(build=False, scan=False))


def test_the_payloads_reach_the_report(review: Review) -> None:
    """The test means something: findings quote the payloads in paths, messages and tables."""
    paths = {f.path for f in review.findings}
    assert {p.rsplit("/", 1)[0] for p in paths if p.endswith("Dockerfile")} >= {*PAYLOADS, WORKFLOW_COMMAND}
    messages = " ".join(f.message for f in review.findings)
    assert "<!-- dockhand:report -->" in messages and "[x](javascript:alert(1))" in messages
    assert any("pipe|a|b" in cell for s in review.sections for t in s.tables for row in t.rows for cell in row)
    assert any("<details>" in item.reason for item in review.suppressed)
    assert not [n for s in review.sections for n in s.notes if "internal error" in n]


def test_markdown_is_inert(review: Review) -> None:
    markdown = render_markdown(review)
    check_markdown(markdown)
    assert "\n::" not in markdown  # a path's newline does not start a line of its own


def test_html_is_inert(review: Review) -> None:
    check_html(render_html(review))


def test_json_and_sarif_carry_the_payloads_as_data(review: Review) -> None:
    data = json.loads(render_json(review))
    assert {f["path"] for f in data["findings"]} == {f.path for f in review.findings}
    sarif = json.loads(render_sarif(review))
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]]
    for uri in uris:  # a URI reference: `#123/Dockerfile` must not turn into a fragment
        assert not set(uri) & set("#?| <>`\n[]"), uri
    assert "%23123/Dockerfile" in uris


def test_the_fake_marker_in_a_file_stays_visible_as_text(review: Review) -> None:
    markdown = render_markdown(review)
    assert markdown.count("dockhand:report") > 1  # shown, but defused
    assert markdown.count(MARKER) == 1


def test_long_lines_are_cut(review: Review) -> None:
    for line in render_markdown(review).splitlines():
        if line.startswith("|"):
            assert len(line) < 4000, line[:200]


def test_paths_are_repository_paths(review: Review, tmp_path: Path) -> None:
    assert all(not f.path.startswith("/") and ".." not in f.path.split("/") for f in review.findings)


@pytest.mark.parametrize(
    "markdown",
    [
        MARKER + "\n\n<script>alert(1)</script>\n",
        MARKER + "\n\nping @org/team\n",
        MARKER + "\n\nfixes #123\n",
        MARKER + "\n\n[a](javascript:alert(1))\n",
        MARKER + "\n\nsee https://evil.example\n",
        MARKER + "\n\n| a | b |\n|---|---|\n| 1 | 2 \\\\| 3 |\n",
        MARKER + "\n\n" + MARKER + "\n",
        "text first\n\n" + MARKER + "\n",
    ],
)
def test_the_checks_catch_markup(markdown: str) -> None:
    with pytest.raises(AssertionError):
        check_markdown(markdown)
