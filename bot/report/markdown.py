"""Review -> the markdown report: the PR comment, the step summary and the CLI's output."""

from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterable

from bot import __version__
from bot.model import Finding, Review, Section, Severity, Table, Verdict
from bot.report import escape
from bot.rule import DOCS_URL

MARKER = "<!-- dockhand:report -->"
SEVERITY_ICONS = {
    Severity.CRITICAL: "🔴",
    Severity.HIGH: "🟠",
    Severity.MEDIUM: "🟡",
    Severity.LOW: "🔵",
    Severity.INFO: "⚪",
}
VERDICT_ICONS = {Verdict.PASS: "✅", Verdict.WARN: "⚠️", Verdict.FAIL: "🛑"}
KIND_NAMES = {"dockerfile": "Dockerfile", "compose": "Compose file", "dockerignore": ".dockerignore"}
QUIET_FILES_SHOWN = 20
SHORT_DIFF_LINES = 12
"""A suggestion's diff up to this many lines shows every line it replaces; a longer one only what changes."""
DIFF_CONTEXT = 2


def render_markdown(review: Review) -> str:
    blocks = [MARKER, _verdict(review), _summary(review), _quiet_files(review)]
    blocks.extend(_file_blocks(review))
    blocks.extend(_section_blocks(review.sections))
    blocks.append(_suppressed(review))
    blocks.append(_notes(review))
    blocks.append(_footer(review))
    return "\n\n".join(block for block in blocks if block) + "\n"


def severity_label(severity: Severity) -> str:
    return f"{SEVERITY_ICONS[severity]} {severity.label}"


def rule_link(finding: Finding) -> str:
    label = escape.text(finding.rule)
    return f"[{label}]({finding.docs})" if finding.docs else label


def _verdict(review: Review) -> str:
    icon = VERDICT_ICONS[review.verdict]
    title = f"## {icon} dockhand: {review.verdict.decision}"
    counted = sum(1 for f in review.findings if f.counts_for_policy)
    earlier = len(review.findings) - counted
    line = f"**{review.verdict.decision}** ({review.verdict.value}): {escape.text(review.reason)}."
    if earlier:
        line += f" {earlier} pre-existing finding{'s' if earlier != 1 else ''} not counted."
    line += f" Threshold: `{review.fail_on.label}` · `{review.base[:12]}` → `{review.head[:12]}`"
    return f"{title}\n\n{line}"


def _summary(review: Review) -> str:
    if not review.files:
        return "No Docker or dependency files changed."
    kinds = Counter(_kind_name(f.kind) for f in review.files)
    kind_of_path = {f.path: _kind_name(f.kind) for f in review.files}
    counts: dict[str, Counter[Severity]] = {kind: Counter() for kind in kinds}
    for finding in review.findings:
        counts.setdefault(kind_of_path.get(finding.path, "other"), Counter())[finding.severity] += 1
    order = sorted(Severity, reverse=True)
    header = "| Files reviewed | Count | " + " | ".join(severity_label(s) for s in order) + " |"
    rule = "|---|---:|" + "---:|" * len(order)
    rows = [
        f"| {escape.text(kind)} | {kinds.get(kind, 0)} | " + " | ".join(str(counts[kind][s]) for s in order) + " |"
        for kind in sorted(counts)
    ]
    totals = Counter(f.severity for f in review.findings)
    rows.append(f"| **Total** | {len(review.files)} | " + " | ".join(f"**{totals[s]}**" for s in order) + " |")
    return "\n".join([header, rule, *rows])


def _quiet_files(review: Review) -> str:
    """The reviewed files that get no part of their own (nothing found, no table, no note): named,
    so the reader knows they were looked at."""
    spoken = {f.path for f in review.findings} | {t.path for s in review.sections for t in s.tables if t.path}
    quiet = [f for f in review.files if f.path not in spoken and not f.notes]
    if not quiet:
        return ""
    shown = ", ".join(f"{escape.code(f.path)} ({escape.text(f.status)})" for f in quiet[:QUIET_FILES_SHOWN])
    more = f" and {len(quiet) - QUIET_FILES_SHOWN} more" if len(quiet) > QUIET_FILES_SHOWN else ""
    return f"Nothing to report in {shown}{more}."


def _kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind)


def _file_blocks(review: Review) -> Iterable[str]:
    by_path: dict[str, list[Finding]] = {}
    for finding in review.findings:
        by_path.setdefault(finding.path, []).append(finding)
    tables_by_path: dict[str, list[Table]] = {}
    for section in review.sections:
        for table in section.tables:
            if table.path is not None:
                tables_by_path.setdefault(table.path, []).append(table)
    statuses = {reviewed.path: reviewed.status for reviewed in review.files}
    unchanged = sorted((set(by_path) | set(tables_by_path)) - set(statuses))
    for path in [*statuses, *unchanged]:
        findings = by_path.get(path, [])
        tables = tables_by_path.get(path, [])
        if not findings and not tables:
            continue
        heading = f"### {escape.code(path)} · {statuses.get(path, 'not changed')}"
        parts = [heading]
        if findings:
            parts.append(_findings_table(findings))
            parts.append(_suggestions(findings))
        parts.extend(_table(table) for table in tables)
        yield "\n\n".join(part for part in parts if part)


def _findings_table(findings: list[Finding]) -> str:
    rows = ["| Line | Severity | Rule | Finding |", "|---:|---|---|---|"]
    for finding in findings:
        where = str(finding.line) if finding.line else "–"
        if finding.end_line and finding.line and finding.end_line > finding.line:
            where = f"{finding.line}–{finding.end_line}"
        note = "" if finding.counts_for_policy else " _(pre-existing)_"
        rows.append(
            f"| {where} | {severity_label(finding.severity)} | {rule_link(finding)} | "
            f"{escape.message(finding.message)}{note} |"
        )
    return "\n".join(rows)


