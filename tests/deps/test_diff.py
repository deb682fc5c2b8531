from __future__ import annotations

from bot.deps.diff import ChangeKind, diff_files
from bot.deps.go.gomod import parse_go_mod
from bot.deps.node.package_json import parse_package_json
from bot.deps.python.locks import parse_uv_lock
from bot.deps.python.requirements import parse_requirements
from bot.deps.rust.cargo import parse_cargo_lock
from tests.deps.corpus import corpus_text


def kinds(changes: list) -> dict[str, str]:  # type: ignore[type-arg]
    return {c.name: c.kind.value for c in changes}


def test_requirements_seed_002_hidden_downgrades() -> None:
    base = parse_requirements(
        "r.txt", "cryptography>=46.0.3\nopentelemetry-instrumentation-aiohttp>=0.42b0\nbcc>=0.18.0\nflask==3.0.0\n"
    )
    head = parse_requirements(
        "r.txt", "cryptography>=45.0.0\nopentelemetry-instrumentation-aiohttp==0.41b0\nflask==3.0.3\nhttpx\n"
    )
    changes = {c.name: c for c in diff_files(base, head)}
    assert changes["cryptography"].kind is ChangeKind.DOWNGRADED and changes["cryptography"].specifier
    assert changes["cryptography"].major
    assert changes["opentelemetry-instrumentation-aiohttp"].kind is ChangeKind.DOWNGRADED
    assert changes["bcc"].kind is ChangeKind.REMOVED and changes["bcc"].line is None
    assert changes["flask"].kind is ChangeKind.UPGRADED and not changes["flask"].specifier
    assert (changes["httpx"].kind, changes["httpx"].line) == (ChangeKind.ADDED, 4)


def test_specifier_changes_without_direction() -> None:
    base = parse_requirements("r.txt", "django>=4.2\n")
    head = parse_requirements("r.txt", "django>=4.2,<5\n")
    (change,) = diff_files(base, head)
    assert change.kind is ChangeKind.CHANGED and change.specifier


def test_lock_versions_per_package_and_several_versions() -> None:
    base = parse_cargo_lock("Cargo.lock", corpus_text("c016/base/Cargo.lock"))
    head = parse_cargo_lock("Cargo.lock", corpus_text("c016/head/Cargo.lock"))
    changes = {c.name: c for c in diff_files(base, head)}
    assert (changes["bytes"].base, changes["bytes"].head, changes["bytes"].kind) == (
        "1.9.0",
        "1.10.0",
        ChangeKind.UPGRADED,
    )
    assert changes["derive_more"].major and changes["derive_more"].direct
    assert changes["winnow"].direct is False


def test_uv_lock_corpus_bump() -> None:
    base = parse_uv_lock("uv.lock", corpus_text("c006/base/uv.lock"))
    head = parse_uv_lock("uv.lock", corpus_text("c006/head/uv.lock"))
    assert kinds(diff_files(base, head)) == {
        "charset-normalizer": "upgraded",
        "platformdirs": "removed",
        "pydantic-pkgr": "upgraded",
    }


def test_go_mod_corpus_downgrade_and_directive() -> None:
    base = parse_go_mod("go.mod", corpus_text("c034/base/src/productcatalogservice/go.mod"))
    head = parse_go_mod("go.mod", corpus_text("c034/head/src/productcatalogservice/go.mod"))
    changes = {c.name: c for c in diff_files(base, head)}
    assert changes["github.com/golang/protobuf"].kind is ChangeKind.DOWNGRADED
    assert (changes["go"].base, changes["go"].head, changes["go"].kind) == ("1.19", "1.22", ChangeKind.UPGRADED)


def test_node_manifest_groups_are_kept_apart() -> None:
    base = parse_package_json("package.json", '{"dependencies": {"a": "^1.0.0"}, "devDependencies": {"b": "^2.0.0"}}')
    head = parse_package_json("package.json", '{"dependencies": {"a": "^2.0.0"}, "devDependencies": {"b": "^1.9.0"}}')
    changes = {(c.name, c.group): c for c in diff_files(base, head)}
    assert changes[("a", "")].kind is ChangeKind.UPGRADED and changes[("a", "")].major
    assert changes[("b", "dev")].kind is ChangeKind.DOWNGRADED


def test_added_and_removed_files() -> None:
    head = parse_requirements("r.txt", "flask==3.0.3\n")
    assert kinds(diff_files(None, head)) == {"flask": "added"}
    assert kinds(diff_files(head, None)) == {"flask": "removed"}


def test_a_lock_dropping_one_of_several_versions_is_no_downgrade() -> None:
    def lock(*versions: str) -> str:
        return "".join(f'lodash@^{v}:\n  version "{v}"\n\n' for v in versions)

    from bot.deps.node.yarn_lock import parse_yarn_lock

    dropped = diff_files(
        parse_yarn_lock("yarn.lock", lock("1.1.0", "4.0.0")), parse_yarn_lock("yarn.lock", lock("1.1.0"))
    )
    assert [(c.kind, c.base, c.head) for c in dropped] == [(ChangeKind.CHANGED, "1.1.0, 4.0.0", "1.1.0")]
    bumped = diff_files(
        parse_yarn_lock("yarn.lock", lock("1.1.0", "4.0.0")), parse_yarn_lock("yarn.lock", lock("1.1.0", "4.1.0"))
    )
    assert [c.kind for c in bumped] == [ChangeKind.UPGRADED]
