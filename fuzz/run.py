"""Fuzz every parser dockhand has: 100,000 generated inputs each by default, run by hand.

    python fuzz/run.py                          # every target, 100,000 inputs each, all cores
    python fuzz/run.py --inputs 2000 compose    # one target, a quick look
    python fuzz/run.py --replay compose:4711    # run one input again, with its traceback
    python fuzz/run.py --engine atheris --inputs 100000 dockerfile   # coverage-guided (libFuzzer)

Targets: dockerfile, shell, compose, dockerignore, the 14 dependency formats (requirements,
pyproject, uv.lock, poetry.lock, pipfile, pipfile.lock, package.json, package-lock, yarn.lock,
pnpm-lock, cargo.toml, cargo.lock, go.mod, go.sum), config (dockhand's) and hadolint
(.hadolint.yaml). Each input is made from a real seed file (../shared/corpus, plus
tests/support/fuzzing/seeds) by structure-aware mutation (tests/support/fuzzing/mutate.py),
and goes through the parser, the rules that read it (the real analyzer, on an in-memory change
of that one file), and the renderers. Input N of a target is always the same, so `--replay
target:N` reproduces a failure. A failure is an exception, an input that runs longer than
`--timeout` seconds (the worker is killed and restarted after it), or a broken promise
(tests/support/fuzzing/targets.py): a line outside the file, a finding on another file,
section data that is not JSON, a second report marker. Failing inputs are written to
fuzz/crashes/. The exit code is 1 when anything failed.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import random
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.fuzzing.mutate import generate  # noqa: E402
from tests.support.fuzzing.seeds import seeds  # noqa: E402
from tests.support.fuzzing.targets import Target, run_target, targets  # noqa: E402

CRASH_DIR = ROOT / "fuzz" / "crashes"
BATCH = 250


def make_input(target: Target, index: int, salt: int) -> tuple[str, str | None]:
    rng = random.Random(f"{target.name}:{salt}:{index}")
    text = generate(target.name, rng, seeds(target.name))
    base = generate(target.name, rng, seeds(target.name)) if target.paired else None
    return text, base


def signature(error: BaseException) -> str:
    """Exception type and the innermost frame in dockhand's code (or the last one)."""
    frames = traceback.extract_tb(error.__traceback__)
    ours = [f for f in frames if "/bot/" in f.filename] or frames[-1:]
    where = f"{Path(ours[-1].filename).relative_to(ROOT)}:{ours[-1].lineno}" if ours else "?"
    if type(error).__name__ == "InvariantBroken":
        return f"InvariantBroken: {str(error).split(':')[0][:60]}"
    return f"{type(error).__name__} at {where}"


def worker(name: str, salt: int, jobs: multiprocessing.Queue, results: multiprocessing.Queue) -> None:  # type: ignore[type-arg]
    """Run batches of input numbers, saying which one runs now (so a hang is attributed) and
    each failure at once (so a later hang in the batch loses none)."""
    target = targets()[name]
    while True:
        try:
            start, end = jobs.get_nowait()
        except queue.Empty:
            return
        for index in range(start, end):
            results.put(("at", os.getpid(), (index, start, end)))
            text, base = make_input(target, index, salt)
            try:
                run_target(target, text, base)
            except Exception as error:  # noqa: BLE001 - every failure is recorded, none stops the run
                results.put(("fail", os.getpid(), (index, signature(error), f"{type(error).__name__}: {error!s:.300}")))
        results.put(("done", os.getpid(), (start, end)))


@dataclass
class TargetResult:
    name: str
    salt: int
    inputs: int = 0
    exceptions: int = 0
    broken: int = 0
    hangs: int = 0
    seconds: float = 0.0
    signatures: Counter[str] = field(default_factory=Counter)
    examples: dict[str, int] = field(default_factory=dict)


def run(name: str, count: int, processes: int, salt: int, timeout: float) -> TargetResult:
    result = TargetResult(name, salt)
    context = multiprocessing.get_context("spawn")  # the Go runtime of the Dockerfile parser does not survive fork
    jobs: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
    results: multiprocessing.Queue = context.Queue()  # type: ignore[type-arg]
    for start in range(0, count, BATCH):
        jobs.put((start, min(count, start + BATCH)))
    started = time.perf_counter()
    live: dict[int, multiprocessing.process.BaseProcess] = {}
    running: dict[int, tuple[int, int, int, float]] = {}
    """pid -> (input, its batch's start and end, since when)."""

    def spawn() -> None:
        process = context.Process(target=worker, args=(name, salt, jobs, results), daemon=True)
        process.start()
        assert process.pid is not None
        live[process.pid] = process

    def lost(pid: int, why: str) -> None:
        """A worker hung or died: the inputs it ran count, its input is a failure, the rest is queued."""
        if pid not in running:
            raise RuntimeError(f"a worker for {name} ended ({why}) before its first input")
        index, start, end, _ = running.pop(pid)
        result.inputs += index - start + 1
        _record(result, index, why, "")
        if index + 1 < end:
            jobs.put((index + 1, end))

    for _ in range(processes):
        spawn()
    while result.inputs < count:
        try:
            kind, pid, payload = results.get(timeout=1.0)
        except queue.Empty:
            kind, pid, payload = "tick", 0, None
        if kind == "at":
            running[pid] = (*payload, time.monotonic())
        elif kind == "fail":
            _record(result, *payload)
        elif kind == "done":
            result.inputs += payload[1] - payload[0]
            running.pop(pid, None)
        for pid, (_, _, _, since) in list(running.items()):
            if time.monotonic() - since > timeout and pid in live:
                live.pop(pid).kill()
                lost(pid, f"hang (> {timeout:.0f}s)")
        for pid, process in list(live.items()):
            if not process.is_alive():
                live.pop(pid)
                if process.exitcode != 0:
                    lost(pid, f"worker died (exit code {process.exitcode})")
        while len(live) < processes and result.inputs < count and not jobs.empty():
            spawn()
    for process in live.values():
        process.join(timeout=5)
    result.seconds = time.perf_counter() - started
    return result