def _suggestions(findings: list[Finding]) -> str:
    with_fix = [f for f in findings if f.suggestion is not None]
    if not with_fix:
        return ""
    parts = [f"<details><summary>{len(with_fix)} suggested change{'s' if len(with_fix) != 1 else ''}</summary>"]
    for finding in with_fix:
        suggestion = finding.suggestion
        assert suggestion is not None
        lines = (
            f"line {suggestion.start}"
            if suggestion.start == suggestion.end
            else f"lines {suggestion.start}–{suggestion.end}"
        )
        diff = suggestion_diff(suggestion.original, suggestion.replacement, suggestion.start)
        parts.append(f"**{escape.text(finding.rule)}**, {lines}:\n\n{escape.fenced(chr(10).join(diff), 'diff')}")
    parts.append("</details>")
    return "\n\n".join(parts)


def suggestion_diff(original: str, replacement: str, first_line: int) -> list[str]:
    """The lines a suggestion removes (-) and adds (+). A long one shows only what changes, with
    DIFF_CONTEXT unchanged lines around it under `@@` headers that give the file's line numbers:
    a one-word fix to an 80-line RUN is a few lines, not 160."""
    old = original.split("\n") if original else []
    new = replacement.split("\n") if replacement else []
    if len(old) + len(new) <= SHORT_DIFF_LINES:
        return [*(f"-{line}" for line in old), *(f"+{line}" for line in new)]
    lines: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for group in matcher.get_grouped_opcodes(DIFF_CONTEXT):
        _, old_start, _, new_start, _ = group[0]
        _, _, old_end, _, new_end = group[-1]
        lines.append(
            f"@@ -{first_line + old_start},{old_end - old_start} +{first_line + new_start},{new_end - new_start} @@"
        )
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(f" {line}" for line in old[i1:i2])
                continue
            lines.extend(f"-{line}" for line in old[i1:i2])
            lines.extend(f"+{line}" for line in new[j1:j2])
    return lines


def _section_blocks(sections: Iterable[Section]) -> Iterable[str]:
    for section in sections:
        tables = [table for table in section.tables if table.path is None]
        if tables:
            yield f"### {escape.text(section.title)}\n\n" + "\n\n".join(_table(t) for t in tables)


def _table(table: Table) -> str:
    body = [
        "| " + " | ".join(escape.text(h) for h in table.headers) + " |",
        "|" + "---|" * len(table.headers),
        *(
            "| " + " | ".join(_cell(table, r, c, cell) for c, cell in enumerate(row)) + " |"
            for r, row in enumerate(table.rows)
        ),
    ]
    content = "\n".join(body)
    if table.note:
        content += f"\n\n{escape.message(table.note)}"
    title = escape.text(table.title)
    if table.collapsed:
        return f"<details><summary>{title}</summary>\n\n{content}\n\n</details>"
    return f"**{title}**\n\n{content}"


def _cell(table: Table, row: int, column: int, value: str) -> str:
    url = table.link(row, column)
    return escape.link(value, url) if url else escape.message(value)


def _suppressed(review: Review) -> str:
    if not review.suppressed:
        return ""
    rows = ["| Where | Rule | Reason given |", "|---|---|---|"]
    for item in review.suppressed:
        where = escape.code(f"{item.finding.path}:{item.finding.line or 1}")
        reason = escape.text(item.reason) if item.reason else "_no reason given_"
        rows.append(f"| {where} | {rule_link(item.finding)} | {reason} |")
    count = len(review.suppressed)
    summary = f"{count} finding{'s' if count != 1 else ''} switched off by ignore comments"
    return f"<details><summary>{summary}</summary>\n\n" + "\n".join(rows) + "\n\n</details>"


def _notes(review: Review) -> str:
    limit = escape.NOTE_LIMIT
    notes = [escape.message(note, limit) for note in review.notes]
    for section in review.sections:
        notes.extend(f"{escape.text(section.title)}: {escape.message(note, limit)}" for note in section.notes)
    for reviewed in review.files:
        notes.extend(f"{escape.code(reviewed.path)}: {escape.message(note, limit)}" for note in reviewed.notes)
    if not notes:
        return ""
    return "<details><summary>Notes</summary>\n\n" + "\n".join(f"- {note}" for note in notes) + "\n\n</details>"


def _footer(review: Review) -> str:
    return f"<sub>dockhand {__version__} · [rules]({DOCS_URL})</sub>"


def render_compact(review: Review, shown: list[Finding], note: str) -> str:
    """The verdict, the summary and only the `shown` findings, in one table, then `note`.

    For places with a size limit (a PR comment, a check run's summary); `note` is dockhand's own
    markdown saying what was left out and where the full report is.
    """
    rows = ["| Where | Severity | Rule | Finding |", "|---|---|---|---|"]
    for finding in shown:
        where = escape.code(f"{finding.path}:{finding.line}" if finding.line else finding.path)
        extra = "" if finding.counts_for_policy else " _(pre-existing)_"
        rows.append(
            f"| {where} | {severity_label(finding.severity)} | {rule_link(finding)} | "
            f"{escape.message(finding.message)}{extra} |"
        )
    table = "\n".join(rows) if shown else ""
    blocks = [MARKER, _verdict(review), _summary(review), table, note, _footer(review)]
    return "\n\n".join(block for block in blocks if block) + "\n"
