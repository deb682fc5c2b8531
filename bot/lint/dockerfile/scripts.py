"""What RUN scripts do wrong: DH119 (remote script piped to a shell), DH120 (no pipefail),
DH121 (failures masked), DH127 (sudo)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.lint.dockerfile.dialect import sets_pipefail, stage_shell
from bot.lint.dockerfile.edits import prefix_command
from bot.lint.dockerfile.runs import all_runs
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile
from bot.parsing.shell import Command
from bot.rule import Hit, rule

_SHELLS = frozenset({"sh", "bash", "zsh", "ash", "dash", "ksh", "python", "python3", "perl", "ruby", "node"})
_DOWNLOADERS = frozenset({"curl", "wget"})
_SUBSTITUTED_DOWNLOAD = re.compile(r"\b(?:ba|z|da|k)?sh\b[^|;&\n]*(?:<\(|\$\()\s*(?:curl|wget)\b")
_SWALLOWERS = frozenset({"true", ":", "echo", "printf"})
_HARMLESS_TO_IGNORE = frozenset({"rm", "rmdir", "unlink", "pkill", "kill", "killall", "umount", "gpgconf"})
_CONDITIONS = frozenset({"test", "[", "[[", "grep", "command", "which", "id", "getent", "type"})


@rule("DH119", "remote-script-piped", Severity.MEDIUM, "A downloaded script is piped straight into a shell")
def remote_script_piped(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `curl ... | sh`, `wget -O- ... | bash`, `bash <(curl ...)` and
    `sh -c "$(curl ...)"` in `RUN`.

    ## Why it matters
    Whatever the server returns at build time runs as root in the image, unreviewed: a
    compromised or hijacked download site, a truncated transfer (half a script runs), or a new
    version that changed its behaviour. Nothing records what ran, so the build is not
    reproducible either.

    ## Example
    ```dockerfile
    RUN curl -fsSL https://example.com/install.sh | sh
    ```

    ## Fix
    Download a pinned version, check its checksum, then run it:
    ```dockerfile
    ADD --checksum=sha256:<sha256> https://example.com/install-1.4.2.sh /tmp/install.sh
    RUN sh /tmp/install.sh && rm /tmp/install.sh
    ```
    Better still, install the tool from the distribution's packages or copy it from its
    official image (`COPY --from=<image> /usr/local/bin/tool /usr/local/bin/`).
    """
    for _stage, ins, commands in all_runs(dockerfile):
        piped = [
            cmd
            for index, cmd in enumerate(commands)
            if index and cmd.before == "|" and cmd.program in _SHELLS and commands[index - 1].program in _DOWNLOADERS
        ]
        script = ins.shell_script or ""
        if piped or _SUBSTITUTED_DOWNLOAD.search(script):
            runner = piped[0].program if piped else "a shell"
            yield Hit(
                ins.line,
                f"a downloaded script is run by {runner} unverified: download a pinned version, check its checksum, "
                "then run it",
                ins.end_line,
            )


