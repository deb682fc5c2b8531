from __future__ import annotations

import json

from tests.deps.review import findings, review
from tests.support.gitrepo import GitRepoFactory

PYPROJECT = '[project]\nname = "app"\nversion = "1"\ndependencies = ["cryptography>={floor}"]\n'


def test_hit_a_lowered_floor_seed_002(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo,
        {"requirements.txt": "cryptography>=46.0.3\nflask==3.0.3\n"},
        {"requirements.txt": "cryptography>=45.0.0\nflask==3.0.3\n"},
    )
    (finding,) = findings(result, "DH401")
    assert finding.line == 1 and finding.in_diff
    assert finding.message == "cryptography: the lower bound goes down from >=46.0.3 to >=45.0.0 (a major version)"


def test_hit_a_removed_pin_says_any_old_release_may_come_not_a_major_version(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, {"requirements.txt": "flask==3.0.3\n"}, {"requirements.txt": "flask<4\n"})
    (finding,) = findings(result, "DH401")
    assert finding.message == "flask: ==3.0.3 becomes <4: with no lower bound, older releases may be installed"


def test_hit_an_exact_npm_pin_going_down_is_a_downgrade_not_a_lower_floor(make_repo: GitRepoFactory) -> None:
    def package(version: str) -> str:
        return json.dumps({"name": "app", "dependencies": {"lodash": version}}) + "\n"

    result = review(make_repo, {"package.json": package("4.17.21")}, {"package.json": package("4.17.15")})
    (finding,) = findings(result, "DH401")
    assert finding.message == "lodash is downgraded from 4.17.21 to 4.17.15"


def test_hit_a_0x_minor_downgrade_is_not_called_a_major_version(make_repo: GitRepoFactory) -> None:
    def go_mod(version: str) -> str:
        return f"module x\n\ngo 1.22\n\nrequire golang.org/x/net {version}\n"

    result = review(make_repo, {"go.mod": go_mod("v0.25.0")}, {"go.mod": go_mod("v0.23.0")})
    (finding,) = findings(result, "DH401")
    assert finding.message == (
        "golang.org/x/net is downgraded from v0.25.0 to v0.23.0 (another 0.x minor version: incompatible by semver)"
    )


def test_hit_a_lock_downgrade_once_when_the_manifest_reports_it(make_repo: GitRepoFactory) -> None:
    def lock(version: str) -> str:
        return (
            'version = 1\n[[package]]\nname = "app"\nversion = "1"\nsource = { virtual = "." }\n'
            'dependencies = [{ name = "cryptography" }]\n\n[[package]]\nname = "cryptography"\n'
            f'version = "{version}"\nsource = {{ registry = "https://pypi.org/simple" }}\n'
        )

    result = review(
        make_repo,
        {"pyproject.toml": PYPROJECT.format(floor="46.0.3"), "uv.lock": lock("46.0.3")},
        {"pyproject.toml": PYPROJECT.format(floor="45.0.0"), "uv.lock": lock("45.0.7")},
    )
    assert [(f.path, f.line) for f in findings(result, "DH401")] == [("pyproject.toml", 4)]


def test_hit_a_transitive_lock_downgrade(make_repo: GitRepoFactory) -> None:
    def lock(version: str) -> str:
        return (
            '[[package]]\nname = "app"\nversion = "0.1.0"\n\n[[package]]\nname = "itoa"\n'
            f'version = "{version}"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n'
        )

    result = review(make_repo, {"Cargo.lock": lock("1.0.11")}, {"Cargo.lock": lock("1.0.9")})
    (finding,) = findings(result, "DH401")
    assert (finding.line, finding.message) == (6, "itoa is downgraded from 1.0.11 to 1.0.9")


def test_miss_upgrades(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo,
        {"requirements.txt": "cryptography>=45.0.0\n", "go.mod": "module x\nrequire a.b/c v1.2.0\n"},
        {"requirements.txt": "cryptography>=46.0.3\n", "go.mod": "module x\nrequire a.b/c v1.10.0\n"},
    )
    assert findings(result, "DH401") == []
