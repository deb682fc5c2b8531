"""Retries: which failures are retried, how long to wait, and the total deadline."""

from __future__ import annotations

import email.utils

import pytest
import requests
from github import GithubException

from bot.github.client import GitHubUnavailable, PermissionDenied, Retrier, parse_retry_after
from tests.support.action_run import FakeClock


def retrier(clock: FakeClock, **options: float) -> Retrier:
    return Retrier(sleep=clock.sleep, clock=clock.monotonic, wall_clock=clock.wall, **options)  # type: ignore[arg-type]


def failing(*errors: BaseException) -> tuple[list[int], object]:
    calls: list[int] = []

    def operation() -> str:
        calls.append(1)
        if len(calls) <= len(errors):
            raise errors[len(calls) - 1]
        return "done"

    return calls, operation


def error(status: int, message: str = "", headers: dict[str, str] | None = None) -> GithubException:
    return GithubException(status, {"message": message}, headers or {})


def test_server_errors_and_timeouts_back_off_exponentially() -> None:
    clock = FakeClock()
    calls, operation = failing(error(502), error(500), requests.ReadTimeout(), requests.ConnectionError())
    assert retrier(clock).call("x", operation) == "done"  # type: ignore[arg-type]
    assert clock.slept == [1.0, 2.0, 4.0, 8.0] and len(calls) == 5


def test_retry_after_in_seconds_or_as_a_date() -> None:
    clock = FakeClock()
    date = email.utils.formatdate(clock.wall() + 30, usegmt=True)
    _, operation = failing(
        error(403, "You have exceeded a secondary rate limit", {"Retry-After": "12"}),
        error(429, "", {"retry-after": date}),
    )
    retrier(clock).call("x", operation)  # type: ignore[arg-type]
    assert clock.slept == [12.0, 18.0]  # the date was 30 s away before the first wait of 12 s


def test_a_secondary_limit_without_retry_after_waits_a_minute() -> None:
    clock = FakeClock()
    _, operation = failing(error(403, "You have exceeded a secondary rate limit. Please wait a few minutes"))
    retrier(clock).call("x", operation)  # type: ignore[arg-type]
    assert clock.slept == [60.0]


def test_an_exhausted_primary_limit_waits_for_the_reset() -> None:
    clock = FakeClock()
    reset = str(int(clock.wall()) + 42)
    _, operation = failing(
        error(403, "API rate limit exceeded", {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset})
    )
    retrier(clock).call("x", operation)  # type: ignore[arg-type]
    assert clock.slept == [42.0]


def test_a_permission_error_is_not_retried() -> None:
    clock = FakeClock()
    calls, operation = failing(error(403, "Resource not accessible by integration"))
    with pytest.raises(PermissionDenied, match="not accessible"):
        retrier(clock).call("x", operation)  # type: ignore[arg-type]
    assert clock.slept == [] and len(calls) == 1


def test_a_422_goes_to_the_caller() -> None:
    _, operation = failing(error(422, "Unprocessable Entity"))
    with pytest.raises(GithubException) as raised:
        retrier(FakeClock()).call("x", operation)  # type: ignore[arg-type]
    assert raised.value.status == 422


def test_attempts_are_limited() -> None:
    clock = FakeClock()
    calls, operation = failing(*[error(502)] * 10)
    with pytest.raises(GitHubUnavailable, match=r"post it: GitHub still failing after 6 attempt\(s\): HTTP 502"):
        retrier(clock).call("post it", operation)  # type: ignore[arg-type]
    assert len(calls) == 6


def test_one_deadline_covers_all_calls_of_a_run() -> None:
    clock = FakeClock()
    shared = retrier(clock, deadline_seconds=10, max_attempts=100)
    _, first = failing(error(502), error(502), error(502))  # waits 1 + 2 + 4
    shared.call("first", first)  # type: ignore[arg-type]
    _, second = failing(error(502), error(502), error(502))  # 1 + 2 fit in what is left, 4 does not
    with pytest.raises(GitHubUnavailable):
        shared.call("second", second)  # type: ignore[arg-type]
    assert clock.slept == [1.0, 2.0, 4.0, 1.0, 2.0]


def test_parse_retry_after() -> None:
    assert parse_retry_after("5", 0) == 5.0
    assert parse_retry_after(None, 0) is None
    assert parse_retry_after("soon", 0) is None
