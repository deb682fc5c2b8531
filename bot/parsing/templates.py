"""Jinja templates of Docker files (cookiecutter, Ansible, generated Dockerfiles): read with their
tags neutralized, so the file's own text is reviewed and nothing rendered later is taken for a
literal. The lines stay where they are: control lines become blank, `{{ expr }}` a variable."""

from __future__ import annotations

import re

TEMPLATE_PLACEHOLDER = "${TEMPLATE_EXPRESSION}"
"""What a Jinja `{{ expr }}` becomes: a reference, so its rendered value is never a literal."""

_CONTROL_LINE = re.compile(r"^\s*\{[%#].*[%#]\}\s*$")
_INLINE_CONTROL = re.compile(r"\{%.*?%\}|\{#.*?#\}")
_EXPRESSION = re.compile(r"\{\{.*?\}\}")


def neutralize_template(text: str) -> str:
    """Template text with the same lines: control tags removed, expressions as a variable."""
    out = []
    for line in text.split("\n"):
        if _CONTROL_LINE.match(line):
            out.append("")
            continue
        line = _INLINE_CONTROL.sub("", line)
        out.append(_EXPRESSION.sub(TEMPLATE_PLACEHOLDER, line))
    return "\n".join(out)


def has_jinja(text: str) -> bool:
    return "{%" in text or "{{" in text


def has_control_lines(lines: tuple[str, ...] | list[str]) -> bool:
    """A line that is only a Jinja tag (`{% if x %}`, `{# note #}`): the file is a template."""
    return any(_CONTROL_LINE.match(line) for line in lines)
