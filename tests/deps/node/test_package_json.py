from __future__ import annotations

from bot.deps.model import Source
from bot.deps.node.package_json import parse_package_json

PACKAGE = """{
  "name": "web",
  "private": true,
  "dependencies": {
    "express": "^4.19.2",
    "lodash": "4.17.21",
    "left-pad": "github:stevemao/left-pad#v1.3.0",
    "ui": "workspace:*",
    "my-react": "npm:react@^18.2.0",
    "tool": "https://example.com/tool-1.0.0.tgz",
    "lodash": "4.17.20"
  },
  "devDependencies": {
    "jest": "^29.7.0",
    "express": "^4.18.0"
  },
  "peerDependencies": {"react": ">=17"}
}
"""


def test_reads_every_section_with_lines_and_kinds() -> None:
    parsed = parse_package_json("package.json", PACKAGE)
    assert parsed.error is None
    assert parsed.application is True and parsed.project == "web"
    found = {(d.name, d.group): d for d in parsed.dependencies}
    assert found[("express", "")].line == 5
    assert found[("lodash", "")].spec == "4.17.20"  # JSON keeps the last of two keys ...
    assert parsed.duplicates == (("lodash", 11),)  # ... and we remember the one it dropped
    assert (found[("lodash", "")].version, found[("express", "")].version) == ("4.17.20", None)  # exact pins only
    assert found[("my-react", "")].version is None
    assert (found[("left-pad", "")].source, found[("left-pad", "")].pinned) == (Source.GIT, False)
    assert found[("ui", "")].source is Source.WORKSPACE
    assert found[("my-react", "")].source is Source.REGISTRY
    assert found[("tool", "")].source is Source.URL
    assert (found[("express", "dev")].line, found[("jest", "dev")].line) == (15, 14)
    assert found[("react", "peer")].line == 17


def test_invalid_json_is_an_error_at_its_line() -> None:
    parsed = parse_package_json("package.json", '{\n  "dependencies": {\n    "a": "1",\n  }\n}\n')
    assert parsed.error is not None and parsed.error.line == 4
