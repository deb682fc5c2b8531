from __future__ import annotations

import pytest

from bot.deps.python.locks import parse_uv_lock
from bot.deps.python.markers import equivalent, parse_marker
from bot.deps.python.pyproject import parse_pyproject
from bot.deps.python.uv_sync import stale_requirements
from tests.deps.corpus import corpus_text


@pytest.mark.parametrize(
    ("first", "second", "same"),
    [
        ('python_version < "3.14"', "python_full_version < '3.14'", True),
        ('python_version <= "3.8"', "python_full_version < '3.9'", True),
        ('sys_platform == "linux" and extra == "Foo_Bar"', "extra == 'foo-bar' and sys_platform == 'linux'", True),
        ('python_version < "3.13"', "python_full_version < '3.14'", False),
        ('sys_platform == "linux"', "sys_platform != 'win32'", False),
        ("", 'extra == "x"', False),
        ('"aarch64" in platform_machine', "'aarch64' in platform_machine", True),
        ('"aarch64" in platform_machine', 'platform_machine == "x86_64"', False),
        ('platform_release not in "5.0"', "platform_release not in '5.0'", True),
    ],
)
def test_markers_compared_by_what_they_select(first: str, second: str, same: bool) -> None:
    assert equivalent(parse_marker(first), parse_marker(second)) is same


@pytest.mark.parametrize("case", ["c005", "c006", "c033"])
def test_corpus_heads_are_in_sync(case: str) -> None:
    manifest = parse_pyproject("pyproject.toml", corpus_text(f"{case}/head/pyproject.toml"))
    lock = parse_uv_lock("uv.lock", corpus_text(f"{case}/head/uv.lock"))
    assert manifest.requirement_sets and lock.requirement_sets
    assert stale_requirements(manifest, lock) == []


def test_workspace_root_groups_and_includes() -> None:
    manifest = parse_pyproject(
        "pyproject.toml",
        '[dependency-groups]\nlint = ["ruff>=0.5"]\ndev = [{include-group = "lint"}, "pytest>=8"]\n'
        '[tool.uv.workspace]\nmembers = ["app"]\n',
    )
    lock = parse_uv_lock(
        "uv.lock",
        'version = 1\n\n[manifest]\nmembers = ["app"]\n\n[manifest.dependency-groups]\n'
        'dev = [\n    { name = "pytest", specifier = ">=8" },\n    { name = "ruff", specifier = ">=0.4" },\n]\n'
        'lint = [{ name = "ruff", specifier = ">=0.5" }]\n',
    )
    ((mismatch),) = stale_requirements(manifest, lock)
    assert mismatch.message == "ruff (dev group): pyproject.toml asks >=0.5, uv.lock was locked against >=0.4"
    assert (mismatch.dependency.line, mismatch.lock_line) == (2, 9)


def test_dynamic_dependencies_and_split_sources_are_not_compared() -> None:
    lock = parse_uv_lock(
        "uv.lock",
        'version = 1\n\n[[package]]\nname = "app"\nversion = "1"\nsource = { editable = "." }\n\n'
        "[package.metadata]\nrequires-dist = [\n"
        '    { name = "torch", marker = "sys_platform == \'linux\'", specifier = ">=2", index = "https://x" },\n'
        '    { name = "torch", marker = "sys_platform != \'linux\'", specifier = ">=2" },\n]\n',
    )
    split = '[project]\nname = "app"\ndependencies = ["torch>=2"]\n[tool.uv.sources]\n'
    split += 'torch = [{ index = "cpu", marker = "sys_platform == \'linux\'" }]\n'
    assert stale_requirements(parse_pyproject("pyproject.toml", split), lock) == []
    dynamic = '[project]\nname = "app"\ndynamic = ["dependencies"]\n'
    assert stale_requirements(parse_pyproject("pyproject.toml", dynamic), lock) == []
    plain = '[project]\nname = "app"\ndependencies = ["torch>=2"]\n'
    assert len(stale_requirements(parse_pyproject("pyproject.toml", plain), lock)) == 2  # a marker each


LOCKED_FROM_INDEX = (
    'version = 1\n\n[[package]]\nname = "app"\nversion = "1"\nsource = { editable = "." }\n\n'
    "[package.metadata]\n"
    'requires-dist = [{ name = "httpx", specifier = ">=0.27" }, { name = "lib", editable = "lib" }]\n'
)


def test_a_dependency_the_manifest_now_takes_from_elsewhere_is_stale() -> None:
    lock = parse_uv_lock("uv.lock", LOCKED_FROM_INDEX)
    project = '[project]\nname = "app"\ndependencies = ["httpx>=0.27", "lib"]\n[tool.uv.sources]\n'
    same = project + "lib = { workspace = true }\n"  # uv.lock records a workspace member as editable
    assert stale_requirements(parse_pyproject("pyproject.toml", same), lock) == []
    moved = same + 'httpx = { path = "../httpx" }\n'
    ((mismatch),) = stale_requirements(parse_pyproject("pyproject.toml", moved), lock)
    assert mismatch.message == "httpx: pyproject.toml takes it from a local path, uv.lock was locked against >=0.27"
