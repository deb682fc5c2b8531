from __future__ import annotations

from bot.deps.model import Source
from bot.deps.python.locks import parse_poetry_lock, parse_uv_lock
from bot.deps.python.pipfile import parse_pipfile, parse_pipfile_lock
from tests.deps.corpus import corpus_text


def test_uv_lock_from_the_corpus() -> None:
    text = corpus_text("c005/head/uv.lock")
    parsed = parse_uv_lock("uv.lock", text)
    assert parsed.error is None and parsed.is_lock
    assert "archivebox" in parsed.members  # the project itself is no dependency
    assert all(d.name != "archivebox" for d in parsed.dependencies)
    lines = text.split("\n")
    for dependency in parsed.dependencies:
        assert lines[dependency.line - 1].startswith("name = ")  # type: ignore[operator]
    abx = next(d for d in parsed.dependencies if d.name == "abx-dl")
    assert (abx.version, abx.source, abx.pinned, abx.direct) == ("1.10.34", Source.GIT, True, True)
    assert any(d.direct is False for d in parsed.dependencies)


def test_uv_lock_several_versions_of_one_package() -> None:
    text = """version = 1
[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "numpy" }]

[[package]]
name = "numpy"
version = "1.26.4"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "numpy"
version = "2.1.0"
source = { registry = "https://pypi.org/simple" }
"""
    parsed = parse_uv_lock("uv.lock", text)
    assert [(d.name, d.version, d.line, d.direct) for d in parsed.dependencies] == [
        ("numpy", "1.26.4", 9, True),
        ("numpy", "2.1.0", 14, True),
    ]


def test_poetry_lock_from_the_corpus() -> None:
    parsed = parse_poetry_lock("poetry.lock", corpus_text("c030/head/backend/poetry.lock"))
    assert parsed.error is None
    mypy = next(d for d in parsed.dependencies if d.name == "mypy")
    assert mypy.version == "1.11.1"
    assert mypy.direct is None  # poetry.lock does not say; the analyzer asks pyproject.toml


def test_lock_that_does_not_parse() -> None:
    parsed = parse_uv_lock("uv.lock", 'version = 1\n[[package]]\nname = "x"\nversion = 1.0.0\n')
    assert parsed.error is not None and parsed.error.line == 4


def test_pipfile_and_lock() -> None:
    pipfile = parse_pipfile(
        "Pipfile",
        '[packages]\nrequests = "*"\nflask = {version = "==3.0.3"}\n'
        'lib = {git = "https://github.com/o/lib.git", ref = "main"}\n\n[dev-packages]\npytest = ">=8"\n',
    )
    found = {d.name: d for d in pipfile.dependencies}
    assert (found["requests"].spec, found["requests"].line) == ("*", 2)
    assert found["flask"].version == "3.0.3"
    assert (found["lib"].source, found["lib"].pinned) == (Source.GIT, False)
    assert (found["pytest"].group, found["pytest"].line) == ("dev", 7)
    assert pipfile.application is True
    text = corpus_text("c031/head/{{cookiecutter.project_slug}}/backend/app/Pipfile.lock")
    lock = parse_pipfile_lock("Pipfile.lock", text)
    fastapi = next(d for d in lock.dependencies if d.name == "fastapi")
    assert fastapi.version == "0.6.0"
    assert '"fastapi"' in text.split("\n")[fastapi.line - 1]  # type: ignore[operator]


def test_pipfile_lock_that_does_not_parse() -> None:
    parsed = parse_pipfile_lock("Pipfile.lock", '{\n  "default": {\n    "x": {,}\n  }\n}\n')
    assert parsed.error is not None and parsed.error.line == 3


def test_pipfile_keys_spelled_with_escapes_are_found_at_their_line() -> None:
    text = '[packages]\nrequests = "*"\n"C:\\\\Windows\\\\pkg" = "==1.0"\n\n[packages."tab\\tname"]\nversion = "*"\n'
    found = {d.display or d.name: d.line for d in parse_pipfile("Pipfile", text).dependencies}
    assert found == {"requests": 2, "C:\\Windows\\pkg": 3, "tab\tname": 5}


def test_a_pipfile_key_that_cannot_be_located_falls_back_to_its_section() -> None:
    text = '# inline tables are not scanned key by key\n\npackages = { requests = "*", flask = "==3.0" }\n'
    assert [d.line for d in parse_pipfile("Pipfile", text).dependencies] == [3, 3]
