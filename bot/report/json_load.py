"""JSON report (contract version 1) -> Review, for `dockhand publish --from review.json`.

The file may come from a workflow run of someone else's fork, so it is read as untrusted data:
every field is type-checked, sizes are bounded, rule documentation links are taken from our
own catalog (never from the file), and everything is rendered by the escaping renderers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from bot.catalog import rules_by_id
from bot.model import Finding, Review, ReviewedFile, Section, Severity, Suggestion, Suppressed, Table, Verdict
from bot.report.json_report import JSON_VERSION

MAX_JSON_BYTES = 64 * 1024 * 1024
ADVISORY_LINK = re.compile(
    r"^https://(?:avd\.aquasec\.com|nvd\.nist\.gov|osv\.dev|www\.cve\.org|cve\.mitre\.org"
    r"|security-tracker\.debian\.org|ubuntu\.com|access\.redhat\.com|github\.com/advisories)/[A-Za-z0-9._/?=#-]*$"
)
"""The only links a table in the file may carry: the advisory pages Trivy's vulnerability DB
points at. A fork's review JSON can put no other link in dockhand's comment."""


class ReportError(ValueError):
    """The JSON is not a dockhand report this version can read; says what is wrong."""


def review_from_json(text: str | bytes) -> Review:
    if len(text) > MAX_JSON_BYTES:
        raise ReportError(f"the report is larger than {MAX_JSON_BYTES:,} bytes")
    try:
        data = json.loads(text)
    except ValueError as error:
        raise ReportError(f"not JSON: {error}") from None
    return review_from_dict(data)


def review_from_dict(data: Any) -> Review:
    top = _mapping(data, "the report")
    if top.get("version") != JSON_VERSION:
        raise ReportError(f"unsupported report version {top.get('version')!r} (this dockhand reads {JSON_VERSION})")
    try:
        verdict = Verdict(_str(top, "verdict"))
        fail_on = Severity.parse(_str(top, "fail_on"))
    except ValueError as error:
        raise ReportError(str(error)) from None
    sections = _mapping(top.get("sections", {}), "sections")
    return Review(
        base=_sha(top, "base"),
        head=_sha(top, "head"),
        files=tuple(_file(item) for item in _list(top, "files")),
        sections=tuple(_section(str(key), value) for key, value in sections.items()),
        findings=tuple(_finding(item) for item in _list(top, "findings")),
        verdict=verdict,
        reason=_str(top, "reason"),
        fail_on=fail_on,
        notes=tuple(_strings(top, "notes")),
        suppressed=tuple(_suppressed(item) for item in _list(top, "suppressed")),
    )


def _finding(item: Any) -> Finding:
    data = _mapping(item, "a finding")
    rule = _str(data, "rule")
    try:
        severity = Severity.parse(_str(data, "severity"))
    except ValueError as error:
        raise ReportError(f"finding {rule}: {error}") from None
    known = rules_by_id().get(rule)
    return Finding(
        rule=rule,
        severity=severity,
        path=_str(data, "path"),
        line=_line(data, "line"),
        end_line=_line(data, "end_line"),
        message=_str(data, "message"),
        suggestion=_suggestion(data.get("suggestion")),
        docs=known.url if known else None,
        in_diff=_bool(data, "in_diff"),
        new=_bool(data, "new"),
        fingerprint=_fingerprint(data),
    )


def _suppressed(item: Any) -> Suppressed:
    return Suppressed(_finding(item), _str(_mapping(item, "a suppressed finding"), "reason"))


def _suggestion(value: Any) -> Suggestion | None:
    if value is None:
        return None
    data = _mapping(value, "a suggestion")
    start, end = _line(data, "start"), _line(data, "end")
    if start is None or end is None or end < start:
        raise ReportError("a suggestion needs start <= end")
    return Suggestion(start, end, _str(data, "replacement"))  # JSON has no `original` (it may be secret)


def _file(item: Any) -> ReviewedFile:
    data = _mapping(item, "a file")
    old_path = data.get("old_path")
    return ReviewedFile(
        path=_str(data, "path"),
        kind=_str(data, "kind"),
        status=_str(data, "status"),
        old_path=old_path if isinstance(old_path, str) else None,
        notes=tuple(_strings(data, "notes")),
    )


def _section(key: str, value: Any) -> Section:
    data = dict(_mapping(value, f"section {key}"))
    title = _str(data, "title")
    notes = tuple(_strings(data, "notes"))
    tables = tuple(_table(item) for item in _list(data, "tables"))
    for reserved in ("title", "notes", "tables"):
        data.pop(reserved, None)
    return Section(key, title, tables=tables, notes=notes, data=data)


def _table(item: Any) -> Table:
    data = _mapping(item, "a table")
    rows = tuple(tuple(str(cell) for cell in _list_value(row, "a table row")) for row in _list(data, "rows"))
    path = data.get("path")
    return Table(
        title=_str(data, "title"),
        headers=tuple(_strings(data, "headers")),
        rows=rows,
        path=path if isinstance(path, str) else None,
        collapsed=bool(data.get("collapsed", False)),
        note=str(data.get("note") or ""),
        links=_links(data.get("links"), len(rows)),
    )


def _links(value: Any, row_count: int) -> tuple[tuple[str, ...], ...]:
    """Per row, per cell, an advisory link or ""; anything else in the file is dropped."""
    if not isinstance(value, list):
        return ()
    return tuple(
        tuple(str(url) if isinstance(url, str) and ADVISORY_LINK.match(url) else "" for url in row)
        if isinstance(row, list)
        else ()
        for row in value[:row_count]
    )


def _mapping(value: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ReportError(f"{what} must be an object")
    return value


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    return _list_value(data.get(key, []), key)


def _list_value(value: Any, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise ReportError(f"{what} must be a list")
    return value


def _str(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str):
        raise ReportError(f"{key!r} must be a string")
    return value


def _strings(data: Mapping[str, Any], key: str) -> list[str]:
    values = _list(data, key)
    if not all(isinstance(v, str) for v in values):
        raise ReportError(f"{key!r} must be a list of strings")
    return values


def _bool(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key)
    if not isinstance(value, bool):
        raise ReportError(f"{key!r} must be true or false")
    return value


def _line(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ReportError(f"{key!r} must be a line number")
    return value


def _sha(data: Mapping[str, Any], key: str) -> str:
    value = _str(data, key)
    if not (7 <= len(value) <= 64 and all(c in "0123456789abcdef" for c in value)):
        raise ReportError(f"{key!r} must be a commit id")
    return value


def _fingerprint(data: Mapping[str, Any]) -> str:
    value = data.get("fingerprint", "")
    if not isinstance(value, str) or not all(c in "0123456789abcdef" for c in value) or len(value) > 64:
        raise ReportError("'fingerprint' must be a hex string")
    return value
