from __future__ import annotations

from bot.deps.node.pnpm_lock import parse_pnpm_lock

V9 = """\
lockfileVersion: '9.0'

settings:
  autoInstallPeers: true

importers:

  .:
    dependencies:
      react:
        specifier: ^18.2.0
        version: 18.3.1
    devDependencies:
      typescript:
        specifier: ~5.4.0
        version: 5.4.5

packages:

  js-tokens@4.0.0:
    resolution: {integrity: sha512-RdJUflcE3cUzKiMqQgsCu06FPu9UdIJO0beYbPhHN4k=}

  react@18.3.1:
    resolution: {integrity: sha512-wS+hAgJShR0KhEvPJArfuPVN1+Hz1t0Y6n5jLrGQbkb4urgPE=}
    engines: {node: '>=0.10.0'}

  typescript@5.4.5:
    resolution: {integrity: sha512-vcI4UpRgg81oIRUFwR0WSIHKt11nJ7SAVlYNIu+QpqeyXP+gpQJy/Z4+F0aGxSE=}
    hasBin: true

snapshots:

  react@18.3.1:
    dependencies:
      loose-envify: 1.4.0
"""

V6 = """\
lockfileVersion: '6.0'

dependencies:
  react:
    specifier: ^18.2.0
    version: 18.2.0

packages:

  /@babel/core@7.24.0(supports-color@5.5.0):
    resolution: {integrity: sha512-x}
    dev: true

  /react@18.2.0:
    resolution: {integrity: sha512-y}
    dev: false
"""

V5 = """\
lockfileVersion: 5.4

specifiers:
  react: ^17.0.2

dependencies:
  react: 17.0.2

packages:

  /@babel/core/7.17.0_supports-color@5.5.0:
    resolution: {integrity: sha512-x}
    dev: true

  /react/17.0.2:
    resolution: {integrity: sha512-y}
    dev: false
"""


def test_v9() -> None:
    parsed = parse_pnpm_lock("pnpm-lock.yaml", V9)
    assert parsed.error is None
    found = {d.name: d for d in parsed.dependencies}
    assert (found["react"].version, found["react"].direct, found["react"].line) == ("18.3.1", True, 23)
    assert found["react"].ranges == ("^18.2.0",)
    assert found["typescript"].direct is True
    assert found["js-tokens"].direct is False


def test_v6_and_v5_keys() -> None:
    v6 = {d.name: d for d in parse_pnpm_lock("pnpm-lock.yaml", V6).dependencies}
    assert (v6["@babel/core"].version, v6["@babel/core"].group) == ("7.24.0", "dev")
    assert (v6["react"].version, v6["react"].ranges) == ("18.2.0", ("^18.2.0",))
    v5 = {d.name: d for d in parse_pnpm_lock("pnpm-lock.yaml", V5).dependencies}
    assert v5["@babel/core"].version == "7.17.0"
    assert (v5["react"].version, v5["react"].ranges, v5["react"].line) == ("17.0.2", ("^17.0.2",), 15)


def test_yaml_outside_the_fast_subset_is_read_by_the_full_parser() -> None:
    text = V6.replace("  react:\n    specifier: ^18.2.0", "  react:\n    specifier: >-\n      ^18.2.0")
    parsed = parse_pnpm_lock("pnpm-lock.yaml", text)
    assert parsed.error is None
    assert {d.name for d in parsed.dependencies} == {"@babel/core", "react"}
    react = next(d for d in parsed.dependencies if d.name == "react")
    assert (react.line, react.group) == (15, "")
    assert next(d for d in parsed.dependencies if d.name == "@babel/core").group == "dev"


def test_broken_yaml_is_an_error_at_its_line() -> None:
    parsed = parse_pnpm_lock("pnpm-lock.yaml", "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    x: [1, 2\n  b: {\n")
    assert parsed.error is not None
    assert parsed.error.line >= 4
