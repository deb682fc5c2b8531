"""The REST client (PyGithub) and the one way every call is made: retried, within a deadline.

PyGithub's own retries are switched off: they sleep where tests cannot see and know nothing of
a total deadline. Instead every publishing step is a function that reads GitHub's state and
then writes, and `Retrier.call` runs it again after a 5xx, a timeout or a rate limit, so a
retried step looks again before it writes (a comment whose POST timed out is found, not posted
twice).
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException

from bot import __version__

T = TypeVar("T")
Log = Callable[[str], None]

_RETRY_STATUSES = frozenset({500, 502, 503, 504})
_SECONDARY_LIMIT_WAIT = 60.0
"""GitHub's advice for a secondary rate limit without Retry-After: wait at least a minute."""


class GitHubUnavailable(Exception):
    """GitHub kept failing (5xx, timeouts, rate limits) until the deadline or the attempt limit."""


class PermissionDenied(Exception):
    """The token may not do this (a read-only token on a fork's pull request, a missing permission)."""


@dataclass(frozen=True)
class ClientSettings:
    timeout: int = 30
    """Seconds to wait for one response."""
    seconds_between_requests: float | None = 0.25
    seconds_between_writes: float | None = 1.0
    """GitHub asks integrations to space writes by a second to stay clear of secondary limits."""
    per_page: int = 100


@dataclass
class Retrier:
    """Runs GitHub operations again after transient failures, all within one total deadline."""

    deadline_seconds: float = 300.0
    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    """Monotonic seconds, for the deadline."""
    wall_clock: Callable[[], float] = time.time
    """Epoch seconds, to read X-RateLimit-Reset."""
    log: Log = field(default=lambda message: None)
    _deadline_at: float | None = None
    waits: list[float] = field(default_factory=list)
    """Every wait, in order (what a run spent waiting on GitHub)."""

    def call(self, what: str, operation: Callable[[], T]) -> T:
        if self._deadline_at is None:
            self._deadline_at = self.clock() + self.deadline_seconds
        attempt = 0
        while True:
            attempt += 1
            try:
                return operation()
            except (GithubException, requests.RequestException) as error:
                delay = self.delay(error, attempt)
                if delay is None:
                    raise _final(error) from error
                remaining = self._deadline_at - self.clock()
                if attempt >= self.max_attempts or delay > remaining:
                    raise GitHubUnavailable(
                        f"{what}: GitHub still failing after {attempt} attempt(s): {describe(error)}"
                    ) from error
                self.log(f"{what}: {describe(error)}; retrying in {delay:g}s")
                self.waits.append(delay)
                self.sleep(delay)

    def delay(self, error: BaseException, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None when trying again cannot help."""
        backoff = min(self.max_delay, self.base_delay * 2.0 ** (attempt - 1))
        if isinstance(error, requests.RequestException):
            return backoff
        if not isinstance(error, GithubException):
            return None
        if error.status in _RETRY_STATUSES:
            return backoff
        if error.status not in (403, 429):
            return None
        headers = {key.lower(): value for key, value in (error.headers or {}).items()}
        retry_after = parse_retry_after(headers.get("retry-after"), self.wall_clock())
        if retry_after is not None:
            return retry_after
        if headers.get("x-ratelimit-remaining") == "0" and str(headers.get("x-ratelimit-reset", "")).isdigit():
            return max(1.0, float(headers["x-ratelimit-reset"]) - self.wall_clock())
        if error.status == 429 or is_secondary_rate_limit(error):
            return max(_SECONDARY_LIMIT_WAIT, backoff)
        return None


def make_client(api_url: str, token: str, settings: ClientSettings | None = None) -> Github:
    settings = settings or ClientSettings()
    return Github(
        auth=Auth.Token(token),
        base_url=api_url,
        timeout=settings.timeout,
        user_agent=f"dockhand/{__version__}",
        per_page=settings.per_page,
        retry=0,
        seconds_between_requests=settings.seconds_between_requests,
        seconds_between_writes=settings.seconds_between_writes,
        lazy=True,
    )


def parse_retry_after(value: Any, now: float) -> float | None:
    """`Retry-After` as seconds (`"30"`) or as an HTTP date."""
    if value is None:
        return None
    text = str(value).strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


def error_message(error: GithubException) -> str:
    data = error.data
    if isinstance(data, Mapping):
        return str(data.get("message") or "")
    return str(data or "")


def is_forbidden(error: GithubException) -> bool:
    """A 403 that is about permission, not about a rate limit."""
    headers = {key.lower() for key in (error.headers or {})}
    return error.status == 403 and "retry-after" not in headers and not is_secondary_rate_limit(error)


def is_secondary_rate_limit(error: GithubException) -> bool:
    message = error_message(error).lower()
    return "secondary rate limit" in message or "abuse" in message


def describe(error: BaseException) -> str:
    if isinstance(error, GithubException):
        message = error_message(error)
        return f"HTTP {error.status}" + (f" ({message})" if message else "")
    if isinstance(error, requests.Timeout):
        return "no response in time"
    if isinstance(error, requests.ConnectionError):
        return "connection failed"
    return type(error).__name__


def _final(error: BaseException) -> BaseException:
    if isinstance(error, GithubException) and error.status == 403:
        return PermissionDenied(describe(error))
    return error
