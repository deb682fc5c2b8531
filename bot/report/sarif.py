"""Review -> SARIF 2.1.0, as GitHub code scanning (`upload-sarif`) accepts it."""

from __future__ import annotations

import json
from typing import Any

from bot import __version__
from bot.catalog import rules_by_id
from bot.model import Finding, Review, Severity
from bot.rule import DOCS_URL

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVELS = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}
_SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
    Severity.INFO: "1.0",
}


def render_sarif(review: Review) -> str:
    return json.dumps(review_to_sarif(review), indent=2) + "\n"


def review_to_sarif(review: Review) -> dict[str, Any]:
    rule_ids = sorted({f.rule for f in review.findings})
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "dockhand",
                        "version": __version__,
                        "informationUri": DOCS_URL,
                        "rules": [_rule(rule_id) for rule_id in rule_ids],
                    }
                },
                "results": [_result(finding, rule_ids.index(finding.rule)) for finding in review.findings],
            }
        ],
    }


def _rule(rule_id: str) -> dict[str, Any]:
    known = rules_by_id().get(rule_id)
    if known is None:  # findings of other tools (shellcheck:SC2086, trivy:CVE-...)
        return {"id": rule_id, "name": rule_id.replace(":", "-"), "shortDescription": {"text": rule_id}}
    return {
        "id": known.id,
        "name": known.name,
        "shortDescription": {"text": known.summary},
        "fullDescription": {"text": known.docs.what},
        "helpUri": known.url,
        "help": {"text": known.docs.fix, "markdown": known.docs.fix},
        "defaultConfiguration": {"level": _LEVELS[known.severity]},
        "properties": {"security-severity": _SECURITY_SEVERITY[known.severity], "precision": "high"},
    }


def _result(finding: Finding, rule_index: int) -> dict[str, Any]:
    start = finding.line or 1
    region = {"startLine": start, "endLine": max(finding.end_line or start, start)}
    if finding.column is not None:
        region["startColumn"] = finding.column
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": rule_index,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": finding.path}, "region": region}}],
        "partialFingerprints": {"dockhand/v1": finding.fingerprint},
        "properties": {"in_diff": finding.in_diff, "new": finding.new},
    }
    if finding.suggestion is not None:
        suggestion = finding.suggestion
        result["fixes"] = [
            {
                "description": {"text": f"{finding.rule}: suggested replacement"},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": finding.path},
                        "replacements": [
                            {
                                "deletedRegion": {"startLine": suggestion.start, "endLine": suggestion.end},
                                "insertedContent": {"text": suggestion.replacement},
                            }
                        ],
                    }
                ],
            }
        ]
    return result
