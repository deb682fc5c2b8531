"""The Dockerfile model: BuildKit's parser, exactly, plus what BuildKit checks next."""

from pathlib import Path

from dockerfile_parse import DockerfileParser

from bot.lint.context import LintContext
from bot.lint.dockerfile.analyzer import lint_dockerfile
from bot.parsing.dockerfile import parse_dockerfile, substitute

HEREDOC = """\
# syntax=docker/dockerfile:1
FROM debian:12
RUN <<EOF
apt-get update
USER root
EOF
COPY <<-CONF /etc/app.conf
\tkey=value
CONF
CMD ["app"]
"""

ESCAPE = """\
# escape=`
ARG REPO=mcr.microsoft.com/windows/servercore
FROM ${REPO}:ltsc2019
RUN powershell -Command `
    Write-Host C:\\path\\here; `
    Write-Host done
CMD ["cmd"]
"""


def test_heredoc_body_is_part_of_the_run_not_instructions() -> None:
    parsed = parse_dockerfile("Dockerfile", HEREDOC)
    stage = parsed.final_stage
    assert stage is not None
    assert [i.keyword for i in stage.instructions] == ["RUN", "COPY", "CMD"]
    run = stage.instructions[0]
    assert (run.line, run.end_line) == (3, 6)
    assert run.shell_script == "apt-get update\nUSER root\n"
    assert stage.of("USER") == []
    copy = stage.instructions[1]
    assert (copy.line, copy.end_line) == (7, 9)
    assert copy.heredocs[0].name == "CONF"


def test_dockerfile_parse_would_read_the_heredoc_body_as_instructions(tmp_path: Path) -> None:
    """Why dockhand does not parse with dockerfile-parse: it sees a USER that is not there."""
    other = DockerfileParser(path=str(tmp_path))  # setting .content writes a Dockerfile there
    other.content = HEREDOC
    assert "user" in [item["instruction"].lower() for item in other.structure]


def test_escape_directive_joins_backtick_continuations() -> None:
    parsed = parse_dockerfile("Dockerfile", ESCAPE)
    assert parsed.escape == "`"
    assert parsed.errors == ()
    stage = parsed.final_stage
    assert stage is not None
    run = stage.instructions[0]
    assert (run.line, run.end_line) == (4, 6)
    assert "C:\\path\\here;" in run.command_text
    assert stage.base_resolved == "mcr.microsoft.com/windows/servercore:ltsc2019"
    assert parsed.is_windows(stage)


def test_arg_before_from_is_resolved_in_the_base_image() -> None:
    parsed = parse_dockerfile(
        "Dockerfile", "ARG TAG=3.12\nARG IMG\nFROM python:${TAG}-slim AS app\nFROM ${IMG:-alpine}\n"
    )
    assert [(s.name, s.base_resolved) for s in parsed.stages] == [("app", "python:3.12-slim"), (None, "alpine")]


def test_continuation_lines_with_comments_and_blank_lines() -> None:
    parsed = parse_dockerfile("Dockerfile", 'FROM a\nRUN one \\\n# a comment\n\n    two\nCMD ["x"]\n')
    stage = parsed.final_stage
    assert stage is not None
    run = stage.instructions[0]
    assert (run.line, run.end_line) == (2, 5)
    assert run.command_text.split() == ["one", "two"]


def test_stage_names_are_case_insensitive_and_lineage_follows_from() -> None:
    parsed = parse_dockerfile("Dockerfile", "FROM a AS Base\nUSER x\nFROM base AS mid\nFROM mid\n")
    final = parsed.final_stage
    assert final is not None
    assert [s.index for s in parsed.lineage(final)] == [2, 1, 0]
    assert [s.index for s in parsed.runtime_stages()] == [2, 1, 0]


def test_directives_only_at_the_top() -> None:
    parsed = parse_dockerfile("Dockerfile", "# syntax=docker/dockerfile:1.7\n# check=skip=all\nFROM a\n# escape=`\n")
    assert parsed.directives == {"syntax": "docker/dockerfile:1.7", "check": "skip=all"}
    assert parsed.escape == "\\"


def test_onbuild_and_flags() -> None:
    parsed = parse_dockerfile("Dockerfile", "FROM a\nONBUILD RUN make\nCOPY --from=b --chown=1:1 x y\n")
    stage = parsed.final_stage
    assert stage is not None
    onbuild, copy = stage.instructions
    assert (onbuild.keyword, onbuild.onbuild_keyword) == ("ONBUILD", "RUN")
    assert copy.flag("from") == "b"
    assert copy.flag("chown") == "1:1"
    assert copy.flag("chmod") is None


