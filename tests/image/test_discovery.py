"""Which images a review builds, from real git repositories."""

from __future__ import annotations

from bot.changes import HeadTree, build_changeset, resolve_range
from bot.git import GitRepo
from bot.image.discovery import Discovery, Repository, discover
from bot.image.settings import ImageSettings, ImageSpec
from tests.support.gitrepo import GitRepoFactory, Repo

DOCKERFILE = "FROM busybox\nCOPY app.py /app/\n"


def discovered(repo: Repo, settings: ImageSettings | None = None) -> Discovery:
    git = GitRepo.open(repo.path)
    changes = build_changeset(git, resolve_range(git, repo.base, repo.head))
    return discover(Repository.of(git, changes, HeadTree(git, changes.base)), settings or ImageSettings())


def summary(found: Discovery) -> list[tuple[str, str | None, str, str]]:
    return [(t.dockerfile, t.base_dockerfile, t.context, t.reason) for t in found.targets]


def test_changed_dockerfile_and_dockerfile_with_changed_context(make_repo: GitRepoFactory) -> None:
    base = {"a/Dockerfile": DOCKERFILE, "a/app.py": "1", "b/Dockerfile": DOCKERFILE, "b/app.py": "1", "c/x": "1"}
    head = {**base, "a/Dockerfile": DOCKERFILE + "USER 1\n", "b/app.py": "2", "c/x": "2"}
    found = discovered(make_repo(base, head))
    assert summary(found) == [
        ("a/Dockerfile", "a/Dockerfile", "a", "Dockerfile changed"),
        ("b/Dockerfile", "b/Dockerfile", "b", "build context changed: app.py"),
    ]


def test_context_is_inferred_from_copy_sources(make_repo: GitRepoFactory) -> None:
    text = "FROM busybox\nCOPY src/main.py /app/\nCOPY --from=build /x /x\nCOPY $VAR /y\n"
    repo = make_repo({"README.md": "x"}, {"docker/Dockerfile": text, "src/main.py": "1"})
    assert summary(discovered(repo)) == [("docker/Dockerfile", None, ".", "Dockerfile changed")]


def test_renamed_dockerfile_keeps_its_base_name(make_repo: GitRepoFactory) -> None:
    base = {"Dockerfile": DOCKERFILE, "app.py": "1"}
    head = {"Dockerfile.prod": DOCKERFILE, "app.py": "1"}
    assert summary(discovered(make_repo(base, head))) == [("Dockerfile.prod", "Dockerfile", ".", "Dockerfile changed")]


def test_cap_and_unbuildable_files_are_noted(make_repo: GitRepoFactory) -> None:
    head = {f"s{n}/Dockerfile": DOCKERFILE + f"# {n}\n" for n in range(3)}
    head |= {f"s{n}/app.py": "1" for n in range(3)}
    head["broken/Dockerfile"] = "FROM busybox\nFROBNICATE\n"
    found = discovered(make_repo({"README.md": "x"}, head), ImageSettings(max_images=2))
    assert [t.dockerfile for t in found.targets] == ["s0/Dockerfile", "s1/Dockerfile"]
    assert "broken/Dockerfile: does not parse (see its findings): not built" in found.notes
    assert "1 more image(s) not built (image.max-images is 2): s2/Dockerfile" in found.notes


def test_config_list_overrides_discovery(make_repo: GitRepoFactory) -> None:
    base = {"Dockerfile": DOCKERFILE, "app.py": "1", "other/Dockerfile": DOCKERFILE, "other/app.py": "1"}
    head = {**base, "app.py": "2", "other/Dockerfile": DOCKERFILE + "USER 1\n"}
    settings = ImageSettings(
        images=(
            ImageSpec("Dockerfile", ".", "runtime", {"V": "1"}),
            ImageSpec("missing/Dockerfile"),
        )
    )
    found = discovered(make_repo(base, head), settings)
    assert [(t.dockerfile, t.target, t.args) for t in found.targets] == []  # no stage named runtime
    assert "Dockerfile: no stage named 'runtime': not built" in found.notes
    assert "missing/Dockerfile (listed in image.images) is not in the head commit: not built" in found.notes
    settings = ImageSettings(images=(ImageSpec("Dockerfile", ".", None, {"V": "1"}),))
    found = discovered(make_repo(base, head), settings)
    assert [(t.dockerfile, t.reason, t.args) for t in found.targets] == [
        ("Dockerfile", "build context changed: app.py, other/Dockerfile", {"V": "1"})
    ]
