from __future__ import annotations

from tests.deps.corpus import corpus_files
from tests.deps.review import findings, review
from tests.support.gitrepo import GitRepoFactory


def pyproject(spec: str) -> str:
    return f'[project]\nname = "app"\nversion = "1"\ndependencies = [\n    "{spec}",\n]\n'


def uv_lock(version: str) -> str:
    return (
        'version = 1\n\n[[package]]\nname = "app"\nversion = "1"\nsource = { virtual = "." }\n'
        'dependencies = [{ name = "requests" }]\n\n[[package]]\nname = "requests"\n'
        f'version = "{version}"\nsource = {{ registry = "https://pypi.org/simple" }}\n'
    )


def test_dh403_manifest_changed_lock_did_not(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests>=2.32.0"), "uv.lock": uv_lock("2.32.3")},
        {"pyproject.toml": pyproject("requests>=2.32.1"), "uv.lock": uv_lock("2.32.3")},
    )
    (finding,) = findings(result, "DH403")
    assert finding.line == 5
    assert finding.message == "dependencies changed (requests) but uv.lock did not: run `uv lock`"
    assert findings(result, "DH404") == []  # 2.32.3 still satisfies >=2.32.1


def test_dh403_miss_when_both_change(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests>=2.32.0"), "uv.lock": uv_lock("2.32.3")},
        {"pyproject.toml": pyproject("requests>=2.32.4"), "uv.lock": uv_lock("2.32.4")},
    )
    assert findings(result, "DH403") == [] and findings(result, "DH404") == []


def test_dh404_seed_000_lock_holds_a_version_the_manifest_forbids(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests>=2.32.0"), "uv.lock": uv_lock("2.32.3")},
        {"pyproject.toml": pyproject("requests>=2.32.4"), "uv.lock": uv_lock("2.32.3")},
    )
    (finding,) = findings(result, "DH404")
    assert (finding.path, finding.line) == ("pyproject.toml", 5)
    assert finding.message == "pyproject.toml wants requests>=2.32.4; uv.lock holds 2.32.3: run `uv lock`"


def test_dh404_on_the_lock_when_only_the_lock_changed(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo,
        {"pyproject.toml": pyproject("requests>=2.32.4"), "uv.lock": uv_lock("2.32.4")},
        {"pyproject.toml": pyproject("requests>=2.32.4"), "uv.lock": uv_lock("2.32.3")},
    )
    (finding,) = findings(result, "DH404")
    assert (finding.path, finding.line) == ("uv.lock", 10)


def test_dh404_real_corpus_case_is_pre_existing_then_fixed(make_repo: GitRepoFactory) -> None:
    # ArchiveBox c006: base pyproject wants pydantic-pkgr>=0.4.16 while uv.lock holds 0.4.9; the commit fixes it.
    result = review(make_repo, corpus_files("c006", "base"), corpus_files("c006", "head"))
    assert findings(result, "DH404") == []
    result = review(make_repo, corpus_files("c006", "head"), corpus_files("c006", "base"))
    stale_version, stale_metadata = sorted(findings(result, "DH404"), key=lambda f: f.line or 0)[::-1]
    assert "pydantic-pkgr>=0.4.16; uv.lock holds 0.4.9" in stale_version.message
    # That base uv.lock was also locked against platformdirs>=4.3.6, which its pyproject.toml no longer asks for.
    assert stale_metadata.message.startswith("platformdirs: uv.lock was locked against >=4.3.6")


def test_dh404_node_cargo_and_go(make_repo: GitRepoFactory) -> None:
    package = '{\n  "dependencies": {\n    "lodash": "^4.17.21"\n  }\n}\n'
    yarn = 'lodash@^4.17.20:\n  version "4.17.21"\n'
    cargo = '[package]\nname = "app"\n\n[dependencies]\nserde = "1.0.200"\n'
    cargo_lock = (
        '[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = ["serde"]\n\n[[package]]\n'
        'name = "serde"\nversion = "1.0.197"\n'
        'source = "registry+https://github.com/rust-lang/crates.io-index"\n'
    )
    go_mod = "module x\n\nrequire github.com/google/uuid v1.6.0\n"
    go_sum = "github.com/google/uuid v1.5.0 h1:abc=\ngithub.com/google/uuid v1.5.0/go.mod h1:def=\n"
    result = review(
        make_repo,
        {"web/yarn.lock": yarn, "rs/Cargo.lock": cargo_lock, "go/go.sum": go_sum},
        {
            "web/package.json": package,
            "web/yarn.lock": yarn,
            "rs/Cargo.toml": cargo,
            "rs/Cargo.lock": cargo_lock,
            "go/go.mod": go_mod,
            "go/go.sum": go_sum,
        },
    )
    assert sorted((f.path, f.line, f.message.split(":")[0]) for f in findings(result, "DH404")) == [
        ("go/go.mod", 3, "go.sum has no checksum for github.com/google/uuid v1.6.0"),
        ("rs/Cargo.toml", 5, "Cargo.toml wants serde 1.0.200; Cargo.lock holds 1.0.197"),
        ("web/package.json", 3, "package.json wants lodash@^4.17.21; yarn.lock has no entry for that range"),
    ]


def test_dh404_miss_when_in_sync(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, corpus_files("c016", "base"), corpus_files("c016", "head"))
    assert findings(result, "DH404") == [] and findings(result, "DH403") == []


def test_dh404_a_dependency_moved_to_git_while_the_lock_keeps_the_registry_release(make_repo: GitRepoFactory) -> None:
    cargo_lock = (
        '[[package]]\nname = "app"\nversion = "0.1.0"\ndependencies = ["tokio"]\n\n[[package]]\n'
        'name = "tokio"\nversion = "1.37.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n'
    )
    registry = '[package]\nname = "app"\n\n[dependencies]\ntokio = "1.37"\n'
    git = '[package]\nname = "app"\n\n[dependencies]\ntokio = { git = "https://github.com/someone/tokio" }\n'
    files = {"Cargo.lock": cargo_lock}
    result = review(make_repo, {"Cargo.toml": registry, **files}, {"Cargo.toml": git, **files})
    (finding,) = findings(result, "DH404")
    assert (finding.line, finding.message.split(": run")[0]) == (
        5,
        "Cargo.toml wants tokio from git (https://github.com/someone/tokio); Cargo.lock still has it from the registry",
    )
    assert (
        findings(
            review(make_repo, {"Cargo.toml": registry, **files}, {"Cargo.toml": registry + "\n", **files}), "DH404"
        )
        == []
    )
