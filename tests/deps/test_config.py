from __future__ import annotations

import pytest

from bot.catalog import rule_codes
from bot.config import ConfigError, parse_config
from bot.model import Severity


def test_dependency_severities_are_read() -> None:
    config = parse_config("dependencies:\n  unpinned: high\n  open-ended: info\n", ".dockhand.yml", rule_codes())
    assert (config.unpinned_severity, config.open_ended_severity) == (Severity.HIGH, Severity.INFO)


def test_defaults() -> None:
    config = parse_config("fail-on: high\n", ".dockhand.yml", rule_codes())
    assert (config.unpinned_severity, config.open_ended_severity) == (Severity.MEDIUM, Severity.LOW)


def test_mistakes_are_reported_at_their_lines() -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config("dependencies:\n  unpined: high\n  open-ended: severe\n", ".dockhand.yml", rule_codes())
    problems = [(p.line, p.message) for p in raised.value.problems]
    assert problems[0] == (2, "unknown key dependencies.unpined (did you mean 'unpinned'?)")
    assert problems[1][0] == 3 and "unknown severity" in problems[1][1]
