"""Docker's .dockerignore semantics, case by case (moby/patternmatcher and BuildKit's reader)."""

from __future__ import annotations

import pytest

from bot.parsing.dockerignore import (
    MatchKind,
    compile_pattern,
    go_clean,
    ignore_file_for,
    parse_dockerignore,
)


def excluded(patterns: list[str], path: str) -> bool:
    ignore = parse_dockerignore("\n".join(patterns) + "\n")
    assert not ignore.errors, ignore.errors
    return ignore.is_excluded(path)


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        # `**` spans any number of directories, even none
        ("**", "file", True),
        ("**", "dir/file", True),
        ("**/", "file", True),
        ("**/**", "dir/file", True),
        ("dir/**", "dir/file", True),
        ("dir/**", "dir/dir2/file", True),
        ("dir/**", "dir", False),
        ("**/dir", "dir", True),
        ("**/dir", "dir/file", True),
        ("**/dir2/*", "dir/dir2/file", True),
        ("**/dir2/**", "dir/dir2/dir3/file", True),
        ("**file", "file", True),
        ("**file", "dir/dir/file", True),
        ("**/file*.txt", "dir/dir/file.txt", True),
        ("**/**/*.txt2", "dir/dir/file.txt", False),
        ("**/*.txt", "file.txt", True),
        ("a**/*.txt", "a/dir/dir/file.txt", True),
        ("**/foo/bar", "foo/bar", True),
        ("**/foo/bar", "dir/dir2/foo/bar", True),
        ("**/.foo", ".foo", True),
        ("**/.foo", "bar.foo", False),
        # `*` and `?` never cross a `/`; a pattern is anchored at the context root
        ("*", "file", True),
        ("*", "dir/file", True),  # through its parent `dir`
        ("a/*.txt", "a/dir/file.txt", False),
        ("a/*", "a/dir/file.txt", True),  # `a/dir` matches, so everything below it
        ("a*/b", "a/c/b", False),
        ("*.md", "docs/README.md", False),
        ("node_modules", "node_modules/left-pad/index.js", True),
        ("node_modules", "web/node_modules/x.js", False),
        ("abc?def", "abcZdef", True),
        ("abc?def", "abcdef", False),
        ("a?b", "a/b", False),
        # regex specials are literal, like in filepath.Match
        ("abc.def", "abcZdef", False),
        ("abc.def", "abc.def", True),
        ("a(b)c/def", "a(b)c/def", True),
        ("a.|)$(}+{bc", "a.|)$(}+{bc", True),
        ("dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", True),
        # character classes and escapes
        ("a[b-d]e", "ace", True),
        ("a[b-d]e", "aae", False),
        ("a[^b-d]e", "aze", True),
        ("ab[^c]", "abc", False),
        ("[\\]a]", "]", True),
        ("[x\\-]", "-", True),
        ("a\\*b", "a*b", True),
        ("a\\*b", "ab", False),
        ("[a-ζ]*", "α", True),
        (".*", ".env", True),
        (".*", "env", False),
        # cleaning: leading `/` and `./`, `..` and trailing `/`
        ("/secrets", "secrets/key.pem", True),
        ("./build/", "build/app.js", True),
        ("docs/../.git", ".git/HEAD", True),
    ],
)
def test_one_pattern(pattern: str, path: str, expected: bool) -> None:
    assert excluded([pattern], path) is expected


