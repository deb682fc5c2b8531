"""DH407: dependencies from directories outside the repository."""

from __future__ import annotations

from tests.deps.review import findings, review
from tests.support.gitrepo import GitRepoFactory

HEAD = {
    "go.mod": "module x\n\ngo 1.22\n\nrequire a.b/c v1.0.0\n\nreplace a.b/c => ../c-fork\n",
    "web/package.json": '{"name": "web", "dependencies": {"ui": "file:../../ui", "kit": "link:../kit"}}\n',
    "tools/requirements.txt": "-e ../../lib\nmine @ file:///home/me/mine\n",
    "rs/Cargo.toml": '[package]\nname = "rs"\n\n[dependencies]\nlocal = { path = "../../local" }\n',
}


def test_hit_paths_that_leave_the_repository_in_every_format(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, {"README.md": "x\n"}, HEAD)
    assert sorted((f.path, f.line, f.message.split(",")[0]) for f in findings(result, "DH407")) == [
        ("go.mod", 7, "a.b/c is replaced by ../c-fork"),
        ("rs/Cargo.toml", 5, "local comes from ../../local"),
        ("tools/requirements.txt", 1, "lib comes from ../../lib"),
        ("tools/requirements.txt", 2, "mine comes from file:///home/me/mine"),
        ("web/package.json", 1, "ui comes from file:../../ui"),
    ]


def test_miss_paths_inside_the_repository(make_repo: GitRepoFactory) -> None:
    inside = {
        "go.mod": "module x\n\ngo 1.22\n\nreplace a.b/c => ./third_party/c\n",
        "web/package.json": '{"name": "web", "dependencies": {"kit": "link:../kit", "ui": "file:./ui"}}\n',
        "services/api/requirements.txt": "-e ../../libs/core\n",
        "rs/Cargo.toml": '[package]\nname = "rs"\n\n[dependencies]\nb = { path = "crates/b" }\n',
    }
    assert findings(review(make_repo, {"README.md": "x\n"}, inside), "DH407") == []