@rule("DH120", "pipefail-missing", Severity.LOW, "A pipe in RUN without `set -o pipefail`", aliases=("DL4006",))
def pipefail_missing(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a `RUN` with a pipe (`a | b`) when neither the `SHELL` instruction nor the script
    turns on `pipefail`.

    ## Why it matters
    A pipeline's status is the status of its last command. `RUN curl -fsSL $URL | tar -xz`
    succeeds when the download fails, because `tar` reads nothing and exits 0: the build goes
    on with a missing file and fails much later, or not at all.

    ## Example
    ```dockerfile
    FROM alpine:3.20
    RUN wget -qO- https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    ```

    ## Fix
    ```dockerfile
    RUN set -o pipefail && wget -qO- https://example.com/tool.tar.gz | tar -xz -C /usr/local/bin
    ```
    The suggestion is offered where the stage's shell has `pipefail` (bash, ash/busybox,
    ksh). Debian's and Ubuntu's `/bin/sh` is dash, which has none: set a shell that does,
    once per stage, with `SHELL ["/bin/bash", "-o", "pipefail", "-c"]`.
    """
    for stage, ins, commands in all_runs(dockerfile):
        if not any(cmd.before == "|" for cmd in commands):
            continue
        shell = stage_shell(dockerfile, stage, ins.line)
        if shell.dialect is None or shell.pipefail or _script_sets_pipefail(commands):
            continue
        if shell.supports_pipefail:
            advice = "start it with `set -o pipefail &&`"
            fix = prefix_command(dockerfile, ins, "set -o pipefail && ", "set -o pipefail")
        else:
            advice = 'set `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` first (/bin/sh may have no pipefail)'
            fix = None
        yield Hit(ins.line, f"a failure before the last `|` of this RUN goes unnoticed: {advice}", ins.end_line, fix)


def _script_sets_pipefail(commands: list[Command]) -> bool:
    return any(cmd.program == "set" and sets_pipefail(cmd.args) for cmd in commands)


@rule("DH121", "failure-masked", Severity.MEDIUM, "A RUN hides a failing command (`|| true`, `; exit 0`)")
def failure_masked(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports a command in `RUN` whose failure is turned into success: `|| true`, `|| :`,
    `|| echo ...`, `|| exit 0`, or a script that ends in `; exit 0`. Cleanup commands whose
    failure does not matter (`rm`, `kill`, `umount` ...) are not reported.

    ## Why it matters
    The build succeeds and the image ships without what the command should have produced: a
    compiled extension, a migration, a downloaded model. The failure shows up in production,
    far from its cause ("C++ build skipped").

    ## Example
    ```dockerfile
    RUN make -C native install || echo "C++ build skipped"
    ```

    ## Fix
    Let the build fail, or make the condition explicit:
    ```dockerfile
    RUN make -C native install
    ```
    ```dockerfile
    ARG WITH_NATIVE=1
    RUN if [ "$WITH_NATIVE" = 1 ]; then make -C native install; fi
    ```
    """
    for _stage, ins, commands in all_runs(dockerfile):
        for index, cmd in enumerate(commands):
            if not index or not _swallows(cmd):
                continue
            masked = commands[index - 1]
            at_end = cmd.before == ";" and index == len(commands) - 1 and cmd.program == "exit"
            if (cmd.before == "||" or at_end) and masked.program not in _HARMLESS_TO_IGNORE | _CONDITIONS:
                joint = "|| " if cmd.before == "||" else "; "
                yield Hit(
                    ins.line,
                    f"`{joint}{' '.join(cmd.argv)[:40]}` turns a failure of `{masked.program}` into success: "
                    "the build goes on without what it should have done",
                    ins.end_line,
                )
                break


def _swallows(cmd: Command) -> bool:
    if cmd.program == "exit":
        return cmd.args == ("0",)
    return cmd.program in _SWALLOWERS


@rule("DH127", "sudo", Severity.MEDIUM, "sudo in RUN", aliases=("DL3004",))
def sudo_in_run(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `sudo` in a `RUN` instruction.

    ## Why it matters
    `RUN` already runs as the user set by `USER`. `sudo` in an image means it is installed
    and configured, so anyone who gets a shell in the container as the application user can
    become root; and sudo's own behaviour (no tty, environment reset) makes builds fail in
    surprising ways.

    ## Example
    ```dockerfile
    USER app
    RUN sudo apt-get update
    ```

    ## Fix
    Switch users around the steps that need root:
    ```dockerfile
    USER root
    RUN apt-get update
    USER app
    ```
    """
    for _stage, ins, commands in all_runs(dockerfile):
        if any(cmd.sudo or cmd.program == "sudo" for cmd in commands):
            yield Hit(ins.line, "sudo in RUN: switch with `USER root` ... `USER <app>` around this step", ins.end_line)
