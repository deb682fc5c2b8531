from __future__ import annotations

import json

from bot.deps.node.package_lock import parse_package_lock
from tests.deps.corpus import corpus_text


def _lines_hold_names(text: str, parsed_names: list[tuple[str, int | None]]) -> None:
    lines = text.split("\n")
    for name, line in parsed_names:
        assert line is not None
        assert f'{name}"' in lines[line - 1]


def test_v3_from_the_corpus() -> None:
    text = corpus_text("c019/head/react-nginx/package-lock.json")
    parsed = parse_package_lock("package-lock.json", text)
    assert parsed.error is None and parsed.extra["lock-version"] in ("2", "3")
    direct = {d.name for d in parsed.dependencies if d.direct}
    assert "react" in direct
    _lines_hold_names(text, [(d.name, d.line) for d in parsed.dependencies])


def test_v1_nested_dependencies_from_the_corpus() -> None:
    text = corpus_text("c018/base/react-express-mysql/backend/package-lock.json")
    parsed = parse_package_lock("package-lock.json", text)
    assert parsed.error is None and parsed.extra["lock-version"] == "1"
    assert any(d.direct is False for d in parsed.dependencies)  # nested: never direct
    assert any(d.direct is None for d in parsed.dependencies)  # top level: package.json decides
    _lines_hold_names(text, [(d.name, d.line) for d in parsed.dependencies])


def test_v2_workspaces_and_nested_versions() -> None:
    lock = {
        "name": "root",
        "lockfileVersion": 2,
        "packages": {
            "": {"name": "root", "workspaces": ["packages/a"], "dependencies": {"lodash": "^4.17.0"}},
            "packages/a": {"name": "a", "dependencies": {"debug": "^4"}},
            "node_modules/a": {"resolved": "packages/a", "link": True},
            "node_modules/lodash": {"version": "4.17.21", "integrity": "sha512-x"},
            "node_modules/debug": {"version": "4.3.4"},
            "node_modules/debug/node_modules/ms": {"version": "2.1.2", "dev": True},
            "node_modules/ms": {"version": "2.1.3"},
        },
    }
    text = json.dumps(lock, indent=2)
    parsed = parse_package_lock("package-lock.json", text)
    assert {(d.name, d.version, d.direct, d.group) for d in parsed.dependencies} == {
        ("lodash", "4.17.21", True, ""),
        ("debug", "4.3.4", True, ""),
        ("ms", "2.1.2", False, "dev"),
        ("ms", "2.1.3", False, ""),
    }
    assert "packages/a" in parsed.members


def test_truncated_lock_is_an_error_at_its_line() -> None:
    parsed = parse_package_lock("package-lock.json", '{\n  "lockfileVersion": 3,\n  "packages": {\n')
    assert parsed.error is not None and parsed.error.line == 4
