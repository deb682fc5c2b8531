from __future__ import annotations

from tests.deps.review import findings, review, section
from tests.support.gitrepo import GitRepoFactory


def test_hit_at_the_line_where_parsing_stops(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, {"go.mod": "module x\n"}, {"go.mod": "module x\n\ngo 1.22\nrequires a v1.0.0\n"})
    (finding,) = findings(result, "DH400")
    assert (finding.line, finding.in_diff, finding.new) == (4, True, True)
    assert "unknown directive" in finding.message
    assert any("does not parse" in note for note in section(result).notes)


def test_miss_when_the_file_parses(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, {"go.mod": "module x\n"}, {"go.mod": "module x\n\ngo 1.22\n"})
    assert findings(result, "DH400") == []


def test_the_rest_of_the_review_goes_on(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo,
        {"package.json": '{"dependencies": {}}', "requirements.txt": "flask==3.0.0\n"},
        {"package.json": '{"dependencies": {\n', "requirements.txt": "flask==2.0.0\n"},
    )
    assert [f.line for f in findings(result, "DH400")] == [2]
    assert [f.path for f in findings(result, "DH401")] == ["requirements.txt"]
