from dataclasses import replace

from bot.catalog import rule_codes
from bot.filekinds import comment_leader
from bot.github.bodies import silencing
from bot.model import Finding, Severity
from bot.suppress import read_pragma, split_suppressed


def finding(rule: str, line: int) -> Finding:
    return Finding(rule, Severity.HIGH, "Dockerfile", line, line, "m")


def test_pragma_with_reason_on_the_line_above() -> None:
    lines = ["# dockhand ignore=DH101 the action's container must run as root", "FROM python:3.12"]
    kept, suppressed = split_suppressed([finding("DH101", 2), finding("DH102", 2)], lines, rule_codes())
    assert [f.rule for f in kept] == ["DH102"]
    assert [(s.finding.rule, s.reason) for s in suppressed] == [("DH101", "the action's container must run as root")]


def test_hadolint_codes_map_to_our_rules() -> None:
    lines = ["FROM debian", "# hadolint ignore=DL3008,DL3015", "RUN apt-get install -y x"]
    kept, suppressed = split_suppressed([finding("DH103", 3)], lines, rule_codes())
    assert kept == []
    assert suppressed[0].reason == ""


def test_the_comment_block_above_counts_but_not_further() -> None:
    lines = ["# dockhand ignore=DH103", "# another comment", "RUN x", "RUN y"]
    kept, _ = split_suppressed([finding("DH103", 3), finding("DH103", 4)], lines, rule_codes())
    assert [f.line for f in kept] == [4]


def test_global_pragma_and_same_line_comment() -> None:
    lines = ["# dockhand global ignore=DH105 - we use a pip cache mount everywhere", "x: 1  # dockhand ignore=DH201"]
    kept, suppressed = split_suppressed(
        [finding("DH105", 40), finding("DH201", 2), finding("DH202", 2)], lines, rule_codes()
    )
    assert [f.rule for f in kept] == ["DH202"]
    assert suppressed[0].reason == "we use a pip cache mount everywhere"


def test_tool_prefixed_rules_match_their_bare_code() -> None:
    lines = ["# hadolint ignore=SC2086", "RUN echo $x"]
    kept, _ = split_suppressed([finding("shellcheck:SC2086", 2)], lines, rule_codes())
    assert kept == []


def test_read_pragma() -> None:
    pragma = read_pragma("# dockhand ignore=dh101, root-user  because", rule_codes())
    assert pragma is not None
    assert pragma.rules == {"DH101"}
    assert pragma.reason == "because"
    assert read_pragma("# just a comment about ignore", rule_codes()) is None


def test_go_mod_ignore_comments_start_with_slashes_and_json_has_none() -> None:
    go_mod = ["module x", "", "// dockhand ignore=DH401 pinned back until the fix lands", "require a.b/c v0.23.0"]
    downgrade = Finding("DH401", Severity.MEDIUM, "go.mod", 4, 4, "m")
    kept, suppressed = split_suppressed([downgrade], go_mod, rule_codes(), comment_leader("go.mod"))
    assert kept == [] and suppressed[0].reason == "pinned back until the fix lands"
    hashed = ["# dockhand ignore=DH401 x", "require a.b/c v0.23.0"]  # not a go.mod comment: it would not parse
    assert split_suppressed([replace(downgrade, line=2)], hashed, rule_codes(), "//")[1] == []
    assert comment_leader("web/package.json") is None and comment_leader("go.sum") is None
    assert comment_leader("Dockerfile") == "#" and comment_leader("docs/notes.md") == "#"


def test_inline_comments_say_how_to_silence_in_the_files_own_syntax() -> None:
    assert "`// dockhand ignore=DH401 <reason>`" in silencing(Finding("DH401", Severity.MEDIUM, "go.mod", 4, 4, "m"))
    assert "`# dockhand ignore=DH101 <reason>`" in silencing(finding("DH101", 2))
    json_hint = silencing(Finding("DH401", Severity.MEDIUM, "package.json", 4, 4, "m"))
    assert json_hint.startswith("this file cannot hold comments") and "rules: disable" in json_hint
