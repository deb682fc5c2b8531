"""DH145: a HEALTHCHECK that runs a program its image does not have, so it never passes."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.lint.dockerfile.healthcheck import effective_healthcheck, healthcheck_test
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile, Stage
from bot.parsing.imageref import ImageRef, parse_image_ref
from bot.parsing.shell import parse_script
from bot.rule import Hit, rule

PROBES = ("curl", "wget")
"""The programs health checks call that base images often leave out."""
_WITHOUT_SHELL = ("scratch",)


@rule("DH145", "healthcheck-tool-missing", Severity.MEDIUM, "The HEALTHCHECK runs a program the image does not have")
def healthcheck_tool_missing(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `HEALTHCHECK` that runs `curl` or `wget` (or needs a shell) when the final
    stage's base image is one known to lack it, and nothing in the stages the image is built
    from mentions it (no `RUN` that installs it, no `COPY` of it):
    - `debian`, `ubuntu`, and the `-slim` tags of `python`, `node`, `ruby`, `php`: neither
      curl nor wget;
    - `alpine` and the `-alpine` tags: busybox's `wget`, no curl;
    - `gcr.io/distroless/...` and `scratch`: no shell, no curl, no wget.

    ## Why it matters
    The check fails every time ("executable file not found"): the container is never
    healthy. Services that wait for it with `condition: service_healthy` never start, and
    orchestrators restart it in a loop, while the application itself works.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    HEALTHCHECK CMD curl -fsS http://localhost:8000/health || exit 1
    ```

    ## Fix
    Install the tool in the image (`apt-get install -y --no-install-recommends curl`), or
    probe with what the image has:
    ```dockerfile
    HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8000/health')"]
    ```
    """
    ins = effective_healthcheck(dockerfile)
    missing = missing_probe(dockerfile)
    if ins is None or missing is None:
        return
    yield Hit(
        ins.line,
        f"this HEALTHCHECK runs {missing} and nothing here installs: it fails every time and the container"
        " is never healthy",
        ins.end_line,
    )


def missing_probe(dockerfile: Dockerfile, test: tuple[str, ...] | None = None) -> str | None:
    """What the health check runs that the image lacks ("`curl`, which `python:3.12-slim` does
    not have"); None when nothing is known to be missing. `test`: the check as a built image
    holds it (default: the Dockerfile's effective HEALTHCHECK)."""
    ins = effective_healthcheck(dockerfile)
    final = dockerfile.final_stage
    if final is None or dockerfile.template:
        return None
    if test is None:
        test = healthcheck_test(ins) if ins is not None else ()
    if not test or test[0] == "NONE":
        return None
    root = dockerfile.root_of(final)
    missing = _missing(test, root, parse_image_ref(root.base_resolved))
    if missing is None or _provided(dockerfile, final, missing):
        return None
    return f"`{missing}`, which `{root.base_resolved}` does not have"


def _missing(test: tuple[str, ...], root: Stage, ref: ImageRef | None) -> str | None:
    """The program the check needs that the base image lacks, if the image is one we know."""
    shell_less = root.base_resolved.lower() in _WITHOUT_SHELL or (
        ref is not None and ref.registry == "gcr.io" and ref.repository.startswith("distroless/")
    )
    if test[0] == "CMD-SHELL":
        if shell_less:
            return "/bin/sh"
        programs = [cmd.program for cmd in parse_script(" ".join(test[1:]))]
    else:
        programs = [test[1].rpartition("/")[2]] if len(test) > 1 else []
    lacking = set(PROBES) if shell_less else _lacking(ref)
    return next((program for program in programs if program in lacking), None)


def _lacking(ref: ImageRef | None) -> frozenset[str]:
    if ref is None or not ref.is_docker_hub:
        return frozenset()
    family, tag = ref.family, (ref.tag or "latest").lower()
    if family == "alpine" or "alpine" in tag:
        return frozenset({"curl"})
    if family in ("debian", "ubuntu") or (family in ("python", "node", "ruby", "php") and "slim" in tag):
        return frozenset(PROBES)
    return frozenset()


def _provided(dockerfile: Dockerfile, final: Stage, program: str) -> bool:
    """Anything in the final image's stages mentions the program: installed, copied, built."""
    word = re.compile(rf"(?<![\w-]){re.escape(program.rpartition('/')[2])}(?![\w-])")
    return any(
        word.search(dockerfile.source_text_of(ins.line, ins.end_line))
        for stage in dockerfile.lineage(final)
        for ins in stage.instructions
        if ins.keyword in ("RUN", "COPY", "ADD")
    )
