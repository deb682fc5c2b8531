""".hadolint.yaml taken over, precedence against dockhand's own config, ShellCheck codes in the config."""

from pathlib import Path

import pytest

from bot.catalog import rule_codes
from bot.config import ConfigError, load_config, parse_config
from bot.model import Severity
from tests.support.checks import head_tree
from tests.support.gitrepo import GitRepoFactory

HADOLINT = """\
failure-threshold: warning
ignored:
  - DL3015
  - SC2086
  - DL3008
override:
  error:
    - DL3042
  info:
    - DL3009
trustedRegistries:
  - docker.io
  - ghcr.io
"""


def load(make_repo: GitRepoFactory, files: dict[str, str], explicit: Path | None = None):  # type: ignore[no-untyped-def]
    repo = make_repo(base={"README.md": "x\n"}, head={"README.md": "x\n", **files})
    return load_config(head_tree(repo), explicit, rule_codes)


def test_hadolint_settings_are_taken_over(make_repo: GitRepoFactory) -> None:
    config = load(make_repo, {".hadolint.yaml": HADOLINT})
    assert config.disabled_rules == {"DH103", "shellcheck:SC2086"}  # DL3008 has no equivalent: skipped
    assert config.severity_overrides == {"DH105": Severity.HIGH, "DH104": Severity.LOW}
    assert config.trusted_registries == ("docker.io", "ghcr.io")
    assert config.fail_on is Severity.MEDIUM
    assert config.hadolint_source == ".hadolint.yaml"


def test_hadolint_yml_and_no_fail(make_repo: GitRepoFactory) -> None:
    config = load(make_repo, {".hadolint.yml": "no-fail: true\n"})
    assert config.fail_on is Severity.CRITICAL and config.hadolint_source == ".hadolint.yml"


def test_dockhand_config_beats_hadolint_config(make_repo: GitRepoFactory) -> None:
    dockhand = """\
fail-on: high
rules:
  disable: [DH116]
  severity: {DH105: low}
trusted-registries: [registry.example.com]
"""
    config = load(make_repo, {".hadolint.yaml": HADOLINT, ".github/dockhand.yml": dockhand})
    assert config.fail_on is Severity.HIGH
    assert config.disabled_rules == {"DH103", "shellcheck:SC2086", "DH116"}
    assert config.severity_overrides == {"DH105": Severity.LOW, "DH104": Severity.LOW}
    assert config.trusted_registries == ("registry.example.com",)
    assert (config.source, config.hadolint_source) == (".github/dockhand.yml", ".hadolint.yaml")


def test_an_explicit_config_file_still_sits_on_hadolint(make_repo: GitRepoFactory, tmp_path: Path) -> None:
    explicit = tmp_path / "dockhand.yml"
    explicit.write_text("rules:\n  disable: [DH101]\n", encoding="utf-8")
    config = load(make_repo, {".hadolint.yaml": HADOLINT}, explicit)
    assert config.disabled_rules == {"DH101", "DH103", "shellcheck:SC2086"}
    assert config.fail_on is Severity.MEDIUM


def test_defaults_without_any_config(make_repo: GitRepoFactory) -> None:
    config = load(make_repo, {})
    assert config.fail_on is Severity.HIGH and config.disabled_rules == frozenset() and config.hadolint_source is None


def test_broken_hadolint_config_is_an_error_at_its_line(make_repo: GitRepoFactory) -> None:
    with pytest.raises(ConfigError) as raised:
        load(make_repo, {".hadolint.yaml": "ignored:\n  - DL3008\nfailure-threshold: loud\n"})
    assert [(p.path, p.line) for p in raised.value.problems] == [(".hadolint.yaml", 3)]
    with pytest.raises(ConfigError) as raised:
        load(make_repo, {".hadolint.yaml": "ignored: [DL3008\n"})
    assert raised.value.problems[0].path == ".hadolint.yaml"


def test_shellcheck_codes_in_dockhand_config() -> None:
    config = parse_config(
        "rules:\n  disable: [SC2086, shellcheck:sc2046]\n  severity: {SC2155: info}\n", "c.yml", rule_codes()
    )
    assert config.disabled_rules == {"shellcheck:SC2086", "shellcheck:SC2046"}
    assert config.severity_overrides == {"shellcheck:SC2155": Severity.INFO}


def test_unknown_codes_in_dockhand_config_are_errors() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config("rules:\n  disable:\n    - DH101\n    - DL9999\n", "c.yml", rule_codes())
    assert [(p.line, p.message) for p in raised.value.problems] == [(4, "unknown rule 'DL9999'")]
