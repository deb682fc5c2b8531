from bot.git import parse_added_lines, parse_raw_diff, unquote_path
from bot.text import decode, split_lines


def test_raw_diff_with_renames() -> None:
    out = (
        b":100644 100644 aaa bbb M\0Dockerfile\0"
        b":100644 100644 ccc ddd R087\0old/compose.yml\0new/compose.yml\0"
        b":000000 100644 000 eee A\0a b/requirements.txt\0"
    )
    changes = list(parse_raw_diff(out))
    assert [(c.status, c.path, c.old_path) for c in changes] == [
        ("M", "Dockerfile", None),
        ("R", "new/compose.yml", "old/compose.yml"),
        ("A", "a b/requirements.txt", None),
    ]


def test_unquote_path() -> None:
    assert unquote_path('"tab\\there"') == "tab\there"
    assert unquote_path('"caf\\303\\251"') == "café"
    assert unquote_path("plain/path") == "plain/path"


def test_added_lines_from_zero_context_hunks() -> None:
    patch = (
        b"diff --git a/Dockerfile b/Dockerfile\n--- a/Dockerfile\n+++ b/Dockerfile\n"
        b"@@ -2 +2,2 @@\n-x\n+y\n+z\n@@ -9,2 +10,0 @@\n-gone\n-gone\n"
        b"diff --git a/my file b/my file\n--- a/my file\t\n+++ b/my file\t\n@@ -1 +1 @@\n-a\n+b\n"
        b"diff --git a/gone b/gone\n--- a/gone\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n"
    )
    assert parse_added_lines(patch) == {"Dockerfile": {2, 3}, "my file": {1}}


def test_decode_and_split_lines() -> None:
    assert decode(b"\xef\xbb\xbfFROM a\r\n").text == "FROM a\n"
    assert split_lines("a\n\x0cb\u2028c\n") == ["a", "\x0cb\u2028c"]
    assert split_lines("") == []
    assert split_lines("no newline") == ["no newline"]
