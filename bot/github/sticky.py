"""The ONE report comment per pull request: found again by its marker and edited in place.

Every attempt lists the comments first, so a POST that timed out but got through is found on
the retry and edited instead of posted twice; and if a race ever left two, the extra is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from github import GithubException
from github.Issue import Issue
from github.IssueComment import IssueComment

from bot.github.bodies import is_sticky
from bot.github.client import Retrier, is_forbidden
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
    """Edit the newest report comment dockhand may edit, or post one; delete older copies.

    With an installation token "dockhand's own" means "a bot's": when the workflow switched
    tokens (GITHUB_TOKEN to an App), the other bot's comment cannot be edited, so it is skipped.
    """

    def attempt() -> StickyOutcome:
        ours = sorted(
            (c for c in issue.get_comments() if is_sticky(c.body) and identity.wrote(c.user)),
            key=lambda c: c.id,
            reverse=True,
        )
        for index, keep in enumerate(ours):
            edited = not _same_text(keep, body)
            if edited and not _try(partial(keep.edit, body)):
                continue
            removed = sum(_try(extra.delete) for extra in ours[index + 1 :])
            return StickyOutcome(keep.html_url, edited=edited, removed_duplicates=removed)
        if not create_if_missing:
            return StickyOutcome(None)
        created = issue.create_comment(body)
        return StickyOutcome(created.html_url, created=True)

    return retrier.call("update the report comment", attempt)


def _try(change: Callable[[], object]) -> bool:
    """Run an edit or delete of a comment; False when GitHub says it is not ours to change."""
    try:
        change()
    except GithubException as error:
        if is_forbidden(error):
            return False
        raise
    return True


def _same_text(comment: IssueComment, body: str) -> bool:
    return (comment.body or "").replace("\r\n", "\n") == body
