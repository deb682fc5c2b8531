from __future__ import annotations

from tests.deps.review import findings, review
from tests.support.gitrepo import GitRepoFactory

SHA = "0123456789abcdef0123456789abcdef01234567"


def test_hit_branches_tags_and_unhashed_urls(make_repo: GitRepoFactory) -> None:
    requirements = (
        "git+https://github.com/org/a.git@main#egg=a\n"
        f"git+https://github.com/org/b.git@{SHA}#egg=b\n"
        "https://example.com/c-1.0.tar.gz\n"
        "https://example.com/d-1.0.tar.gz#sha256=abc123\n"
    )
    cargo = '[package]\nname = "x"\n\n[dependencies]\nfork = { git = "https://github.com/org/fork", tag = "v1" }\n'
    package = (
        '{\n  "dependencies": {\n    "pad": "github:org/pad#v1.3.0",\n    "ok": "github:org/ok#' + SHA + '"\n  }\n}\n'
    )
    result = review(make_repo, {}, {"requirements.txt": requirements, "Cargo.toml": cargo, "package.json": package})
    assert sorted((f.path, f.line) for f in findings(result, "DH406")) == [
        ("Cargo.toml", 5),
        ("package.json", 3),
        ("requirements.txt", 1),
        ("requirements.txt", 3),
    ]


def test_miss_when_a_lock_file_records_the_commit(make_repo: GitRepoFactory) -> None:
    cargo = '[package]\nname = "x"\n\n[dependencies]\nfork = { git = "https://github.com/org/fork", branch = "main" }\n'
    result = review(make_repo, {}, {"Cargo.toml": cargo, "Cargo.lock": '[[package]]\nname = "x"\nversion = "0.1.0"\n'})
    assert findings(result, "DH406") == []
