"""DH404: uv.lock locked against other requirements than pyproject.toml asks for (its `[package.metadata]`)."""

from __future__ import annotations

import pytest

from bot.deps.python.locks import parse_uv_lock
from bot.deps.python.pyproject import parse_pyproject
from tests.deps.review import findings, review
from tests.support.gitrepo import GitRepoFactory

RUN = ": run `uv lock`"


def pyproject(*requirements: str, dev: tuple[str, ...] = ()) -> str:
    listed = "".join(f"    '{r}',\n" for r in requirements)
    text = f'[project]\nname = "app"\nversion = "1"\ndependencies = [\n{listed}]\n'
    if dev:
        text += "\n[dependency-groups]\ndev = [\n" + "".join(f"    '{r}',\n" for r in dev) + "]\n"
    return text


def uv_lock(*recorded: str, dev: tuple[str, ...] = (), idna: str = "3.10", metadata: str | None = None) -> str:
    """A uv.lock of app -> requests, idna; `recorded` are `[package.metadata]` requires-dist entries."""
    if metadata is None:
        metadata = "\n[package.metadata]\nrequires-dist = [\n" + "".join(f"    {r},\n" for r in recorded) + "]\n"
        if dev:
            metadata += "\n[package.metadata.requires-dev]\ndev = [\n" + "".join(f"    {r},\n" for r in dev) + "]\n"
    return (
        'version = 1\nrevision = 2\nrequires-python = ">=3.11"\n\n'
        '[[package]]\nname = "app"\nversion = "1"\nsource = { virtual = "." }\n'
        'dependencies = [\n    { name = "idna" },\n    { name = "requests" },\n]\n'
        f"{metadata}\n"
        '[[package]]\nname = "idna"\n'
        f'version = "{idna}"\nsource = {{ registry = "https://pypi.org/simple" }}\n\n'
        '[[package]]\nname = "requests"\nversion = "2.32.4"\nsource = { registry = "https://pypi.org/simple" }\n'
    )


REQUESTS = '{ name = "requests", specifier = ">=2.31" }'
IDNA = '{ name = "idna", specifier = ">=3" }'


def test_changed_specifier_the_locked_version_still_satisfies(make_repo: GitRepoFactory) -> None:
    # uv.lock changed (idna bumped) but was not re-locked after requests' bound moved: `uv sync --locked` fails.
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests>=2.31", "idna>=3"), "uv.lock": uv_lock(IDNA, REQUESTS)},
        {"pyproject.toml": pyproject("requests>=2.32.4", "idna>=3"), "uv.lock": uv_lock(IDNA, REQUESTS, idna="3.11")},
    )
    (finding,) = findings(result, "DH404")
    assert (finding.path, finding.line, finding.new, finding.in_diff) == ("pyproject.toml", 5, True, True)
    assert finding.message == "requests: pyproject.toml asks >=2.32.4, uv.lock was locked against >=2.31" + RUN
    assert findings(result, "DH403") == []


def test_added_dependency(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests>=2.31"), "uv.lock": uv_lock(REQUESTS)},
        {"pyproject.toml": pyproject("requests>=2.31", "idna>=3"), "uv.lock": uv_lock(REQUESTS, idna="3.11")},
    )
    (finding,) = findings(result, "DH404")
    assert (finding.path, finding.line) == ("pyproject.toml", 6)
    assert finding.message == "idna: pyproject.toml asks >=3, uv.lock was locked without it" + RUN


def test_removed_dependency_is_on_the_dependencies_line(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests>=2.31", "idna>=3"), "uv.lock": uv_lock(IDNA, REQUESTS)},
        {"pyproject.toml": pyproject("requests>=2.31"), "uv.lock": uv_lock(IDNA, REQUESTS, idna="3.11")},
    )
    (finding,) = findings(result, "DH404")
    assert (finding.path, finding.line) == ("pyproject.toml", 4)
    assert finding.message == "idna: uv.lock was locked against >=3, pyproject.toml no longer asks for it" + RUN


def test_marker_and_extras_change(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests>=2.31"), "uv.lock": uv_lock(REQUESTS)},
        {
            "pyproject.toml": pyproject('requests[socks]>=2.31; python_version < "3.13"'),
            "uv.lock": uv_lock(REQUESTS, idna="3.11"),
        },
    )
    (finding,) = findings(result, "DH404")
    assert finding.message == (
        'requests: marker `python_version < "3.13"` in pyproject.toml, none in uv.lock; '
        "extras [socks] in pyproject.toml, [] in uv.lock" + RUN
    )


def test_dev_group_change(make_repo: GitRepoFactory) -> None:
    idna2 = '{ name = "idna", specifier = ">=2" }'
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests>=2.31", dev=("idna>=2",)), "uv.lock": uv_lock(REQUESTS, dev=(idna2,))},
        {
            "pyproject.toml": pyproject("requests>=2.31", dev=("idna>=3",)),
            "uv.lock": uv_lock(REQUESTS, dev=(idna2,), idna="3.11"),
        },
    )
    (finding,) = findings(result, "DH404")
    assert (finding.path, finding.line) == ("pyproject.toml", 10)
    assert finding.message == "idna (dev group): pyproject.toml asks >=3, uv.lock was locked against >=2" + RUN


