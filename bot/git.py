"""The git commands dockhand needs, run as argument lists with a timeout.

Nothing here knows about Docker or dependencies; `bot.changes` builds the ChangeSet on top.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

GIT_TIMEOUT_SECONDS = 120
_TREE_RECORD = re.compile(rb"(\d+) \w+ ([0-9a-f]+)\t([^\0]*)\0")
"""One `git ls-tree -z` record: mode, type, object id, TAB, path, NUL."""


class GitError(Exception):
    """A git failure explained in one line for the user."""


@dataclass(frozen=True)
class RawChange:
    """One entry of `git diff --raw`: modes, blob ids, status letter and paths."""

    old_mode: str
    new_mode: str
    old_blob: str
    new_blob: str
    status: str
    path: str
    old_path: str | None


@dataclass(frozen=True)
class TreeEntry:
    mode: str
    blob: str
    path: str


def _git_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update({"LC_ALL": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"})
    return env


class _ObjectReader:
    """One long-lived `git cat-file --batch` (or `--batch-check`) for a repository: each object
    costs a round trip on a pipe, not a git process, however many files a review reads lazily.

    Objects are asked for one at a time (write one id, read its whole answer), so neither side
    can block on a full pipe. A request that takes longer than GIT_TIMEOUT_SECONDS kills the
    process (a partial clone fetching a blob from a remote that does not answer)."""

    def __init__(self, cwd: Path, option: str) -> None:
        self.cwd = cwd
        self.option = option
        self._process: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()

    def ask(self, object_ids: Sequence[str]) -> list[tuple[str, list[str], bytes | None]]:
        """(id, header words, content) per id; content is None for `--batch-check` and missing objects.

        An object that makes git exit (a partial clone whose remote cannot give it) is answered
        as missing and git is started again for the next one; a batch that takes longer than
        GIT_TIMEOUT_SECONDS in all is a GitError."""
        if not object_ids:
            return []
        with self._lock:
            expired = threading.Event()
            timer = threading.Timer(GIT_TIMEOUT_SECONDS, self._expire, (expired,))
            timer.start()
            try:
                return [(object_id, *self._ask_one(object_id, expired)) for object_id in object_ids]
            finally:
                timer.cancel()

    def _expire(self, expired: threading.Event) -> None:
        expired.set()
        process = self._process
        if process is not None:
            process.kill()

    def _ask_one(self, object_id: str, expired: threading.Event) -> tuple[list[str], bytes | None]:
        process = self._started()
        assert process.stdin is not None and process.stdout is not None
        header: list[str] = []
        content = None
        try:
            process.stdin.write(object_id.encode() + b"\n")
            process.stdin.flush()
            header = process.stdout.readline().decode(errors="replace").split()
            if self.option == "--batch" and len(header) == 3:
                size = int(header[2])
                data = process.stdout.read(size + 1)
                header, content = (header, data[:-1]) if len(data) == size + 1 else ([], None)
        except (OSError, ValueError):
            header = []
        if header:
            return header, content
        self.close()
        if expired.is_set():
            raise GitError(f"git cat-file {self.option} took longer than {GIT_TIMEOUT_SECONDS}s")
        return [object_id, "missing"], None

    def _started(self) -> subprocess.Popen[bytes]:
        if self._process is None or self._process.poll() is not None:
            try:
                self._process = subprocess.Popen(
                    ["git", "-c", "core.quotePath=false", "cat-file", self.option],
                    cwd=self.cwd,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env=_git_env(),
                )
            except FileNotFoundError:
                raise GitError("git is not installed (no 'git' on PATH)") from None
        return self._process

    def close(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(OSError):
            if process.stdin is not None:
                process.stdin.close()  # git exits at the end of its input
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout is not None:
            process.stdout.close()


class GitRepo:
    """A local git repository, read through git's own plumbing commands.

    Blob sizes and contents come from two long-lived `git cat-file` processes, started on first
    use and stopped by `close()` (or when the GitRepo is garbage-collected)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sizes = _ObjectReader(path, "--batch-check")
        self._contents = _ObjectReader(path, "--batch")
        weakref.finalize(self, _close_readers, self._sizes, self._contents)

    def close(self) -> None:
        _close_readers(self._sizes, self._contents)

    @classmethod
    def open(cls, path: Path) -> GitRepo:
        if not path.is_dir():
            raise GitError(f"{path}: no such directory")
        try:
            top = _run_git(path, ["rev-parse", "--show-toplevel"]).decode().strip()
        except GitError:
            raise GitError(f"{path}: not a git repository") from None
        return cls(Path(top))

    def run(self, args: Sequence[str], stdin: bytes | None = None) -> bytes:
        return _run_git(self.path, args, stdin)

    def try_run(self, args: Sequence[str]) -> bytes | None:
        try:
            return self.run(args)
        except GitError:
            return None

    def resolve_commit(self, ref: str) -> str:
        """The full commit id of `ref`, or a GitError that says why there is none."""
        if ref.startswith("-"):
            raise GitError(f"{ref!r} is not a valid git reference")
        out = self.try_run(["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"])
        if out:
            return out.decode().strip()
        if self.is_shallow():
            raise GitError(
                f"{ref!r} is not in this clone, which is shallow: fetch more history "
                "(git fetch --unshallow, or fetch-depth: 0 in actions/checkout)"
            )
        raise GitError(f"{ref!r} does not name a commit in {self.path}")

    def is_shallow(self) -> bool:
        out = self.try_run(["rev-parse", "--is-shallow-repository"])
        return out is not None and out.strip() == b"true"

    def merge_base(self, one: str, other: str) -> str | None:
        out = self.try_run(["merge-base", one, other])
        return out.decode().strip() if out else None

    def default_branch(self) -> str | None:
        """origin/HEAD, else main, else master (local or remote-tracking)."""
        out = self.try_run(["symbolic-ref", "--quiet", "refs/remotes/origin/HEAD"])
        if out:
            return out.decode().strip()
        for name in ("main", "master", "origin/main", "origin/master"):
            if self.try_run(["rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"]):
                return name
        return None

    def raw_diff(self, base: str, head: str) -> list[RawChange]:
        out = self.run(["diff", "--raw", "-z", "-M", "--no-abbrev", "--no-ext-diff", "--no-textconv", base, head])
        return list(parse_raw_diff(out))

    def added_lines(self, base: str, head: str, paths: Sequence[str]) -> dict[str, set[int]]:
        """Head-side line numbers that the diff adds or changes, per head path."""
        result: dict[str, set[int]] = {}
        for chunk in _chunks(paths, 200):
            out = self.run(
                ["diff", "-U0", "-M", "--no-color", "--no-ext-diff", "--no-textconv", base, head, "--", *chunk]
            )
            for path, lines in parse_added_lines(out).items():
                result.setdefault(path, set()).update(lines)
        return result

    def hunks(self, base: str, head: str, paths: Sequence[str], context: int = 3) -> dict[str, list[tuple[int, int]]]:
        """New-side line ranges of the diff's hunks with `context` lines (GitHub shows 3)."""
        result: dict[str, list[tuple[int, int]]] = {}
        for chunk in _chunks(paths, 200):
            out = self.run(
                ["diff", f"-U{context}", "-M", "--no-color", "--no-ext-diff", "--no-textconv", base, head, "--", *chunk]
            )
            for path, ranges in parse_hunks(out).items():
                result.setdefault(path, []).extend(ranges)
        return result

    def has_commit(self, sha: str) -> bool:
        return self.try_run(["cat-file", "-e", f"{sha}^{{commit}}"]) is not None

    def fetch(self, remote: str, refspecs: Sequence[str], extra: Sequence[str] = ()) -> None:
        """`git fetch` without tags or submodules; raises GitError with git's last line."""
        self.run(["fetch", "--quiet", "--no-tags", "--no-recurse-submodules", *extra, remote, *refspecs])

    def tree(self, commit: str) -> list[TreeEntry]:
        out = self.run(["ls-tree", "-r", "-z", "--full-tree", commit])
        return [
            TreeEntry(mode.decode(), blob.decode(), path.decode("utf-8", errors="surrogateescape"))
            for mode, blob, path in _TREE_RECORD.findall(out)
        ]

    def blob_sizes(self, blobs: Iterable[str]) -> dict[str, int]:
        """Sizes of the blobs that exist (missing ones are left out)."""
        wanted = list(dict.fromkeys(blobs))
        return {oid: int(header[2]) for oid, header, _ in self._sizes.ask(wanted) if _is_blob(header)}

    def object_ids(self, names: Iterable[str]) -> dict[str, str]:
        """The ID of each object named (`<commit>:<path>`, `<commit>^{tree}`) that exists, asked
        of the running `cat-file --batch-check`: no process per name, and no name on a command
        line. A name with a line break cannot be asked that way and is left out."""
        askable = [name for name in dict.fromkeys(names) if "\n" not in name]
        return {name: header[0] for name, header, _ in self._sizes.ask(askable) if len(header) == 3}

    def read_blobs(self, blobs: Iterable[str]) -> dict[str, bytes]:
        """Contents of the blobs that exist (missing ones are left out)."""
        wanted = list(dict.fromkeys(blobs))
        return {
            oid: content
            for oid, header, content in self._contents.ask(wanted)
            if _is_blob(header) and content is not None
        }


