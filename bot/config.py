"""The config file (`.github/dockhand.yml`, `.dockhand.yml` or `--config`), validated at its lines.

```yaml
fail-on: high                 # info | low | medium | high | critical
rules:
  disable: [DH103]            # rule ids (or hadolint codes) to switch off
  severity: {DH105: medium}   # per-rule severity overrides
ignore-paths: ["examples/**"] # globs of files not to review
trusted-registries: [ghcr.io, docker.io]
max-file-bytes: 67108864      # files above this are noted, not read
image: {max-images: 4, budget: {max-growth-mb: 50}}   # image builds: see bot/image/settings.py
dependencies:
  unpinned: medium            # DH402 severity for a requirement with no version at all
  open-ended: low             # DH402 severity for a lower bound with no upper bound
trivy-cache-dir: ~/.cache/trivy  # Trivy's DB and dockhand's cached scan results
offline: false                # never download (the DB must be in trivy-cache-dir)
scan-required: false          # a scan that cannot run fails the review (DH603)
ignore-unfixed: false         # leave out vulnerabilities that have no fixed version
trivy-timeout: 600            # seconds per Trivy run
compose-sets:                 # compose files used together (`docker compose -f a -f b`)
  - [compose.yaml, compose.prod.yaml]
```

A `.hadolint.yaml` (or `.hadolint.yml`) at the repository root is read too, so a team that moves
from hadolint keeps its decisions: `ignored`, `override`, `trustedRegistries`,
`failure-threshold` (and `no-fail`). Precedence: dockhand's config beats hadolint's, which beats
the defaults; rules disabled in either stay disabled.
"""

from __future__ import annotations

import difflib
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from bot.changes import DEFAULT_MAX_FILE_BYTES, HeadTree
from bot.image.settings import ImageSettings, read_image_settings
from bot.model import Severity
from bot.parsing.yamlbounds import YamlRefused, load_yaml

CONFIG_PATHS = (".github/dockhand.yml", ".github/dockhand.yaml", ".dockhand.yml", ".dockhand.yaml")
HADOLINT_PATHS = (".hadolint.yaml", ".hadolint.yml")
_HADOLINT_LEVELS = {"error": Severity.HIGH, "warning": Severity.MEDIUM, "info": Severity.LOW, "style": Severity.INFO}
_HADOLINT_NEVER_FAILS = ("none", "ignore")
_SHELLCHECK_CODE = re.compile(r"(?:shellcheck:)?(SC\d{4})", re.IGNORECASE)
_TOP_KEYS = (
    "fail-on",
    "rules",
    "ignore-paths",
    "trusted-registries",
    "max-file-bytes",
    "image",
    "dependencies",
    "trivy-cache-dir",
    "offline",
    "scan-required",
    "ignore-unfixed",
    "trivy-timeout",
    "compose-sets",
)
_RULE_KEYS = ("disable", "severity")
_DEPENDENCY_KEYS = ("unpinned", "open-ended")


