"""The ChangeSet: what a pull request changes, read from git objects only.

Base and head are commits of a local checkout. Every text comes from git's object store, never
from the working tree, so a symlink or a path the PR controls cannot make dockhand read outside
the repository, and the CLI and the action see exactly the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from bot.filekinds import FileKind, classify
from bot.git import GitError, GitRepo, RawChange, TreeEntry
from bot.text import decode

DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024

_MODE_SYMLINK = "120000"
_MODE_SUBMODULE = "160000"
_STATUS_NAMES = {"A": "added", "M": "modified", "D": "deleted", "R": "renamed", "C": "copied", "T": "type-changed"}


@dataclass(frozen=True)
class ChangedFile:
    path: str
    """Head path; for a deleted file, its base path."""
    kind: FileKind
    status: str
    old_path: str | None = None
    base_text: str | None = None
    head_text: str | None = None
    changed_lines: frozenset[int] = frozenset()
    """Head lines (1-based) that the diff adds or changes."""
    notes: tuple[str, ...] = ()

    @property
    def deleted(self) -> bool:
        return self.status == "deleted"


@dataclass(frozen=True)
class ResolvedRange:
    base: str
    head: str
    notes: tuple[str, ...] = ()


@dataclass
class HeadTree:
    """Every file of the head commit, for checks that look beyond the changed files."""

    repo: GitRepo
    commit: str
    max_bytes: int = DEFAULT_MAX_FILE_BYTES
    _entries: dict[str, TreeEntry] | None = None
    _texts: dict[str, str | None] = field(default_factory=dict)

    def entries(self) -> dict[str, TreeEntry]:
        if self._entries is None:
            self._entries = {entry.path: entry for entry in self.repo.tree(self.commit)}
        return self._entries

    def paths(self) -> list[str]:
        return sorted(self.entries())

    def exists(self, path: str) -> bool:
        return path in self.entries()

    def read(self, path: str) -> str | None:
        """Text of a regular file at head; None for missing, binary, oversized or link files."""
        if path not in self._texts:
            self._texts.update(self.read_many([path]))
        return self._texts[path]

    def texts_read(self) -> list[tuple[str, str]]:
        """(path, text) of every file an analyzer has read from this tree so far."""
        return [(path, text) for path, text in self._texts.items() if text is not None]

    def read_many(self, paths: list[str]) -> dict[str, str | None]:
        """Texts of `paths` (None as in `read`); each file is read from git once per tree."""
        cached = {p: self._texts[p] for p in paths if p in self._texts}
        paths = [p for p in paths if p not in cached]
        entries = self.entries()
        regular = [p for p in paths if p in entries and entries[p].mode.startswith("100")]
        sizes = self.repo.blob_sizes(entries[p].blob for p in regular)
        # a blob missing from the clone (partial or damaged) is unreadable, not an empty file
        readable = [p for p in regular if sizes.get(entries[p].blob, self.max_bytes + 1) <= self.max_bytes]
        blobs = self.repo.read_blobs(entries[p].blob for p in readable)
        texts: dict[str, str | None] = {p: None for p in paths}
        for path in readable:
            texts[path] = decode(blobs.get(entries[path].blob, b"")).text
        self._texts.update(texts)
        return {**cached, **texts}


@dataclass(frozen=True)
class ChangeSet:
    repo_path: Path
    base: str
    head: str
    files: tuple[ChangedFile, ...]
    tree: HeadTree
    notes: tuple[str, ...] = ()

    def file(self, path: str) -> ChangedFile | None:
        return self._by_path.get(path)

    @cached_property
    def base_tree(self) -> HeadTree:
        """Every file of the base commit, read lazily like `tree` (one listing per review)."""
        return HeadTree(self.tree.repo, self.base, self.tree.max_bytes)

    @cached_property
    def _by_path(self) -> dict[str, ChangedFile]:
        found: dict[str, ChangedFile] = {}
        for changed in self.files:
            found.setdefault(changed.path, changed)
        return found

    def of_family(self, family: str) -> list[ChangedFile]:
        return [f for f in self.files if f.kind.family.value == family]


def resolve_range(repo: GitRepo, base_ref: str | None, head_ref: str | None) -> ResolvedRange:
    """Commits to compare: head (default HEAD) against its merge-base with base.

    Like GitHub's pull request diff, the base side is the merge-base of the two, so work that
    landed on the base branch after the branch point is not counted as the PR's.
    """
    head = repo.resolve_commit(head_ref or "HEAD")
    notes: list[str] = []
    if base_ref is None:
        default = repo.default_branch()
        if default is None:
            raise GitError("no --base given and no default branch (origin/HEAD, main, master) found")
        base_ref = default
    base_tip = repo.resolve_commit(base_ref)
    merge_base = repo.merge_base(base_tip, head)
    if merge_base is None:
        if repo.is_shallow():
            raise GitError(
                f"no common ancestor of {base_ref!r} and the head in this shallow clone: "
                "fetch more history (git fetch --unshallow, or fetch-depth: 0 in actions/checkout)"
            )
        notes.append(f"{base_ref} and the head share no history: compared the two trees directly")
        merge_base = base_tip
    elif merge_base != base_tip:
        notes.append(f"compared against the merge-base {merge_base[:12]} of {base_ref} and the head")
    if merge_base == head:
        notes.append("the head is the base: nothing to compare (pass --base to choose another commit)")
    return ResolvedRange(merge_base, head, tuple(notes))


def build_changeset(
    repo: GitRepo,
    commits: ResolvedRange,
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    head_tree: HeadTree | None = None,
) -> ChangeSet:
    """Everything the review needs from git, in a fixed number of git processes.

    `head_tree`: the head's tree if the caller already listed it (to read the config file)."""
    raw = [change for change in repo.raw_diff(commits.base, commits.head) if classify(change.path)]
    sizes = repo.blob_sizes(_blobs_of(raw))
    readable = [blob for blob, size in sizes.items() if size <= max_file_bytes]
    contents = repo.read_blobs(readable)
    # Only files that are read get their changed lines: git diff would read a 100 MB lock file that
    # the review leaves out (and cannot compare a blob a partial clone lacks); such files get a note.
    read = set(readable)
    with_text = [c for c in raw if c.status != "D" and c.new_mode.startswith("100") and set(_blobs_of([c])) <= read]
    diff_paths = [p for c in with_text for p in (c.old_path, c.path) if p]  # both names: git sees the rename
    added = repo.added_lines(commits.base, commits.head, diff_paths) if diff_paths else {}
    files = tuple(
        _changed_file(change, contents, sizes, added.get(change.path, set()), max_file_bytes)
        for change in sorted(raw, key=lambda c: c.path)
    )
    if head_tree is not None and head_tree.commit == commits.head:
        tree = replace(head_tree, max_bytes=max_file_bytes, _texts={})  # the listing, not texts read at another limit
    else:
        tree = HeadTree(repo, commits.head, max_file_bytes)
    return ChangeSet(repo.path, commits.base, commits.head, files, tree, commits.notes)


