"""The Compose parser: exact lines, anchors and merge keys, typed services, bad input as problems."""

from __future__ import annotations

import pytest

from bot.parsing.compose import ComposeLimits, parse_compose, parse_port, parse_volume

COMPOSE = """\
x-defaults: &defaults
  restart: unless-stopped
  environment:
    TZ: UTC

services:
  web:
    <<: *defaults
    build:
      context: ../app
      dockerfile: docker/Dockerfile
      target: runtime
      args:
        VERSION: "1.2"
    ports:
      - "127.0.0.1:8000:8000"
      - 9000-9001:9000-9001/udp
    depends_on:
      - db
  db:
    image: postgres:16
    volumes:
      - db-data:/var/lib/postgresql/data
      - ./init.sql:/docker-entrypoint-initdb.d/init.sql:ro
    environment:
      - POSTGRES_DB=app
      - POSTGRES_PASSWORD
    healthcheck:
      test: ["CMD", "pg_isready"]

volumes:
  db-data:
"""


def test_services_keys_and_items_keep_their_lines() -> None:
    compose = parse_compose("deploy/compose.yaml", COMPOSE)
    assert compose.problems == ()
    web, db = compose.services
    assert (web.name, web.line, db.name, db.line) == ("web", 7, "db", 20)
    assert web.key_line("build") == 9
    assert [(p.line, p.host_ip, p.published, p.target, p.protocol) for p in web.ports] == [
        (16, "127.0.0.1", "8000", "8000", "tcp"),
        (17, None, "9000-9001", "9000-9001", "udp"),
    ]
    dependencies = [(d.name, d.condition, d.line, d.list_syntax) for d in web.depends_on]
    assert dependencies == [("db", "service_started", 19, True)]
    healthcheck = db.healthcheck
    assert healthcheck is not None
    assert (healthcheck.test, healthcheck.line, healthcheck.test_line) == (("CMD", "pg_isready"), 28, 29)


def test_a_merged_key_points_into_the_anchored_block() -> None:
    web = parse_compose("compose.yaml", COMPOSE).services[0]
    assert web.get("restart") == "unless-stopped"
    assert web.key_line("restart") == 2
    assert [(e.name, e.value, e.line) for e in web.environment] == [("TZ", "UTC", 4)]


def test_build_paths_resolve_against_the_compose_files_directory() -> None:
    build = parse_compose("deploy/compose.yaml", COMPOSE).services[0].build
    assert build is not None
    assert (build.context, build.dockerfile, build.target, build.line) == ("app", "app/docker/Dockerfile", "runtime", 9)
    assert [(a.name, a.value, a.line) for a in build.args] == [("VERSION", "1.2", 14)]


@pytest.mark.parametrize(
    ("build", "context", "dockerfile"),
    [
        ("build: .", "svc", "svc/Dockerfile"),
        ("build: {context: ./api, dockerfile: Dockerfile.prod}", "svc/api", "svc/api/Dockerfile.prod"),
        ("build: {context: '${CTX:-web}'}", "svc/web", "svc/web/Dockerfile"),
        ("build: {context: '${CTX}'}", None, None),
        ("build: https://github.com/docker/buildx.git#main", None, None),
        ("build: ../../outside", None, None),
        ("build: {context: ., dockerfile_inline: 'FROM scratch'}", "svc", None),
    ],
)
def test_build_specs(build: str, context: str | None, dockerfile: str | None) -> None:
    service = parse_compose("svc/compose.yml", f"services:\n  app:\n    {build}\n").services[0]
    assert service.build is not None
    assert (service.build.context, service.build.dockerfile) == (context, dockerfile)


def test_environment_in_both_syntaxes() -> None:
    db = parse_compose("compose.yaml", COMPOSE).services[1]
    assert [(e.name, e.value, e.line, e.list_syntax) for e in db.environment] == [
        ("POSTGRES_DB", "app", 26, True),
        ("POSTGRES_PASSWORD", None, 27, True),
    ]


def test_mounts() -> None:
    db = parse_compose("compose.yaml", COMPOSE).services[1]
    assert [(m.kind, m.source, m.target, m.read_only, m.line) for m in db.mounts] == [
        ("volume", "db-data", "/var/lib/postgresql/data", False, 23),
        ("bind", "./init.sql", "/docker-entrypoint-initdb.d/init.sql", True, 24),
    ]


@pytest.mark.parametrize(
    ("text", "host_ip", "published", "target"),
    [
        ("80", None, None, "80"),
        ("8080:80", None, "8080", "80"),
        ("0.0.0.0:5432:5432", "0.0.0.0", "5432", "5432"),
        ("127.0.0.1::5432", "127.0.0.1", None, "5432"),
        ("[::1]:6379:6379", "::1", "6379", "6379"),
        ("${PORT:-8000}:8000", None, "${PORT:-8000}", "8000"),
    ],
)
def test_port_short_syntax(text: str, host_ip: str | None, published: str | None, target: str) -> None:
    port = parse_port(text)
    assert (port.host_ip, port.published, port.target) == (host_ip, published, target)


def test_port_numbers_follow_interpolation_defaults() -> None:
    assert parse_port("${PORT:-8000}:80").published_ports() == [8000]
    assert parse_port("${PORT}:80").published_ports() == []


