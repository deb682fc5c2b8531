"""The ONE report comment per pull request: found again by its marker and edited in place.

Every attempt lists the comments first, so a POST that timed out but got through is found on
the retry and edited instead of posted twice; and if a race ever left two, the extra is deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from github.Issue import Issue
from github.IssueComment import IssueComment

from bot.github.bodies import is_sticky
from bot.github.client import Retrier
from bot.github.identity import Identity


@dataclass(frozen=True)
class StickyOutcome:
    url: str | None
    created: bool = False
    edited: bool = False
    removed_duplicates: int = 0


def upsert_sticky(
    issue: Issue, body: str, identity: Identity, retrier: Retrier, create_if_missing: bool = True
) -> StickyOutcome:
    def attempt() -> StickyOutcome:
        ours = sorted(
            (c for c in issue.get_comments() if is_sticky(c.body) and identity.wrote(c.user)),
            key=lambda c: c.id,
        )
        if not ours:
            if not create_if_missing:
                return StickyOutcome(None)
            created = issue.create_comment(body)
            return StickyOutcome(created.html_url, created=True)
        keep, extras = ours[0], ours[1:]
        edited = _same_text(keep, body) is False
        if edited:
            keep.edit(body)
        for extra in extras:
            extra.delete()
        return StickyOutcome(keep.html_url, edited=edited, removed_duplicates=len(extras))

    return retrier.call("update the report comment", attempt)


def _same_text(comment: IssueComment, body: str) -> bool:
    return (comment.body or "").replace("\r\n", "\n") == body
