"""Reading YAML that strangers wrote: the same line breaks, limits and errors in every reader.

Every YAML reader (Compose files, the config file, pnpm-lock.yaml) hands ruamel.yaml the text
through `as_yaml_text`, limits nesting to `MAX_DEPTH`, and turns every failure into a line and a
message:

- Lines must be git's lines (GitHub comments on them). ruamel.yaml also breaks lines at a lone
  CR, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR, which git does not: those become spaces, so
  every line ruamel.yaml reports is the line a reviewer sees.
- ruamel.yaml reports most errors with a position (`MarkedYAMLError`), but not all: a mapping
  key that is itself a mapping holding a list (`? {a: [1]}`) raises TypeError while the document
  is built, and nesting deep enough raises RecursionError.
"""

from __future__ import annotations

import re

from ruamel.yaml.error import MarkedYAMLError

from bot.text import clamp_line

MAX_DEPTH = 64
"""Nesting levels a YAML reader accepts; no Compose, config or lock file needs more."""
FAILURES = (RecursionError, TypeError, ValueError, KeyError, AttributeError, AssertionError, IndexError)
"""What ruamel.yaml raises, besides YAMLError, for input it cannot load (found by fuzzing: a
`%YAML 99.2` directive, a merge key over an unusual alias, comments in odd places)."""
_COMPLEX_KEY = re.compile(r"^\s*(?:- )?\?(?:\s|$)")
_YAML_ONLY_BREAKS = str.maketrans({"\r": " ", "\x85": " ", "\u2028": " ", "\u2029": " "})


def as_yaml_text(text: str) -> str:
    """`text` with the line breaks that only YAML sees turned into spaces (same length, git's lines)."""
    return text.translate(_YAML_ONLY_BREAKS)


def is_too_deep(error: MarkedYAMLError) -> bool:
    return "maximum depth" in str(error.problem)


def too_deep_message() -> str:
    return f"nesting deeper than {MAX_DEPTH} levels: refused (no file of this kind needs it)"


def marked_message(error: MarkedYAMLError) -> str:
    if is_too_deep(error):
        return too_deep_message()
    return f"not valid YAML: {error.problem or error.context}"


def mark_line(error: MarkedYAMLError, text: str) -> int:
    mark = error.problem_mark or error.context_mark
    return clamp_line(text, int(mark.line) + 1 if mark is not None else 1)


def unplaced_failure(error: BaseException, text: str) -> tuple[int, str]:
    """Line and message for a failure that carries no position."""
    if isinstance(error, RecursionError):
        return 1, f"not valid YAML here: {too_deep_message()}"
    if isinstance(error, TypeError):
        line = next((n for n, line in enumerate(text.split("\n"), 1) if _COMPLEX_KEY.match(line)), 1)
        return line, "not valid YAML here: a mapping key that is itself a mapping or a list is not supported"
    directive = next((n for n, line in enumerate(text.split("\n"), 1) if line.startswith("%YAML")), None)
    if isinstance(error, KeyError) and directive is not None:
        return directive, "not valid YAML: a `%YAML` directive with a version no YAML reader knows"
    return 1, f"not valid YAML: the YAML reader cannot read this file ({type(error).__name__})"
