"""Review -> JSON: the stable contract (version 1) that scripts and `dockhand publish` read."""

from __future__ import annotations

import json
from typing import Any

from bot import __version__
from bot.model import Finding, Review, Section

JSON_VERSION = 1


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    suggestion = finding.suggestion
    return {
        "rule": finding.rule,
        "severity": finding.severity.label,
        "path": finding.path,
        "line": finding.line,
        "end_line": finding.end_line,
        "column": finding.column,
        "in_diff": finding.in_diff,
        "new": finding.new,
        "message": finding.message,
        "suggestion": (
            {"start": suggestion.start, "end": suggestion.end, "replacement": suggestion.replacement}
            if suggestion
            else None
        ),
        "docs": finding.docs,
        "fingerprint": finding.fingerprint,
    }


def review_to_dict(review: Review) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "tool": {"name": "dockhand", "version": __version__},
        "base": review.base,
        "head": review.head,
        "verdict": review.verdict.value,
        "reason": review.reason,
        "fail_on": review.fail_on.label,
        "findings": [finding_to_dict(f) for f in review.findings],
        "files": [
            {"path": f.path, "kind": f.kind, "status": f.status, "old_path": f.old_path, "notes": list(f.notes)}
            for f in review.files
        ],
        "sections": {
            section.key: {**section.data, "title": section.title, "notes": list(section.notes), **_tables(section)}
            for section in review.sections
        },
        "suppressed": [{**finding_to_dict(item.finding), "reason": item.reason} for item in review.suppressed],
        "notes": list(review.notes),
    }


def _tables(section: Section) -> dict[str, Any]:
    """`tables` (reserved in every section): what the markdown report shows, for `dockhand publish`."""
    if not section.tables:
        return {}
    return {
        "tables": [
            {
                "title": t.title,
                "headers": list(t.headers),
                "rows": [list(row) for row in t.rows],
                "path": t.path,
                "collapsed": t.collapsed,
                "note": t.note,
                **({"links": [list(row) for row in t.links]} if t.links else {}),
            }
            for t in section.tables
        ]
    }


def render_json(review: Review) -> str:
    return json.dumps(review_to_dict(review), indent=2, sort_keys=False) + "\n"