def test_template_control_lines_are_skipped_with_a_note() -> None:
    text = "FROM python:3.12\n{% if cookiecutter.use_celery == 'y' %}\nRUN pip install celery\n{% endif %}\n"
    parsed = parse_dockerfile("Dockerfile", text)
    assert parsed.errors == ()
    assert parsed.notes
    stage = parsed.final_stage
    assert stage is not None
    assert stage.instructions[0].line == 3


def test_a_line_over_buildkits_limit_is_an_error_at_that_line() -> None:
    parsed = parse_dockerfile("Dockerfile", "FROM a\nRUN " + "x" * 70000 + "\n")
    assert [e.line for e in parsed.errors] == [2]


def test_substitute_follows_buildkit_operators() -> None:
    values = {"SET": "v", "EMPTY": "", "NODEFAULT": None}
    assert substitute("${SET:-d}|${EMPTY:-d}|${UNSET-d}|${EMPTY-d}", values) == "v|d|d|"
    assert substitute("${SET:+alt}|${EMPTY:+alt}|${EMPTY+alt}|$SET", values) == "alt||alt|v"


def test_lineage_root_and_what_a_stage_inherits_are_indexed_once_per_file() -> None:
    dockerfile = parse_dockerfile(
        "Dockerfile",
        "FROM mcr.microsoft.com/windows/servercore:ltsc2022 AS win\n"
        'FROM debian:12 AS base\nUSER app\nSHELL ["/bin/bash", "-c"]\n'
        'FROM base AS build\nRUN make\nSHELL ["/bin/sh", "-c"]\nRUN cc\n'
        "FROM build AS test\nUSER tester\n"
        "FROM 1 AS again\n"
        "FROM win\n",
    )
    win, base, build, test, again, _ = dockerfile.stages
    assert [s.name for s in dockerfile.lineage(test)] == ["test", "build", "base"]
    assert dockerfile.root_of(test) is base and dockerfile.root_of(again) is base  # `FROM 1`: the stage by index
    assert dockerfile.last_in_lineage(test, "USER").line == 10
    assert dockerfile.last_in_lineage(build, "USER").line == 3  # inherited from base
    assert dockerfile.last_in_lineage(build, "SHELL", before_line=8).line == 7
    assert dockerfile.last_in_lineage(build, "SHELL", before_line=7).line == 4  # not yet its own: base's
    assert dockerfile.last_in_lineage(win, "USER") is None
    assert [dockerfile.is_windows(s) for s in dockerfile.stages] == [True, False, False, False, False, True]
    assert dockerfile.stage_named("BUILD") is build and dockerfile.stage_named("nope") is None


def test_a_chain_of_thousands_of_stages_has_its_whole_lineage() -> None:
    text = "FROM alpine:3.20 AS s0\n" + "".join(f"FROM s{n} AS s{n + 1}\nENV V{n}=1\n" for n in range(3000))
    dockerfile = parse_dockerfile("Dockerfile", text)
    last = dockerfile.stages[-1]
    assert len(dockerfile.lineage(last)) == 3001
    assert dockerfile.root_of(last).name == "s0"
    assert dockerfile.last_in_lineage(last, "ENV").line == len(text.splitlines())


def test_template_expressions_count_as_variables_and_the_file_is_a_template() -> None:
    text = "{% set base = 'python' %}\nFROM --platform=linux/amd64 {{ images[base].name }} AS build\nRUN make\n"
    parsed = parse_dockerfile("docker/Dockerfile.j2", text)
    assert parsed.errors == () and parsed.template
    assert parsed.stages[0].base == "${TEMPLATE_EXPRESSION}" and parsed.stages[0].name == "build"
    plain = parse_dockerfile("Dockerfile", "FROM docker:27\nRUN docker inspect --format '{{.Id}}' x\n")
    assert not plain.template and "{{.Id}}" in plain.stages[0].instructions[0].original


def test_a_template_that_is_no_dockerfile_until_rendered_is_a_note_not_a_finding() -> None:
    text = "FROM python:3.12\nENV A=1 \\\n{% if x %}\n    B=2\n{% endif %}\nFROBNICATE\n"
    dockerfile, findings = lint_dockerfile("Dockerfile.j2", text, LintContext())
    assert findings == [] and dockerfile.template
    assert dockerfile.notes[-1].startswith("the template does not parse until it is rendered (line 6:")


