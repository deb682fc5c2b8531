from __future__ import annotations

from bot.deps.go.gomod import parse_go_mod, parse_go_sum
from bot.deps.model import Source
from tests.deps.corpus import corpus_text

GO_MOD = """\
module example.com/svc

go 1.22
toolchain go1.22.3

require github.com/google/uuid v1.6.0

require (
\tgithub.com/golang/protobuf v1.5.4 // indirect
\tgolang.org/x/net v0.0.0-20240226150601-1dcf73103ae2
\t"github.com/quoted/mod" v2.0.0+incompatible
)

replace github.com/old/mod v1.0.0 => ../mod
exclude golang.org/x/text v0.3.0
retract v0.1.0
"""


def test_directives_requires_replaces_with_lines() -> None:
    parsed = parse_go_mod("go.mod", GO_MOD)
    assert parsed.error is None and parsed.project == "example.com/svc"
    found = {(d.name, d.group): d for d in parsed.dependencies}
    assert found[("go", "directive")].version == "1.22"
    assert found[("toolchain", "directive")].version == "1.22.3"
    assert (found[("github.com/google/uuid", "")].line, found[("github.com/google/uuid", "")].direct) == (6, True)
    assert found[("github.com/golang/protobuf", "")].direct is False
    assert found[("golang.org/x/net", "")].version == "v0.0.0-20240226150601-1dcf73103ae2"
    assert found[("github.com/quoted/mod", "")].line == 11
    replace = found[("github.com/old/mod", "replace")]
    assert (replace.source, replace.line, replace.marker) == (Source.PATH, 14, "v1.0.0")
    assert found[("golang.org/x/text", "exclude")].line == 15


def test_errors_at_their_lines() -> None:
    assert parse_go_mod("go.mod", "module x\nrequire (\n\ta v1.0.0\n").error.line == 2  # type: ignore[union-attr]
    assert parse_go_mod("go.mod", "module x\nrequires a v1\n").error.line == 2  # type: ignore[union-attr]
    assert parse_go_mod("go.mod", "module x\nrequire a 1.0\n").error.line == 2  # type: ignore[union-attr]


def test_go_sum_from_the_corpus() -> None:
    text = corpus_text("c045/head/token-sdk/auditor/go.sum")
    parsed = parse_go_sum("go.sum", text)
    assert parsed.error is None
    quic = [d for d in parsed.dependencies if d.name == "github.com/quic-go/quic-go" and not d.group]
    assert [d.version for d in quic] == ["v0.49.1"]
    assert any(d.group == "go.mod" for d in parsed.dependencies)  # only the go.mod is hashed
    broken = parse_go_sum("go.sum", text.split("\n", 1)[0] + "\nnot a line\n")
    assert broken.error is not None and broken.error.line == 2
