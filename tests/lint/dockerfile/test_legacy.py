"""DH141 (ENV key value) and DH142 (FROM ... as casing): BuildKit's warnings, with their fixes."""

from __future__ import annotations

from tests.support.linting import fixed, lint


def test_each_legacy_env_with_a_fix() -> None:
    text = "FROM debian:12\nENV PATH /usr/local/bin:$PATH\nENV LANG C.UTF-8\nENV A=1 B=2\nENV MSG hello world\n"
    found = lint(text, "DH141")
    assert [f.line for f in found] == [2, 3, 5]
    assert found[0].message == "`ENV PATH ...` is the legacy form: write `ENV PATH=...`"
    assert found[0].suggestion is not None and found[0].suggestion.replacement == "ENV PATH=/usr/local/bin:$PATH"


def test_a_value_with_spaces_or_quotes_gets_no_suggestion() -> None:
    for env in ("ENV MSG hello world", 'ENV MSG "hello"'):
        (found,) = lint(f"FROM debian:12\n{env}\n", "DH141")
        assert found.suggestion is None, env


def test_the_fixes_silence_the_rule() -> None:
    assert fixed("FROM debian:12\nENV PATH /opt/bin:$PATH\nENV LANG C.UTF-8\n", "DH141").splitlines()[1:] == [
        "ENV PATH=/opt/bin:$PATH",
        "ENV LANG=C.UTF-8",
    ]


def test_from_as_in_another_case_than_from() -> None:
    text = "FROM node:22 as build\nRUN make\nfrom build AS test\nFROM build AS final\n"
    assert [f.line for f in lint(text, "DH142")] == [1, 3]
    assert fixed(text, "DH142").splitlines()[0::2] == ["FROM node:22 AS build", "from build as test"]