def _record(result: TargetResult, index: int, sig: str, message: str) -> None:
    if sig.startswith("InvariantBroken"):
        result.broken += 1
    elif sig.startswith(("hang", "worker died")):
        result.hangs += 1
    else:
        result.exceptions += 1
    result.signatures[sig] += 1
    if sig not in result.examples:
        result.examples[sig] = index
        CRASH_DIR.mkdir(parents=True, exist_ok=True)
        text, base = make_input(targets()[result.name], index, result.salt)
        stem = CRASH_DIR / f"{result.name}-{result.salt}-{index}"
        stem.with_suffix(".txt").write_text(text, encoding="utf-8", errors="surrogatepass")
        if base is not None:
            stem.with_suffix(".base.txt").write_text(base, encoding="utf-8", errors="surrogatepass")
        stem.with_suffix(".why").write_text(f"{sig}\n{message}\n", encoding="utf-8")


def replay(spec: str, salt: int) -> int:
    name, _, number = spec.partition(":")
    target = targets()[name]
    text, base = make_input(target, int(number), salt)
    print(f"{len(text)} characters; first 400: {text[:400]!r}")
    started = time.perf_counter()
    try:
        run_target(target, text, base)
    except Exception:  # noqa: BLE001 - shown to the user
        traceback.print_exc()
        return 1
    print(f"no failure ({time.perf_counter() - started:.2f}s)")
    return 0


def run_atheris(name: str, count: int) -> int:
    """Coverage-guided (libFuzzer through atheris): libFuzzer keeps the inputs that reach new code,
    and the structure-aware mutator changes them as text half of the time. Stops at the first
    failure, leaving libFuzzer's `crash-*` file in the current directory."""
    import atheris  # type: ignore[import-not-found]

    from tests.support.fuzzing.mutate import as_file_text

    target = targets()[name]
    seed_texts = seeds(name)

    def mutator(data: bytes, max_size: int, seed: int) -> bytes:
        rng = random.Random(seed)
        if data and rng.random() < 0.5:
            return bytes(atheris.Mutate(data, max_size))
        pool = [as_file_text(data), *rng.sample(seed_texts, min(3, len(seed_texts)))] if data else seed_texts
        return generate(name, rng, pool).encode("utf-8", "surrogatepass")[:max_size]

    def one(data: bytes) -> None:
        run_target(target, as_file_text(data), None)

    atheris.instrument_all()
    atheris.Setup([sys.argv[0], f"-runs={count}", "-max_len=65536", "-rss_limit_mb=4096"], one, custom_mutator=mutator)
    atheris.Fuzz()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("targets", nargs="*", help="targets to run (default: all)")
    parser.add_argument("--inputs", type=int, default=100_000, help="inputs per target (default: 100,000)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes")
    parser.add_argument("--salt", type=int, default=0, help="changes every input (default 0)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds before an input counts as a hang")
    parser.add_argument("--replay", help="TARGET:N: run input N of TARGET again and show its traceback")
    parser.add_argument("--engine", choices=("mutate", "atheris"), default="mutate")
    args = parser.parse_args(argv)
    if args.replay:
        return replay(args.replay, args.salt)
    names = args.targets or list(targets())
    unknown = [n for n in names if n not in targets()]
    if unknown:
        parser.error(f"unknown target(s) {', '.join(unknown)}; known: {', '.join(targets())}")
    if args.engine == "atheris":
        return run_atheris(names[0], args.inputs)
    header = (
        f"{'target':<14}{'seeds':>6}{'inputs':>9}{'exceptions':>11}{'broken':>8}{'hangs':>7}{'seconds':>9}{'/s':>7}"
    )
    print(header, flush=True)
    total_failures = 0
    for name in names:
        result = run(name, args.inputs, args.jobs, args.salt, args.timeout)
        rate = result.inputs / result.seconds if result.seconds else 0.0
        print(
            f"{name:<14}{len(seeds(name)):>6}{result.inputs:>9}{result.exceptions:>11}{result.broken:>8}"
            f"{result.hangs:>7}{result.seconds:>9.0f}{rate:>7.0f}",
            flush=True,
        )
        for sig, times in result.signatures.most_common():
            print(f"    {times:>6} x {sig}  (first: --replay {name}:{result.examples[sig]})", flush=True)
        total_failures += result.exceptions + result.broken + result.hangs
    return 1 if total_failures else 0


if __name__ == "__main__":
    sys.exit(main())