def _run_git(cwd: Path, args: Sequence[str], stdin: bytes | None = None) -> bytes:
    command = ["git", "-c", "core.quotePath=false", *args]
    try:
        done = subprocess.run(
            command,
            cwd=cwd,
            input=stdin,
            capture_output=True,
            timeout=GIT_TIMEOUT_SECONDS,
            env=_git_env(),
            check=False,
        )
    except FileNotFoundError:
        raise GitError("git is not installed (no 'git' on PATH)") from None
    except subprocess.TimeoutExpired:
        raise GitError(f"git {_command_name(args)} took longer than {GIT_TIMEOUT_SECONDS}s") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(f"git {_command_name(args)} failed: {message[-1] if message else done.returncode}")
    return done.stdout


def _command_name(args: Sequence[str]) -> str:
    """`worktree` of `-c advice.x=false worktree add ...`: the git command, for messages."""
    index = 0
    while index < len(args) and args[index].startswith("-"):
        index += 2 if args[index] == "-c" else 1
    return args[index] if index < len(args) else (args[0] if args else "")


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def parse_raw_diff(out: bytes) -> Iterator[RawChange]:
    """Parse `git diff --raw -z` output (renames and copies carry two paths)."""
    fields = out.split(b"\0")
    index = 0
    while index < len(fields) and fields[index]:
        meta = fields[index].decode().lstrip(":").split(" ")
        old_mode, new_mode, old_blob, new_blob, status = meta[:5]
        first = fields[index + 1].decode("utf-8", errors="surrogateescape")
        if status[0] in "RC":
            second = fields[index + 2].decode("utf-8", errors="surrogateescape")
            yield RawChange(old_mode, new_mode, old_blob, new_blob, status[0], second, first)
            index += 3
        else:
            yield RawChange(old_mode, new_mode, old_blob, new_blob, status[0], first, None)
            index += 2


