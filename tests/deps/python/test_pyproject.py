from __future__ import annotations

from bot.deps.model import Source
from bot.deps.python.pyproject import parse_pyproject
from bot.deps.pyver import normalize_name
from bot.deps.textpos import TomlLines
from tests.deps.corpus import corpus_text

PYPROJECT = """\
[project]
name = "My_App"
dependencies = [
    "requests>=2.32.4",
    'fastapi[standard]<1.0,>=0.110',  # web
    "pocket @ git+https://github.com/org/pocket.git@v0.3.7",
]

[project.optional-dependencies]
s3 = ["boto3>=1.34"]

[dependency-groups]
dev = ["pytest>=8", {include-group = "lint"}]
lint = ["ruff"]

[tool.uv.sources]
internal = { git = "https://github.com/org/internal", branch = "main" }

[tool.poetry.dependencies]
python = "^3.11"
internal = "^1.2"
sqlmodel = { version = "^0.0.21", extras = ["x"] }

[tool.poetry.group.test.dependencies]
pytest-cov = "*"
"""


def test_reads_pep621_extras_groups_and_poetry_with_lines() -> None:
    parsed = parse_pyproject("pyproject.toml", PYPROJECT)
    assert parsed.error is None
    assert parsed.project == "my-app"
    assert parsed.application is True  # no build system: uv's application
    found = {(d.name, d.group): d for d in parsed.dependencies}
    assert found[("requests", "")].line == 4
    assert found[("fastapi", "")].line == 5
    assert found[("pocket", "")].source is Source.GIT and not found[("pocket", "")].pinned
    assert found[("boto3", "optional:s3")].line == 10
    assert found[("pytest", "group:dev")].line == 13
    assert found[("ruff", "group:lint")].line == 14
    assert ("python", "") not in found
    internal = found[("internal", "")]
    assert (internal.spec, internal.source, internal.line) == ("^1.2", Source.GIT, 21)
    assert found[("sqlmodel", "")].line == 22
    assert found[("pytest-cov", "group:test")].line == 25


def test_invalid_toml_is_an_error_at_its_line() -> None:
    parsed = parse_pyproject("pyproject.toml", '[project]\nname = "x"\ndependencies = ["a",\n[tool.x]\n')
    assert parsed.error is not None
    assert parsed.error.line == 4


def test_invalid_requirement_is_an_error_at_its_line() -> None:
    parsed = parse_pyproject("pyproject.toml", '[project]\nname = "x"\ndependencies = [\n  "ok",\n  "bad ==",\n]\n')
    assert parsed.error is not None and parsed.error.line == 5


def test_jinja_templated_corpus_file_does_not_parse_at_the_template_line() -> None:
    parsed = parse_pyproject("pyproject.toml", corpus_text("c010/head/{{cookiecutter.project_slug}}/pyproject.toml"))
    assert parsed.error is not None
    assert parsed.error.line == 9


def test_real_pyproject_lines_point_at_the_requirement() -> None:
    text = corpus_text("c006/head/pyproject.toml")
    parsed = parse_pyproject("pyproject.toml", text)
    lines = text.split("\n")
    for dependency in parsed.dependencies:
        assert dependency.line is not None
        assert dependency.name in normalize_name(lines[dependency.line - 1])


def test_toml_lines_find_keys_in_their_tables() -> None:
    text = '[a]\nx = 1\n[b."c.d"]\nx = 2\ny.z = 3\ns = """\n[fake]\nq = 1\n"""\n[[e]]\nname = "n"\n'
    lines = TomlLines.scan(text)
    assert lines.key_line("a", "x") == 2
    assert lines.key_line("b", "c.d", "x") == 4
    assert lines.key_line("b", "c.d", "y", "z") == 5
    assert lines.key_line("b", "c.d", "y") == 5
    assert lines.key_line("fake", "q") is None  # inside a multi-line string
    assert lines.key_line("e") == 10
    assert lines.key_line("e", "name") == 11
