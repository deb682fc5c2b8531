from tests.support.checks import fixed, hits


def test_pip_without_no_cache_dir() -> None:
    text = "FROM python:3.12-slim\nRUN pip install -r requirements.txt\n"
    assert [f.line for f in hits("DH105", text)] == [2]
    assert "pip install --no-cache-dir -r" in fixed("DH105", text)


def test_pip_cache_disabled_by_env_or_mount_is_quiet() -> None:
    assert hits("DH105", "FROM python:3.12-slim\nENV PIP_NO_CACHE_DIR=1\nRUN pip install flask\n") == []
    mount = "FROM python:3.12-slim\nRUN --mount=type=cache,target=/root/.cache/pip pip install flask\n"
    assert hits("DH105", mount) == []


def test_uv_pip_is_not_a_pip_cache_problem() -> None:
    assert hits("DH105", "FROM python:3.12-slim\nRUN uv pip install --system flask==3.0.0\n") == []


def test_apk_add_without_no_cache() -> None:
    text = "FROM alpine:3.20\nRUN apk update && apk add curl\n"
    assert [f.line for f in hits("DH111", text)] == [2]
    assert "apk add --no-cache curl" in fixed("DH111", text)


def test_apk_no_cache_or_removed_cache_is_quiet() -> None:
    assert hits("DH111", "FROM alpine:3.20\nRUN apk add --no-cache curl\n") == []
    assert hits("DH111", "FROM alpine:3.20\nRUN apk add curl && rm -rf /var/cache/apk/*\n") == []


def test_dnf_install_without_clean() -> None:
    text = "FROM fedora:40\nRUN dnf install -y gcc\n"
    found = hits("DH112", text)
    assert [f.line for f in found] == [2] and "dnf clean all" in found[0].message
    assert fixed("DH112", text).rstrip().endswith("&& dnf clean all")


def test_yum_with_clean_is_quiet() -> None:
    assert hits("DH112", "FROM centos:7\nRUN yum install -y gcc && yum clean all\n") == []
    assert hits("DH112", "FROM centos:7\nRUN yum install -y gcc && rm -rf /var/cache/yum\n") == []


def test_apk_no_network_downloads_nothing() -> None:
    text = "FROM alpine:3.20\nRUN apk add --no-cache x && scanelf | xargs -rt apk add --no-network --virtual .rundeps\n"
    assert hits("DH111", text) == []
