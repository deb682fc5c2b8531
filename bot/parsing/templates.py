"""Templates of Docker files (Jinja: cookiecutter, Ansible, generated Dockerfiles; and the jq
templates docker-library renders its Dockerfiles from, `{{ if ... then ( -}}`): read with their
tags neutralized, so the file's own text is reviewed and nothing rendered later is taken for a
literal. The lines stay where they are: lines that are only tags (or a tag running over several
lines) become blank, `{{ expr }}` a variable."""

from __future__ import annotations

import re

TEMPLATE_PLACEHOLDER = "${TEMPLATE_EXPRESSION}"
"""What a Jinja `{{ expr }}` becomes: a reference, so its rendered value is never a literal."""

_TAG_LINE = re.compile(r"^\s*(?:\{%.*%\}|\{#.*#\}|\{\{.*\}\})\s*$")
"""A line that is only a tag: Jinja's `{% if x %}`, `{# note #}`, or an expression on a line of
its own (`{{ if alpine then ( -}}` in docker-library's jq templates), which no Dockerfile or
Compose line can be until rendered."""
_OPENER = re.compile(r"(?<!\$)\{([{%#])(?=[-+\s]|$)")
"""A tag opening (closed on a later line): spaced as templates write them, and not the shell's
`${#var}`."""
_CLOSERS = {"{": "}}", "%": "%}", "#": "#}"}
_TRIMS_BEFORE = re.compile(r"^\s*\{[%#]-")
"""A control tag that opens its line with `-`: Jinja strips the whitespace before it, newlines too."""
_INLINE_CONTROL = re.compile(r"\{%.*?%\}|\{#.*?#\}")
_EXPRESSION = re.compile(r"\{\{.*?\}\}")


def neutralize_template(text: str) -> str:
    """Template text with the same lines: lines that are only tags blank, other control tags
    removed, expressions as a variable (one that runs over several lines too: `ENV KEY {{` ...
    `}}` is `ENV KEY ${TEMPLATE_EXPRESSION}` and blank lines)."""
    return "\n".join(line for line, _only_tags in _scan(text.split("\n")))


def has_control_lines(lines: tuple[str, ...] | list[str]) -> bool:
    """Any line that is only template tags: the file is a template."""
    if not any("{%" in line or "{{" in line or "{#" in line for line in lines):
        return False
    return any(only_tags for _line, only_tags in _scan(lines))


def _scan(lines: tuple[str, ...] | list[str]) -> list[tuple[str, bool]]:
    """Each line neutralized, and whether it held only template tags."""
    scanned: list[tuple[str, bool]] = []
    closer: str | None = None
    whole_lines = False  # the open tag started its line: its lines are template only
    for line in lines:
        if closer is not None:  # inside a tag that opened on an earlier line
            end = line.find(closer)
            if end < 0:
                scanned.append(("", whole_lines))
                continue
            line, closer = line[end + len(closer) :], None
            if not line.strip():
                scanned.append(("", whole_lines))
                continue
        if _TAG_LINE.match(line):
            scanned.append(("", True))
            continue
        tagged = _INLINE_CONTROL.search(line) is not None
        trims_before = _TRIMS_BEFORE.match(line) is not None
        line = _EXPRESSION.sub(TEMPLATE_PLACEHOLDER, _INLINE_CONTROL.sub("", line))
        opener = _OPENER.search(line)
        if opener is None:
            continues = tagged and line.strip() == "\\"  # `{% elif x %} \`: the branch goes on the line before
            if (trims_before or continues) and _join_to_previous(scanned, line):
                continue
            scanned.append((line, False))
            continue
        closer = _CLOSERS[opener.group(1)]
        before = line[: opener.start()]
        whole_lines = not before.strip()
        if whole_lines:
            scanned.append(("", True))
        else:
            scanned.append((before + (TEMPLATE_PLACEHOLDER if opener.group(1) == "{" else ""), False))
    return scanned


def _join_to_previous(scanned: list[tuple[str, bool]], rest: str) -> bool:
    """`{%- if x %} \\` strips the line break before it, and `{% elif x %} \\` continues what the
    line before its branch began: what follows the tag ends the last line with text (so a
    continued ENV goes on). This line is then template only."""
    for index in range(len(scanned) - 1, -1, -1):
        text, only_tags = scanned[index]
        if text.strip():
            scanned[index] = (text + rest, only_tags)
            scanned.append(("", True))
            return True
    return False


def has_jinja(text: str) -> bool:
    return "{%" in text or "{{" in text


Branches = dict[int, tuple[tuple[int, int], ...]]
"""Per line (1-based): the conditionals it sits in, as (conditional, branch) pairs."""

_JINJA_TAG = re.compile(r"^\s*\{%-?\s*(if|elif|else|endif)\b.*?-?%\}\s*$")
_JQ_TAG = re.compile(r"^\s*\{\{-?\s*(.*?)\s*-?\}\}\s*$")


def template_branches(lines: tuple[str, ...] | list[str]) -> Branches:
    """Which branch of which conditional each line is in: Jinja's `{% if %}` / `{% elif %}` /
    `{% else %}` / `{% endif %}` and jq's `{{ if ... then ( -}}` / `{{ ) elif ... then ( -}}` /
    `{{ ) else ( -}}` / `{{ ) end -}}`, each on a line of its own."""
    branches: Branches = {}
    stack: list[tuple[int, int]] = []
    opened = 0
    for number, line in enumerate(lines, start=1):
        step = _branch_step(line)
        if step == "open":
            opened += 1
            stack.append((opened, 0))
        elif step == "next" and stack:
            conditional, branch = stack.pop()
            stack.append((conditional, branch + 1))
        elif step == "close" and stack:
            stack.pop()
        branches[number] = tuple(stack)
    return branches


def first_branches_only(text: str) -> str:
    """`neutralize_template`, with the lines of every branch but the first of each conditional
    blank: one rendering, for a template whose branches do not parse together."""
    lines = text.split("\n")
    branches = template_branches(lines)
    neutralized = neutralize_template(text).split("\n")
    kept = [
        line if all(branch == 0 for _c, branch in branches.get(number, ())) else ""
        for number, line in enumerate(neutralized, 1)
    ]
    return "\n".join(kept)


def exclusive(branches: Branches, line: int, other: int) -> bool:
    """Whether two lines are in different branches of one conditional: never both rendered."""
    inside = dict(branches.get(line, ()))
    return any(inside.get(conditional, branch) != branch for conditional, branch in branches.get(other, ()))


def _branch_step(line: str) -> str | None:
    jinja = _JINJA_TAG.match(line)
    if jinja:
        return {"if": "open", "elif": "next", "else": "next", "endif": "close"}[jinja.group(1)]
    jq = _JQ_TAG.match(line)
    if jq is None:
        return None
    tag = " ".join(jq.group(1).split())
    if tag.startswith("if ") and tag.endswith("("):
        return "open"
    if tag.startswith(") elif ") or tag == ") else (":
        return "next"
    if tag.startswith(") ") and tag.endswith(" end"):  # `) end`, `) else "" end`
        return "close"
    return None
