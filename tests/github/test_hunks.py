"""Where inline comments may go: the RIGHT-side lines of the diff's hunks (3 lines of context)."""

from __future__ import annotations

from bot.git import GitRepo
from bot.github.hunks import DiffMap, diffmap_from_files, diffmap_from_git, patch_hunks
from bot.model import ReviewedFile
from tests.support.fake_github import pull_files
from tests.support.gitrepo import GitRepoFactory

LINES = "".join(f"line {n}\n" for n in range(1, 31))


def test_hunks_with_githubs_context() -> None:
    diffmap = DiffMap({"a": ((1, 7), (20, 26))})
    assert diffmap.fits("a", 1, 1) and diffmap.fits("a", 3, 7) and diffmap.fits("a", 26, 26)
    assert not diffmap.fits("a", 8, 8)
    assert not diffmap.fits("a", 6, 21)  # two hunks: one comment cannot span them
    assert not diffmap.fits("b", 1, 1)


def test_git_and_the_files_api_agree(make_repo: GitRepoFactory) -> None:
    head = LINES.replace("line 4\n", "line four\n").replace("line 23\n", "line 23\nnew line\n")
    repo = make_repo(
        base={"Dockerfile": LINES, "old name.txt": LINES, "gone": "x\n", "no-eol": "a\nb"},
        head={
            "Dockerfile": head,
            "new name.txt": LINES.replace("line 30\n", "line thirty\n"),
            "added": "one\ntwo\n",
            "no-eol": "a\nc",
        },
    )
    paths = ["Dockerfile", "new name.txt", "added", "no-eol"]
    files = [
        ReviewedFile("Dockerfile", "dockerfile", "modified"),
        ReviewedFile("new name.txt", "text", "renamed", old_path="old name.txt"),
        ReviewedFile("added", "text", "added"),
        ReviewedFile("no-eol", "text", "modified"),
        ReviewedFile("gone", "text", "deleted"),
    ]
    from_git = diffmap_from_git(GitRepo(repo.path), repo.base, repo.head, files)
    from_api = diffmap_from_files(pull_files(repo.path, repo.base, repo.head))
    assert from_git.hunks["Dockerfile"] == ((1, 7), (21, 27))
    assert from_git.hunks["new name.txt"] == ((27, 30),)
    assert from_git.hunks["added"] == ((1, 2),)
    assert from_git.hunks["no-eol"] == ((1, 2),)
    assert {path: from_api.hunks[path] for path in paths} == dict(from_git.hunks)
    assert "gone" not in from_git.hunks and from_api.hunks.get("gone", ()) == ()


def test_a_patch_without_hunks() -> None:
    assert patch_hunks("") == ()
    assert patch_hunks("@@ -1,2 +0,0 @@\n-a\n-b") == ()
