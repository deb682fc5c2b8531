"""dockhand's Compose review against dclint (docker-compose-linter), side by side in one run.

    python benchmarks/compose_vs_dclint.py [CORPUS] [--rounds N]

Every corpus case that holds a Compose file contributes its head tree to one git repository
(one folder per case, an empty base commit), so dockhand reviews exactly what a pull request
adding those files would show. Each round times, in this order:

- dockhand in a fresh process (`python -c ...`: imports, git, the Compose analyzer with its
  base/head placement and cross-file reads), as a user or CI step would run it;
- dclint in one process over the same Compose files (`dclint -f json FILES`), as its docs show.

It prints the files, the findings of each (by rule), the median wall times, the ratio
dockhand/dclint, and the dockhand rules dclint has no equivalent for.

dclint is found through $DCLINT, then /work/tools/dclint/node_modules/.bin/dclint, then PATH.
Install it outside the repository: `npm install --prefix /work/tools/dclint dclint`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.catalog import ALL_RULES  # noqa: E402
from bot.filekinds import Family, classify  # noqa: E402

DCLINT_FOLDER = Path("/work/tools/dclint/node_modules/.bin/dclint")
DCLINT_EQUIVALENTS = {
    "DH200": "schema validation",
    "DH203": "service-image-require-explicit-tag",
    "DH204": "no-unbound-port-interfaces (any port)",
    "DH214": "no-version-field",
    "DH216": "no-duplicate-exported-ports",
}
WORKER = """
import json, sys, time
started = time.perf_counter()
sys.path.insert(0, {root!r})
from bot.changes import build_changeset, resolve_range
from bot.config import Config
from bot.git import GitRepo
from bot.lint.compose.analyzer import analyze_compose
from bot.options import ReviewOptions
from bot.workspace import Workspace
repo = GitRepo.open(__import__("pathlib").Path({repo!r}))
changes = build_changeset(repo, resolve_range(repo, "HEAD~1", "HEAD"))
section = analyze_compose(changes, Config(), ReviewOptions(build=False, scan=False), Workspace())
print(json.dumps({{"rules": [f.rule for f in section.findings], "seconds": time.perf_counter() - started}}))
"""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", nargs="?", type=Path, default=None)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    dclint = find_dclint()
    if dclint is None:
        print(
            "dclint not found: install it with `npm install --prefix /work/tools/dclint dclint` "
            "or point $DCLINT at its binary",
            file=sys.stderr,
        )
        return 2
    corpus = args.corpus or default_corpus()
    with tempfile.TemporaryDirectory(prefix="dockhand-bench-") as scratch:
        repo = Path(scratch) / "repo"
        files = materialise(corpus, repo)
        if not files:
            print(f"no Compose files under {corpus}", file=sys.stderr)
            return 2
        print(f"{len(files)} Compose files from {corpus} (head side of each case), dclint {dclint_version(dclint)}")
        ours, theirs, our_cpu, their_cpu = [], [], [], []
        our_rules: list[str] = []
        their_rules: list[str] = []
        for number in range(1, args.rounds + 1):
            (our_rules, wall, cpu) = timed(lambda: run_dockhand(repo))
            ours.append(wall)
            our_cpu.append(cpu)
            (their_rules, wall, cpu) = timed(lambda: run_dclint(dclint, repo, files))
            theirs.append(wall)
            their_cpu.append(cpu)
            print(
                f"round {number}: dockhand {ours[-1]:.3f} s ({our_cpu[-1]:.3f} s CPU), "
                f"dclint {theirs[-1]:.3f} s ({their_cpu[-1]:.3f} s CPU)"
            )
    report(files, our_rules, their_rules, (statistics.median(ours), statistics.median(theirs)))
    print(f"CPU time ratio dockhand/dclint: {statistics.median(our_cpu) / statistics.median(their_cpu):.2f}")
    return 0


def timed(run: Callable[[], list[str]]) -> tuple[list[str], float, float]:
    """The result, the wall time and the CPU time (user + system) of the child processes."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = run()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return result, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def find_dclint() -> str | None:
    configured = os.environ.get("DCLINT")
    if configured and Path(configured).is_file():
        return configured
    if DCLINT_FOLDER.is_file():
        return str(DCLINT_FOLDER)
    return shutil.which("dclint")


