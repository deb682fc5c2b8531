"""Property: the Dockerfile, shell, Compose and .dockerignore parsers, and the rules and reports
over them, take any text without raising, and put every line they report inside the file.

Inputs are real files mutated by the fuzz harness's mutations, and token soups of each format
(tests/support/fuzzing); `fuzz/run.py` runs the same checks on 100,000+ inputs per parser.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.config import Config
from bot.lint.compose.downgrade import compose_image_downgrade
from bot.lint.context import LintContext, Sides
from bot.lint.dockerfile.base_downgrade import base_image_downgrade
from bot.lint.dockerfile.devdeps import dev_dependencies_in_runtime
from bot.parsing.compose import parse_compose
from bot.parsing.dockerfile import parse_dockerfile
from tests.support.fuzzing.strategies import hostile_pair, hostile_texts
from tests.support.fuzzing.targets import DevProjectTree, run_target, targets

EXAMPLES = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("name", ["dockerfile", "shell", "compose", "dockerignore"])
@EXAMPLES
@given(data=st.data())
def test_any_text_parses_lints_and_renders(name: str, data: st.DataObject) -> None:
    run_target(targets()[name], data.draw(hostile_texts(name)))


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("FROM a\n\\\n", 2),  # a lone continuation line: BuildKit's parser gives a command with no word
        ("FROM a\nRUN x \\", 2),
    ],
)
def test_dockerfile_regressions_found_by_fuzzing(text: str, line: int) -> None:
    parsed = parse_dockerfile("Dockerfile", text)
    assert [e.line for e in parsed.errors] in ([line], [])
    run_target(targets()["dockerfile"], text)


def test_a_word_buildkit_cuts_inside_a_character_still_parses() -> None:
    """The `dockerfile` binding cannot decode it; Docker reads the file, so dockhand must too."""
    parsed = parse_dockerfile("Dockerfile", "FROM a\nHEALTHCHECK $VARǅǅǅpip\nUSER app\n")
    assert parsed.errors == () and [i.keyword for i in parsed.stages[0].instructions] == ["HEALTHCHECK", "USER"]
    assert "shown as `?`" in parsed.notes[0]


def test_non_ascii_flags_are_not_mojibake() -> None:
    parsed = parse_dockerfile("Dockerfile", "FROM a\nCOPY --chown=日本 x y\n")
    assert parsed.stages[0].instructions[0].flag("chown") == "日本"


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("services:\n  web:\n    image: [nginx\n", 3, "not valid YAML"),  # ends early: the last line
        ("? {a: [1]}\n: b\n", 1, "key that is itself a mapping"),  # ruamel.yaml raised TypeError
        ("a: " + "[" * 2000 + "]" * 2000 + "\n", 1, "nesting deeper"),
        ("services:\r  web:\r    image: x\n    links:\n", 1, ""),  # a lone CR is a YAML line break, not git's
        ("#\n| #\n", 1, "cannot read this file (AssertionError)"),  # ruamel.yaml asserts on the comment
        (":\n%YAML 9.2\n", 2, "`%YAML` directive"),  # ruamel.yaml raised KeyError
        (":{%%} &django{%%}\n <<: *django\n", 1, ""),  # ruamel.yaml raised AttributeError: a merge of itself
    ],
)
def test_compose_regressions_found_by_fuzzing(text: str, line: int, words: str) -> None:
    compose = parse_compose("compose.yaml", text)
    if words:
        assert [(p.line, words in p.message) for p in compose.problems] == [(line, True)]
    run_target(targets()["compose"], text)


@EXAMPLES
@given(pair=hostile_pair("dockerfile"))
def test_rules_that_compare_or_read_the_project_take_any_dockerfiles(pair: tuple[str, str]) -> None:
    head, base = (parse_dockerfile("Dockerfile", text) for text in pair)
    context = LintContext(Config(), DevProjectTree())  # type: ignore[arg-type]
    found = [*dev_dependencies_in_runtime.run("Dockerfile", head, context)]
    if not head.errors and not base.errors:
        found += base_image_downgrade.run("Dockerfile", Sides(base, head), context)
    for finding in found:
        assert finding.line is not None and 1 <= finding.line <= max(1, len(head.lines)), finding


@EXAMPLES
@given(pair=hostile_pair("compose"))
def test_the_compose_image_comparison_takes_any_files(pair: tuple[str, str]) -> None:
    head, base = (parse_compose("compose.yaml", text) for text in pair)
    if head.parsed and base.parsed:
        for finding in compose_image_downgrade.run("compose.yaml", Sides(base, head), LintContext()):
            assert finding.line is not None and 1 <= finding.line <= max(1, len(head.lines)), finding
