"""The last guard for credentials: whatever looks like one in the files a review read is masked
in the whole Review before any renderer or publisher sees it.

Rules never put a secret value into a message. But other text reaches the report too: a
dependency's source URL (`git+https://user:TOKEN@host/...`), a failed build's log (a RUN that
echoes a build argument), a tool's output, a quoted line. `credential_values` collects every
value that a credential check would flag in the texts the review read (the changed files on
both sides, every other head file an analyzer opened, the config's build arguments): known
token shapes, URL passwords, values assigned to credential names (`DB_PASSWORD=...`,
`"_authToken": "..."`, `NPM_TOKEN: ...`) and values of credential flags (`--requirepass ...`).
`redact` replaces each one by `****` in messages, suggestions (one that would write a secret
back is dropped), tables, notes, ignore-comment reasons and machine data.

Values too short or too common to mask without damaging the report (`postgres`, `admin`) are
left alone: they are the well-known defaults that DH202 names, not secrets.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

from bot import secrets
from bot.lint.credentials import command_credentials, is_weak
from bot.model import Finding, Review, Section, Suppressed, Table

Mask = Callable[[str], str]
MIN_LENGTH = 6
_CANDIDATE_LINE = re.compile(r"pass|secret|token|key|auth|cred|pwd", re.IGNORECASE)
_ASSIGNMENT = re.compile(
    r"""^\s*(?:-\s+)?(?:(?:export|ENV|ARG|LABEL)\s+)?["']?(?P<name>[A-Za-z_][\w.-]*)["']?\s*(?:=|:(?=\s))\s*"""
    r"""(?P<value>.*?)[\s,]*$"""
)
_WORD_SEPARATORS = re.compile(r"[\s\[\]{},]+")


def credential_values(
    texts: Iterable[str], extra: Iterable[tuple[str, str]] = (), tokens_only: Iterable[str] = ()
) -> frozenset[str]:
    """Every credential value in `texts`, and in `extra` (name, value) pairs such as build args;
    in `tokens_only` (lock files, which assign no credentials by name) known shapes and URL
    passwords only."""
    found: set[str] = set()
    for text in tokens_only:
        found.update(secrets.token_values(text))
    for text in texts:
        found.update(secrets.token_values(text))
        for line in text.split("\n"):
            if _CANDIDATE_LINE.search(line):
                found.update(_line_values(line))
    found.update(value for name, value in extra if secrets.is_secret_name(name) or secrets.token_values(value))
    return frozenset(value for value in found if _worth_masking(value))


def _line_values(line: str) -> list[str]:
    values: list[str] = []
    match = _ASSIGNMENT.match(line)
    if match and secrets.is_secret_name(match.group("name")):
        values.append(match.group("value"))
    words = [secrets.unquote(word) for word in _WORD_SEPARATORS.split(line) if word]
    for word, following in zip(words, [*words[1:], ""], strict=True):
        name, equals, value = word.partition("=")
        if equals and secrets.is_secret_name(name.lstrip("-")):
            values.append(value)
        elif word.endswith(":") and following and secrets.is_secret_name(secrets.unquote(word[:-1])):
            values.append(following)  # `{NPM_TOKEN: value}` in a YAML or JSON flow mapping
    values.extend(value for _flag, value in command_credentials(words))
    return [secrets.unquote(value.strip()) for value in values]


def _worth_masking(value: str) -> bool:
    return len(value) >= MIN_LENGTH and secrets.is_literal_value(value) and not is_weak(value)


def redact(review: Review, values: frozenset[str]) -> Review:
    """The Review with every value masked wherever it could be shown or published."""
    if not values:
        return review

    def mask(text: str) -> str:
        return secrets.mask(text, values) if any(value in text for value in values) else text

    return replace(
        review,
        reason=mask(review.reason),
        files=tuple(replace(f, notes=tuple(mask(n) for n in f.notes)) for f in review.files),
        sections=tuple(_section(s, mask, values) for s in review.sections),
        findings=tuple(_finding(f, mask, values) for f in review.findings),
        notes=tuple(mask(n) for n in review.notes),
        suppressed=tuple(Suppressed(_finding(s.finding, mask, values), mask(s.reason)) for s in review.suppressed),
    )


def _finding(finding: Finding, mask: Mask, values: frozenset[str]) -> Finding:
    suggestion = finding.suggestion
    if suggestion is not None:
        if any(value in suggestion.replacement for value in values):
            suggestion = None  # it would write the secret back: the message says what to do
        else:
            suggestion = replace(suggestion, original=mask(suggestion.original))
    return replace(finding, message=mask(finding.message), suggestion=suggestion)


def _section(section: Section, mask: Mask, values: frozenset[str]) -> Section:
    return replace(
        section,
        findings=tuple(_finding(f, mask, values) for f in section.findings),
        tables=tuple(_table(t, mask) for t in section.tables),
        notes=tuple(mask(n) for n in section.notes),
        data=_data(section.data, mask),
    )


def _table(table: Table, mask: Mask) -> Table:
    return replace(
        table,
        title=mask(table.title),
        rows=tuple(tuple(mask(cell) for cell in row) for row in table.rows),
        note=mask(table.note),
    )


def _data(value: Any, mask: Mask) -> Any:
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: _data(item, mask) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_data(item, mask) for item in value]
    return value
