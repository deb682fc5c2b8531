"""The ChangeSet, built from real git repositories."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.changes import HeadTree, build_changeset, resolve_range
from bot.git import GitError, GitRepo
from tests.support.gitrepo import GitRepoFactory, Repo, git


def changeset(repo: Repo, max_bytes: int = 1_000_000):  # type: ignore[no-untyped-def]
    git_repo = GitRepo.open(repo.path)
    return build_changeset(git_repo, resolve_range(git_repo, "main", "pr"), max_bytes)


def test_only_docker_and_dependency_files_with_status_and_changed_lines(make_repo: GitRepoFactory) -> None:
    repo = make_repo(
        {"Dockerfile": "FROM a\nRUN x\nCMD y\n", "app.py": "print(1)\n", "requirements.txt": "flask==3.0\n"},
        {"Dockerfile": "FROM a\nRUN x2\nCMD y\nUSER app\n", "app.py": "print(2)\n", "compose.yaml": "services: {}\n"},
    )
    changes = changeset(repo)
    assert [(f.path, f.status, f.kind.label) for f in changes.files] == [
        ("Dockerfile", "modified", "dockerfile"),
        ("compose.yaml", "added", "compose"),
        ("requirements.txt", "deleted", "requirements"),
    ]
    dockerfile, compose, requirements = changes.files
    assert dockerfile.changed_lines == frozenset({2, 4})
    assert dockerfile.base_text == "FROM a\nRUN x\nCMD y\n"
    assert compose.changed_lines == frozenset({1})
    assert compose.base_text is None
    assert requirements.head_text is None
    assert requirements.changed_lines == frozenset()
    assert changes.base == repo.base
    assert changes.head == repo.head


def test_renames_are_followed(make_repo: GitRepoFactory) -> None:
    body = "".join(f"RUN step {n}\n" for n in range(20))
    repo = make_repo({"docker/Dockerfile": "FROM a\n" + body}, {"build/Dockerfile": "FROM b\n" + body})
    (renamed,) = changeset(repo).files
    assert (renamed.path, renamed.old_path, renamed.status) == ("build/Dockerfile", "docker/Dockerfile", "renamed")
    assert renamed.changed_lines == frozenset({1})


def test_binary_non_utf8_crlf_and_oversized_files_get_notes(make_repo: GitRepoFactory) -> None:
    repo = make_repo(
        {},
        {
            "Dockerfile": b"FROM a\r\nRUN x\r\n",
            "a/Dockerfile": b"FROM caf\xe9\nRUN x\n",
            "b/Dockerfile": b"FROM a\x00\x01\x02",
            "c/Dockerfile": "FROM a\n" + "RUN x\n" * 100,
        },
    )
    files = {f.path: f for f in changeset(repo, max_bytes=500).files}
    assert files["Dockerfile"].head_text == "FROM a\nRUN x\n"
    assert any("CRLF" in note for note in files["Dockerfile"].notes)
    assert files["a/Dockerfile"].head_text == "FROM caf\ufffd\nRUN x\n"
    assert any("not valid UTF-8 (first bad byte on line 1)" in note for note in files["a/Dockerfile"].notes)
    assert files["b/Dockerfile"].head_text is None
    assert any("binary" in note for note in files["b/Dockerfile"].notes)
    assert files["c/Dockerfile"].head_text is None
    assert any("over the 500-byte limit" in note for note in files["c/Dockerfile"].notes)


def test_symlinks_are_never_followed(make_repo: GitRepoFactory, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET\n")
    repo = make_repo({}, {"README": "x\n"})
    os.symlink(secret, repo.path / "Dockerfile")
    repo.git("add", "Dockerfile")
    repo.git("commit", "-q", "-m", "link")
    git_repo = GitRepo.open(repo.path)
    (link,) = build_changeset(git_repo, resolve_range(git_repo, "main", "HEAD")).files
    assert link.head_text is None
    assert any("symbolic link" in note for note in link.notes)


def test_submodules_get_a_note(make_repo: GitRepoFactory) -> None:
    repo = make_repo({}, {"README": "x\n"})
    sha = repo.head
    repo.git("update-index", "--add", "--cacheinfo", f"160000,{sha},vendor/Dockerfile")
    repo.git("commit", "-q", "-m", "submodule")
    git_repo = GitRepo.open(repo.path)
    (sub,) = build_changeset(git_repo, resolve_range(git_repo, "main", "HEAD")).files
    assert any("submodule" in note for note in sub.notes)


def test_paths_with_spaces_and_unicode(make_repo: GitRepoFactory) -> None:
    repo = make_repo({"my app/Dockerfile": "FROM a\n"}, {"my app/Dockerfile": "FROM b\n", "ünï/Dockerfile": "FROM c\n"})
    files = {f.path: f for f in changeset(repo).files}
    assert files["my app/Dockerfile"].changed_lines == frozenset({1})
    assert files["ünï/Dockerfile"].changed_lines == frozenset({1})


def test_base_is_the_merge_base_like_a_pull_request(make_repo: GitRepoFactory) -> None:
    repo = make_repo({"Dockerfile": "FROM a\n"}, {"Dockerfile": "FROM a\nUSER app\n"}, keep_base=True)
    repo.git("checkout", "-q", "main")
    (repo.path / "Dockerfile").write_text("FROM a\nRUN landed-on-main\n")
    repo.git("commit", "-q", "-am", "main moves on")
    git_repo = GitRepo.open(repo.path)
    commits = resolve_range(git_repo, "main", "pr")
    assert commits.base == repo.base
    assert any("merge-base" in note for note in commits.notes)


def test_default_base_is_origin_head_then_main(make_repo: GitRepoFactory) -> None:
    repo = make_repo({"Dockerfile": "FROM a\n"}, {"Dockerfile": "FROM b\n"}, keep_base=True)
    git_repo = GitRepo.open(repo.path)
    assert git_repo.default_branch() == "main"
    assert resolve_range(git_repo, None, None).base == repo.base
    repo.git("update-ref", "refs/remotes/origin/trunk", repo.base)
    repo.git("symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
    assert git_repo.default_branch() == "refs/remotes/origin/trunk"


def test_unknown_ref_and_not_a_repository(make_repo: GitRepoFactory, tmp_path: Path) -> None:
    repo = make_repo({"Dockerfile": "FROM a\n"}, {"Dockerfile": "FROM b\n"})
    git_repo = GitRepo.open(repo.path)
    with pytest.raises(GitError, match="does not name a commit"):
        resolve_range(git_repo, "no-such-branch", None)
    with pytest.raises(GitError, match="not a valid git reference"):
        resolve_range(git_repo, "--output=/tmp/x", None)
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(GitError, match="not a git repository"):
        GitRepo.open(plain)


def test_shallow_clone_without_the_base_says_how_to_fetch(make_repo: GitRepoFactory, tmp_path: Path) -> None:
    repo = make_repo({"Dockerfile": "FROM a\n"}, {"Dockerfile": "FROM b\n"}, keep_base=True)
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch=pr", f"file://{repo.path}", str(clone))
    with pytest.raises(GitError, match="shallow"):
        resolve_range(GitRepo.open(clone), repo.base, None)


def test_head_tree_reads_other_files_of_the_head_commit(make_repo: GitRepoFactory) -> None:
    repo = make_repo({}, {"uv.lock": "version = 1\n", "Dockerfile": "FROM a\n", "blob.bin": b"\x00\x01"})
    tree = HeadTree(GitRepo.open(repo.path), repo.head)
    assert tree.exists("uv.lock")
    assert tree.read("uv.lock") == "version = 1\n"
    assert tree.read("blob.bin") is None
    assert tree.read("missing") is None
    assert tree.paths() == ["Dockerfile", "blob.bin", "uv.lock"]
