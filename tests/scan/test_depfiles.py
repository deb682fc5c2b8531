"""Which dependency files each side scans, read from git objects only."""

from __future__ import annotations

from pathlib import Path

from bot.changes import ChangeSet, build_changeset, resolve_range
from bot.git import GitRepo
from bot.scan.depfiles import dependency_sides
from tests.support.gitrepo import GitRepoFactory, Repo


def _changes(repo: Repo) -> ChangeSet:
    git = GitRepo(repo.path)
    return build_changeset(git, resolve_range(git, repo.base, repo.head))


def _contents(files: dict[str, bytes], targets: dict[str, str]) -> dict[str, str]:
    return {targets[name]: content.decode() for name, content in files.items()}


def test_each_side_has_its_own_text_and_trivys_file_names(make_repo: GitRepoFactory) -> None:
    repo = make_repo(
        base={"requirements-dev.txt": "requests==2.20.0\n", "README.md": "x"},
        head={"requirements-dev.txt": "requests==2.19.0\n", "README.md": "x"},
    )
    base, head, notes = dependency_sides(_changes(repo), 1 << 20)
    assert list(head.files) == ["u1/requirements.txt"]
    assert _contents(base.files, base.targets) == {"requirements-dev.txt": "requests==2.20.0\n"}
    assert _contents(head.files, head.targets) == {"requirements-dev.txt": "requests==2.19.0\n"}
    assert notes == []


def test_a_changed_lock_brings_its_manifest_from_the_same_commit(make_repo: GitRepoFactory) -> None:
    repo = make_repo(
        base={"web/package.json": '{"name": "a"}', "web/package-lock.json": "{}", "other/package.json": "{}"},
        head={"web/package.json": '{"name": "a"}', "web/package-lock.json": '{"v": 2}', "other/package.json": "{}"},
    )
    base, head, _ = dependency_sides(_changes(repo), 1 << 20)
    assert sorted(head.files) == ["u1/package-lock.json", "u1/package.json"]
    assert head.scanned_paths() == ["web/package-lock.json"]
    assert _contents(base.files, base.targets)["web/package-lock.json"] == "{}"


def test_a_manifest_without_a_lock_file_has_nothing_to_scan(make_repo: GitRepoFactory) -> None:
    repo = make_repo(base={"package.json": "{}"}, head={"package.json": '{"a": 1}'})
    base, head, _ = dependency_sides(_changes(repo), 1 << 20)
    assert not base.files and not head.files


def test_the_working_tree_is_never_read(make_repo: GitRepoFactory) -> None:
    repo = make_repo(base={"requirements.txt": "flask==2.3.2\n"}, head={"requirements.txt": "flask==2.3.0\n"})
    (repo.path / "requirements.txt").write_text("flask==0.1\n")
    base, head, _ = dependency_sides(_changes(repo), 1 << 20)
    assert list(head.files.values()) == [b"flask==2.3.0\n"]
    assert list(base.files.values()) == [b"flask==2.3.2\n"]


def test_a_renamed_lock_reports_its_base_side_under_the_head_path(make_repo: GitRepoFactory) -> None:
    lock = 'version = 3\n\n[[package]]\nname = "regex"\nversion = "1.5.4"\n'
    repo = make_repo(base={"old/Cargo.lock": lock}, head={"new/Cargo.lock": lock.replace("1.5.4", "1.5.5")})
    base, head, _ = dependency_sides(_changes(repo), 1 << 20)
    assert set(base.targets.values()) == set(head.targets.values()) == {"new/Cargo.lock"}


def test_an_added_file_has_no_base_side_and_a_deleted_one_no_head_side(make_repo: GitRepoFactory) -> None:
    repo = make_repo(base={"a/requirements.txt": "x==1\n"}, head={"b/requirements.txt": "y==1\n"})
    base, head, _ = dependency_sides(_changes(repo), 1 << 20)
    assert set(base.targets.values()) == {"a/requirements.txt"}
    assert set(head.targets.values()) == {"b/requirements.txt"}


def test_oversized_files_are_noted_not_read(make_repo: GitRepoFactory) -> None:
    repo = make_repo(base={"requirements.txt": "a==1\n"}, head={"requirements.txt": "a==1\n" * 100})
    _, head, notes = dependency_sides(_changes(repo), 100)
    assert not head.files
    assert notes == ["head requirements.txt is 500 bytes, over the 100-byte limit: not scanned"]


def test_a_symlinked_lock_file_is_not_followed(make_repo: GitRepoFactory, tmp_path: Path) -> None:
    repo = make_repo(base={"requirements.txt": "a==1\n"}, head={"requirements.txt": "a==2\n"})
    (repo.path / "requirements.txt").unlink()
    (repo.path / "requirements.txt").symlink_to("/etc/passwd")
    repo.git("add", "--all")
    repo.git("commit", "--quiet", "-m", "link")
    moved = Repo(repo.path, repo.base, repo.git("rev-parse", "HEAD"))
    base, head, _ = dependency_sides(_changes(moved), 1 << 20)
    assert not head.files
    assert base.files