def unquote_path(text: str) -> str:
    """Undo git's C-style quoting of unusual paths (`"a\\tb"`, octal escapes)."""
    if not (len(text) >= 2 and text.startswith('"') and text.endswith('"')):
        return text
    body = text[1:-1]
    out = bytearray()
    index = 0
    simple = {
        "n": b"\n",
        "t": b"\t",
        '"': b'"',
        "\\": b"\\",
        "a": b"\a",
        "b": b"\b",
        "f": b"\f",
        "r": b"\r",
        "v": b"\v",
    }
    while index < len(body):
        char = body[index]
        if char == "\\" and index + 1 < len(body):
            nxt = body[index + 1]
            if nxt in simple:
                out += simple[nxt]
                index += 2
                continue
            if body[index + 1 : index + 4].isdigit():
                out.append(int(body[index + 1 : index + 4], 8))
                index += 4
                continue
        out += char.encode()
        index += 1
    return out.decode("utf-8", errors="surrogateescape")


def parse_added_lines(patch: bytes) -> dict[str, set[int]]:
    """From `git diff -U0` output: for each new-side path, the line numbers it adds."""
    return {
        path: {line for start, end in ranges for line in range(start, end + 1)}
        for path, ranges in parse_hunks(patch).items()
    }


def parse_hunks(patch: bytes) -> dict[str, list[tuple[int, int]]]:
    """From `git diff` output: for each new-side path, the new-side line range of each hunk.

    A range is (first, last), inclusive; a hunk that only deletes has no new-side lines and
    gives no range. With `-U0` the ranges are the added lines; with context they are the lines
    a review comment may be placed on.
    """
    result: dict[str, list[tuple[int, int]]] = {}
    current: str | None = None
    for raw in patch.split(b"\n"):
        if raw.startswith(b"+++ "):
            name = raw[4:].removesuffix(b"\t")  # git adds a tab after names with spaces
            target = unquote_path(name.decode("utf-8", errors="surrogateescape"))
            current = None if target == "/dev/null" else target[2:]
            if current is not None:
                result.setdefault(current, [])
        elif raw.startswith(b"@@ ") and current is not None:
            hunk = hunk_new_range(raw.decode("utf-8", errors="replace"))
            if hunk is not None:
                result[current].append(hunk)
    return result


def hunk_new_range(header: str) -> tuple[int, int] | None:
    """`@@ -a,b +c,d @@ ...` -> (c, c + d - 1), or None when the hunk has no new-side lines."""
    parts = header.split(" ")
    if len(parts) < 3 or not parts[2].startswith("+"):
        return None
    start_text, _, count_text = parts[2][1:].partition(",")
    start, count = int(start_text), int(count_text) if count_text else 1
    return (start, start + count - 1) if count > 0 else None


def _is_blob(header: list[str]) -> bool:
    """`<id> blob <size>` (not `<id> missing`, not a tree or commit)."""
    return len(header) == 3 and header[1] == "blob"


def _close_readers(*readers: _ObjectReader) -> None:
    for reader in readers:
        reader.close()
