"""`.trivyignore` and `.trivyignore.yaml` of the head commit, read as Trivy reads them.

dockhand applies them itself rather than passing `--ignorefile`, so one scan result serves
every policy (and can be cached), and the report can list what was ignored and why:

- `.trivyignore`: one id per line, `#` comments, an optional `exp:YYYY-MM-DD` after the id;
- `.trivyignore.yaml`: `vulnerabilities:` and `misconfigurations:` lists of `{id, paths,
  purls, expired_at, statement}`; `paths` are globs (`**` spans directories) matched against
  the dependency file or the package's path in the image, `purls` against the package URL
  (a purl without a version matches every version).

An entry whose expiry date has passed no longer applies, and the report says so.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from bot.config import glob_matches
from bot.scan.pins import normalise_name
from bot.scan.vulnerabilities import Vulnerability

IGNORE_FILES = (".trivyignore", ".trivyignore.yaml", ".trivyignore.yml")


@dataclass(frozen=True)
class IgnoreEntry:
    id: str
    paths: tuple[str, ...] = ()
    purls: tuple[str, ...] = ()
    expires: datetime.date | None = None
    statement: str = ""
    source: str = ""
    """Where it is written: `.trivyignore:3`."""

    def matches(self, ids: tuple[str, ...], paths: tuple[str, ...], purl: str = "") -> bool:
        if self.id not in ids:
            return False
        if self.paths and not any(glob_matches(p, path) for p in self.paths for path in paths if path):
            return False
        return not (self.purls and purl) or any(purl_matches(pattern, purl) for pattern in self.purls)


@dataclass(frozen=True)
class IgnoreRules:
    vulnerabilities: tuple[IgnoreEntry, ...] = ()
    misconfigurations: tuple[IgnoreEntry, ...] = ()
    notes: tuple[str, ...] = field(default=())

    def vulnerability(self, vulnerability: Vulnerability) -> IgnoreEntry | None:
        paths = (vulnerability.target, vulnerability.pkg_path)
        return next(
            (e for e in self.vulnerabilities if e.matches((vulnerability.id,), paths, vulnerability.purl)), None
        )

    def misconfiguration(self, ids: tuple[str, ...], path: str) -> IgnoreEntry | None:
        return next((e for e in self.misconfigurations if e.matches(ids, (path,))), None)


def load_ignores(read: Callable[[str], str | None], today: datetime.date) -> IgnoreRules:
    """The ignore files of the head commit (`read` gives a file's text, None when absent)."""
    vulnerabilities: list[IgnoreEntry] = []
    misconfigurations: list[IgnoreEntry] = []
    notes: list[str] = []
    plain = read(".trivyignore")
    if plain is not None:
        entries = parse_trivyignore(plain, ".trivyignore", notes)
        vulnerabilities.extend(entries)
        misconfigurations.extend(entries)
    for name in IGNORE_FILES[1:]:
        text = read(name)
        if text is not None:
            found_vulnerabilities, found_misconfigurations = parse_trivyignore_yaml(text, name, notes)
            vulnerabilities.extend(found_vulnerabilities)
            misconfigurations.extend(found_misconfigurations)
    return IgnoreRules(
        tuple(_current(vulnerabilities, today, notes)),
        tuple(_current(misconfigurations, today, [])),
        tuple(dict.fromkeys(notes)),
    )


def _current(entries: list[IgnoreEntry], today: datetime.date, notes: list[str]) -> list[IgnoreEntry]:
    kept = []
    for entry in entries:
        if entry.expires is not None and entry.expires < today:
            notes.append(f"{entry.source}: the ignore of {entry.id} expired on {entry.expires.isoformat()}")
        else:
            kept.append(entry)
    return kept


def parse_trivyignore(text: str, path: str, notes: list[str]) -> list[IgnoreEntry]:
    entries = []
    for number, raw in enumerate(text.split("\n"), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        words = line.split()
        expiry = next((word[4:] for word in words[1:] if word.startswith("exp:")), None)
        expires = _date(expiry) if expiry is not None else None
        if expiry is not None and expires is None:
            notes.append(f"{path}:{number}: exp:{expiry} is not a date (exp:YYYY-MM-DD): entry skipped")
            continue
        entries.append(IgnoreEntry(words[0], expires=expires, source=f"{path}:{number}"))
    return entries


def parse_trivyignore_yaml(text: str, path: str, notes: list[str]) -> tuple[list[IgnoreEntry], list[IgnoreEntry]]:
    try:
        data = YAML(typ="safe").load(io.StringIO(text))
    except YAMLError as error:
        notes.append(f"{path}: not valid YAML ({str(error).splitlines()[0]}): not applied")
        return [], []
    if not isinstance(data, dict):
        return [], []
    return (
        _yaml_entries(data.get("vulnerabilities"), path, notes),
        _yaml_entries(data.get("misconfigurations"), path, notes),
    )


def _yaml_entries(items: Any, path: str, notes: list[str]) -> list[IgnoreEntry]:
    entries = []
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict) or not item.get("id"):
            notes.append(f"{path}: entry {index + 1} has no id: skipped")
            continue
        expires = item.get("expired_at")
        entries.append(
            IgnoreEntry(
                id=str(item["id"]),
                paths=tuple(str(p) for p in item.get("paths") or []),
                purls=tuple(str(p) for p in item.get("purls") or []),
                expires=expires if isinstance(expires, datetime.date) else _date(str(expires or "")),
                statement=str(item.get("statement") or ""),
                source=f"{path} (entry {index + 1})",
            )
        )
    return entries


def _date(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text.strip())
    except ValueError:
        return None


_PURL = re.compile(r"^pkg:(?P<type>[^/]+)/(?P<rest>[^@?#]+)(?:@(?P<version>[^?#]*))?")


def purl_matches(pattern: str, purl: str) -> bool:
    """Same type, namespace and name; the pattern's version, when it has one, must be equal."""
    wanted, actual = _PURL.match(pattern.strip()), _PURL.match(purl.strip())
    if not wanted or not actual or wanted.group("type").lower() != actual.group("type").lower():
        return False
    normalise = normalise_name if wanted.group("type").lower() == "pypi" else str
    if normalise(wanted.group("rest")) != normalise(actual.group("rest")):
        return False
    version = wanted.group("version")
    return not version or version == actual.group("version")
