"""No credential value appears in anything dockhand writes.

Known values are planted in every place a rule reads (tests/support/planted.py) and searched
for in every output: the four report formats on stdout, stderr, the report files, the job
summary, a failed image build's log, and an analyzer's exception; tests/github/
test_secrets_published.py searches what the action publishes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import pipeline
from bot.cli import main, review_repository
from bot.model import Section
from bot.options import ReviewOptions
from bot.redact import credential_values
from bot.report.markdown import render_markdown
from tests.support.docker import DockerEngine
from tests.support.gitrepo import GitRepoFactory
from tests.support.planted import SECRETS, leaks, planted_files


def test_every_planted_value_is_recognised() -> None:
    assert set(SECRETS.values()) <= credential_values(planted_files().values())


def test_common_words_and_defaults_are_not_masked() -> None:
    values = credential_values(["POSTGRES_PASSWORD: postgres\nAPI_KEY=${API_KEY}\nTOKEN_FILE=/run/secrets/t\n"])
    assert values == frozenset()


@pytest.mark.parametrize("fmt", ["markdown", "json", "sarif", "html"])
def test_no_report_format_shows_a_planted_value(
    fmt: str, make_repo: GitRepoFactory, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    repo = make_repo(base={"README.md": "x\n"}, head=planted_files())
    args = ["review", "--repo", str(repo.path), "--base", repo.base, "--head", repo.head, "--no-build", "--no-scan"]
    code = main([*args, "--format", fmt])
    out, err = capsys.readouterr()
    main([*args, "--format", fmt, "--output", str(tmp_path / "report")])
    assert code == 1, err  # the credentials are release blockers
    assert leaks({"stdout": out, "stderr": err, "file": (tmp_path / "report").read_text()}) == {}
    assert "DH114" in out and "DH201" in out and "DH406" in out  # rules found them: the search means something


def test_an_analyzer_error_does_not_show_a_planted_value(
    make_repo: GitRepoFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object) -> Section:
        raise RuntimeError(f"could not parse {SECRETS['compose-map']}")

    monkeypatch.setattr(pipeline, "ANALYZERS", (*pipeline.ANALYZERS, ("broken", "Broken", broken)))
    repo = make_repo(base={"README.md": "x\n"}, head=planted_files())
    review = review_repository(repo.path, repo.base, repo.head, None, ReviewOptions(build=False, scan=False))
    markdown = render_markdown(review)
    assert "internal error" in markdown and leaks({"markdown": markdown}) == {}


@pytest.mark.docker
def test_a_failed_build_log_does_not_show_build_args(
    make_repo: GitRepoFactory, busybox_image: Callable[..., str], docker_engine: DockerEngine
) -> None:
    """Build args reach the build; a RUN that prints them fails, and its log is in the report."""
    secret = SECRETS["compose-build-arg"]
    dockerfile = f'FROM {busybox_image()}\nARG NPM_TOKEN\nRUN echo "token=$NPM_TOKEN" && exit 3\n'
    compose = f"services:\n  web:\n    build:\n      context: .\n      args:\n        NPM_TOKEN: {secret}\n"
    repo = make_repo(
        base={"Dockerfile": dockerfile.replace("exit 3", "true"), "compose.yaml": compose},
        head={"Dockerfile": dockerfile, "compose.yaml": compose},
    )
    review = review_repository(repo.path, repo.base, repo.head, None, ReviewOptions(scan=False))
    image = next(s for s in review.sections if s.key == "image")
    logs = [row[0] for t in image.tables if "build log" in t.title for row in t.rows]
    assert any("token=****" in line for line in logs), logs  # the build ran, printed it, and it was masked
    markdown = render_markdown(review)
    assert leaks({"markdown": markdown, "data": json.dumps(image.data)}) == {}
