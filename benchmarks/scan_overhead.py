"""What dockhand's vulnerability scan costs over the scan a user would run anyway.

Side by side, in one run, several rounds, warm caches:

- plain: `trivy image` of the head image (offline, the same cache dir), what a workflow with
  trivy-action runs on every push;
- dockhand: the scan step of `dockhand review` (bot.scan.analyzer) on the same change, base and
  head images. Each round the head image is new to dockhand (its cached result is dropped, as for
  a new push), while the base's result is in dockhand's cache, as it is for every push after the
  first on a pull request. Trivy's own layer cache is warm for both.

The ratio printed is median(dockhand) / median(plain); the target is <= 1.2.

    python benchmarks/scan_overhead.py [--rounds 7]   # the engine at DOCKER_HOST, else a private dockerd
        [--trivy-cache-dir DIR]            # a cache with a real Trivy DB (default: the test DB)
        [--base-image REF --head-image REF]  # local images (default: built here, no registry)

Without --base-image/--head-image it builds two Debian-like images with `docker import` (see
tests/support/images.py), --packages OS packages and a quarter as many Python packages each;
with a real DB and real images the numbers are the ones to quote.
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.changes import build_changeset, resolve_range
from bot.config import Config
from bot.git import GitRepo
from bot.options import ReviewOptions
from bot.scan.analyzer import analyze_vulnerabilities
from bot.scan.cache import ResultCache
from bot.scan.scans import Scanner
from bot.scan.trivy import TrivySettings, find_trivy, open_trivy, read_db_info
from bot.workspace import BuiltImage, Workspace
from tests.support.docker import DockerEngine, engine_session
from tests.support.gitrepo import GitRepoFactory
from tests.support.images import build_image, debian_image, dist_info
from tests.support.trivydb import write_trivy_db

BASE = 'FROM dockhand-bench/debian:12.5\nRUN pip install requests==2.32.4 urllib3==2.2.2\nCMD ["sh"]\n'
HEAD = (
    "FROM dockhand-bench/debian:12.2\nRUN pip install requests==2.19.0 urllib3==1.26.5 flask==2.3.0\n"
    'RUN pip install PyYAML==5.3\nCMD ["sh"]\n'
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--trivy-cache-dir", type=Path)
    parser.add_argument("--base-image")
    parser.add_argument("--head-image")
    parser.add_argument("--packages", type=int, default=400, help="OS packages in the built images (default 400)")
    args = parser.parse_args()
    trivy_binary = find_trivy()
    if trivy_binary is None:
        print("trivy is not installed", file=sys.stderr)
        return 2
    with engine_session() as engine, tempfile.TemporaryDirectory(prefix="dockhand-bench-") as temporary:
        os.environ["DOCKER_HOST"] = engine.host
        root = Path(temporary)
        cache = args.trivy_cache_dir or root / "trivy-cache"
        if args.trivy_cache_dir is None:
            write_trivy_db(cache)
        base, head, base_text, head_text = _images(args, engine, root)
        repo = GitRepoFactory(root)(base={"Dockerfile": base_text}, head={"Dockerfile": head_text})
        git = GitRepo(repo.path)
        changes = build_changeset(git, resolve_range(git, repo.base, repo.head))
        options = ReviewOptions(build=False, offline=True, trivy_cache_dir=cache, trivy=trivy_binary)
        images = [BuiltImage("base", "Dockerfile", ".", base, base), BuiltImage("head", "Dockerfile", ".", head, head)]
        settings = TrivySettings(cache, offline=True)
        trivy = open_trivy(settings, trivy_binary)
        db = read_db_info(cache)
        assert db is not None, f"no Trivy DB in {cache}"
        head_key = Scanner(trivy, db, ResultCache.in_trivy_cache(cache)).key("image", head)
        plain = [str(trivy_binary), "image", *trivy.common_flags(), *trivy.scan_flags(), "--scanners", "vuln"]
        plain += ["--image-src", "docker", head]

        def dockhand_scan() -> float:
            ResultCache.in_trivy_cache(cache).forget(head_key)
            start = time.perf_counter()
            section = analyze_vulnerabilities(changes, Config(), options, Workspace(images=list(images)))
            elapsed = time.perf_counter() - start
            assert section.data["scanned"], section.notes
            return elapsed

        def plain_scan() -> float:
            start = time.perf_counter()
            subprocess.run(plain, capture_output=True, check=True, timeout=600)
            return time.perf_counter() - start

        dockhand_scan()  # warm: the base's result, the Dockerfile checks and the fix probes are cached
        plain_scan()  # warm: Trivy's layer cache
        rows = []
        for number in range(args.rounds):
            first, second = (plain_scan, dockhand_scan) if number % 2 == 0 else (dockhand_scan, plain_scan)
            times = {first.__name__: first(), second.__name__: second()}
            rows.append((times["plain_scan"], times["dockhand_scan"]))
        start = time.perf_counter()
        analyze_vulnerabilities(changes, Config(), options, Workspace(images=list(images)))
        everything_cached = time.perf_counter() - start
    _print(rows, everything_cached, trivy.version, db.updated_at)
    return 0


def _images(args: argparse.Namespace, engine: DockerEngine, root: Path) -> tuple[str, str, str, str]:
    if args.base_image and args.head_image:
        refs = (args.base_image, args.head_image)
        ids = [engine.docker("image", "inspect", "--format", "{{.Id}}", ref) for ref in refs]
        return ids[0], ids[1], f"FROM {args.base_image}\n", f"FROM {args.head_image}\n"
    filler = [(f"lib-bench{n}", f"bench{n}", f"1.{n}-1") for n in range(max(0, args.packages - 2))]
    python = {k: v for n in range(args.packages // 4) for k, v in dist_info(f"bench-package-{n}", f"1.{n}").items()}
    for release, openssl in (("12.2", "3.0.11-1~deb12u2"), ("12.5", "3.0.13-1~deb12u1")):
        packages = [("libssl3", "openssl", openssl), ("zlib1g", "zlib", "1:1.2.13.dfsg-1"), *filler]
        debian_image(engine, packages, release, f"dockhand-bench/debian:{release}", python)
    base = build_image(engine, root / "base-context", BASE, "dockhand-bench/app:base")
    head = build_image(engine, root / "head-context", HEAD, "dockhand-bench/app:head")
    return base, head, BASE, HEAD


def _print(rows: list[tuple[float, float]], everything_cached: float, version: str, db: str) -> None:
    print(f"Trivy {version}, DB of {db}; {len(rows)} rounds, warm caches; seconds")
    print(f"{'round':>5}  {'trivy image (head)':>18}  {'dockhand scan step':>18}  {'ratio':>6}")
    for number, (plain, dockhand) in enumerate(rows, 1):
        print(f"{number:>5}  {plain:>18.3f}  {dockhand:>18.3f}  {dockhand / plain:>6.2f}")
    plain_median = statistics.median(p for p, _ in rows)
    dockhand_median = statistics.median(d for _, d in rows)
    print(f"{'median':>5}  {plain_median:>18.3f}  {dockhand_median:>18.3f}  {dockhand_median / plain_median:>6.2f}")
    plain_best, dockhand_best = min(p for p, _ in rows), min(d for _, d in rows)
    print(f"{'best':>5}  {plain_best:>18.3f}  {dockhand_best:>18.3f}  {dockhand_best / plain_best:>6.2f}")
    print(f"ratio (median dockhand / median trivy image): {dockhand_median / plain_median:.2f}  (target <= 1.20)")
    print(f"dockhand with the head also cached (a re-run on the same push): {everything_cached:.3f}")


if __name__ == "__main__":
    raise SystemExit(main())
