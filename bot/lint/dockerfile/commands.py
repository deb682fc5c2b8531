"""How the container starts: DH102 (shell-form CMD/ENTRYPOINT), DH115 (one that has no effect),
DH143 (brackets that are not JSON)."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.lint.dockerfile.edits import replace_lines
from bot.model import Severity, Suggestion
from bot.parsing.dockerfile import Dockerfile, Instruction
from bot.rule import Hit, rule
from bot.text import shortened

_SHELL_SYNTAX = set("$`|&;<>(){}*?[]~#!\\\n")


@rule("DH102", "shell-form-command", Severity.MEDIUM, "CMD or ENTRYPOINT in shell form", aliases=("DL3025",))
def shell_form_command(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `CMD` or `ENTRYPOINT` of the image written in shell form (`CMD python app.py`)
    rather than exec form (`CMD ["python", "app.py"]`).

    ## Why it matters
    In shell form Docker runs `/bin/sh -c "<command>"`: the shell is PID 1, the application
    is its child, and `docker stop` sends SIGTERM to a shell that does not forward it. The
    application never shuts down cleanly; after the grace period it is killed. A shell-form
    ENTRYPOINT also ignores every `CMD` and `docker run` argument.

    ## Example
    ```dockerfile
    CMD gunicorn --bind 0.0.0.0:8000 app:app
    ```

    ## Fix
    ```dockerfile
    CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    ```
    The suggestion is offered when the command uses no shell syntax (variables, pipes,
    redirections, globs); otherwise move the logic into an entrypoint script and `exec` it.
    """
    for stage in dockerfile.runtime_stages():
        if dockerfile.is_windows(stage):
            continue
        for ins in stage.instructions:
            if ins.keyword in {"CMD", "ENTRYPOINT"} and not ins.exec_form and not _broken_exec_form(ins):
                yield Hit(
                    ins.line,
                    f"{ins.keyword} in shell form: /bin/sh becomes PID 1 and does not pass on SIGTERM",
                    ins.end_line,
                    _exec_form(dockerfile, ins),
                )


@rule("DH143", "exec-form-not-json", Severity.HIGH, "CMD, ENTRYPOINT or RUN in brackets that are not JSON")
def exec_form_not_json(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `CMD`, `ENTRYPOINT` or `RUN` written in brackets, as the exec form is, that is
    not a JSON array of strings: single quotes (`['python', 'app.py']`), a missing comma, a
    trailing comma.

    ## Why it matters
    Docker reads anything that is not valid JSON as shell form, so `CMD ['python', 'app.py']`
    runs `/bin/sh -c "['python', 'app.py']"`: the shell looks for a program called
    `[python,` and the container exits at start (a RUN fails the build). Nothing warns
    before the container is started.

    ## Example
    ```dockerfile
    CMD ['gunicorn', '--bind', '0.0.0.0:8000', 'app:app']
    ```

    ## Fix
    ```dockerfile
    CMD ["gunicorn", "--bind", "0.0.0.0:8000", "app:app"]
    ```
    The suggestion is offered when the words can be read unambiguously (quoted strings
    separated by commas).
    """
    for stage in dockerfile.stages:
        if dockerfile.is_windows(stage):
            continue
        for ins in stage.instructions:
            if ins.keyword in {"CMD", "ENTRYPOINT", "RUN"} and not ins.exec_form and _broken_exec_form(ins):
                words = _quoted_words(ins.command_text.strip())
                fix = replace_lines(dockerfile, ins, f"{ins.keyword} {json.dumps(words)}") if words else None
                yield Hit(
                    ins.line,
                    f"`{ins.keyword} {shortened(ins.command_text.strip(), 60)}` is not JSON, so it runs as a shell"
                    " command that fails: use double quotes and commas",
                    ins.end_line,
                    fix if ins.line == ins.end_line and not ins.flags else None,
                )


_QUOTED = re.compile(r"""\s*(?:"((?:[^"\\]|\\.)*)"|'([^'\\]*)')\s*""")


def _broken_exec_form(ins: Instruction) -> bool:
    """Brackets meant as an exec form: a quote right after `[`, or commas between the words.
    Not the shell's test command, `[ "$A" = "b" ]`."""
    text = ins.command_text.strip()
    if not (text.startswith("[") and text.endswith("]") and ("'" in text or '"' in text)):
        return False
    return text[1:2] in ("'", '"') or "," in _QUOTED.sub(" ", text)


def _quoted_words(text: str) -> list[str] | None:
    """The strings of `['a', "b"]`, each separated by one comma; None when that is not what it is."""
    body = text[1:-1]
    words: list[str] = []
    position = 0
    while position < len(body):
        match = _QUOTED.match(body, position)
        if match is None:
            return None
        double, single = match.group(1), match.group(2)
        try:
            words.append(json.loads(f'"{double}"') if double is not None else single)
        except ValueError:  # an escape or a control character JSON does not allow: no guess
            return None
        position = match.end()
        if position < len(body):
            if body[position] != ",":
                return None
            position += 1
    return words or None


def _exec_form(dockerfile: Dockerfile, ins: Instruction) -> Suggestion | None:
    command = ins.command_text.strip()
    if not command or _SHELL_SYNTAX & set(command):
        return None
    try:
        words = shlex.split(command)
    except ValueError:
        return None
    if words and words[0] == "exec":
        words = words[1:]
    if not words or "=" in words[0]:  # `VAR=value app` needs a shell
        return None
    return replace_lines(dockerfile, ins, f"{ins.keyword} {json.dumps(words, ensure_ascii=False)}")


@rule(
    "DH115",
    "instruction-overridden",
    Severity.MEDIUM,
    "More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage",
    aliases=("DL4003", "DL4004", "DL3012"),
)
def instruction_overridden(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `CMD`, `ENTRYPOINT` or `HEALTHCHECK` that a later one of the same kind in the
    same stage replaces. In a template, one in another branch of the same `{% if %}` does not
    count: only one of them is ever rendered.

    ## Why it matters
    Only the last of each takes effect. The earlier one reads like part of the image's
    behaviour but does nothing, which usually means a merge or copy-paste went wrong and the
    image starts (or is probed) differently from what its author believes.

    ## Example
    ```dockerfile
    CMD ["python", "manage.py", "migrate"]
    CMD ["gunicorn", "app.wsgi"]
    ```

    ## Fix
    Keep the one you mean. To run two things at start, use an entrypoint script that runs
    the first and `exec`s the second.
    """
    for stage in dockerfile.stages:
        for keyword in ("CMD", "ENTRYPOINT", "HEALTHCHECK"):
            found = stage.of(keyword)
            for index, ins in enumerate(found):
                later = [other for other in found[index + 1 :] if not dockerfile.exclusive(ins.line, other.line)]
                if later:
                    yield Hit(
                        ins.line,
                        f"this {keyword} has no effect: the {keyword} on line {later[-1].line} replaces it",
                        ins.end_line,
                    )