def _blobs_of(changes: list[RawChange]) -> list[str]:
    blobs = []
    for change in changes:
        if change.old_mode.startswith("100"):
            blobs.append(change.old_blob)
        if change.new_mode.startswith("100"):
            blobs.append(change.new_blob)
    return [blob for blob in blobs if set(blob) != {"0"}]


def _changed_file(
    change: RawChange,
    contents: dict[str, bytes],
    sizes: dict[str, int],
    added: set[int],
    max_bytes: int,
) -> ChangedFile:
    kind = classify(change.path)
    assert kind is not None
    notes: list[str] = []
    base_text = _side_text(change.old_mode, change.old_blob, contents, sizes, max_bytes, notes, "base")
    head_text = _side_text(change.new_mode, change.new_blob, contents, sizes, max_bytes, notes, "head")
    return ChangedFile(
        path=change.path,
        kind=kind,
        status=_STATUS_NAMES.get(change.status, "modified"),
        old_path=change.old_path,
        base_text=base_text,
        head_text=head_text,
        changed_lines=frozenset(added) if head_text is not None else frozenset(),
        notes=tuple(dict.fromkeys(notes)),
    )


def _side_text(
    mode: str,
    blob: str,
    contents: dict[str, bytes],
    sizes: dict[str, int],
    max_bytes: int,
    notes: list[str],
    side: str,
) -> str | None:
    if mode == "000000":
        return None
    if mode == _MODE_SYMLINK:
        notes.append(f"symbolic link on the {side} side: not followed, not reviewed")
        return None
    if mode == _MODE_SUBMODULE:
        notes.append(f"git submodule on the {side} side: not reviewed")
        return None
    if blob not in sizes:
        notes.append(
            f"the {side} file's content is not in this clone (a partial clone that could not fetch it): not read"
        )
        return None
    size = sizes[blob]
    if size > max_bytes:
        notes.append(f"{side} file is {size:,} bytes, over the {max_bytes:,}-byte limit: not read")
        return None
    decoded = decode(contents.get(blob, b""))
    if side == "head":
        notes.extend(decoded.notes)
    return decoded.text
