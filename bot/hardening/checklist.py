"""One side (base or head) of one Dockerfile, judged property by property.

Each check returns ✅, ❌ or ➖ (does not apply) with the line that decides it. The rows for
the user, the init process and the health check are taken from the built image when there is
one (its configuration is what really runs); the others are read from the Dockerfile.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import StrEnum

from bot import secrets
from bot.hardening.context import Dockerignore, copied_sources
from bot.lint.compose_uses import ComposeUse
from bot.lint.context import LintContext
from bot.lint.dockerfile.apt import apt_lists_kept
from bot.lint.dockerfile.buildtools import build_tools_in_runtime
from bot.lint.dockerfile.caches import apk_cache_kept, pip_cache_kept, rpm_cache_kept
from bot.lint.dockerfile.credentials import credentials_in, secret_values
from bot.lint.dockerfile.healthcheck import effective_healthcheck, healthcheck_test, why_always_healthy
from bot.lint.dockerfile.init import (
    INIT_PROGRAMS,
    SELF_REAPING_SERVERS,
    is_service,
    runtime_init_documented,
    start_command,
)
from bot.lint.dockerfile.lockfiles import LOCK_NAMES, installs_dependencies, lock_bypasses, loose_requirements
from bot.lint.dockerfile.probe_tools import PROBES, missing_probe
from bot.lint.dockerfile.runs import package_install, pip_install_args, runs
from bot.lint.dockerfile.user import base_runs_unprivileged, effective_user, is_root
from bot.parsing.dockerfile import Dockerfile, Instruction
from bot.parsing.imageref import parse_image_ref
from bot.parsing.shell import parse_script
from bot.text import shortened
from bot.workspace import ImageConfig

BUILD_PROGRAMS = frozenset({"gcc", "g++", "cc", "c++", "clang", "clang++", "make", "cmake", "rustc", "javac"})
"""Compilers and build tools whose presence in a built image's bin directories fails the row."""
FROM_DOCKERFILE = "read from the Dockerfile"
FROM_IMAGE = "verified in the built image"


class Status(StrEnum):
    PASS = "✅"
    FAIL = "❌"
    NOT_APPLICABLE = "➖"


@dataclass(frozen=True)
class Check:
    key: str
    status: Status
    detail: str
    line: int | None = None
    """The Dockerfile line that decides it (for a row the built image decided: the instruction
    that set it, or the final stage's FROM when the base image did; None: nothing decides it)."""
    source: str = FROM_DOCKERFILE
    elsewhere: str | None = None
    """The file the failure comes from, when it is not the Dockerfile (a requirements file that
    pins nothing): a change to that file is reported in its own review (DH402), not as DH133."""


@dataclass(frozen=True)
class Subject:
    dockerfile: Dockerfile
    context: LintContext
    dockerignore: Dockerignore | None
    image: ImageConfig | None = None
    compose: tuple[ComposeUse, ...] = ()
    """The Compose services that build it (bot/hardening/compose_uses.py)."""


PROPERTIES: tuple[tuple[str, str], ...] = (
    ("non-root-user", "Non-root user"),
    ("init", "Init for PID 1"),
    ("healthcheck", "Health check that can fail"),
    ("no-build-tools", "No build tools in the runtime image"),
    ("pinned-base", "Pinned base image"),
    ("no-secrets", "No secrets in ENV/ARG"),
    ("lock-file", "Installs respect the lock file"),
    ("caches-cleaned", "Package caches cleaned"),
    ("dockerignore", ".dockerignore present and complete"),
)
_REQUIRED_EXCLUDES = (".git", ".env")


def checklist(subject: Subject) -> list[Check]:
    checks: dict[str, Callable[[Subject], Check]] = {
        "non-root-user": _user,
        "init": _init,
        "healthcheck": _healthcheck,
        "no-build-tools": _build_tools,
        "pinned-base": _pinned_base,
        "no-secrets": _secrets,
        "lock-file": _lock_file,
        "caches-cleaned": _caches,
        "dockerignore": _dockerignore,
    }
    values = secret_values(subject.dockerfile)
    results = []
    for key, _label in PROPERTIES:
        check = checks[key](subject)
        results.append(replace(check, detail=secrets.mask(check.detail, values)))
    return results


