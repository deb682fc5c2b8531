"""Turning file bytes into text, and text into numbered lines, the same way everywhere.

Line numbers must agree with git's and GitHub's, so lines are split on "\\n" only
(`str.splitlines` would also split on form feeds and Unicode separators).
"""

from __future__ import annotations

from dataclasses import dataclass

BINARY_SNIFF_BYTES = 8000
"""git calls a blob binary when a NUL byte appears in its first 8000 bytes; so do we."""


@dataclass(frozen=True)
class DecodedText:
    text: str | None
    """None for binary content."""
    notes: tuple[str, ...] = ()


def decode(data: bytes) -> DecodedText:
    """Decode file bytes as UTF-8 with "\\n" line ends, saying what had to be changed."""
    if b"\0" in data[:BINARY_SNIFF_BYTES]:
        return DecodedText(None, ("binary file: not reviewed",))
    notes: list[str] = []
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", errors="replace")
        line = data[: error.start].count(b"\n") + 1
        notes.append(f"not valid UTF-8 (first bad byte on line {line}): read with replacement characters")
    if "\r\n" in text:
        text = text.replace("\r\n", "\n")
        notes.append("CRLF line endings: suggestions are shown with LF")
    return DecodedText(text, tuple(notes))


def split_lines(text: str) -> list[str]:
    """The file's lines, 1-based line N at index N-1; a final newline adds no line."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    return lines


def line_count(text: str) -> int:
    return len(split_lines(text))


def shortened(text: str, limit: int) -> str:
    """`text`, cut to `limit` characters with "…" as the last when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def clamp_line(text: str, line: int) -> int:
    """`line` as a line of `text`: a parser that stops "at the end of the file" (after the last
    newline) points at the last line, which is the one a reviewer can comment on."""
    return min(max(1, line), max(1, line_count(text)))
