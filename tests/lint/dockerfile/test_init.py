from tests.support.checks import hits

SERVICE = 'FROM python:3.12-slim\nUSER app\nEXPOSE 8000\nCMD ["gunicorn", "app:app"]\n'


def test_service_without_init() -> None:
    found = hits("DH107", SERVICE)
    assert [f.line for f in found] == [4]
    assert "`gunicorn`" in found[0].message and "--init" in found[0].message


def test_tini_entrypoint_is_quiet() -> None:
    text = SERVICE.replace("CMD", 'ENTRYPOINT ["/usr/bin/tini", "--"]\nCMD')
    assert hits("DH107", text) == []


def test_dumb_init_in_a_parent_stage_is_quiet() -> None:
    text = 'FROM python:3.12-slim AS base\nENTRYPOINT ["dumb-init", "--"]\nFROM base\nEXPOSE 80\nCMD ["app"]\n'
    assert hits("DH107", text) == []


def test_a_comment_saying_the_runtime_adds_init_is_quiet() -> None:
    assert hits("DH107", "# run with docker run --init\n" + SERVICE) == []
    assert hits("DH107", "# compose sets init: true for this service\n" + SERVICE) == []


def test_a_cli_image_needs_no_init() -> None:
    assert hits("DH107", 'FROM alpine:3.20\nENTRYPOINT ["jq"]\n') == []