JQ_TEMPLATE = """\
{{
\tdef is_alpine:
\t\tenv.variant | startswith("alpine")
\t;
-}}
{{ if is_alpine then ( -}}
FROM alpine:{{ env.variant | ltrimstr("alpine") }}
{{ ) else ( -}}
FROM buildpack-deps:{{ env.variant }}
{{ ) end -}}
ENV GPG_KEY {{
\t{ "3.12": "7169605F62C751356D054A26A821E680E5FA6305" }[env.version]
}}
RUN set -eux; \\
{{ if is_alpine then ( -}}
\tapk add --no-cache tk; \\
{{ ) else ( -}}
\tapt-get install -y --no-install-recommends tk; \\
{{ ) end -}}
\ttrue
"""


def test_a_jq_template_is_read_like_a_jinja_one_with_tags_over_several_lines() -> None:
    parsed = parse_dockerfile("Dockerfile-linux.template", JQ_TEMPLATE)
    assert parsed.errors == () and parsed.template  # docker-library's python images: no tag line is an instruction
    bases = ["alpine:${TEMPLATE_EXPRESSION}", "buildpack-deps:${TEMPLATE_EXPRESSION}"]
    assert [stage.base for stage in parsed.stages] == bases
    env, run = parsed.stages[-1].instructions
    assert (env.keyword, env.arguments, env.line) == ("ENV", ("GPG_KEY", "${TEMPLATE_EXPRESSION}"), 11)
    assert (run.line, run.end_line) == (14, 20)
    assert "if is_alpine" not in parsed.source_text_of(run.line, run.end_line)  # what the shell linters read
    assert "if is_alpine" in parsed.text_of(run.line, run.end_line)  # what suggestions edit


def test_the_shells_own_braces_do_not_make_a_template() -> None:
    text = "FROM alpine:3.20\nRUN n=${#PATH}; echo {# $n \\\n    && echo done\n"
    assert not parse_dockerfile("Dockerfile", text).template


def test_template_branches_tell_which_lines_are_never_rendered_together() -> None:
    parsed = parse_dockerfile("Dockerfile-linux.template", JQ_TEMPLATE)
    assert parsed.exclusive(7, 9)  # FROM alpine / FROM buildpack-deps: one or the other
    assert not parsed.exclusive(7, 11) and not parsed.exclusive(16, 20)  # after the `end`: both render it
    assert parsed.exclusive(16, 18)  # apk / apt-get, in a conditional inside the RUN
    jinja = parse_dockerfile(
        "Dockerfile.j2", "FROM a\n{% if x %}\nUSER 1\n{% elif y %}\nUSER 2\n{% else %}\nUSER 3\n{% endif %}\n"
    )
    assert jinja.exclusive(3, 5) and jinja.exclusive(5, 7) and not jinja.exclusive(1, 7)
    plain = parse_dockerfile("Dockerfile", "FROM a\nUSER 1\nUSER 2\n")
    assert not plain.exclusive(2, 3)


def test_a_tag_that_continues_an_instruction_joins_the_line_before_it() -> None:
    text = (
        "FROM debian:12\n"
        "ENV PORT=80\n"
        '{%- if base == "debian" %} \\\n'
        "    DEBIAN_FRONTEND=noninteractive\n"
        '{% elif base == "alpine" %} \\\n'
        "    SSL_CERT_DIR=/etc/ssl/certs\n"
        "{% endif %}\n"
    )  # vaultwarden's Dockerfile.j2 (corpus c014): Jinja strips the line break before `{%-`
    parsed = parse_dockerfile("Dockerfile.j2", text)
    assert parsed.errors == ()
    (env,) = parsed.stages[0].instructions
    assert env.arguments == ("PORT", "80", "DEBIAN_FRONTEND", "noninteractive", "SSL_CERT_DIR", "/etc/ssl/certs")


def test_branches_that_each_continue_one_run_are_linted_one_at_a_time() -> None:
    text = (
        "FROM debian:12\n"
        "RUN mkdir /data && \\\n"
        "{% if base == 'debian' %}\n"
        "    apt-get update && apt-get install -y curl && \\\n"
        "    rm -rf /var/lib/apt/lists/*\n"
        "{% else %}\n"
        "    apk add --no-cache curl\n"
        "{% endif %}\n"
        "USER app\n"
    )
    parsed = parse_dockerfile("Dockerfile.j2", text)
    assert parsed.errors == () and parsed.notes[0].startswith("template: its branches do not parse together")
    run, user = parsed.stages[0].instructions
    assert (run.line, run.end_line, user.line) == (2, 5, 9)
    assert "apk" not in parsed.source_text_of(2, 9) and "apk" in parsed.text_of(2, 9)
