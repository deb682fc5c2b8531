"""What the image review costs on top of the build a CI job already does.

For a realistic multi-stage Dockerfile (a dependency stage, a build stage, a runtime stage; tens
of MB), each round makes two pull-request-like head commits that change the application code
(as a PR does) and times, side by side in the same run:

  (a) `docker build` of the head alone, as a CI job would;
  (b) `dockhand review --no-scan` of base..head: builds base AND head from clean checkouts,
      measures both (compressed sizes from the layers, wasted space), compares, reports.

Both start from a warm cache (the base branch was built before, as on a CI runner that keeps
its cache). Prints every round and the ratio of medians b/a; the target is <= 1.3.

    python benchmarks/build_overhead.py [--rounds 5]

Uses DOCKER_HOST when it answers, else starts a private dockerd (root only); nothing is pulled.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.support.docker import DockerEngine, engine_session
from tests.support.gitrepo import git, write_tree

DOCKERFILE = """\
FROM {base} AS deps
RUN mkdir -p /deps && dd if=/dev/urandom of=/deps/libs.bin bs=1M count=30 2>/dev/null
COPY requirements.txt /deps/

FROM {base} AS build
COPY --from=deps /deps /deps
COPY src/ /src/
RUN mkdir -p /out && cat /src/*.py > /out/app.py \\
    && dd if=/dev/urandom of=/out/assets.bin bs=1M count=6 2>/dev/null

FROM {base}
RUN mkdir -p /app/lib && chown 1000:1000 /app
COPY --from=deps /deps/libs.bin /app/lib/
COPY --from=build /out/ /app/
USER 1000
WORKDIR /app
EXPOSE 8000
CMD ["sh", "-c", "cat /app/app.py"]
"""


def source_files(seed: str) -> dict[str, str]:
    return {f"src/module{n}.py": f"# {seed}\n" + f"VALUE_{n} = {seed!r}\n" * 200 for n in range(20)}


def commit(root: Path, branch: str, files: dict[str, str]) -> str:
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


def dockhand_review(engine: DockerEngine, root: Path, sha: str, output: Path) -> float:
    command = [sys.executable, "-m", "bot", "review", "--repo", str(root), "--base", "main", "--head", sha]
    command += ["--no-scan", "--format", "json", "--output", str(output)]
    started = time.monotonic()
    done = subprocess.run(command, env=engine.env, capture_output=True, timeout=1800, check=False)
    elapsed = time.monotonic() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"dockhand failed: {done.stderr.decode(errors='replace')}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    with engine_session() as engine, tempfile.TemporaryDirectory(prefix="dockhand-bench-") as scratch:
        buildx = engine.docker("buildx", "version", check=False) != ""
        root = Path(scratch) / "repo"
        root.mkdir()
        base_image = engine.busybox_image(tag="dockhand-bench/busybox:1")
        git(root, "init", "--quiet", "--initial-branch=main")
        write_tree(root, {"Dockerfile": DOCKERFILE.format(base=base_image), "requirements.txt": "flask==3.0\n"})
        write_tree(root, source_files("base"))
        git(root, "add", "--all")
        git(root, "commit", "--quiet", "-m", "base")
        output = Path(scratch) / "review.json"
        print(f"engine at {engine.host}; builder: {'buildx' if buildx else 'classic'}; rounds: {args.rounds}")
        docker_build(engine, root, git(root, "rev-parse", "main"), buildx)  # warm: the base branch was built
        dockhand_review(engine, root, commit(root, "warm", source_files("warm")), output)
        plain, review = [], []
        for round_number in range(args.rounds):
            sha_a = commit(root, f"a{round_number}", source_files(f"a{round_number}"))
            sha_b = commit(root, f"b{round_number}", source_files(f"b{round_number}"))
            if round_number % 2:
                review.append(dockhand_review(engine, root, sha_b, output))
                plain.append(docker_build(engine, root, sha_a, buildx))
            else:
                plain.append(docker_build(engine, root, sha_a, buildx))
                review.append(dockhand_review(engine, root, sha_b, output))
            print(f"round {round_number + 1}: (a) docker build {plain[-1]:.2f}s  (b) dockhand review {review[-1]:.2f}s")
        a, b = statistics.median(plain), statistics.median(review)
        overhead = statistics.median(r - p for r, p in zip(review, plain, strict=True))
        print(f"median (a) {a:.2f}s  (b) {b:.2f}s  ratio b/a = {b / a:.2f}  (target <= 1.3)")
        print(f"median overhead of (b) over (a): {overhead:.2f}s per review (base build, checkouts, measuring)")
        engine.docker("image", "rm", "bench:head", check=False)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("DOCKHAND_CACHE_DIR", tempfile.mkdtemp(prefix="dockhand-bench-cache-"))
    raise SystemExit(main())