def test_a_group_dropped_with_its_whole_table_is_on_the_dependencies_line(make_repo: GitRepoFactory) -> None:
    # found by fuzzing: the dev group's list is gone from pyproject.toml, so it has no line of its own
    pytest_dev = '{ name = "pytest", specifier = ">=8" }'
    result = review(
        make_repo,
        {
            "pyproject.toml": pyproject("requests>=2.31", dev=("pytest>=8",)),
            "uv.lock": uv_lock(REQUESTS, dev=(pytest_dev,)),
        },
        {"pyproject.toml": pyproject("requests>=2.31"), "uv.lock": uv_lock(REQUESTS, dev=(pytest_dev,), idna="3.11")},
    )
    (finding,) = findings(result, "DH404")
    assert (finding.path, finding.line) == ("pyproject.toml", 4)
    assert finding.message.startswith("pytest (dev group): uv.lock was locked against >=8, pyproject.toml no longer")


def test_only_the_lock_changed_is_on_the_lock_line(make_repo: GitRepoFactory) -> None:
    manifest = pyproject("requests>=2.32.4")
    result = review(
        make_repo,
        {"pyproject.toml": manifest, "uv.lock": uv_lock('{ name = "requests", specifier = ">=2.32.4" }')},
        {"pyproject.toml": manifest, "uv.lock": uv_lock(REQUESTS)},
    )
    (finding,) = findings(result, "DH404")
    assert (finding.path, finding.line, finding.in_diff) == ("uv.lock", 16, True)
    assert finding.message == "requests: pyproject.toml asks >=2.32.4, uv.lock was locked against >=2.31" + RUN


def test_equivalent_specifiers_and_markers_written_differently(make_repo: GitRepoFactory) -> None:
    recorded = (
        '{ name = "requests", marker = "python_full_version < \'3.14\'", specifier = "<3, >=2.0" }',
        '{ name = "IDNA", extras = ["foo-bar"], specifier = ">=3" }',
    )
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests"), "uv.lock": uv_lock(REQUESTS)},
        {
            "pyproject.toml": pyproject(
                'requests>=2.0,<3; python_version < "3.14"', "idna[Foo_Bar]>=3.0", dev=("idna>=3",)
            ),
            "uv.lock": uv_lock(*recorded, idna="3.11"),
        },
    )
    (finding,) = findings(result, "DH404")  # only the dev group: the other two are the same requirements
    assert finding.message == "idna (dev group): pyproject.toml asks >=3, uv.lock was locked without it" + RUN


def test_one_finding_per_package_when_the_version_check_already_reports_it(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests>=2.31"), "uv.lock": uv_lock(REQUESTS)},
        {"pyproject.toml": pyproject("requests>=2.33", "idna>=3"), "uv.lock": uv_lock(REQUESTS, idna="3.11")},
    )
    assert sorted(f.message for f in findings(result, "DH404")) == [
        "idna: pyproject.toml asks >=3, uv.lock was locked without it" + RUN,
        "pyproject.toml wants requests>=2.33; uv.lock holds 2.32.4" + RUN,
    ]


def test_pre_existing_staleness_is_not_new(make_repo: GitRepoFactory) -> None:
    manifest = pyproject("requests>=2.32.4")
    result = review(
        make_repo,
        {"pyproject.toml": manifest, "uv.lock": uv_lock(REQUESTS)},
        {"pyproject.toml": manifest, "uv.lock": uv_lock(REQUESTS, idna="3.11")},
    )
    (finding,) = findings(result, "DH404")
    assert (finding.path, finding.line, finding.new, finding.in_diff) == ("uv.lock", 16, False, False)


def test_lock_not_updated_is_dh403_alone(make_repo: GitRepoFactory) -> None:
    lock = uv_lock(REQUESTS)
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests>=2.31"), "uv.lock": lock},
        {"pyproject.toml": pyproject("requests>=2.32"), "uv.lock": lock},
    )
    assert findings(result, "DH404") == []
    (finding,) = findings(result, "DH403")
    assert finding.message.startswith("dependencies changed (requests) but uv.lock did not")


def test_old_uv_lock_without_metadata(make_repo: GitRepoFactory) -> None:
    old = uv_lock(metadata="")
    assert parse_uv_lock("uv.lock", old).requirement_sets == ()
    assert parse_pyproject("pyproject.toml", pyproject("requests>=2.32.4")).requirement_sets != ()
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests>=2.31"), "uv.lock": old},
        {"pyproject.toml": pyproject("requests>=2.32.4", "idna>=3"), "uv.lock": uv_lock(metadata="", idna="3.11")},
    )
    assert findings(result, "DH404") == []


@pytest.mark.parametrize(
    "metadata",
    [
        '\n[package.metadata]\nrequires-dist = "requests>=2.31"\n',
        '\n[package.metadata]\nrequires-dist = [\n    { specifier = ">=2.31" },\n]\n',
        '\n[package.metadata]\nrequires-dist = [\n    { name = "requests", specifier = ">=>2" },\n]\n',
        '\n[package.metadata]\nrequires-dist = [\n    { name = "requests", marker = "python_version <" },\n]\n',
        '\n[package.metadata]\nrequires-dist = [\n    { name = "requests", extras = "socks" },\n]\n',
        '\n[package.metadata]\nrequires-dist = []\nrequires-dev = ["pytest"]\n',
        '\n[package.metadata]\nrequires-dist = [\n    "requests",\n]\n',
    ],
)
def test_malformed_metadata_is_not_compared(make_repo: GitRepoFactory, metadata: str) -> None:
    assert parse_uv_lock("uv.lock", uv_lock(metadata=metadata)).requirement_sets == ()
    base = {"pyproject.toml": pyproject("requests>=2.31"), "uv.lock": uv_lock(REQUESTS)}
    result = review(make_repo, base, {"pyproject.toml": pyproject("idna"), "uv.lock": uv_lock(metadata=metadata)})
    assert findings(result, "DH404") == []
    assert findings(result, "DH403") == []
