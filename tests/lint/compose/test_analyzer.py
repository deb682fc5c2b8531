"""The Compose section end to end: base and head, the services table, templates, no secret anywhere."""

from __future__ import annotations

from pathlib import Path

from bot.cli import review_repository
from bot.model import Review
from bot.options import ReviewOptions
from bot.report.html import render_html
from bot.report.json_report import render_json, review_to_dict
from bot.report.markdown import render_markdown
from bot.report.sarif import render_sarif
from tests.support.composelint import text
from tests.support.gitrepo import GitRepoFactory

SECRET = "Qw9-never-Printed-7"

BASE_COMPOSE = """
services:
  db:
    image: postgres:16
    ports:
      - "5432:5432"
"""

HEAD_COMPOSE = f"""
services:
  db:
    image: postgres:16
    ports:
      - "5432:5432"
    environment:
      POSTGRES_PASSWORD: {SECRET}
    healthcheck:
      test: ["CMD-SHELL", "pg_isready -U postgres"]
    restart: unless-stopped
  api:
    build: ./api
    depends_on: [db]
"""


def review(make_repo: GitRepoFactory, base: dict[str, str], head: dict[str, str]) -> Review:
    repo = make_repo(base={k: text(v) for k, v in base.items()}, head={k: text(v) for k, v in head.items()})
    return review_repository(Path(repo.path), repo.base, repo.head, None, ReviewOptions(build=False, scan=False))


def test_findings_are_placed_against_the_base(make_repo: GitRepoFactory) -> None:
    result = review(
        make_repo, {"compose.yaml": BASE_COMPOSE}, {"compose.yaml": HEAD_COMPOSE, "api/Dockerfile": "FROM scratch\n"}
    )
    by_rule = {f.rule: f for f in result.findings if f.path == "compose.yaml"}
    assert by_rule["DH204"].new is False  # the published port was already there
    assert by_rule["DH201"].new is True and by_rule["DH201"].in_diff is True
    assert by_rule["DH212"].suggestion is not None


def test_the_services_table_is_attached_to_the_file(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, {}, {"compose.yaml": HEAD_COMPOSE, "api/Dockerfile": "FROM scratch\n"})
    section = next(s for s in result.sections if s.key == "compose")
    (table,) = section.tables
    assert table.path == "compose.yaml"
    assert table.rows == (
        ("db", "postgres:16", "5432:5432", "✅ compose", "✅ unless-stopped", "❌"),
        ("api", "build api", "none published", "❌", "❌", "❌"),  # "–" marks what does not apply
    )
    (record,) = review_to_dict(result)["sections"]["compose"]["files"]
    assert record["services"][1]["build"] == {"context": "api", "dockerfile": "api/Dockerfile", "target": None}
    markdown = render_markdown(result)
    assert markdown.index("**Services**") > markdown.index("### `compose.yaml`")


SECRET_COMPOSE = f"""
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: {SECRET}
    command: ["postgres", "-c", "log_statement=all"]
    secrets: [postgres_password]
  cache:
    image: redis:7.4
    command: redis-server --requirepass {SECRET}
    healthcheck:
      test: ["CMD", "redis-cli -a {SECRET} ping"]
secrets:
  postgres_password:
    file: ./pw.txt
"""


def test_a_secret_value_is_in_no_output(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, {}, {"compose.yaml": SECRET_COMPOSE})
    rules = sorted(f.rule for f in result.findings if f.rule == "DH201")
    assert rules == ["DH201", "DH201", "DH201"]
    healthcheck = next(f for f in result.findings if f.rule == "DH210")
    assert healthcheck.suggestion is None  # its line holds the secret: no suggestion may carry it
    for rendered in (render_markdown(result), render_json(result), render_sarif(result), render_html(result)):
        assert SECRET not in rendered
    assert "POSTGRES_PASSWORD: ******" in render_markdown(result)


def test_templates_show_only_what_the_change_brings(make_repo: GitRepoFactory) -> None:
    template = (
        "services:\n  django:\n    image: {{ cookiecutter.project_slug }}_django\n{%- if cookiecutter.use_redis %}\n"
        "  redis:\n    image: redis\n{%- endif %}\n"
    )
    changed = template.replace("  django:\n", "  django:\n    privileged: true\n")
    path = "{{cookiecutter.project_slug}}/docker-compose.yml"
    result = review(make_repo, {path: template}, {path: changed})
    assert [f.rule for f in result.findings] == ["DH205"]
    section = next(s for s in result.sections if s.key == "compose")
    assert any("pre-existing finding(s) of this template not shown" in note for note in section.notes)
    assert any("Jinja template" in note for note in section.notes)


def test_a_template_that_is_not_yaml_is_a_note(make_repo: GitRepoFactory) -> None:
    path = "{{cookiecutter.project_slug}}/compose.yml"
    source = "services:\n{% for s in cookiecutter.services %}\n  {{ s }}: {image: [\n{% endfor %}\n"
    result = review(make_repo, {}, {path: source})
    assert result.findings == ()
    section = next(s for s in result.sections if s.key == "compose")
    assert any("not reviewed" in note for note in section.notes)


def test_ignore_comments_work_in_compose_files(make_repo: GitRepoFactory) -> None:
    compose = """
    services:
      proxy:
        image: traefik:v3.1
        volumes:
          # dockhand ignore=DH206 traefik reads container labels through the API
          - /var/run/docker.sock:/var/run/docker.sock:ro
    """
    result = review(make_repo, {}, {"compose.yaml": compose})
    assert [f.rule for f in result.findings if f.rule == "DH206"] == []
    assert [(s.finding.rule, s.reason) for s in result.suppressed] == [
        ("DH206", "traefik reads container labels through the API")
    ]
