"""Property: dockhand's config file and a .hadolint.yaml either read, or fail with problems at
lines of the file; nothing else escapes (see fuzz/run.py for 100,000+ inputs each)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.catalog import rule_codes
from bot.config import ConfigError, parse_config
from tests.support.fuzzing.strategies import hostile_texts
from tests.support.fuzzing.targets import run_target, targets

EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", ["config", "hadolint"])
@EXAMPLES
@given(data=st.data())
def test_any_text_reads_or_fails_at_a_line(name: str, data: st.DataObject) -> None:
    run_target(targets()[name], data.draw(hostile_texts(name)))


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("rules: " + "[" * 3000 + "]" * 3000 + "\n", 1, "nesting deeper"),
        ("? {a: [1]}\n: b\n", 1, "key that is itself a mapping"),
        ("image:\n  growth-threshold-mb: .inf\n", 2, "must be a number"),
        ("fail-on: high\nrules: [\n", 2, "not valid YAML"),
    ],
)
def test_config_regressions_found_by_fuzzing(text: str, line: int, words: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_config(text, ".github/dockhand.yml", rule_codes())
    assert [(p.line, words in p.message) for p in raised.value.problems] == [(line, True)]
