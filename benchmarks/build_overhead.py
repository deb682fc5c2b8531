"""What the image review costs on top of the build a CI job already does.

For a realistic multi-stage Dockerfile (a dependency stage, a build stage, a runtime stage that
ends with USER/WORKDIR/EXPOSE/CMD; about 40 MB in 7 layers, part of it compressible), each
round makes pull-request-like head commits that change the application code (as most PRs do)
and times, side by side in the same run, in a rotating order:

  (a) `docker build` of the head alone, as a CI job would;
  (b) `dockhand review --no-scan` of base..head: builds base AND head from clean checkouts,
      measures both (uncompressed size, layers, every new layer gzip-ed and listed, wasted
      space, instructions mapped to lines), compares them, writes the report.

Everything starts warm, as on a CI runner that keeps its caches: the base branch was built and
reviewed before (the builder's cache and dockhand's measurement cache), and the `bot` package
is byte-compiled first, as `pip install` does (without that, a PYTHONDONTWRITEBYTECODE
environment recompiles every module on every run). Prints every round (and where (b)'s time went, from the
report's own timings), then min/median/max and the ratio of medians b/a; the target is <= 1.3.
It also times the engine's own export of the head image (`docker image save`, alone, each round):
the least that measuring the image's layers can cost with this engine, so that (b) - (a) splits
into the engine's part and dockhand's own.

    DOCKER_HOST=unix:///... python benchmarks/build_overhead.py [--rounds 11] [--tree DIR] [--compile-mb N]

`--tree` times the `bot` package of another source tree (e.g. `git worktree add /tmp/before
<commit>`): run once per tree for a before/after. Not both in one run: each version's image
cleanup would change what the other finds in the engine.

Uses DOCKER_HOST when it answers, else starts a private dockerd (root only); nothing is pulled.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.image.engine_api import engine_api
from tests.support.docker import DockerEngine, engine_session
from tests.support.gitrepo import git, write_tree

HERE = Path(__file__).resolve().parent.parent

DOCKERFILE = """\
FROM {base} AS deps
COPY requirements.txt /deps/
RUN mkdir -p /deps/lib /deps/site-packages \\
    && dd if=/dev/urandom of=/deps/lib/libnative.so bs=1M count=18 2>/dev/null \\
    && dd if=/dev/urandom bs=1M count=9 2>/dev/null | base64 > /deps/site-packages/vendored.py

