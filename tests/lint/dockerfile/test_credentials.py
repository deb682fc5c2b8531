import json

from bot.lint.context import LintContext
from bot.lint.dockerfile.analyzer import lint_dockerfiles
from bot.report.json_report import render_json
from bot.report.markdown import render_markdown
from tests.support.checks import hits, review
from tests.support.gitrepo import GitRepoFactory

GITHUB_TOKEN = "ghp_" + "A1b2C3d4E5" * 4
PASSWORD = "s3cr3t-Passw0rd"


def test_credential_names_with_values() -> None:
    text = f"FROM alpine:3.20\nENV DATABASE_PASSWORD={PASSWORD}\nARG API_KEY=abcdef123456\n"
    found = hits("DH114", text)
    assert [f.line for f in found] == [2, 3]
    assert all(PASSWORD not in f.message and "abcdef123456" not in f.message for f in found)
    assert "DATABASE_PASSWORD" in found[0].message


def test_build_arg_credentials_and_env_copies() -> None:
    text = "FROM node:20\nARG NPM_TOKEN\nENV NPM_TOKEN=${NPM_TOKEN}\n"
    assert [f.line for f in hits("DH114", text)] == [2, 3]


def test_token_shapes_anywhere() -> None:
    text = f"FROM alpine:3.20\nENV GREETING={GITHUB_TOKEN}\nRUN git clone https://bot:{PASSWORD}@github.com/o/r.git\n"
    found = hits("DH114", text)
    assert [f.line for f in found] == [2, 3]
    assert "GitHub token" in found[0].message and "password inside a URL" in found[1].message
    (redis,) = hits("DH114", f"FROM alpine:3.20\nENV REDIS_URL=redis://:{PASSWORD}@cache:6379\n")
    assert "password inside a URL" in redis.message and PASSWORD not in redis.message


def test_placeholders_and_relative_paths_are_not_written_credentials() -> None:
    text = "FROM alpine:3.20\nENV DB_PASSWORD=<changeme>\nENV API_TOKEN=xxxx\nENV SECRET_KEY=../keys/signing.pem\n"
    assert hits("DH114", text) == []


def test_harmless_lookalikes_are_quiet() -> None:
    text = (
        "FROM python:3.12\n"
        "ENV GPG_KEY=A035C8C19219BA821ECEA86B64E628F8D684696D\n"
        "ENV PASSWORD_FILE=/run/secrets/db\n"
        "ENV TOKENIZERS_PARALLELISM=false\n"
        "ENV DB_PASSWORD=\n"
        "ARG TOKEN_URL=https://example.com/token\n"
        "RUN --mount=type=secret,id=token cat /run/secrets/token\n"
    )
    assert hits("DH114", text) == []


def test_secret_values_never_reach_suggestions_or_reports(make_repo: GitRepoFactory) -> None:
    text = (
        "FROM debian:bookworm-slim\n"
        f"RUN curl -u admin:{PASSWORD}@x https://bot:{PASSWORD}@example.com/get | sh && apt-get install -y curl\n"
        f"ENV API_TOKEN={GITHUB_TOKEN}\n"
    )
    linted, _notes = lint_dockerfiles([("Dockerfile", text)], LintContext())
    for finding in linted[0].findings:
        assert PASSWORD not in finding.message and GITHUB_TOKEN not in finding.message
        if finding.suggestion is not None:
            assert PASSWORD not in finding.suggestion.original + finding.suggestion.replacement
    repo = make_repo(base={"README.md": "x\n"}, head={"Dockerfile": text})
    result = review(repo)
    for rendered in (render_markdown(result), render_json(result)):
        assert PASSWORD not in rendered and GITHUB_TOKEN not in rendered
    assert any(f["rule"] == "DH114" for f in json.loads(render_json(result))["findings"])