def default_corpus() -> Path:
    for candidate in (ROOT.parent / "shared" / "corpus", ROOT.parent.parent / "shared" / "corpus"):
        if candidate.is_dir():
            return candidate
    return Path("/work/shared/corpus")


def materialise(corpus: Path, repo: Path) -> list[str]:
    """One repository: an empty base commit, then every case with a Compose file as `cNNN/...`."""
    repo.mkdir(parents=True)
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "commit", "--quiet", "--allow-empty", "-m", "base")
    files: list[str] = []
    for case in sorted(p for p in corpus.iterdir() if (p / "head").is_dir()):
        head = case / "head"
        composes = [p for p in head.rglob("*") if p.is_file() and _is_compose(p)]
        if not composes:
            continue
        subprocess.run(["cp", "-r", "--no-preserve=mode", f"{head}/.", str(repo / case.name)], check=True)
        files.extend(f"{case.name}/{p.relative_to(head)}" for p in composes)
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", "head")
    return sorted(files)


def _is_compose(path: Path) -> bool:
    kind = classify(path.name)
    return kind is not None and kind.family is Family.COMPOSE


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@b", "GIT_COMMITTER_NAME": "b"}
    env["GIT_COMMITTER_EMAIL"] = "b@b"
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=repo, env=env, check=True, timeout=120)


def run_dockhand(repo: Path) -> list[str]:
    code = WORKER.format(root=str(ROOT), repo=str(repo))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=True)
    return list(json.loads(done.stdout)["rules"])


def run_dclint(binary: str, repo: Path, files: list[str]) -> list[str]:
    """dclint writes its report to a file: Node cuts long output short when stdout is a pipe."""
    output = repo.parent / "dclint.json"
    output.unlink(missing_ok=True)
    command = [binary, "-f", "json", "--color", "false", "-o", str(output), *files]
    done = subprocess.run(command, cwd=repo, capture_output=True, text=True, timeout=600, check=False)
    try:
        results = json.loads(output.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        print(f"dclint wrote no JSON report: {done.stderr[:300]}", file=sys.stderr)
        return []
    return [str(message.get("rule", "?")) for result in results for message in result.get("messages", [])]


def dclint_version(binary: str) -> str:
    done = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60, check=False)
    return done.stdout.strip() or "unknown"


def report(files: list[str], ours: list[str], theirs: list[str], times: tuple[float, float]) -> None:
    our_time, their_time = times
    print()
    print(f"{'':28}{'dockhand':>12}{'dclint':>12}")
    print(f"{'Compose files':28}{len(files):>12}{len(files):>12}")
    print(f"{'findings':28}{len(ours):>12}{len(theirs):>12}")
    print(f"{'median wall time (s)':28}{our_time:>12.3f}{their_time:>12.3f}")
    print(f"ratio dockhand/dclint: {our_time / their_time:.2f} (target <= 1.0)")
    print("\ndockhand findings by rule:")
    names = {rule.id: rule for rule in ALL_RULES}
    for rule_id, count in sorted(Counter(ours).items()):
        rule = names.get(rule_id)
        print(f"  {rule_id} {rule.name if rule else '':34}{count:>5}")
    print("\ndclint findings by rule:")
    for rule_name, count in sorted(Counter(theirs).items()):
        print(f"  {rule_name:40}{count:>5}")
    print("\ndockhand rules dclint has no equivalent for:")
    for rule in ALL_RULES:
        if rule.id.startswith("DH2") and rule.id not in DCLINT_EQUIVALENTS:
            print(f"  {rule.id} {rule.name:34} {rule.severity.label:7} {rule.summary}")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
