import pytest

from bot.catalog import rule_codes
from bot.config import Config, ConfigError, glob_matches, parse_config
from bot.model import Severity


def parse(text: str) -> Config:
    return parse_config(text, ".github/dockhand.yml", rule_codes())


def test_every_key() -> None:
    config = parse(
        "fail-on: medium\n"
        "rules:\n"
        "  disable: [DH103, DL3042, root-user]\n"
        "  severity: {DH102: low}\n"
        "ignore-paths: ['examples/**']\n"
        "trusted-registries: [ghcr.io]\n"
        "max-file-bytes: 1000\n"
    )
    assert config.fail_on is Severity.MEDIUM
    assert config.disabled_rules == {"DH103", "DH105", "DH101"}
    assert config.severity_overrides == {"DH102": Severity.LOW}
    assert config.trusted_registries == ("ghcr.io",)
    assert config.max_file_bytes == 1000
    assert config.is_ignored_path("examples/web/Dockerfile")
    assert not config.is_ignored_path("Dockerfile")


def test_empty_file_is_the_defaults() -> None:
    assert parse("") == Config(source=".github/dockhand.yml")


def test_errors_name_their_lines_and_all_are_reported() -> None:
    with pytest.raises(ConfigError) as raised:
        parse("fail_on: high\nrules:\n  disable:\n    - DH999\n  severity: {DH101: huge}\nmax-file-bytes: -1\n")
    messages = [str(p) for p in raised.value.problems]
    assert messages == [
        ".github/dockhand.yml:1: unknown key 'fail_on' (did you mean 'fail-on'?)",
        ".github/dockhand.yml:4: unknown rule 'DH999'",
        ".github/dockhand.yml:5: rules.severity.DH101: unknown severity 'huge'"
        " (one of: info, low, medium, high, critical)",
        ".github/dockhand.yml:6: 'max-file-bytes' must be a positive whole number",
    ]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\n\tb: 2\n", 2, "not valid YAML"),
        ("fail-on: high\nfail-on: low\n", 2, "not valid YAML"),
        ("- a\n- b\n", 1, "must be a mapping"),
        ("ignore-paths: docs\n", 1, "must be a list of strings"),
    ],
)
def test_invalid_yaml_and_shapes(text: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse(text)
    assert raised.value.problems[0].line == line
    assert words in raised.value.problems[0].message


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("docs/**", "docs/a/Dockerfile", True),
        ("docs/", "docs/Dockerfile", True),
        ("**/Dockerfile.test", "a/b/Dockerfile.test", True),
        ("**/Dockerfile.test", "Dockerfile.test", True),
        ("*.yml", "a/compose.yml", False),
        ("*/compose.yml", "a/compose.yml", True),
        ("examples/*", "examples/a/b", False),
    ],
)
def test_globs(pattern: str, path: str, matches: bool) -> None:
    assert glob_matches(pattern, path) is matches


def test_an_alias_bomb_is_a_config_error_at_its_line_not_a_hang() -> None:
    lines = ['a0: &a0 ["lol"]'] + [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 12)]
    with pytest.raises(ConfigError) as raised:
        parse("\n".join([*lines, "ignore-paths: *a11"]) + "\n")
    (problem,) = raised.value.problems
    assert "alias bomb" in problem.message
    assert 1 <= problem.line <= 13


def test_nesting_deeper_than_a_config_needs_is_refused() -> None:
    with pytest.raises(ConfigError) as raised:
        parse("rules:\n  disable: " + "[" * 5000 + "]" * 5000 + "\n")
    (problem,) = raised.value.problems
    assert (problem.line, problem.message) == (2, "nesting deeper than 64 levels: refused (no config file needs it)")