@pytest.mark.parametrize(
    ("patterns", "path", "expected"),
    [
        (["*.go", "!fileutils.go"], "fileutils.go", False),
        (["!fileutils.go", "*.go"], "fileutils.go", True),  # the last match wins
        (["docs", "!docs/README.md"], "docs/README.md", False),
        (["docs/", "!docs/README.md"], "docs/README.md", False),
        (["docs/*", "!docs/README.md"], "docs/README.md", False),
        (["docs", "!docs/README.md"], "docs/other.md", True),
        (["**", "!util/docker/web"], "util/docker/web/foo", False),
        (["**", "!util/docker/web", "util/docker/web/foo"], "util/docker/web/foo", True),
        (["*.md", "!README*.md", "README-secret.md"], "README-secret.md", True),
        (["*.md", "!README*.md", "README-secret.md"], "README.md", False),
        ([".*", "!.env.example"], ".env", True),
        ([".*", "!.env.example"], ".env.example", False),
        (["target/", "!target/keep"], "target/keep/x", False),
    ],
)
def test_exceptions_and_order(patterns: list[str], path: str, expected: bool) -> None:
    assert excluded(patterns, path) is expected


def test_reading_follows_buildkit() -> None:
    text = "\ufeff# comment\n  # not a comment\n\n/test2\n/a/file/here\n! /inverted/abs/path\nlast \r\n"
    ignore = parse_dockerignore(text)
    assert [(p.line, p.pattern, p.exception) for p in ignore.patterns] == [
        (2, "# not a comment", False),
        (4, "test2", False),
        (5, "a/file/here", False),
        (6, "inverted/abs/path", True),
        (7, "last", False),
    ]


@pytest.mark.parametrize(
    "pattern", ["[", "[^", "[^bc", "a[", "[]a]", "[-]", "[x-]", "[-x]", "[a-b-c]", "\\", "!", "[z-a]"]
)
def test_malformed_patterns_are_errors_at_their_line(pattern: str) -> None:
    ignore = parse_dockerignore(f"node_modules\n{pattern}\n")
    assert [(e.line, e.text) for e in ignore.errors] == [(2, pattern)]
    assert ignore.is_excluded("node_modules/x")  # the valid patterns still match


def test_deciding_pattern_names_the_line() -> None:
    ignore = parse_dockerignore("target/\n*.lock\n!Cargo.lock\n**/*.lock\n")
    deciding = ignore.deciding_pattern("Cargo.lock")
    assert deciding is not None and deciding.line == 4
    assert ignore.deciding_pattern("src/main.rs") is None
    assert ignore.deciding_pattern("target/debug/app").line == 1  # type: ignore[union-attr]


def test_match_kinds_follow_patternmatcher() -> None:
    kinds = {p: compile_pattern(p).kind for p in ["**", "dir/**", "**/dir", "**file", "*", "abc", "**/dir2/*", "a\\*b"]}
    assert kinds == {
        "**": MatchKind.SUFFIX,
        "dir/**": MatchKind.PREFIX,
        "**/dir": MatchKind.SUFFIX,
        "**file": MatchKind.SUFFIX,
        "*": MatchKind.REGEX,
        "abc": MatchKind.EXACT,
        "**/dir2/*": MatchKind.REGEX,
        "a\\*b": MatchKind.REGEX,
    }


@pytest.mark.parametrize(
    ("raw", "clean"),
    [("", "."), ("a//b", "a/b"), ("a/./b/", "a/b"), ("a/../../b", "../b"), ("//a", "/a"), ("/../a", "/a")],
)
def test_go_clean(raw: str, clean: str) -> None:
    assert go_clean(raw) == clean


def test_the_context_root_is_never_excluded() -> None:
    assert not excluded(["**"], ".")
    assert not excluded(["*"], "./")


def test_dockerfile_specific_ignore_file_wins() -> None:
    files = {"docker/api.Dockerfile.dockerignore", ".dockerignore", "svc/.dockerignore"}
    assert ignore_file_for("docker/api.Dockerfile", ".", files.__contains__) == "docker/api.Dockerfile.dockerignore"
    assert ignore_file_for("docker/web.Dockerfile", ".", files.__contains__) == ".dockerignore"
    assert ignore_file_for("svc/Dockerfile", "svc", files.__contains__) == "svc/.dockerignore"
    assert ignore_file_for("other/Dockerfile", "other", files.__contains__) is None
