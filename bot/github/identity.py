"""Which comments dockhand wrote, so it edits only its own.

An installation token (`ghs_...`: the workflow's GITHUB_TOKEN or a GitHub App's) posts as a
bot account, and no human can write as a bot: comments by a bot count. Any other token (a
personal access token) posts as a person, whose login is asked once (`GET /user`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from github import Github

from bot.github.client import PermissionDenied, Retrier

INSTALLATION_TOKEN_PREFIX = "ghs_"


class Author(Protocol):
    @property
    def login(self) -> str: ...

    @property
    def type(self) -> str: ...


@dataclass(frozen=True)
class Identity:
    login: str | None = None
    """The exact login when known; None: any bot account."""

    def wrote(self, user: Author | None) -> bool:
        if user is None:
            return False
        if self.login is not None:
            return user.login == self.login
        return user.type == "Bot"


def resolve_identity(client: Github, token: str, retrier: Retrier) -> Identity:
    if token.startswith(INSTALLATION_TOKEN_PREFIX):
        return Identity()
    try:
        return Identity(retrier.call("read the token's account", lambda: client.get_user().login))
    except PermissionDenied:
        return Identity()