def _behind_image(dockerfile: Dockerfile, instruction: Instruction | None) -> tuple[int | None, str]:
    """The Dockerfile line behind what a built image says: the instruction that set it, else
    the final stage's FROM with " (from the base image)": the base image set it."""
    if instruction is not None:
        return instruction.line, ""
    final = dockerfile.final_stage
    return (final.from_instruction.line if final else None), " (from the base image)"


def _said(ins: Instruction) -> str:
    return _shortened(" ".join(ins.original.split()))


def _shortened(text: str) -> str:
    return shortened(text, 60)


def _user(subject: Subject) -> Check:
    key = "non-root-user"
    if subject.image is not None:
        image_user = subject.image.user
        line, inherited = _behind_image(subject.dockerfile, effective_user(subject.dockerfile))
        if is_root(image_user):
            detail = f"the image runs as {image_user or 'root (no user set)'}"
            return Check(key, Status.FAIL, detail, line, FROM_IMAGE)
        return Check(key, Status.PASS, f"the image runs as {image_user}{inherited}", line, FROM_IMAGE)
    dockerfile = subject.dockerfile
    final = dockerfile.final_stage
    if final is None or dockerfile.is_windows(final):
        return Check(key, Status.NOT_APPLICABLE, "Windows image")
    user = effective_user(dockerfile)
    if user is None:
        if base_runs_unprivileged(dockerfile):
            return Check(key, Status.PASS, "the base image runs unprivileged", final.from_instruction.line)
        return Check(key, Status.FAIL, "no USER: runs as root", final.from_instruction.line)
    name = user.arguments[0] if user.arguments else ""
    return Check(key, Status.FAIL if is_root(name) else Status.PASS, f"`{_said(user)}`", user.line)


def _init(subject: Subject) -> Check:
    """As DH107: an init matters for a service (a long-running process that gets SIGTERM).
    Compose's `init: true` gives one."""
    check = _pid_one(subject)
    if check.status is not Status.FAIL:
        return check
    with_init = next((use for use in subject.compose if use.init), None)
    if with_init is not None:
        return Check(check.key, Status.PASS, f"`init: true` ({with_init.named})", None, with_init.source)
    if not _is_service(subject):
        return Check(check.key, Status.NOT_APPLICABLE, f"{_not_a_service(subject)}; {check.detail}", None, check.source)
    return check


def _is_service(subject: Subject) -> bool:
    if any(use.publishes for use in subject.compose):
        return True
    if subject.image is not None:
        return bool(subject.image.exposed_ports)
    return is_service(subject.dockerfile)


def _not_a_service(subject: Subject) -> str:
    where = "no exposed port" if subject.image is not None else "no EXPOSE"
    return f"not a service ({where}{', none published by Compose' if subject.compose else ''})"


def _pid_one(subject: Subject) -> Check:
    key = "init"
    final = subject.dockerfile.final_stage
    if final is not None and subject.dockerfile.is_windows(final):
        return Check(key, Status.NOT_APPLICABLE, "Windows image: no PID 1 to reap or forward signals")
    if subject.image is not None and (subject.image.entrypoint or subject.image.cmd):
        words = subject.image.entrypoint or subject.image.cmd
        program = posixpath.basename(words[0]) if words else ""
        status = Status.PASS if program in INIT_PROGRAMS | SELF_REAPING_SERVERS else Status.FAIL
        setter = start_command(subject.dockerfile).instruction
        if subject.image.entrypoint and setter is not None and setter.keyword != "ENTRYPOINT":
            setter = None  # the Dockerfile's CMD is only arguments: the base image's ENTRYPOINT is PID 1
        line, inherited = _behind_image(subject.dockerfile, setter)
        return Check(key, status, f"PID 1 is `{program}`{inherited}", line, FROM_IMAGE)
    dockerfile = subject.dockerfile
    start = start_command(dockerfile)
    documented = runtime_init_documented(dockerfile)
    if start.needs_no_init and start.instruction is not None:
        return Check(key, Status.PASS, f"`{_said(start.instruction)}`", start.instruction.line)
    if documented is not None:
        return Check(key, Status.PASS, "the runtime provides it (--init)", documented)
    if start.instruction is None:
        return Check(key, Status.NOT_APPLICABLE, "the base image decides what runs")
    return Check(key, Status.FAIL, f"PID 1 is `{start.program}`", start.instruction.line)


