"""Finding the line that pins a package, and the requirements-file bump."""

from __future__ import annotations

import pytest

from bot.scan.pins import PinnedFile, command_bump, pin_line, requirement_bump
from bot.suggestions import apply_suggestion
from bot.text import split_lines

PACKAGE_LOCK_BLOCK = """{
  "packages": {
    "node_modules/lodash": {
      "version": "4.17.11",
      "resolved": "https://registry.npmjs.org/lodash/-/lodash-4.17.11.tgz"
    }
  }
}"""

UV_LOCK = """version = 1

[[package]]
name = "app"
version = "2.19.0"

[[package]]
name = "Requests"
version = "2.19.0"
source = { registry = "https://pypi.org/simple" }
"""


def test_inside_trivys_block_the_version_line_is_the_pin() -> None:
    assert pin_line(split_lines(PACKAGE_LOCK_BLOCK), "lodash", "4.17.11", 3, 6) == 4


def test_pipfile_lock_versions_carry_their_operator() -> None:
    lines = ['"requests": {', '  "hashes": [],', '  "version": "==2.19.0"', "}"]
    assert pin_line(lines, "requests", "2.19.0", 1, 4) == 3


def test_a_one_line_location_is_the_pin() -> None:
    assert pin_line(["flask==2.3.0", "requests==2.19.0"], "requests", "2.19.0", 2, 2) == 2


def test_without_trivys_lines_the_dependency_parser_finds_the_entry_and_its_version_line() -> None:
    assert PinnedFile.of("uv.lock", UV_LOCK).line_of("requests", "2.19.0", None, None) == 9
    go_mod = "module x\n\ngo 1.21\n\nrequire (\n\tgolang.org/x/net v0.17.0\n\tgolang.org/x/text v0.3.7\n)\n"
    assert PinnedFile.of("go.mod", go_mod).line_of("golang.org/x/text", "0.3.7", None, None) == 7


def test_other_formats_are_searched_for_name_and_version() -> None:
    go_mod = ["module x", "", "require (", "\tgolang.org/x/net v0.17.0", "\tgolang.org/x/text v0.3.7", ")"]
    assert pin_line(go_mod, "golang.org/x/text", "v0.3.7", None, None) == 5
    assert pin_line(["  /lodash@4.17.11:", "  /lodash-es@4.17.11:"], "lodash-es", "4.17.11", None, None) == 2


def test_a_package_the_text_does_not_show_has_no_line() -> None:
    assert pin_line(["a==1"], "requests", "2.19.0", None, None) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("requests==2.19.0", "requests==2.32.4"),
        (
            "Requests[socks] == 2.19.0 ; python_version > '3'  # pinned",
            "Requests[socks] == 2.32.4 ; python_version > '3'  # pinned",
        ),
        ("requests===2.19.0", "requests===2.32.4"),
        ("  python_requests==2.19.0", None),
        ("requests>=2.19.0", None),
        ("requests==2.19.1", None),
    ],
)
def test_requirement_bump(line: str, expected: str | None) -> None:
    suggestion = requirement_bump([line], 1, "requests", "2.19.0", "2.32.4")
    assert (suggestion.replacement if suggestion else None) == expected


def test_the_bump_replaces_only_its_line_and_keeps_the_original() -> None:
    text = "flask==2.3.2\nrequests==2.19.0\nurllib3==2.2.2\n"
    suggestion = requirement_bump(split_lines(text), 2, "requests", "2.19.0", "2.32.4")
    assert suggestion is not None and suggestion.original == "requests==2.19.0"
    assert apply_suggestion(text, suggestion) == "flask==2.3.2\nrequests==2.32.4\nurllib3==2.2.2\n"


def test_no_bump_when_hashes_would_no_longer_match() -> None:
    lines = ["requests==2.19.0 \\", "    --hash=sha256:abc"]
    assert requirement_bump(lines, 1, "requests", "2.19.0", "2.32.4") is None


def test_a_runs_pins_are_bumped_in_one_suggestion() -> None:
    lines = [
        "FROM python:3.12-slim",
        "RUN pip install --no-cache-dir \\",
        "    Flask==2.3.0 python_dateutil==2.8.0 requests==2.19.0 \\",
        "  && npm install -g lodash@4.17.11",
    ]
    bumps = [
        ("pip", "flask", "2.3.0", "2.3.2"),
        ("pip", "requests", "2.19.0", "2.32.4"),
        ("npm", "lodash", "4.17.11", "4.17.21"),
    ]
    suggestion = command_bump(lines, 2, 4, bumps)
    assert suggestion is not None and (suggestion.start, suggestion.end) == (2, 4)
    assert suggestion.replacement.split("\n")[1:] == [
        "    Flask==2.3.2 python_dateutil==2.8.0 requests==2.32.4 \\",
        "  && npm install -g lodash@4.17.21",
    ]


def test_a_run_without_the_pin_gets_no_suggestion() -> None:
    assert (
        command_bump(["RUN pip install -r requirements.txt"], 1, 1, [("pip", "requests", "2.19.0", "2.32.4")]) is None
    )


def test_a_yarn_berry_entry_pins_on_its_unquoted_version_line() -> None:
    lines = ['"lodash@npm:^4.17.11":', "  version: 4.17.11", '  resolution: "lodash@npm:4.17.11"', "  linkType: hard"]
    assert pin_line(lines, "lodash", "4.17.11", 1, 4) == 2
    assert pin_line(lines, "lodash", "4.17.12", 1, 4) == 1
