"""DH145: a HEALTHCHECK that runs a program its image does not have."""

from __future__ import annotations

import pytest

from tests.support.checks import hits

RULE = "DH145"
PROBE = "HEALTHCHECK CMD curl -fsS http://localhost:8000/health || exit 1\n"


def test_curl_in_a_slim_image_that_never_gets_it() -> None:
    (found,) = hits(RULE, f"FROM python:3.12-slim\nUSER app\n{PROBE}")
    assert found.line == 3
    assert found.message.startswith("this HEALTHCHECK runs `curl`, which `python:3.12-slim` does not have and nothing")


@pytest.mark.parametrize(
    ("base", "probe"),
    [
        ("debian:12", '["/usr/bin/wget", "-q", "--spider", "http://localhost/"]'),
        ("node:22-alpine", "curl -f http://localhost:3000/ || exit 1"),
        ("alpine:3.20", "curl -f http://localhost/"),
        ("gcr.io/distroless/python3-debian12", "python -c 'print(1)'"),  # shell form: no /bin/sh
        ("scratch", '["curl", "-f", "http://localhost/"]'),
    ],
)
def test_hit_images_known_to_lack_the_tool(base: str, probe: str) -> None:
    assert len(hits(RULE, f"FROM {base}\nHEALTHCHECK CMD {probe}\n")) == 1


@pytest.mark.parametrize(
    "text",
    [
        f"FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n{PROBE}",
        f"FROM python:3.12\n{PROBE}",  # the full image has curl
        "FROM alpine:3.20\nHEALTHCHECK CMD wget -q --spider http://localhost/ || exit 1\n",  # busybox wget
        f"FROM python:3.12-slim AS base\nRUN apt-get update && apt-get install -y curl\nFROM base\n{PROBE}",
        f"FROM python:3.12-slim\nCOPY --from=curlimages/curl:8.8.0 /usr/bin/curl /usr/bin/curl\n{PROBE}",
        f"FROM ghcr.io/acme/base:1\n{PROBE}",  # an image we know nothing about
        'FROM gcr.io/distroless/static\nHEALTHCHECK CMD ["/app", "health"]\n',
        "FROM python:3.12-slim\nHEALTHCHECK NONE\n",
    ],
)
def test_miss_where_the_tool_is_there_or_unknown(text: str) -> None:
    assert hits(RULE, text) == []
