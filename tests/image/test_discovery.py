"""Which images a review builds, from real git repositories."""

from __future__ import annotations

from bot.changes import build_changeset, resolve_range
from bot.git import GitRepo
from bot.image.discovery import Discovery, Repository, discover
from bot.image.settings import ImageSettings, ImageSpec
from tests.support.gitrepo import GitRepoFactory, Repo

DOCKERFILE = "FROM busybox\nCOPY app.py /app/\n"


def discovered(repo: Repo, settings: ImageSettings | None = None) -> Discovery:
    git = GitRepo.open(repo.path)
    changes = build_changeset(git, resolve_range(git, repo.base, repo.head))
    return discover(Repository.of(git, changes), settings or ImageSettings())


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
    expected = ("Dockerfile.prod", "Dockerfile", ".", "Dockerfile renamed from `Dockerfile`")
    assert summary(discovered(make_repo(base, head))) == [expected]


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


def test_changes_the_dockerignore_excludes_do_not_rebuild(make_repo: GitRepoFactory) -> None:
    base = {
        "Dockerfile": "FROM busybox\nCOPY . /app\n",
        ".dockerignore": "docs/\n*.md\n!KEEP.md\n",
        "docs/guide.txt": "1",
        "README.md": "1",
        "KEEP.md": "1",
    }
    ignored = {**base, "docs/guide.txt": "2", "README.md": "2"}
    assert discovered(make_repo(base, ignored)).targets == ()
    sent = {**ignored, "KEEP.md": "2"}
    assert summary(discovered(make_repo(base, sent))) == [
        ("Dockerfile", "Dockerfile", ".", "build context changed: KEEP.md")
    ]


def test_dockerfile_specific_ignore_file_wins(make_repo: GitRepoFactory) -> None:
    base = {
        "app/Dockerfile": DOCKERFILE,
        "app/Dockerfile.dockerignore": "notes.txt\n",
        "app/app.py": "1",
        "app/notes.txt": "1",
    }
    assert discovered(make_repo(base, {**base, "app/notes.txt": "2"})).targets == ()


def test_compose_build_entries_give_context_target_and_args(make_repo: GitRepoFactory) -> None:
    compose = (
        "services:\n"
        "  web:\n"
        "    build:\n"
        "      context: ./web\n"
        "      dockerfile: docker/Dockerfile\n"
        "      target: runtime\n"
        "      args:\n"
        "        VERSION: '1'\n"
        "        FROM_ENV:\n"
        "  db:\n"
        "    image: postgres:16\n"
    )
    dockerfile = "FROM busybox AS runtime\nCOPY app.py /app/\n"
    base = {"compose.yaml": compose, "web/docker/Dockerfile": dockerfile, "web/app.py": "1"}
    found = discovered(make_repo(base, {**base, "web/app.py": "2"}))
    assert [(t.dockerfile, t.context, t.target, t.args, t.service, t.reason) for t in found.targets] == [
        ("web/docker/Dockerfile", "web", "runtime", {"VERSION": "1"}, "web", "build context changed: app.py")
    ]
    assert any("takes build args FROM_ENV from the environment" in note for note in found.notes)
    args_changed = {**base, "compose.yaml": compose.replace("VERSION: '1'", "VERSION: '2'")}
    found = discovered(make_repo(base, args_changed))
    assert [(t.args, t.reason) for t in found.targets] == [
        ({"VERSION": "2"}, "build settings of service web changed in compose.yaml")
    ]
