"""Changes -> the "Dependency changes" tables (one per ecosystem) and the section's JSON data."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import replace

from bot.deps.diff import Change, ChangeKind
from bot.model import Table

HEADERS = ("package", "base", "head", "change", "note")
ECOSYSTEM_TITLES = {"python": "Python", "node": "Node", "rust": "Rust", "go": "Go"}
TRANSITIVE_INLINE = 10
"""More transitive changes than this go to their own collapsed table."""
MAX_ROWS = 250
"""Rows shown in one table; the JSON report has all of them."""
_KIND_ORDER = (ChangeKind.DOWNGRADED, ChangeKind.UPGRADED, ChangeKind.ADDED, ChangeKind.REMOVED, ChangeKind.CHANGED)


def ecosystem_tables(changes: list[Change]) -> list[Table]:
    tables: list[Table] = []
    for ecosystem in ECOSYSTEM_TITLES:
        mine = [c for c in changes if c.ecosystem == ecosystem]
        if mine:
            tables.extend(_tables(ecosystem, mine))
    return tables


def counts(changes: Iterable[Change]) -> dict[str, dict[str, int]]:
    """Per ecosystem: how many of each kind, how many major jumps, direct and transitive."""
    result: dict[str, dict[str, int]] = {}
    for change in changes:
        bucket = result.setdefault(change.ecosystem, {k.value: 0 for k in ChangeKind} | _zero())
        bucket[change.kind.value] += 1
        bucket["major"] += int(change.major)
        bucket["direct" if change.direct else "transitive"] += 1
    return result


def _zero() -> dict[str, int]:
    return {"major": 0, "direct": 0, "transitive": 0}


def _tables(ecosystem: str, all_changes: list[Change]) -> list[Table]:
    title = ECOSYSTEM_TITLES[ecosystem]
    paths = {c.path for c in all_changes}
    recorded_in = _files_recording(all_changes)
    changes = list(recorded_in)
    direct = sorted((c for c in changes if c.direct), key=_order)
    transitive = sorted((c for c in changes if not c.direct), key=_order)
    inline = transitive if len(transitive) <= TRANSITIVE_INLINE else []
    tables = []
    main_rows = [_row(c, recorded_in[c], len(paths) > 1) for c in [*direct, *inline]]
    if main_rows:
        tables.append(
            Table(
                f"{title} dependency changes", HEADERS, tuple(main_rows[:MAX_ROWS]), note=_note(changes, len(main_rows))
            )
        )
    if not inline and transitive:
        rows = [_row(c, recorded_in[c], len(paths) > 1) for c in transitive]
        note = _more(len(rows))
        tables.append(
            Table(
                f"{title}: {len(transitive)} transitive changes ({_summary(transitive)})",
                HEADERS,
                tuple(rows[:MAX_ROWS]),
                collapsed=True,
                note=note if main_rows else (_note(changes, 0) + (f" {note}" if note else "")).strip(),
            )
        )
    return tables


def _files_recording(changes: list[Change]) -> dict[Change, tuple[str, ...]]:
    """One change per package and step, with every file that records it alike (a manifest and
    its lock, go.mod and go.sum): one row, not one per file. The manifest's change speaks."""
    alike: dict[tuple[str, str, str, str, ChangeKind], list[Change]] = {}
    for change in changes:
        alike.setdefault((change.key, change.group, change.base, change.head, change.kind), []).append(change)
    merged: dict[Change, tuple[str, ...]] = {}
    for same in alike.values():
        first = min(same, key=lambda c: (c.is_lock, not c.direct, c.path))
        merged[replace(first, direct=True if any(c.direct for c in same) else first.direct)] = tuple(
            sorted({c.path for c in same}, key=lambda path: (path != first.path, path))
        )
    return merged


def _order(change: Change) -> tuple[int, str, str]:
    return (_KIND_ORDER.index(change.kind), change.name.lower(), change.path)


def _row(change: Change, paths: tuple[str, ...], show_path: bool) -> tuple[str, ...]:
    notes = []
    notes.append("direct" if change.direct else "transitive" if change.direct is False else "")
    if change.group:
        notes.append(change.group)
    if change.major:
        notes.append("major")
    if change.specifier:
        notes.append("specifier")
    if show_path or change.is_lock or len(paths) > 1:
        notes.append(", ".join(paths))
    return (
        change.name,
        change.base or "–",
        change.head or "–",
        change.kind.value,
        " · ".join(n for n in notes if n),
    )


def _summary(changes: list[Change]) -> str:
    kinds = Counter(c.kind for c in changes)
    return ", ".join(f"{kinds[k]} {k.value}" for k in _KIND_ORDER if kinds[k])


def _note(changes: list[Change], shown: int) -> str:
    major = sum(1 for c in changes if c.major)
    text = _summary(changes) + (f"; {major} major" if major else "")
    return text + (f" {_more(shown)}" if shown > MAX_ROWS else "")


def _more(rows: int) -> str:
    return f"Showing {MAX_ROWS} of {rows}; the JSON report lists all." if rows > MAX_ROWS else ""
