"""Package caches left in the image: DH105 (pip), DH111 (apk), DH112 (yum, dnf, zypper)."""

from __future__ import annotations

from collections.abc import Iterator

from bot.lint.context import LintContext
from bot.lint.dockerfile.edits import append_command, insert_flag_after
from bot.lint.dockerfile.runs import cache_mounted, package_install, pip_install_args, removes_path, runs
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile, Instruction
from bot.rule import Hit, rule

PIP_INSTALL = r"\b(?:pip[0-9.]*|python[0-9.]*\s+-m\s+pip)(?:\s+-{1,2}[^\s]+)*\s+install\b"
APK_ADD = r"\bapk(?:\s+-{1,2}[^\s]+)*\s+add\b"
_RPM_CLEAN = {
    "yum": ("yum clean all", "/var/cache/yum"),
    "dnf": ("dnf clean all", "/var/cache/dnf"),
    "microdnf": ("microdnf clean all", "/var/cache/yum"),
    "zypper": ("zypper clean --all", "/var/cache/zypp"),
}


@rule("DH105", "pip-cache-kept", Severity.LOW, "pip install without --no-cache-dir", aliases=("DL3042",))
def pip_cache_kept(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `pip install` (also `pip3` and `python -m pip`) without `--no-cache-dir` in the
    stages that make up the final image.

    ## Why it matters
    pip keeps every downloaded wheel in `~/.cache/pip`. In an image that cache is dead weight,
    often as large as the installed packages themselves.

    ## Example
    ```dockerfile
    RUN pip install -r requirements.txt
    ```

    ## Fix
    ```dockerfile
    RUN pip install --no-cache-dir -r requirements.txt
    ```
    Not reported when `PIP_NO_CACHE_DIR` is set with `ENV`, or the RUN mounts a build cache
    over pip's cache directory (`--mount=type=cache,target=/root/.cache/pip`).
    """
    disabled = _pip_cache_disabled(dockerfile)
    for stage, ins, commands in runs(dockerfile):
        if disabled[stage.index] or _pip_cache_mounted(ins):
            continue
        missing = [
            cmd
            for cmd in commands
            if cmd.program != "uv" and pip_install_args(cmd) is not None and not cmd.has_flag("no-cache-dir")
        ]
        if missing:
            yield Hit(
                ins.line,
                "pip install without --no-cache-dir keeps downloaded wheels in the image",
                ins.end_line,
                insert_flag_after(dockerfile, ins, PIP_INSTALL, "--no-cache-dir", r"--no-cache-dir"),
            )


def _pip_cache_mounted(ins: Instruction) -> bool:
    """A build cache mounted over pip's cache directory (`~/.cache` or `~/.cache/pip`), not uv's."""
    for mount in ins.flag_values("mount"):
        options = dict(option.partition("=")[::2] for option in mount.split(","))
        target = (options.get("target") or options.get("dst") or options.get("destination") or "").rstrip("/")
        if options.get("type") == "cache" and target.endswith(("/.cache", "/.cache/pip")):
            return True
    return False


def _pip_cache_disabled(dockerfile: Dockerfile) -> list[bool]:
    """Per stage: `ENV PIP_NO_CACHE_DIR` in it or in a stage it is built FROM."""
    disabled: list[bool] = []
    for stage in dockerfile.stages:
        parent = dockerfile.parent_stage(stage)
        own = any(word.split("=", 1)[0] == "PIP_NO_CACHE_DIR" for env in stage.of("ENV") for word in env.arguments)
        disabled.append(own or (parent is not None and disabled[parent.index]))
    return disabled


@rule("DH111", "apk-cache-kept", Severity.LOW, "apk add without --no-cache", aliases=("DL3019",))
def apk_cache_kept(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `apk add` without `--no-cache` in the stages that make up the final image, unless
    the same `RUN` removes `/var/cache/apk` or mounts a build cache over it (`apk add
    --no-network`, which downloads nothing, is not reported either).

    ## Why it matters
    Without `--no-cache`, apk keeps the package index (and with a cache directory, the
    downloaded packages) in `/var/cache/apk`. On Alpine images, whose point is to be small,
    that is often a sizeable share of the layer, and a later `RUN rm` cannot take it back.

    ## Example
    ```dockerfile
    RUN apk update && apk add curl
    ```

    ## Fix
    ```dockerfile
    RUN apk add --no-cache curl
    ```
    `--no-cache` also makes `apk update` unnecessary: the index is fetched for this command
    and not stored.
    """
    for _stage, ins, commands in runs(dockerfile):
        if removes_path(commands, "/var/cache/apk") or cache_mounted(ins, "/var/cache/apk"):
            continue
        if any(cmd.is_("apk", "add") and not cmd.has_flag("no-cache", "no-network") for cmd in commands):
            yield Hit(
                ins.line,
                "apk add without --no-cache leaves the package index in /var/cache/apk",
                ins.end_line,
                insert_flag_after(dockerfile, ins, APK_ADD, "--no-cache", r"--no-cache|--no-network"),
            )


@rule(
    "DH112",
    "rpm-cache-kept",
    Severity.LOW,
    "yum, dnf or zypper install without cleaning the cache",
    aliases=("DL3032", "DL3040", "DL3036"),
)
def rpm_cache_kept(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports `yum install`, `dnf install`, `microdnf install` and `zypper install` in the
    stages that make up the final image when the same `RUN` does not clean the package
    manager's cache (`yum clean all`, `dnf clean all`, `zypper clean`, or an `rm` of the cache
    directory) and mounts no build cache over it.

    ## Why it matters
    These package managers keep repository metadata, and yum also the downloaded RPMs, under
    `/var/cache`. Left in the layer they add tens to hundreds of megabytes, and cleaning in a
    later `RUN` does not remove them from the image.

    ## Example
    ```dockerfile
    RUN dnf install -y gcc
    ```

    ## Fix
    ```dockerfile
    RUN dnf install -y gcc \\
        && dnf clean all
    ```
    """
    for _stage, ins, commands in runs(dockerfile):
        installs = [install for cmd in commands if (install := package_install(cmd)) and install.manager in _RPM_CLEAN]
        if not installs:
            continue
        manager = installs[-1].manager
        clean, cache_dir = _RPM_CLEAN[manager]
        cleaned = any(cmd.is_(manager, "clean") for cmd in commands) or removes_path(commands, cache_dir)
        if cleaned or removes_path(commands, "/var/cache/") or cache_mounted(ins, "/var/cache"):
            continue
        yield Hit(
            ins.line,
            f"{manager} install without `{clean}` in the same RUN leaves its cache in the layer",
            ins.end_line,
            append_command(dockerfile, ins, clean),
        )
