"""Making strings that come from a pull request inert in markdown.

Paths, package names and quoted file content can hold `|`, backticks, HTML, `@mentions`,
`#123` references and links. Everything from the PR goes through one of these functions.
"""

from __future__ import annotations

import re

from bot.text import shortened

ZERO_WIDTH_SPACE = "\u200b"
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]|~])")
_MENTION_OR_REFERENCE = re.compile(r"([@#])(?=[A-Za-z0-9_])")
_MAX_CELL = 300
NOTE_LIMIT = 1_000
"""Notes are list items, not table cells: they keep a longer reason (an engine's or Trivy's error)."""


def text(value: str, limit: int = _MAX_CELL) -> str:
    """Plain text for a paragraph or table cell: no markup, no HTML, no mentions, one line."""
    value = _one_line(value, limit)
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    value = _MARKDOWN_PUNCTUATION.sub(r"\\\1", value)
    value = _MENTION_OR_REFERENCE.sub(lambda m: m.group(1) + ZERO_WIDTH_SPACE, value)
    return value.replace("://", ":" + ZERO_WIDTH_SPACE + "//")


def code(value: str, limit: int = _MAX_CELL) -> str:
    """Inline code that survives any content, also inside a table cell."""
    value = defuse_comments(_one_line(value, limit)).replace("|", "\\|")
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value.strip() else ""
    if not value:
        return "` `"
    return f"{fence}{pad}{value}{pad}{fence}"


def message(value: str, limit: int = _MAX_CELL) -> str:
    """A rule's message: `backticked` parts become code spans, the rest plain text."""
    value = _one_line(value, limit)
    parts = value.split("`")
    if len(parts) % 2 == 0:  # an unpaired backtick: all of it is plain text
        return text(value, limit)
    return "".join(code(part, limit) if index % 2 else text(part, limit) for index, part in enumerate(parts))


_SAFE_URL = re.compile(r"^https://[A-Za-z0-9.-]+(?:/[A-Za-z0-9._~%!$&'*+,;=:@/?#-]*)?$")


def link(label: str, url: str, limit: int = _MAX_CELL) -> str:
    """`[label](url)` for a plain https URL; anything else is the label as plain text."""
    if not _SAFE_URL.match(url) or "(" in url or ")" in url:
        return text(label, limit)
    return f"[{text(label, limit)}]({url})"


def fenced(value: str, language: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside."""
    value = defuse_comments(value)
    longest = max((len(run) for run in re.findall(r"`{3,}", value)), default=2)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{language}\n{value}\n{fence}"


def defuse_comments(value: str) -> str:
    """`<!--` shown as code stays visible but can never be taken for a hidden marker comment."""
    return value.replace("<!--", "<!" + ZERO_WIDTH_SPACE + "--")


def _one_line(value: str, limit: int) -> str:
    value = re.sub(r"[\r\n\t\v\f]+", " ", value.encode("utf-8", "replace").decode("utf-8"))
    value = "".join(ch for ch in value if ch.isprintable() or ch == " ")
    return shortened(value, limit)
