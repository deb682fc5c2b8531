from __future__ import annotations

from tests.deps.review import applied, findings, review
from tests.support.gitrepo import GitRepoFactory

REQUIREMENTS = "requests==2.32.3\nflask==3.0.3\nrequests==2.32.3\n"


def test_hit_an_exact_duplicate_and_its_suggestion_silences_the_rule(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, {}, {"requirements.txt": REQUIREMENTS})
    (finding,) = findings(result, "DH405")
    assert finding.line == 3 and finding.suggestion is not None
    fixed = applied(REQUIREMENTS, finding)
    assert fixed == "requests==2.32.3\nflask==3.0.3\n"
    assert findings(review(make_repo, {}, {"requirements.txt": fixed}), "DH405") == []


def test_hit_conflicting_entries_without_a_suggestion(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, {}, {"requirements.txt": "requests==2.32.3\nrequests==2.31.0\n"})
    (finding,) = findings(result, "DH405")
    assert finding.suggestion is None and "different versions" in finding.message


def test_hit_json_duplicate_keys_and_dev_conflicts(make_repo: GitRepoFactory) -> None:
    package = (
        '{\n  "dependencies": {\n    "lodash": "^4.17.20",\n    "express": "^4.19.2",\n'
        '    "lodash": "^4.17.21"\n  },\n  "devDependencies": {\n    "express": "^4.18.0"\n  }\n}\n'
    )
    result = review(make_repo, {}, {"package.json": package})
    assert sorted(f.line for f in findings(result, "DH405")) == [5, 8]


def test_miss_markers_that_differ_and_extras_of_one_version(make_repo: GitRepoFactory) -> None:
    text = (
        'numpy>=1.26; python_version >= "3.9"\nnumpy<1.25; python_version < "3.9"\n'
        "python-benedict[io]==0.33.2\npython-benedict[xml]==0.33.2\n"
    )
    assert findings(review(make_repo, {}, {"requirements.txt": text}), "DH405") == []
