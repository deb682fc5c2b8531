from __future__ import annotations

from bot.deps.model import Source
from bot.deps.python.requirements import parse_requirements
from tests.deps.corpus import corpus_text

REQUIREMENTS = """\
# app requirements
-r base.txt
--constraint ../constraints.txt
--index-url https://pypi.example.com/simple
Flask[async]>=2.0 ; python_version >= "3.8"  # web
requests==2.31.0 \\
    --hash=sha256:aaaa \\
    --hash=sha256:bbbb
-e git+https://github.com/org/bee.git@main#egg=bee
git+https://github.com/org/cee.git@0123456789abcdef0123456789abcdef01234567#egg=cee
https://example.com/pkgs/dee-1.0.tar.gz#sha256=abcdef
https://example.com/pkgs/eff-2.0.tar.gz
./local/pkg
gee @ https://example.com/gee-1.0-py3-none-any.whl
torch
"""


def test_reads_every_kind_of_line() -> None:
    parsed = parse_requirements("app/requirements.txt", REQUIREMENTS)
    assert parsed.error is None
    assert [(i.path, i.line, i.constraint) for i in parsed.includes] == [
        ("app/base.txt", 2, False),
        ("constraints.txt", 3, True),
    ]
    by_name = {d.name: d for d in parsed.dependencies}
    assert list(by_name) == ["flask", "requests", "bee", "cee", "dee", "eff", "pkg", "gee", "torch"]
    flask = by_name["flask"]
    assert (flask.spec, flask.line, flask.marker, flask.display) == (">=2.0", 5, 'python_version >= "3.8"', "Flask")
    assert (by_name["requests"].version, by_name["requests"].line) == ("2.31.0", 6)
    assert (by_name["bee"].source, by_name["bee"].pinned, by_name["bee"].line) == (Source.GIT, False, 9)
    assert by_name["cee"].pinned
    assert (by_name["dee"].source, by_name["dee"].pinned) == (Source.URL, True)
    assert not by_name["eff"].pinned
    assert by_name["pkg"].source is Source.PATH
    assert (by_name["gee"].source, by_name["gee"].pinned) == (Source.URL, False)
    assert by_name["torch"].spec == ""


def test_a_bad_requirement_is_an_error_at_its_line() -> None:
    parsed = parse_requirements("requirements.txt", "flask==3.0\nrequests>=2.31 ; python_version >= 3.8\n")
    assert parsed.error is not None
    assert parsed.error.line == 2
    assert "not a valid requirement" in parsed.error.message


def test_an_unknown_option_is_an_error() -> None:
    parsed = parse_requirements("requirements.txt", "flask\n--frobnicate\n")
    assert parsed.error is not None and parsed.error.line == 2


def test_pip_compile_annotations_tell_direct_from_transitive() -> None:
    text = corpus_text("c038/head/src/shoppingassistantservice/requirements.txt")
    parsed = parse_requirements("requirements.txt", text)
    direct = {d.name for d in parsed.dependencies if d.direct}
    assert "flask" in direct
    assert "cryptography" not in direct  # "# via ... google-auth" etc.
    cryptography = next(d for d in parsed.dependencies if d.name == "cryptography")
    assert cryptography.version == "46.0.5"
    assert text.split("\n")[cryptography.line - 1].startswith("cryptography==46.0.5")


def test_uv_annotations_via_pyproject_are_direct() -> None:
    parsed = parse_requirements("requirements.txt", corpus_text("c006/head/requirements.txt"))
    by_name = {d.name: d for d in parsed.dependencies}
    assert by_name["atomicwrites"].direct is True  # "# via archivebox (pyproject.toml)"
    assert by_name["annotated-types"].direct is False  # "# via pydantic"


def test_crlf_corpus_file_reads_like_lf() -> None:
    parsed = parse_requirements("requirements.txt", corpus_text("c039/head/src/recommendationservice/requirements.txt"))
    assert parsed.error is None
    assert all(d.version for d in parsed.dependencies)
