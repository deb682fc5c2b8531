"""Hostile shapes of dependency files: a finding at the line where reading stops, no crash, the
rest of the review goes on. (Time and memory are measured in benchmarks/limits.py.)"""

from __future__ import annotations

import pytest

from bot.deps.nesting import deepest
from bot.deps.parse import parse_file
from tests.deps.review import findings, review
from tests.support.gitrepo import GitRepoFactory

DEPTH = 20_000
"""Far deeper than Python's json and tomllib can recurse."""


def brackets(depth: int) -> str:
    """`depth` nested arrays, the deepest point on the third line of the value."""
    return "[" * (depth // 2) + "\n\n" + "[" * (depth - depth // 2) + "1" + "]" * depth


JSON_FILES = {
    "package-lock.json": '{\n  "name": "app",\n  "lockfileVersion": 3,\n  "packages": %s\n}\n',
    "package.json": '{\n  "name": "app",\n  "dependencies": {"a": %s}\n}\n',
    "Pipfile.lock": '{\n  "_meta": {},\n  "default": %s\n}\n',
}
TOML_FILES = {
    "Cargo.toml": '[package]\nname = "app"\nversion = "0.1.0"\n\n[package.metadata]\nx = %s\n',
    "pyproject.toml": '[project]\nname = "app"\nversion = "1"\ndependencies = ["flask==3.0.0"]\n\n[tool.x]\ny = %s\n',
    "Pipfile": '[packages]\nflask = "==3.0.0"\n\n[scripts]\nz = %s\n',
}


@pytest.mark.parametrize(("path", "template"), [*JSON_FILES.items(), *TOML_FILES.items()])
def test_nesting_deeper_than_the_parser_is_a_finding_where_it_peaks(
    make_repo: GitRepoFactory, path: str, template: str
) -> None:
    text = template % brackets(DEPTH)
    value_line = text[: text.index("[[")].count("\n") + 1
    result = review(make_repo, {"requirements.txt": "flask==3.0.0\n"}, {path: text, "requirements.txt": "flask==2.0\n"})
    (finding,) = findings(result, "DH400")
    assert (finding.path, finding.line) == (path, value_line + 2)
    assert "levels deep here, deeper than the parser reads" in finding.message
    assert findings(result, "DH401")  # the downgrade next to it is still reviewed


def test_nested_inline_tables_are_located_too() -> None:
    text = '[project]\nname = "app"\n\n[tool.x]\ny = ' + "{a = " * DEPTH + "1" + " }" * DEPTH + "\n"
    parsed = parse_file("pyproject.toml", "pyproject", text)
    assert parsed.error is not None
    assert parsed.error.line == 5
    assert f"nested {DEPTH:,} levels deep" in parsed.error.message


def test_the_scan_skips_brackets_in_strings_and_comments() -> None:
    toml = 'a = "[[[["\nb = \'{{{\'\nc = """\n[[[[[[\n"""\n# [[[[[[[[[[\nd = [[1]]\n'
    assert (deepest(toml, "TOML").depth, deepest(toml, "TOML").line) == (2, 7)
    assert (deepest('{"a": "[[[[\\"[["}', "JSON").depth, deepest('{"a": "x"}', "JSON").line) == (1, 1)


def test_a_legacy_lock_nested_hundreds_deep_is_walked_without_recursion() -> None:
    depth = 200
    opening = "".join(f'{{"version": "1.0.{i}", "dependencies": {{"p{i}": \n' for i in range(depth))
    text = '{"lockfileVersion": 1, "dependencies": {"root": ' + opening + '{"version": "2.0.0"}' + "}}" * depth + "}}"
    parsed = parse_file("package-lock.json", "package-lock", text)
    assert len(parsed.dependencies) == depth + 1
    assert parsed.dependencies[-1].line == depth  # "p199" is on the last opening line


def test_an_alias_bomb_in_a_pnpm_lock_is_refused_at_its_line(make_repo: GitRepoFactory) -> None:
    lines = ["lockfileVersion: '9.0'", 'a0: &a0 ["lol"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 12)]
    text = "\n".join([*lines, "importers:", "  .:", "    dependencies: *a11", "packages: {}"]) + "\n"
    result = review(make_repo, {}, {"pnpm-lock.yaml": text})
    (finding,) = findings(result, "DH400")
    assert "alias bomb" in finding.message
    assert finding.line is not None and finding.line <= len(lines)
