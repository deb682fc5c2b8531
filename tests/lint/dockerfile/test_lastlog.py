"""DH138: useradd with a high UID and without -l writes a huge lastlog into the layer."""

from __future__ import annotations

import pytest

from tests.support.linting import fixed, lint

RULE = "DH138"


def test_hit_with_the_size_it_writes_and_the_flag_as_its_fix() -> None:
    text = "FROM debian:12\nRUN groupadd -g 123456 app \\\n    && useradd -u 123456 -g app -m app\nUSER app\n"
    (found,) = lint(text, RULE)
    assert (found.line, found.end_line) == (2, 3)
    assert (
        found.message == "`useradd -u 123456` without `-l` writes a 36.0 MB /var/log/lastlog into the layer: add `-l`"
    )
    assert "useradd -l -u 123456 -g app -m app" in fixed(text, RULE)


@pytest.mark.parametrize("uid", ["--uid 1000680000", "--uid=1000680000", "-u1000680000"])
def test_every_way_to_write_the_uid(uid: str) -> None:
    (found,) = lint(f"FROM debian:12\nRUN useradd {uid} app\nUSER app\n", RULE)
    assert "292.2 GB" in found.message  # an OpenShift-style UID


@pytest.mark.parametrize(
    "run",
    [
        "RUN useradd -u 10001 app",  # 2.9 MB: below the line
        "RUN useradd -l -u 123456 app",
        "RUN useradd --no-log-init --uid 123456 app",
        "RUN useradd -lmu 123456 app",
        "RUN useradd -u $APP_UID app",  # not a literal number
        "RUN adduser -u 123456 -D app",  # busybox adduser writes no lastlog
    ],
)
def test_miss(run: str) -> None:
    assert lint(f"FROM debian:12\n{run}\nUSER app\n", RULE) == []
