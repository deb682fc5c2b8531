"""DH109: compilers and build tools installed in the image that runs."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from bot.lint.context import LintContext
from bot.lint.dockerfile.runs import package_install, runs
from bot.model import Severity
from bot.parsing.dockerfile import Dockerfile, Instruction, Stage
from bot.parsing.imageref import parse_image_ref
from bot.parsing.shell import Command
from bot.parsing.templates import TEMPLATE_PLACEHOLDER
from bot.rule import Hit, rule

_BUILD_TOOLS = frozenset(
    {
        "gcc", "g++", "gcc-c++", "clang", "cc", "make", "cmake", "ninja-build", "meson", "autoconf", "automake",
        "libtool", "build-essential", "build-base", "alpine-sdk", "cargo", "rustc", "rust", "golang", "go",
        "golang-go", "gfortran", "musl-dev", "linux-headers", "pkg-config", "pkgconf", "dpkg-dev",
    }
)  # fmt: skip
_VERSIONED_TOOL = re.compile(r"^(gcc|g\+\+|clang|golang|llvm)-\d[\d.]*$")
_HEADERS = re.compile(r"^[a-z0-9][a-z0-9.+_-]*-(dev|devel)$")
_RPM_MANAGERS = frozenset({"yum", "dnf", "microdnf", "zypper"})
_BUILD_IMAGES = frozenset({"golang", "rust", "gcc", "buildpack-deps", "maven", "gradle", "sdk"})
_DEVEL_TAG = re.compile(r"(^|[-.])devel([-.]|$)")


@dataclass(frozen=True)
class BuildTools:
    instruction: Instruction
    tools: tuple[str, ...]
    """Package names, or the base image for a toolchain image."""


def is_build_tool(package: str) -> bool:
    return package in _BUILD_TOOLS or bool(_VERSIONED_TOOL.match(package) or _HEADERS.match(package))


def _as_named(stage: Stage) -> str:
    """The stage's base image as the file names it when a variable in it has no value here
    (`python:${VERSION}` is not `python:`), a template's expression shown as `{{ … }}`."""
    resolved = stage.base_resolved
    if resolved == stage.base or not resolved.endswith((":", "@", "/")):
        return resolved
    return stage.base.replace(TEMPLATE_PLACEHOLDER, "{{ … }}")


def build_tools_in_runtime(dockerfile: Dockerfile) -> list[BuildTools]:
    """Toolchain base images and build packages installed (and not removed again) in the final image."""
    found: list[BuildTools] = []
    final = dockerfile.final_stage
    if final is None or dockerfile.is_windows(final):
        return found
    root = dockerfile.root_of(final)
    ref = parse_image_ref(root.base_resolved)
    if ref is not None and (ref.family in _BUILD_IMAGES or (ref.tag and _DEVEL_TAG.search(ref.tag))):
        found.append(BuildTools(root.from_instruction, (_as_named(root),)))
    for _stage, ins, commands in runs(dockerfile):
        installed = [
            name
            for cmd in commands
            if (install := package_install(cmd)) is not None
            for name in install.names
            if is_build_tool(name)
        ]
        kept = [name for name in dict.fromkeys(installed) if not _removed_later(name, commands)]
        if kept:
            found.append(BuildTools(ins, tuple(kept)))
    return found


def _removed_later(package: str, commands: list[Command]) -> bool:
    """Purged again in the same RUN: `apt-get purge`, `apk del <virtual>`, autoremove after apt-mark."""
    marked_auto = any(cmd.is_("apt-mark", "auto") for cmd in commands)
    virtual = {
        value
        for cmd in commands
        if cmd.is_("apk", "add")
        for value in _virtual_names(cmd)
        if package in _packages_after(cmd)
    }
    return any(_removes(cmd, {package, *virtual}) or (marked_auto and _autoremoves(cmd)) for cmd in commands)


def _removes(cmd: Command, names: set[str]) -> bool:
    """`apt-get purge x`, `apk del x`, `dnf remove x` ... naming one of `names`."""
    verbs = {"apt-get": ("purge", "remove"), "apt": ("purge", "remove"), "apk": ("del",)}
    verbs.update({manager: ("remove", "erase") for manager in _RPM_MANAGERS})
    return cmd.program in verbs and cmd.is_(cmd.program, *verbs[cmd.program]) and bool(names & set(cmd.positional[1:]))


def _autoremoves(cmd: Command) -> bool:
    """`apt-get purge --auto-remove` / `apt-get autoremove`: removes what `apt-mark auto` marked."""
    if cmd.program not in {"apt-get", "apt"}:
        return False
    return cmd.is_(cmd.program, "autoremove") or (
        cmd.is_(cmd.program, "purge", "remove") and cmd.has_flag("auto-remove", "autoremove")
    )


def _virtual_names(cmd: Command) -> list[str]:
    args = list(cmd.args)
    names = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg in {"-t", "--virtual"}]
    names.extend(arg.partition("=")[2] for arg in args if arg.startswith("--virtual="))
    return names


def _packages_after(cmd: Command) -> tuple[str, ...]:
    install = package_install(cmd)
    return install.names if install else ()


@rule("DH109", "build-tools-in-runtime", Severity.MEDIUM, "Compilers or build tools in the runtime image")
def build_tools(dockerfile: Dockerfile, context: LintContext) -> Iterator[Hit]:
    """
    ## What it does
    Reports compilers, build tools and development headers (`gcc`, `build-essential`,
    `*-dev`, `*-devel`, `make`, `cargo`, `golang` ...) installed in the stages that make up the
    final image and not removed again in the same `RUN`, and a final stage built on a toolchain
    image (`golang`, `rust`, `gcc`, `maven`, `*-devel` tags).

    ## Why it matters
    Build tools are hundreds of megabytes the application never runs, each with its own
    vulnerabilities, and a compiler in a production container is exactly what an attacker
    who got a shell wants next. A multi-stage build keeps them in a builder stage.

    ## Example
    ```dockerfile
    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev \\
        && rm -rf /var/lib/apt/lists/*
    COPY requirements.txt .
    RUN pip install --no-cache-dir -r requirements.txt
    ```

    ## Fix
    Build in one stage, copy the result into a clean one:
    ```dockerfile
    FROM python:3.12-slim AS builder
    RUN apt-get update && apt-get install -y --no-install-recommends gcc libpq-dev
    COPY requirements.txt .
    RUN python -m venv /venv && /venv/bin/pip install --no-cache-dir -r requirements.txt

    FROM python:3.12-slim
    RUN apt-get update && apt-get install -y --no-install-recommends libpq5 \\
        && rm -rf /var/lib/apt/lists/*
    COPY --from=builder /venv /venv
    ```
    Installing and purging in the same `RUN` (`apk add --virtual .build-deps ... && apk del
    .build-deps`) is not reported.
    """
    for found in build_tools_in_runtime(dockerfile):
        if found.instruction.keyword == "FROM":
            message = f"the final stage is built on `{found.tools[0]}`, a toolchain image: build in a builder stage"
        else:
            message = f"build tools in the runtime image ({', '.join(found.tools)}): move them to a builder stage"
        yield Hit(found.instruction.line, message, found.instruction.end_line)