def _healthcheck(subject: Subject) -> Check:
    """The image's (or the Dockerfile's) health check, else one Compose gives the service."""
    check = _image_healthcheck(subject)
    probed = next((use for use in subject.compose if use.healthcheck), None)
    if check.status is Status.PASS or probed is None or probed.healthcheck is None:
        return check
    if check.line is not None and check.detail.startswith("cannot fail"):
        return check  # the image's own check is wrong: Compose's replaces it at run time, but not for `docker run`
    reason = why_always_healthy(probed.healthcheck)
    detail = f"{probed.named}: cannot fail: {reason}" if reason else f"Compose's health check ({probed.named})"
    return Check(check.key, Status.FAIL if reason else Status.PASS, detail, None, probed.source)


def _image_healthcheck(subject: Subject) -> Check:
    key = "healthcheck"
    if subject.image is not None:
        test = subject.image.healthcheck
        if not test or test[0] == "NONE":
            if not _is_service(subject):
                return Check(key, Status.NOT_APPLICABLE, _not_a_service(subject), source=FROM_IMAGE)
            return Check(key, Status.FAIL, "the image has no health check", source=FROM_IMAGE)
        reason = why_always_healthy(test)
        line, inherited = _behind_image(subject.dockerfile, effective_healthcheck(subject.dockerfile))
        absent = None if reason else _absent_program(subject.image, tuple(test))
        if absent is not None:
            return Check(key, Status.FAIL, f"cannot pass: the image has no `{absent}`", line, FROM_IMAGE)
        missing = (
            None if reason or subject.image.programs is not None else missing_probe(subject.dockerfile, tuple(test))
        )
        if missing:  # the image's files were not listed: what its Dockerfile says the image lacks
            return Check(key, Status.FAIL, f"cannot pass: runs {missing}", line, FROM_DOCKERFILE)
        status = Status.FAIL if reason else Status.PASS
        detail = f"cannot fail: {reason}" if reason else "the image's health check"
        return Check(key, status, detail + inherited, line, FROM_IMAGE)
    dockerfile = subject.dockerfile
    ins = effective_healthcheck(dockerfile)
    if ins is None or ins.arguments[:1] == ("NONE",):
        if not _is_service(subject):
            return Check(key, Status.NOT_APPLICABLE, _not_a_service(subject))
        return Check(
            key, Status.FAIL, "no HEALTHCHECK" if ins is None else "HEALTHCHECK NONE", ins.line if ins else None
        )
    reason = why_always_healthy(healthcheck_test(ins))
    if reason:
        return Check(key, Status.FAIL, f"cannot fail: {reason}", ins.line)
    missing = missing_probe(dockerfile)
    if missing:
        return Check(key, Status.FAIL, f"cannot pass: runs {missing}", ins.line)
    return Check(key, Status.PASS, f"`{_said(ins)}`", ins.line)


def _absent_program(image: ImageConfig, test: tuple[str, ...]) -> str | None:
    """The program a health check runs first that the built image's files do not hold: the
    shell for `CMD-SHELL`, else the command itself."""
    if not test or test[0] not in ("CMD", "CMD-SHELL") or len(test) < 2:
        return None
    program = "sh" if test[0] == "CMD-SHELL" else test[1]
    if image.has_program(program) is False:
        return program
    if test[0] == "CMD-SHELL":
        first = next(iter(parse_script(test[1])), None)
        if first is not None and first.program in PROBES and image.has_program(first.program) is False:
            return first.program
    return None


def _build_tools(subject: Subject) -> Check:
    """What the Dockerfile installs; with a built image whose files were listed, what it holds
    (a base image may bring a compiler: `python:3.12` has gcc, `python:3.12-slim` has not)."""
    found = build_tools_in_runtime(subject.dockerfile)
    line = found[0].instruction.line if found else None
    image = subject.image
    if image is not None and image.programs is not None:
        present = sorted(name for name in BUILD_PROGRAMS if image.has_program(name))
        if not present:
            return Check("no-build-tools", Status.PASS, "no compiler or build tool in the image", None, FROM_IMAGE)
        inherited = ""
        if line is None:
            line, inherited = _behind_image(subject.dockerfile, None)
        return Check("no-build-tools", Status.FAIL, f"the image has {', '.join(present)}{inherited}", line, FROM_IMAGE)
    if found:
        return Check("no-build-tools", Status.FAIL, ", ".join(found[0].tools), line)
    return Check("no-build-tools", Status.PASS, "none installed in the final stage")