@dataclass(frozen=True)
class ConfigProblem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ConfigError(Exception):
    def __init__(self, problems: list[ConfigProblem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Config:
    fail_on: Severity = Severity.HIGH
    disabled_rules: frozenset[str] = frozenset()
    severity_overrides: dict[str, Severity] = field(default_factory=dict)
    ignore_paths: tuple[str, ...] = ()
    trusted_registries: tuple[str, ...] = ()
    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    source: str | None = None
    hadolint_source: str | None = None
    """The `.hadolint.yaml` whose settings were taken over, if any."""
    image: ImageSettings = field(default_factory=ImageSettings)
    unpinned_severity: Severity = Severity.MEDIUM
    """DH402 for a requirement that names no version (`torch`, `"*"`)."""
    open_ended_severity: Severity = Severity.LOW
    """DH402 for a requirement with a lower bound and no upper bound (`torch>=2.0`)."""
    trivy_cache_dir: str | None = None
    offline: bool = False
    scan_required: bool = False
    ignore_unfixed: bool = False
    trivy_timeout: int = 600
    compose_sets: tuple[tuple[str, ...], ...] = ()
    """Compose files read together, in order (repository paths), like `docker compose -f a -f b`."""

    def is_ignored_path(self, path: str) -> bool:
        return any(glob_matches(pattern, path) for pattern in self.ignore_paths)


def load_config(tree: HeadTree, explicit: Path | None, known_rules: Callable[[], dict[str, str]]) -> Config:
    """`explicit` (a file on disk), else the first of CONFIG_PATHS in the head commit, else defaults;
    on top of what the head commit's `.hadolint.yaml` says. `known_rules` (see parse_config) is
    asked only when there is a file to read."""
    hadolint = next(((path, text) for path in HADOLINT_PATHS if (text := tree.read(path)) is not None), None)
    fallback = parse_hadolint_config(hadolint[1], hadolint[0], known_rules()) if hadolint else Config()
    if explicit is not None:
        try:
            text = explicit.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ConfigError([ConfigProblem(str(explicit), 1, f"cannot read the config file: {error}")]) from None
        return parse_config(text, str(explicit), known_rules(), fallback)
    for path in CONFIG_PATHS:
        found = tree.read(path)
        if found is not None:
            return parse_config(found, path, known_rules(), fallback)
    return fallback


def parse_config(text: str, path: str, known_rules: dict[str, str], fallback: Config | None = None) -> Config:
    """Parse config text. `known_rules` maps every accepted id or alias to a rule id; settings the
    file does not make come from `fallback` (hadolint's config, else the defaults)."""
    fallback = fallback or Config()
    problems: list[ConfigProblem] = []
    data = _load_yaml(text, path, problems)
    if data is None:
        if problems:
            raise ConfigError(problems)
        return replace(fallback, source=path)
    reader = _Reader(path, problems, known_rules)
    config = reader.config(data, fallback)
    if problems:
        raise ConfigError(problems)
    return config


def parse_hadolint_config(text: str, path: str, known_rules: dict[str, str]) -> Config:
    """hadolint's settings in dockhand's terms. hadolint codes without a dockhand equivalent are skipped."""
    problems: list[ConfigProblem] = []
    data = _load_yaml(text, path, problems)
    if problems:
        raise ConfigError(problems)
    if not data:
        return Config(hadolint_source=path)
    reader = _Reader(path, problems, known_rules)
    config = reader.hadolint(data)
    if problems:
        raise ConfigError(problems)
    return config


def resolve_rule(code: str, known_rules: dict[str, str]) -> str | None:
    """A rule id, name or alias (`DL3008`), or a ShellCheck code (`SC2086`), as the rule id findings carry."""
    found = known_rules.get(code.strip().upper())
    if found is not None:
        return found
    match = _SHELLCHECK_CODE.fullmatch(code.strip())
    return f"shellcheck:{match.group(1).upper()}" if match else None


def _load_yaml(text: str, path: str, problems: list[ConfigProblem]) -> Any:
    try:
        documents = load_yaml(text, "config file")
    except YamlRefused as refused:
        problems.append(ConfigProblem(path, refused.line, refused.message))
        return None
    if len(documents) > 1:
        problems.append(ConfigProblem(path, 1, "the config must be one YAML document, not several"))
        return None
    data = documents[0] if documents else None
    if data is not None and not isinstance(data, dict):
        problems.append(ConfigProblem(path, 1, "the config must be a mapping of keys to values"))
        return None
    return data


@dataclass
class _Reader:
    path: str
    problems: list[ConfigProblem]
    known_rules: dict[str, str]

    def problem(self, line: int, message: str) -> None:
        self.problems.append(ConfigProblem(self.path, line, message))

    def config(self, data: Any, fallback: Config) -> Config:
        for key in data:
            if key not in _TOP_KEYS:
                self.problem(_key_line(data, key), f"unknown key {key!r}{_did_you_mean(str(key), _TOP_KEYS)}")
        rules = data.get("rules") or {}
        if not isinstance(rules, dict):
            self.problem(_key_line(data, "rules"), "'rules' must be a mapping with 'disable' and 'severity'")
            rules = {}
        for key in rules:
            if key not in _RULE_KEYS:
                self.problem(_key_line(rules, key), f"unknown key rules.{key}{_did_you_mean(str(key), _RULE_KEYS)}")
        trusted = self.strings(data, "trusted-registries")
        return Config(
            fail_on=self.severity(data, "fail-on", fallback.fail_on),
            disabled_rules=fallback.disabled_rules | frozenset(self.rule_ids(rules, "disable")),
            severity_overrides={**fallback.severity_overrides, **self.overrides(rules)},
            ignore_paths=(*fallback.ignore_paths, *self.strings(data, "ignore-paths")),
            trusted_registries=tuple(trusted) if "trusted-registries" in data else fallback.trusted_registries,
            max_file_bytes=self.positive_int(data, "max-file-bytes", fallback.max_file_bytes),
            source=self.path,
            hadolint_source=fallback.hadolint_source,
            image=read_image_settings(data.get("image"), data, self.problem_at),
            **self.dependency_settings(data),
            trivy_cache_dir=self.optional_string(data, "trivy-cache-dir"),
            offline=self.boolean(data, "offline", False),
            scan_required=self.boolean(data, "scan-required", False),
            ignore_unfixed=self.boolean(data, "ignore-unfixed", False),
            trivy_timeout=self.positive_int(data, "trivy-timeout", 600),
            compose_sets=self.path_lists(data, "compose-sets"),
        )

    def hadolint(self, data: Any) -> Config:
        """`ignored`, `override`, `trustedRegistries`, `failure-threshold`, `no-fail` of a .hadolint.yaml."""
        ignored = [rule for code in self.strings(data, "ignored") if (rule := resolve_rule(code, self.known_rules))]
        overrides: dict[str, Severity] = {}
        override = data.get("override") or {}
        if not isinstance(override, dict):
            self.problem(_key_line(data, "override"), "'override' must map error/warning/info/style to rule lists")
            override = {}
        for level, severity in _HADOLINT_LEVELS.items():
            for code in self.strings(override, level):
                rule = resolve_rule(code, self.known_rules)
                if rule is not None:
                    overrides[rule] = severity
        fail_on = Severity.HIGH
        threshold = str(data.get("failure-threshold", "")).strip().lower()
        if threshold in _HADOLINT_LEVELS:
            fail_on = _HADOLINT_LEVELS[threshold]
        elif threshold in _HADOLINT_NEVER_FAILS or data.get("no-fail") is True:
            fail_on = Severity.CRITICAL
        elif threshold:
            accepted = ", ".join([*_HADOLINT_LEVELS, *_HADOLINT_NEVER_FAILS])
            self.problem(
                _key_line(data, "failure-threshold"), f"failure-threshold: {threshold!r} is not one of {accepted}"
            )
        return Config(
            fail_on=fail_on,
            disabled_rules=frozenset(ignored),
            severity_overrides=overrides,
            trusted_registries=tuple(self.strings(data, "trustedRegistries")),
            hadolint_source=self.path,
        )

    def problem_at(self, mapping: Any, key: Any, message: str) -> None:
        self.problem(_key_line(mapping, key), message)

    def dependency_settings(self, data: Any) -> dict[str, Severity]:
        section = data.get("dependencies")
        if section is None:
            return {}
        if not isinstance(section, dict):
            self.problem(
                _key_line(data, "dependencies"), "'dependencies' must be a mapping with 'unpinned' and 'open-ended'"
            )
            return {}
        for key in section:
            if key not in _DEPENDENCY_KEYS:
                self.problem(
                    _key_line(section, key),
                    f"unknown key dependencies.{key}{_did_you_mean(str(key), _DEPENDENCY_KEYS)}",
                )
        return {
            "unpinned_severity": self.severity(section, "unpinned", Severity.MEDIUM),
            "open_ended_severity": self.severity(section, "open-ended", Severity.LOW),
        }

    def severity(self, data: Any, key: str, default: Severity) -> Severity:
        if key not in data:
            return default
        try:
            return Severity.parse(str(data[key]))
        except ValueError as error:
            self.problem(_key_line(data, key), f"{key}: {error}")
            return default

    def strings(self, data: Any, key: str) -> list[str]:
        value = data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            self.problem(_key_line(data, key), f"'{key}' must be a list of strings")
            return []
        return list(value)

    def rule_ids(self, data: Any, key: str) -> list[str]:
        ids = []
        for index, item in enumerate(self.strings(data, key)):
            rule_id = resolve_rule(item, self.known_rules)
            if rule_id is None:
                self.problem(_item_line(data[key], index), f"unknown rule {item!r}")
            else:
                ids.append(rule_id)
        return ids

    def overrides(self, rules: Any) -> dict[str, Severity]:
        value = rules.get("severity")
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.problem(_key_line(rules, "severity"), "'rules.severity' must map rule ids to severities")
            return {}
        result = {}
        for item, level in value.items():
            rule_id = resolve_rule(str(item), self.known_rules)
            if rule_id is None:
                self.problem(_key_line(value, item), f"unknown rule {item!r}")
                continue
            try:
                result[rule_id] = Severity.parse(str(level))
            except ValueError as error:
                self.problem(_key_line(value, item), f"rules.severity.{item}: {error}")
        return result

    def path_lists(self, data: Any, key: str) -> tuple[tuple[str, ...], ...]:
        value = data.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(
            isinstance(item, list) and item and all(isinstance(path, str) for path in item) for item in value
        ):
            self.problem(_key_line(data, key), f"'{key}' must be a list of lists of file paths")
            return ()
        return tuple(tuple(posixpath.normpath(path.strip()) for path in item) for item in value)

    def positive_int(self, data: Any, key: str, default: int) -> int:
        if key not in data:
            return default
        value = data[key]
        if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
            self.problem(_key_line(data, key), f"'{key}' must be a positive whole number")
            return default
        return value

    def boolean(self, data: Any, key: str, default: bool) -> bool:
        if key not in data:
            return default
        value = data[key]
        if not isinstance(value, bool):
            self.problem(_key_line(data, key), f"'{key}' must be true or false")
            return default
        return value

    def optional_string(self, data: Any, key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem(_key_line(data, key), f"'{key}' must be a non-empty string")
            return None
        return value


def _key_line(mapping: Any, key: Any) -> int:
    try:
        return int(mapping.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return 1


def _item_line(sequence: Any, index: int) -> int:
    try:
        return int(sequence.lc.item(index)[0]) + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return 1


def _did_you_mean(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word.replace("_", "-"), choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def glob_matches(pattern: str, path: str) -> bool:
    """Match a repository path against a glob where `**` spans directories and `*` does not."""
    return re.fullmatch(_glob_regex(pattern), path) is not None


def _glob_regex(pattern: str) -> str:
    pattern = pattern.strip().lstrip("/")
    if pattern.endswith("/"):
        pattern += "**"
    out = []
    index = 0
    while index < len(pattern):
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            out.append(".*")
            index += 2
        elif pattern[index] == "*":
            out.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            out.append("[^/]")
            index += 1
        else:
            out.append(re.escape(pattern[index]))
            index += 1
    return "".join(out)
