"""JSON (the stable contract), SARIF 2.1.0 (as GitHub code scanning reads it) and HTML."""

from __future__ import annotations

import json

from bot.model import Suppressed
from bot.report.html import render_html
from bot.report.json_report import render_json
from bot.report.sarif import render_sarif
from tests.support.reviews import BASE, HEAD, sample_finding, sample_review


def test_json_contract_version_1() -> None:
    review = sample_review(suppressed=(Suppressed(sample_finding(rule="DH101"), "root on purpose"),))
    data = json.loads(render_json(review))
    assert data["version"] == 1
    assert (data["base"], data["head"], data["verdict"]) == (BASE, HEAD, "warn")
    (finding,) = data["findings"]
    assert finding == {
        "rule": "DH102",
        "severity": "medium",
        "path": "Dockerfile",
        "line": 3,
        "end_line": 3,
        "column": None,
        "in_diff": True,
        "new": True,
        "message": "CMD in shell form: `/bin/sh` becomes PID 1",
        "suggestion": {"start": 3, "end": 3, "replacement": 'CMD ["app"]'},
        "docs": "https://example.invalid/rules#dh102",
        "fingerprint": "f" * 20,
    }
    assert data["sections"]["dockerfile"]["files"] == 1
    assert data["suppressed"][0]["reason"] == "root on purpose"
    assert isinstance(data["notes"], list)


def test_json_never_carries_the_suggestion_original() -> None:
    """The original text is for display (and may be masked); JSON consumers apply the replacement."""
    assert "original" not in render_json(sample_review())


def test_sarif_has_what_github_code_scanning_requires() -> None:
    no_line = sample_finding(rule="shellcheck:SC2086", line=None, end_line=None, suggestion=None)
    sarif = json.loads(render_sarif(sample_review([sample_finding(), no_line])))
    assert sarif["version"] == "2.1.0"
    assert sarif["$schema"].endswith("sarif-2.1.0.json")
    (run,) = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "dockhand"
    rule_ids = [rule["id"] for rule in driver["rules"]]
    assert rule_ids == ["DH102", "shellcheck:SC2086"]
    assert driver["rules"][0]["helpUri"].endswith("#dh102-shell-form-command")
    for result in run["results"]:
        assert result["ruleId"] == rule_ids[result["ruleIndex"]]
        assert result["level"] in {"error", "warning", "note"}
        assert result["message"]["text"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "Dockerfile"
        assert location["region"]["startLine"] >= 1
        assert result["partialFingerprints"]
    fix = run["results"][0]["fixes"][0]["artifactChanges"][0]["replacements"][0]
    assert fix == {"deletedRegion": {"startLine": 3, "endLine": 3}, "insertedContent": {"text": 'CMD ["app"]'}}


def test_html_is_a_standalone_page_of_the_same_report() -> None:
    page = render_html(sample_review([sample_finding(message="evil <script>alert(1)</script>")]))
    assert page.startswith("<!DOCTYPE html>")
    assert "<table>" in page
    assert "<details>" in page
    assert "<script>" not in page
    assert "&lt;script&gt;" in page
