"""Property: every dependency parser, the dependency diff and rules over two versions of a file,
and the reports take any text without raising and put every line inside the file.

Inputs are real files of each format mutated by the fuzz harness's mutations (types swapped,
keys renamed, deep nests, cut files, hostile strings) and token soups; `fuzz/run.py` runs the
same checks on 100,000+ inputs per format.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.deps.node.package_json import parse_package_json
from bot.deps.python.locks import parse_poetry_lock, parse_uv_lock
from bot.deps.python.pipfile import parse_pipfile
from bot.deps.python.pyproject import parse_pyproject
from bot.deps.rust.cargo import parse_cargo_lock
from tests.support.fuzzing.strategies import hostile_pair
from tests.support.fuzzing.targets import DEPENDENCY_PATHS, run_target, targets

EXAMPLES = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("fmt", sorted(DEPENDENCY_PATHS))
@EXAMPLES
@given(data=st.data())
def test_any_two_versions_parse_diff_lint_and_render(fmt: str, data: st.DataObject) -> None:
    head, base = data.draw(hostile_pair(fmt))
    run_target(targets()[fmt], head, base)


def test_a_dependency_key_nested_earlier_does_not_move_the_real_ones() -> None:
    text = '{"description": {"dependencies": {"x": 1}},\n"dependencies": {\n  "left-pad": "1.3.0"\n}}\n'
    [dependency] = parse_package_json("package.json", text).dependencies
    assert (dependency.name, dependency.line) == ("left-pad", 3)


def test_a_minified_package_json_puts_dependencies_on_line_one() -> None:
    parsed = parse_package_json("package.json", '{"dependencies":{"a":"github:o/r"}}')
    assert [d.line for d in parsed.dependencies] == [1]


def test_a_pipfile_package_given_only_as_subtables_is_at_its_first_header() -> None:
    text = '[packages]\nrequests = "*"\n\n[packages.internal-lib.extras]\nx = 1\n'
    lines = {d.name: d.line for d in parse_pipfile("Pipfile", text).dependencies}
    assert lines == {"requests": 2, "internal-lib": 4}


@pytest.mark.parametrize("text", ["package = 4.5\n", '[[package]]\nname = "a"\ndependencies = 3\n'])
def test_cargo_lock_of_the_wrong_shape_is_not_a_crash(text: str) -> None:
    assert parse_cargo_lock("Cargo.lock", text).dependencies == ()


def test_quotes_inside_a_string_do_not_open_a_multi_line_string() -> None:
    text = "[project]\ndescription = \"it's ''' here\"\ndependencies = [\n    \"rich>=13\",\n]\n"
    [dependency] = parse_pyproject("pyproject.toml", text).dependencies
    assert dependency.line == 4


@pytest.mark.parametrize(
    "text",
    [
        "package = true\n",
        '[[package]]\nname = "a"\nsource = { editable = "." }\ndependencies = 3\n',
        '[[package]]\nname = "a"\nsource = { editable = "." }\n[package.optional-dependencies]\nx = 5\n',
    ],
)
def test_python_locks_of_the_wrong_shape_are_not_a_crash(text: str) -> None:
    assert parse_uv_lock("uv.lock", text).error is None
    assert parse_poetry_lock("poetry.lock", text).error is None