def _pinned_base(subject: Subject) -> Check:
    key = "pinned-base"
    dockerfile = subject.dockerfile
    final = dockerfile.final_stage
    if final is None:
        return Check(key, Status.NOT_APPLICABLE, "no stage")
    root = dockerfile.root_of(final)
    line = root.from_instruction.line
    if root.base_resolved.lower() == "scratch":
        return Check(key, Status.PASS, "`scratch`", line)
    ref = parse_image_ref(root.base_resolved)
    if ref is None:
        return Check(key, Status.NOT_APPLICABLE, "set by a build arg", line)
    if ref.digest:
        return Check(key, Status.PASS, f"`{root.base_resolved}` (digest)", line)
    if ref.tag in {None, "latest"}:
        return Check(key, Status.FAIL, f"`{root.base_resolved}` ({'no tag' if ref.tag is None else 'latest'})", line)
    return Check(key, Status.PASS, f"`{root.base_resolved}` (tag, no digest)", line)


def _secrets(subject: Subject) -> Check:
    found = credentials_in(subject.dockerfile)
    if found:
        return Check("no-secrets", Status.FAIL, found[0].description, found[0].instruction.line)
    return Check("no-secrets", Status.PASS, "none found")


def _lock_file(subject: Subject) -> Check:
    found = lock_bypasses(subject.dockerfile, subject.context)
    if found:
        shown = _shortened(" ".join(found[0].command.argv))
        return Check("lock-file", Status.FAIL, f"`{shown}`", found[0].instruction.line)
    installs = installs_dependencies(subject.dockerfile)
    if installs is None:
        return Check("lock-file", Status.NOT_APPLICABLE, "no dependency installs")
    ins, cmd = installs
    said = f"`{_shortened(' '.join(cmd.argv))}`"
    loose = loose_requirements(subject.dockerfile, subject.context, cmd)
    if loose is not None:
        names = ", ".join(loose.names[:3]) + (f" and {len(loose.names) - 3} more" if len(loose.names) > 3 else "")
        detail = f"{said}: {loose.path} pins no version of {names}"
        return Check("lock-file", Status.FAIL, detail, ins.line, elsewhere=loose.path)
    return Check("lock-file", Status.PASS, said, ins.line)


def _caches(subject: Subject) -> Check:
    dockerfile, context = subject.dockerfile, subject.context
    for rule in (apt_lists_kept, pip_cache_kept, apk_cache_kept, rpm_cache_kept):
        hits = list(rule.check(dockerfile, context))
        if hits:
            return Check("caches-cleaned", Status.FAIL, f"{rule.id}: {rule.summary}", hits[0].line)
    installs = [
        ins
        for _stage, ins, commands in runs(dockerfile)
        if any(package_install(cmd) or pip_install_args(cmd) is not None for cmd in commands)
    ]
    if not installs:
        return Check("caches-cleaned", Status.NOT_APPLICABLE, "no package installs in the final stage")
    return Check("caches-cleaned", Status.PASS, f"{len(installs)} install step(s), caches removed or not kept")


def _dockerignore(subject: Subject) -> Check:
    key = "dockerignore"
    ignore = subject.dockerignore
    if ignore is None:
        return Check(key, Status.FAIL, "no .dockerignore: .git and local .env files go to the builder")
    missing = [name for name in _REQUIRED_EXCLUDES if ignore.excluding_line(name) is None]
    if missing:
        return Check(key, Status.FAIL, f"{ignore.path} does not exclude {', '.join(missing)}")
    for source in copied_sources(subject.dockerfile):
        line = ignore.excluding_line(source) if posixpath.basename(source) in LOCK_NAMES else None
        if line is not None:
            return Check(key, Status.FAIL, f"{ignore.path}:{line} excludes {source}, which the Dockerfile copies")
    return Check(key, Status.PASS, f"{ignore.path} excludes .git and .env")