def test_windows_volume_source() -> None:
    mount = parse_volume("C:\\data:/data:ro")
    assert (mount.source, mount.target, mount.kind, mount.read_only) == ("C:\\data", "/data", "bind", True)


def test_several_documents_merge_in_order() -> None:
    text = "services:\n  web:\n    image: nginx:1\n---\nservices:\n  web:\n    restart: always\n"
    compose = parse_compose("compose.yml", text)
    (web,) = compose.services
    assert (web.image, web.get("restart"), web.key_line("restart")) == ("nginx:1", "always", 7)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("services:\n  web:\n\timage: nginx\n", 3, "tab character"),
        ("services:\n  web:\n    image: nginx\n    image: httpd\n", 4, "appears twice"),
        ("services:\n  web:\n    image: [nginx\n", 3, "not valid YAML"),  # the end of the file: its last line
        ("services:\n  web:\n    imagee: nginx\n", 3, "did you mean 'image'"),
        ("services:\n  web:\n    ports: 80\n", 3, "must be a list"),
        ("servics:\n  web: {}\n", 1, "unknown top-level key"),
        ("services:\n  web:\n    restart: sometimes\n", 3, "not a restart policy"),
        ("- just\n- a list\n", 1, "must be a mapping"),
    ],
)
def test_bad_input_is_a_problem_at_its_line(text: str, line: int, words: str) -> None:
    compose = parse_compose("compose.yml", text)
    assert [(p.line, words in p.message) for p in compose.problems][:1] == [(line, True)]


def test_alias_expansion_is_counted_exactly_and_bounded() -> None:
    text = "x-a: &a [1, 2]\nx-b: [*a, *a]\n"  # 1 root + 2 keys + [1,2] (3) + [*a,*a] (1+3+3) = 13 nodes
    assert parse_compose("compose.yml", text, ComposeLimits(max_nodes=13)).problems == ()
    (problem,) = parse_compose("compose.yml", text, ComposeLimits(max_nodes=12)).problems
    assert problem.kind == "limit" and "more than 12 values" in problem.message


def test_billion_laughs_is_refused_with_a_finding() -> None:
    levels = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for index in range(1, 10):
        name, previous = chr(ord("a") + index), chr(ord("a") + index - 1)
        levels.append(f"{name}: &{name} [" + ", ".join([f"*{previous}"] * 9) + "]")
    compose = parse_compose("compose.yml", "\n".join(levels) + "\n")  # 9**10 values if expanded
    (problem,) = compose.problems
    assert problem.kind == "limit" and "100,000 values" in problem.message
    assert problem.line <= 7  # refused as soon as the count passed the limit, not at the end
    assert compose.data is None


def test_deep_nesting_is_refused() -> None:
    compose = parse_compose("compose.yml", "x: " + "[" * 5000 + "]" * 5000 + "\n")
    (problem,) = compose.problems
    assert problem.kind == "limit" and "nesting deeper than 64" in problem.message


def test_huge_files_are_not_read() -> None:
    compose = parse_compose("compose.yml", "# " + "x" * 600_000 + "\n")
    (problem,) = compose.problems
    assert problem.kind == "limit" and "byte limit" in problem.message


JINJA = """\
services:
  django:{% if cookiecutter.use_celery == 'y' %} &django{% endif %}
    image: {{ cookiecutter.project_slug }}_local_django
{%- if cookiecutter.use_mailpit == 'y' %}
    depends_on:
      - mailpit
{%- else %}
    depends_on:
      - postgres
{%- endif %}
    environment:
      POSTGRES_PASSWORD: "{{ random_ascii_string(64) }}"
"""


def test_jinja_templates_are_read_with_neutralised_tags() -> None:
    compose = parse_compose("{{cookiecutter.project_slug}}/docker-compose.local.yml", JINJA)
    assert compose.template and compose.problems == () and compose.notes
    (django,) = compose.services
    assert django.image == "${TEMPLATE_EXPRESSION}_local_django"
    assert django.environment[0].value == "${TEMPLATE_EXPRESSION}" and django.environment[0].line == 12


def test_a_template_that_is_not_yaml_gets_a_note_not_a_problem() -> None:
    text = "services:\n{% for s in services %}\n  {{ s }}: {image: {{ s }}}\n  bad: [\n{% endfor %}\n"
    compose = parse_compose("{{cookiecutter.slug}}/compose.yml", text)
    assert compose.problems == () and not compose.parsed
    assert "not reviewed" in compose.notes[0]


def test_go_templates_in_plain_compose_files_stay_plain() -> None:
    compose = parse_compose("compose.yml", "services:\n  web:\n    hostname: '{{.Node.Hostname}}'\n")
    assert not compose.template and compose.services[0].get("hostname") == "{{.Node.Hostname}}"


def test_defaults_nested_thousands_deep_are_followed_only_so_far() -> None:
    from bot.parsing.interpolation import MAX_NESTING, references, resolve

    text = "${A:-" * 5000 + "x" + "}" * 5000
    assert len(references(text)) == MAX_NESTING + 1
    assert resolve(text) is None  # deeper than followed: depends on the environment
    assert resolve("${A:-${B:-x}}") == "x"
    compose = parse_compose("compose.yml", f"services:\n  web:\n    image: nginx:1.25\n    command: '{text}'\n")
    assert compose.problems == ()
