"""The scan's settings: config keys, command-line options, and which wins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.catalog import rule_codes
from bot.cli import main
from bot.config import Config, ConfigError, parse_config
from bot.github.inputs import ActionInputs
from bot.options import ReviewOptions
from bot.scan.analyzer import scan_settings
from tests.support.gitrepo import GitRepoFactory
from tests.support.trivy import CountingTrivy


def test_the_scan_keys_of_the_config_file() -> None:
    config = parse_config(
        "trivy-cache-dir: /var/cache/trivy\noffline: true\nscan-required: true\nignore-unfixed: true\n"
        "trivy-timeout: 120\n",
        ".dockhand.yml",
        rule_codes(),
    )
    assert (config.trivy_cache_dir, config.offline, config.scan_required) == ("/var/cache/trivy", True, True)
    assert (config.ignore_unfixed, config.trivy_timeout) == (True, 120)


def test_wrong_types_are_errors_at_their_line() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config("fail-on: high\noffline: yes please\ntrivy-timeout: 0\n", ".dockhand.yml", rule_codes())
    assert [str(p) for p in raised.value.problems] == [
        ".dockhand.yml:2: 'offline' must be true or false",
        ".dockhand.yml:3: 'trivy-timeout' must be a positive whole number",
    ]


def test_the_command_line_wins_over_the_config_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRIVY_CACHE_DIR", str(tmp_path / "env"))
    config = Config(trivy_cache_dir="~/from-config", offline=False, trivy_timeout=30)
    assert scan_settings(config, ReviewOptions()).cache_dir == Path("~/from-config").expanduser()
    chosen = scan_settings(config, ReviewOptions(trivy_cache_dir=tmp_path / "cli", offline=True))
    assert (chosen.cache_dir, chosen.offline, chosen.timeout) == (tmp_path / "cli", True, 30)
    assert scan_settings(Config(), ReviewOptions()).cache_dir == tmp_path / "env"


@pytest.mark.trivy
def test_review_with_trivy_cache_dir_and_offline(
    make_repo: GitRepoFactory,
    trivy_cache: Path,
    counting_trivy: CountingTrivy,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = make_repo(base={"requirements.txt": "flask==2.3.2\n"}, head={"requirements.txt": "flask==2.3.0\n"})
    code = main(
        [
            "review", "--repo", str(repo.path), "--base", "main", "--format", "json", "--no-build",
            "--offline", "--trivy-cache-dir", str(trivy_cache), "--trivy", str(counting_trivy.path),
        ]
    )  # fmt: skip
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["sections"]["scan"]["new_vulnerabilities"] == 1
    assert [f["rule"] for f in report["findings"] if f["rule"].startswith("DH6")] == ["DH601"]
    scans = [call["args"] for call in counting_trivy.calls() if call["args"][0] != "--version"]
    assert scans and all(args[args.index("--cache-dir") + 1] == str(trivy_cache) for args in scans)
    assert not any("--download-db-only" in c["args"] for c in counting_trivy.calls())


def test_the_actions_offline_input(tmp_path: Path) -> None:
    assert ActionInputs.from_environ({"INPUT_OFFLINE": "true"}).offline is True
    assert ActionInputs.from_environ({}).offline is False
