from tests.support.checks import hits, review
from tests.support.gitrepo import GitRepoFactory

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


def test_a_server_that_compose_publishes_needs_an_init_unless_compose_gives_it_one(make_repo: GitRepoFactory) -> None:
    server = 'FROM python:3.12-slim\nUSER app\nCMD ["fastapi", "run"]\n'  # no EXPOSE: compose publishes the port
    compose = "services:\n  api:\n    build: ./api\n    ports: ['8000:8000']\n"
    repo = make_repo(base={"README.md": "x\n"}, head={"api/Dockerfile": server, "compose.yaml": compose})
    found = [f for f in review(repo).findings if f.rule == "DH107"]
    assert [(f.path, f.line) for f in found] == [("api/Dockerfile", 3)]
    with_init = compose.replace("    ports:", "    init: true\n    ports:")
    repo = make_repo(base={"README.md": "x\n"}, head={"api/Dockerfile": server, "compose.yaml": with_init})
    assert [f for f in review(repo).findings if f.rule == "DH107"] == []
    assert hits("DH107", server) == []  # alone, nothing says it serves


def test_servers_built_to_run_as_pid_1_need_no_init() -> None:
    for command in ('["nginx", "-g", "daemon off;"]', '["postgres"]', "haproxy -f /etc/haproxy.cfg"):
        assert hits("DH107", f"FROM alpine:3.20\nEXPOSE 80\nCMD {command}\n") == [], command
    assert [f.line for f in hits("DH107", 'FROM alpine:3.20\nEXPOSE 80\nCMD ["node", "server.js"]\n')] == [3]
