from __future__ import annotations

from bot.config import Config
from bot.model import Severity
from tests.deps.review import findings, review
from tests.support.gitrepo import GitRepoFactory


def test_hit_unpinned_and_open_ended_with_their_severities(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, {}, {"requirements.txt": "torch\nfastapi>=0.110\nflask==3.0.3\ndjango>=4.2,<5\n"})
    hits = [(f.line, f.severity) for f in findings(result, "DH402")]
    assert hits == [(1, Severity.MEDIUM), (2, Severity.LOW)]


def test_severity_comes_from_the_config(make_repo: GitRepoFactory) -> None:
    config = Config(unpinned_severity=Severity.HIGH, open_ended_severity=Severity.INFO)
    result = review(make_repo, {}, {"requirements.txt": "torch\nfastapi>=0.110\n"}, config)
    assert [f.severity for f in findings(result, "DH402")] == [Severity.HIGH, Severity.INFO]


def test_miss_when_a_constraints_file_or_compiled_requirements_pin_them(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo,
        {},
        {
            "requirements.txt": "-c constraints.txt\ntorch\n",
            "constraints.txt": "torch==2.3.1\n",
            "requirements.in": "fastapi>=0.110\n",
            "requirements-lock.txt": "x==1\n",
        },
    )
    assert [f.path for f in findings(result, "DH402")] == ["requirements.in"]
    result = review(make_repo, {}, {"requirements.in": "fastapi>=0.110\n", "requirements.txt": "fastapi==0.111.0\n"})
    assert findings(result, "DH402") == []


def test_miss_for_libraries_and_locked_applications(make_repo: GitRepoFactory) -> None:
    library = '[project]\nname = "lib"\ndependencies = ["requests>=2"]\n[build-system]\nrequires = ["hatchling"]\n'
    application = '[project]\nname = "app"\ndependencies = ["requests>=2"]\n'
    result = review(make_repo, {}, {"lib/pyproject.toml": library, "app/pyproject.toml": application})
    assert [f.path for f in findings(result, "DH402")] == ["app/pyproject.toml"]
    result = review(make_repo, {}, {"pyproject.toml": application, "uv.lock": "version = 1\n"})
    assert findings(result, "DH402") == []


def test_private_package_json_without_a_lock(make_repo: GitRepoFactory) -> None:
    package = (
        '{\n  "private": true,\n  "dependencies": {\n    "express": "*",\n'
        '    "lodash": "^4.17.21",\n    "pg": ">=8"\n  }\n}\n'
    )
    result = review(make_repo, {}, {"package.json": package})
    assert [f.line for f in findings(result, "DH402")] == [4, 6]
