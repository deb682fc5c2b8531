"""Seed files per parser: the developer corpus's real files, plus small hand-written ones for the
formats the corpus lacks (Pipfile, pnpm-lock.yaml, dockhand's and hadolint's config files).

The shell parser's seeds are the RUN scripts of the corpus's Dockerfiles: the text it really reads.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.filekinds import classify
from bot.parsing.dockerfile import parse_dockerfile
from bot.text import decode
from tests.support.corpus import find_corpus

SEED_DIR = Path(__file__).resolve().parent / "seeds"

TARGET_OF_FORMAT = {
    "dockerfile": "dockerfile",
    "compose": "compose",
    "dockerignore": "dockerignore",
}
_HAND_WRITTEN = {
    "Pipfile": "pipfile",
    "Pipfile.minimal": "pipfile",
    "pnpm-lock.v9.yaml": "pnpm-lock",
    "pnpm-lock.v6.yaml": "pnpm-lock",
    "pnpm-lock.v5.yaml": "pnpm-lock",
    "dockhand.yml": "config",
    "dockhand.minimal.yml": "config",
    "dockhand.images.yml": "config",
    "hadolint.yaml": "hadolint",
    "hadolint.nofail.yaml": "hadolint",
    "Dockerfile.edge": "dockerfile",
    "Dockerfile.windows": "dockerfile",
    "compose.edge.yaml": "compose",
    "dockerignore.edge": "dockerignore",
}
_SHELL_EXTRA = (
    "set -eux; apt-get update && apt-get install -y --no-install-recommends curl=7.* && rm -rf /var/lib/apt/lists/*",
    "sudo -u app env FOO=1 nice -n 5 pip install --no-cache-dir 'requests>=2' \"flask[async]\" | tee log",
    "cd /src && { make -j$(nproc) || exit 1; } ; (cd sub; ./configure --prefix=/usr) &> /dev/null &",
    "echo 'unterminated \\\n  \"quotes",
    "case $x in a) echo a;; *) echo b;; esac; for i in 1 2; do echo $i; done",
    "curl -fsSL https://example.com/install.sh | bash -s -- --yes |& cat",
)


@cache
def seeds(target: str) -> tuple[str, ...]:
    """The seed texts of one fuzz target (a parser), corpus files first."""
    found: dict[str, list[str]] = {}
    corpus = find_corpus()
    if corpus is not None:
        for path in sorted(corpus.rglob("*")):
            if not path.is_file():
                continue
            parts = path.relative_to(corpus).parts
            if len(parts) < 3:
                continue
            kind = classify("/".join(parts[2:]))
            text = decode(path.read_bytes()).text
            if kind is not None and text is not None:
                found.setdefault(TARGET_OF_FORMAT.get(kind.format, kind.format), []).append(text)
    for name, target_name in _HAND_WRITTEN.items():
        found.setdefault(target_name, []).append((SEED_DIR / name).read_text(encoding="utf-8"))
    found["shell"] = [*_run_scripts(found.get("dockerfile", [])), *_SHELL_EXTRA]
    return tuple(dict.fromkeys(found.get(target, [])))


def _run_scripts(dockerfiles: list[str]) -> list[str]:
    scripts = []
    for text in dockerfiles:
        for stage in parse_dockerfile("Dockerfile", text).stages:
            scripts.extend(
                script for ins in stage.of("RUN") if (script := ins.shell_script) is not None and script.strip()
            )
    return scripts
