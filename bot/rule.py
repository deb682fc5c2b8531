"""What a rule is: an id, a severity, a one-line summary, docs in four parts, and a check.

A rule is written as a documented function:

    @rule("DH101", "root-user", Severity.HIGH, "The final stage runs as root")
    def root_user(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
        '''
        ## What it does
        ...
        ## Why it matters
        ...
        ## Example
        ...
        ## Fix
        ...
        '''

The docstring is the rule's documentation; `docs/rules.md` is generated from it.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from bot.model import Finding, Severity, Suggestion

DOCS_URL = "https://github.com/dockhand/dockhand/blob/main/docs/rules.md"
DOC_PARTS = ("What it does", "Why it matters", "Example", "Fix")

Subject = TypeVar("Subject")
Context = TypeVar("Context")


@dataclass(frozen=True)
class Hit:
    """One problem found by a rule's check, before it becomes a Finding."""

    line: int | None
    message: str
    end_line: int | None = None
    suggestion: Suggestion | None = None
    severity: Severity | None = None
    """When set, overrides the rule's severity for this hit (a rule whose severity is configurable)."""
    redundant_with: tuple[str, ...] = ()
    """Rules whose new finding in the same file already says this; the pipeline then drops it."""


@dataclass(frozen=True)
class RuleDocs:
    what: str
    why: str
    example: str
    fix: str


@dataclass(frozen=True)
class Rule(Generic[Subject, Context]):
    id: str
    name: str
    severity: Severity
    summary: str
    docs: RuleDocs
    check: Callable[[Subject, Context], Iterable[Hit]]
    aliases: tuple[str, ...] = ()
    """Codes of other tools that mean the same (hadolint's DL3002 ...), honored in ignores."""

    @property
    def anchor(self) -> str:
        return f"{self.id.lower()}-{self.name}"

    @property
    def url(self) -> str:
        return f"{DOCS_URL}#{self.anchor}"

    def finding(self, path: str, hit: Hit) -> Finding:
        return Finding(
            rule=self.id,
            severity=hit.severity if hit.severity is not None else self.severity,
            path=path,
            line=hit.line,
            end_line=hit.end_line if hit.end_line is not None else hit.line,
            message=hit.message,
            suggestion=hit.suggestion,
            docs=self.url,
            redundant_with=hit.redundant_with,
        )

    def run(self, path: str, subject: Subject, context: Context) -> list[Finding]:
        return [self.finding(path, hit) for hit in self.check(subject, context)]


def rule(
    rule_id: str, name: str, severity: Severity, summary: str, *, aliases: tuple[str, ...] = ()
) -> Callable[[Callable[[Any, Any], Iterable[Hit]]], Rule[Any, Any]]:
    """Turn a documented check function into a Rule."""

    def wrap(check: Callable[[Any, Any], Iterable[Hit]]) -> Rule[Any, Any]:
        return Rule(rule_id, name, severity, summary, parse_docs(check.__doc__ or ""), check, aliases)

    return wrap


def parse_docs(docstring: str) -> RuleDocs:
    """Split a rule docstring into its four `## ` parts; a missing part is an error."""
    text = inspect.cleandoc(docstring)
    parts: dict[str, str] = {}
    for match in re.finditer(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, flags=re.MULTILINE | re.DOTALL):
        parts[match.group(1).strip()] = match.group(2).strip()
    missing = [part for part in DOC_PARTS if not parts.get(part)]
    if missing:
        raise ValueError(f"rule docs lack {', '.join(missing)}")
    return RuleDocs(*(parts[part] for part in DOC_PARTS))