FROM {base} AS build
COPY --from=deps /deps /deps
COPY src/ /src/
RUN mkdir -p /out && cat /src/*.py > /out/app.py \\
    && dd if=/dev/urandom of=/out/assets.bin bs=1M count=4 2>/dev/null \\
    && dd if=/dev/urandom bs=1M count=1 2>/dev/null | base64 > /out/bundle.js \\
    && {compile}

FROM {base}
RUN mkdir -p /app/lib && chown 1000:1000 /app
COPY --from=deps /deps/ /app/lib/
COPY --from=build /out/ /app/
USER 1000
WORKDIR /app
EXPOSE 8000
CMD ["sh", "-c", "cat /app/app.py"]
"""


def compile_step(megabytes: int) -> str:
    """CPU work in the app's build step, its output thrown away (as a compiler's objects are)."""
    if megabytes <= 0:
        return "true"
    return f"dd if=/dev/urandom bs=1M count={megabytes} 2>/dev/null | gzip -9 > /dev/null"


def source_files(seed: str) -> dict[str, str | bytes]:
    return {f"src/module{n}.py": f"# {seed}\n" + f"VALUE_{n} = {seed!r}\n" * 200 for n in range(20)}


def commit(root: Path, branch: str, files: dict[str, str | bytes]) -> str:
    git(root, "checkout", "--quiet", "-B", branch, "main")
    write_tree(root, files)
    git(root, "add", "--all")
    git(root, "commit", "--quiet", "-m", branch)
    sha = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "--quiet", "main")
    return sha


def docker_build(engine: DockerEngine, root: Path, sha: str, buildx: bool) -> float:
    git(root, "checkout", "--quiet", "--detach", sha)
    command = ["docker", *(["buildx", "build", "--load"] if buildx else ["build"]), "-t", "bench:head", "."]
    env = {**engine.env, "DOCKER_BUILDKIT": "1" if buildx else "0"}
    started = time.monotonic()
    subprocess.run(command, cwd=root, env=env, check=True, capture_output=True, timeout=900)
    elapsed = time.monotonic() - started
    git(root, "checkout", "--quiet", "main")
    return elapsed


@dataclass(frozen=True)
class ReviewTime:
    """One `dockhand review`, and where its time went (from the report's image section)."""

    total: float
    head_build: float
    base_build: float
    images: float
    """The image section: checkouts, both builds, reading the images back."""

    def parts(self) -> str:
        after = self.images - self.head_build - self.base_build
        return (
            f"head build {self.head_build:.2f} + base build {self.base_build:.2f} + checkouts and reading back"
            f" {after:.2f} + start-up, lint and report {self.total - self.images:.2f}"
        )


def image_times(output: Path, total: float) -> ReviewTime | None:
    """None for a review from a `--tree` that does not report its timings yet."""
    section = json.loads(output.read_text(encoding="utf-8"))["sections"]["image"]
    image = section["images"][0]
    if "seconds" not in section or "seconds" not in image["head"]:
        return None
    head, base = image["head"]["seconds"]["build"] or 0.0, image["base"]["seconds"]["build"] or 0.0
    return ReviewTime(total, head, base, section["seconds"])


def dockhand_review(engine: DockerEngine, tree: Path, cache: Path, root: Path, sha: str, output: Path) -> float:
    """`python -m bot review` with the `bot` package of `tree` and its own measurement cache."""
    command = [sys.executable, "-m", "bot", "review", "--repo", str(root), "--base", "main", "--head", sha]
    command += ["--no-scan", "--format", "json", "--output", str(output)]
    env = {**engine.env, "DOCKHAND_CACHE_DIR": str(cache)}
    started = time.monotonic()
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, timeout=1800, check=False)
    elapsed = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"dockhand ({tree}) failed: {done.stderr.decode(errors='replace')}")
    return elapsed


def engine_save(engine: DockerEngine, ref: str) -> float | None:
    """How long the engine takes to export `ref` (`docker image save`, read to the end, through
    its socket): the least any tool pays to measure that image's layers with this engine. None
    when the engine is not on a unix socket."""
    api = engine_api(engine.env)
    if api is None:
        return None
    started = time.monotonic()
    with contextlib.closing(api.save_image(ref, timeout=300)) as body:
        while body.read(1 << 20):
            pass
    return time.monotonic() - started


def summary(name: str, times: list[float]) -> str:
    return f"{name}: min {min(times):.2f}s  median {statistics.median(times):.2f}s  max {max(times):.2f}s"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=11)
    parser.add_argument("--tree", type=Path, default=HERE, help="the dockhand source tree to time (default: this one)")
    parser.add_argument(
        "--compile-mb",
        type=int,
        default=0,
        help="make the app's build step also do CPU work, as a compiler would: gzip -9 this many MB"
        " (0: the fixture as is; 100 makes the build take several seconds)",
    )
    args = parser.parse_args()
    with engine_session() as engine, tempfile.TemporaryDirectory(prefix="dockhand-bench-") as scratch:
        buildx = engine.docker("buildx", "version", check=False) != ""
        root = Path(scratch) / "repo"
        root.mkdir()
        base_image = engine.busybox_image(tag="dockhand-bench/busybox:1")
        git(root, "init", "--quiet", "--initial-branch=main")
        dockerfile = DOCKERFILE.format(base=base_image, compile=compile_step(args.compile_mb))
        files = {"Dockerfile": dockerfile, "requirements.txt": "flask==3.0\n"}
        write_tree(root, {**files, ".dockerignore": ".git\n", **source_files("base")})
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "-m", "base")
        output = Path(scratch) / "review.json"
        tree, cache = args.tree.resolve(), Path(scratch) / "cache"
        print(f"engine at {engine.host}; builder: {'buildx' if buildx else 'classic'}; rounds: {args.rounds}")
        print(f"(b) dockhand from {tree}")
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "bot")], check=True, timeout=300)
        docker_build(engine, root, git(root, "rev-parse", "main"), buildx)  # warm: the base branch was built
        dockhand_review(engine, tree, cache, root, commit(root, "warm", source_files("warm")), output)  # and reviewed
        plain: list[float] = []
        review: list[float] = []
        saves: list[float] = []
        parts: list[ReviewTime] = []
        for round_number in range(args.rounds):
            sha_a = commit(root, f"a{round_number}", source_files(f"a{round_number}"))
            sha_b = commit(root, f"b{round_number}", source_files(f"b{round_number}"))
            runs: list[tuple[list[float], Callable[[], float]]] = [
                (plain, partial(docker_build, engine, root, sha_a, buildx)),
                (review, partial(dockhand_review, engine, tree, cache, root, sha_b, output)),
            ]
            for times, run in runs if round_number % 2 == 0 else reversed(runs):
                times.append(run())
            if (saved := engine_save(engine, "bench:head")) is not None:  # (a)'s image: the same layers as (b)'s head
                saves.append(saved)
            print(f"round {round_number + 1}: (a) docker build {plain[-1]:.2f}s  (b) dockhand review {review[-1]:.2f}s")
            if (timed := image_times(output, review[-1])) is not None:
                parts.append(timed)
                print(f"         (b) = {timed.parts()}")
        print(summary("(a)", plain))
        print(summary("(b)", review))
        if parts:
            typical = sorted(parts, key=lambda p: p.total)[len(parts) // 2]
            print(f"(b), the median round: {typical.parts()}")
        a, b = statistics.median(plain), statistics.median(review)
        if saves:
            save = statistics.median(saves)
            print(
                f"the engine's own export of the head image (`docker image save`, alone): {save:.2f}s;"
                f" (b) - (a) = {b - a:.2f}s, of which {max(0.0, b - a - save):.2f}s is dockhand's own"
            )
        per_round = statistics.median(r / p for r, p in zip(review, plain, strict=True))
        print(f"ratio b/a = {b / a:.2f} (median of per-round ratios {per_round:.2f}; target <= 1.3)")
        engine.docker("image", "rm", "bench:head", check=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
