"""The action's inputs as GitHub passes them to a container action (INPUT_<NAME>, hyphens kept)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.github.env import ActionError, GitHubEnv
from bot.github.inputs import ActionInputs, CheckMode, CommentMode, Toggle
from bot.image.settings import SizeBudget
from bot.model import Severity
from tests.support.action_run import default_inputs


def test_action_yml_defaults_are_the_code_s_defaults() -> None:
    assert ActionInputs.from_environ(default_inputs()) == ActionInputs(working_directory=Path("."))


def test_every_input_is_read_with_its_hyphen() -> None:
    inputs = ActionInputs.from_environ(
        {
            "INPUT_GITHUB-TOKEN": "ghs_x",
            "INPUT_CONFIG": "ci/dockhand.yml",
            "INPUT_FAIL-ON": "Medium",
            "INPUT_BUILD": "false",
            "INPUT_SCAN": "TRUE",
            "INPUT_SIZE-BUDGET": "+50MB, +10%, 800MB",
            "INPUT_COMMENT": "off",
            "INPUT_SUGGESTIONS": "false",
            "INPUT_CHECK": "status",
            "INPUT_PR-NUMBER": "#42",
            "INPUT_BASE-REF": "v1.2",
            "INPUT_HEAD-REF": "feature",
            "INPUT_WORKING-DIRECTORY": "services/api",
            "INPUT_TRIVY-CACHE-DIR": ".cache/trivy",
            "INPUT_BUILD-CACHE-DIR": ".cache/buildkit",
        }
    )
    assert inputs == ActionInputs(
        github_token="ghs_x",
        config=Path("ci/dockhand.yml"),
        fail_on=Severity.MEDIUM,
        build=Toggle.FALSE,
        scan=Toggle.TRUE,
        size_budget=SizeBudget(50_000_000, 10.0, 800_000_000),
        comment=CommentMode.OFF,
        suggestions=False,
        check=CheckMode.STATUS,
        pr_number=42,
        base_ref="v1.2",
        head_ref="feature",
        working_directory=Path("services/api"),
        trivy_cache_dir=Path(".cache/trivy"),
        build_cache_dir=Path(".cache/buildkit"),
    )
    assert "ghs_x" not in repr(inputs)


def test_the_token_falls_back_to_github_token() -> None:
    assert ActionInputs.from_environ({"GITHUB_TOKEN": "ghs_env"}).github_token == "ghs_env"


def test_all_bad_inputs_are_reported_at_once() -> None:
    with pytest.raises(ActionError) as raised:
        ActionInputs.from_environ(
            {"INPUT_FAIL-ON": "severe", "INPUT_CHECK": "checks", "INPUT_PR-NUMBER": "abc", "INPUT_SUGGESTIONS": "yes"}
        )
    message = str(raised.value)
    for part in ("fail-on: unknown severity 'severe'", "check must be one of", "pr-number must be", "suggestions must"):
        assert part in message


def test_the_environment_needs_a_repository(tmp_path: Path) -> None:
    with pytest.raises(ActionError, match="GITHUB_REPOSITORY"):
        GitHubEnv.from_environ({})
    (tmp_path / "event.json").write_text("[1]")
    with pytest.raises(ActionError, match="not a JSON object"):
        GitHubEnv.from_environ({"GITHUB_REPOSITORY": "o/r", "GITHUB_EVENT_PATH": str(tmp_path / "event.json")})


def test_run_url_and_key() -> None:
    env = GitHubEnv.from_environ({"GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_ID": "5", "GITHUB_RUN_ATTEMPT": "2"})
    assert env.run_url == "https://github.com/o/r/actions/runs/5" and env.run_key == "5-2"
