"""The text dockhand writes on a pull request, and the hidden markers it finds its own text by.

A marker only counts at the very start of a body, and only in a comment that dockhand's own
account wrote (see `identity.py`): a PR description or a human comment that quotes a marker
cannot take over the report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.filekinds import comment_leader
from bot.model import Finding
from bot.report import escape
from bot.report.markdown import MARKER, rule_link, severity_label

REVIEW_MARKER = "<!-- dockhand:review -->"
_FINDING = re.compile(r"\A<!-- dockhand:(?P<state>finding|resolved) (?P<fingerprint>[0-9a-f]{8,64}) -->")


@dataclass(frozen=True)
class InlineMarker:
    fingerprint: str
    resolved: bool


def is_sticky(body: str | None) -> bool:
    return bool(body) and str(body).startswith(MARKER)


def inline_marker(body: str | None) -> InlineMarker | None:
    match = _FINDING.match(body or "")
    if match is None:
        return None
    return InlineMarker(match.group("fingerprint"), match.group("state") == "resolved")


def headline(finding: Finding) -> str:
    return f"{severity_label(finding.severity)} · {rule_link(finding)} · {escape.message(finding.message)}"


def inline_body(finding: Finding, with_suggestion: bool) -> str:
    parts = [f"<!-- dockhand:finding {finding.fingerprint} -->\n**{headline(finding)}**"]
    suggestion = finding.suggestion
    if suggestion is not None and with_suggestion:
        parts.append(escape.fenced(suggestion.replacement, "suggestion"))
    elif suggestion is not None:
        parts.append("_The suggested change reaches beyond this diff: it is in the report comment._")
    parts.append(f"<sub>dockhand · to silence it: {silencing(finding)}</sub>")
    return "\n\n".join(parts)


def silencing(finding: Finding) -> str:
    """How to switch this finding off, in the comment syntax of its file (JSON has none)."""
    leader = comment_leader(finding.path)
    if leader is None:
        return (
            f"this file cannot hold comments: disable {finding.rule} in `.github/dockhand.yml` (`rules: disable`)"
            " or leave the file out (`ignore-paths`)"
        )
    return f"`{leader} dockhand ignore={finding.rule} <reason>` on the line above"


def resolved_body(old_body: str, fingerprint: str, head: str) -> str:
    """An earlier inline comment whose finding is gone: struck through, its suggestion removed."""
    lines = old_body.replace("\r\n", "\n").split("\n")
    title = lines[1].strip("*") if len(lines) > 1 and lines[1].strip() else "dockhand finding"
    return (
        f"<!-- dockhand:resolved {fingerprint} -->\n~~{title}~~\n\n"
        f"✅ Resolved in `{head[:12]}`: dockhand no longer finds this here."
    )


def review_body(posted: int, resolved: int, head: str) -> str:
    parts = []
    if posted:
        parts.append(f"{posted} new finding{'s' if posted != 1 else ''} on the lines this change touches")
    if resolved:
        parts.append(f"{resolved} earlier finding{'s' if resolved != 1 else ''} resolved")
    summary = "; ".join(parts) or "no new inline findings"
    return (
        f"{REVIEW_MARKER}\n**dockhand** reviewed `{head[:12]}`: {summary}. The full report is in the dockhand comment."
    )


def not_inline_block(unplaced: list[tuple[Finding, str]], inline_count: int) -> str:
    """Findings of this change that have no inline comment, and why: they are never lost."""
    if not unplaced:
        return ""
    rows = ["| Where | Severity | Rule | Finding | Why not inline |", "|---|---|---|---|---|"]
    for finding, reason in unplaced:
        where = escape.code(f"{finding.path}:{finding.line}" if finding.line else finding.path)
        rows.append(
            f"| {where} | {severity_label(finding.severity)} | {rule_link(finding)} | "
            f"{escape.message(finding.message)} | {escape.text(reason)} |"
        )
    count = len(unplaced)
    intro = (
        f"{inline_count} finding{'s' if inline_count != 1 else ''} of this change "
        f"{'are' if inline_count != 1 else 'is'} commented inline; "
        f"{count} {'are' if count != 1 else 'is'} not:"
    )
    return "### Not commented inline\n\n" + intro + "\n\n" + "\n".join(rows)
