"""Reading YAML that strangers wrote: limits checked while composing, git's lines, and every
failure as a line and a message.

Every YAML reader (Compose files, the config file, pnpm-lock.yaml) goes through `load_yaml`:

- A YAML file from a pull request can be small and still cost unbounded time or memory: aliases
  that each repeat the one before (a "billion laughs" bomb: ten lines, 10^11 values once walked)
  or nesting thousands of levels deep. The loader refuses both at the line where the limit was
  crossed, before anything is built. Two ways to count aliases: `max_nodes` bounds the whole
  document as if every alias were expanded (Compose files, which are small); `max_alias_nodes`
  bounds only what aliases add, so a large lock file that uses no aliases is read whatever its size.
- Lines must be git's lines (GitHub comments on them). ruamel.yaml also breaks lines at a lone
  CR, NEL, LINE SEPARATOR and PARAGRAPH SEPARATOR, which git does not: those become spaces, so
  every line ruamel.yaml reports is the line a reviewer sees.
- ruamel.yaml reports most errors with a position (`MarkedYAMLError`), but not all: a mapping
  key that is itself a mapping holding a list (`? {a: [1]}`) raises TypeError while the document
  is built, and nesting deep enough raises RecursionError. Its messages may quote the file (a
  duplicated key's value may be a secret): long quoted values are cut from them.
"""

from __future__ import annotations

import io
import re
import warnings
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

from bot.text import clamp_line

DEFAULT_MAX_DEPTH = 64
"""Nesting levels a YAML reader accepts; no Compose, config or lock file needs more."""
DEFAULT_MAX_ALIAS_NODES = 100_000
FAILURES = (RecursionError, TypeError, ValueError, KeyError, AttributeError, AssertionError, IndexError)
"""What ruamel.yaml raises, besides YAMLError, for input it cannot load (found by fuzzing: a
`%YAML 99.2` directive, a merge key over an unusual alias, comments in odd places)."""
_YAML_ONLY_BREAKS = str.maketrans({"\r": " ", "\x85": " ", "\u2028": " ", "\u2029": " "})
_DUPLICATE_KEY = re.compile(r'duplicate key "([^"]{0,200})"')
_QUOTED_VALUE = re.compile(r'"[^"]{12,}"')


class LimitExceeded(MarkedYAMLError):
    """Raised while composing, before the document is built, when a limit is crossed."""


class ComplexKey(MarkedYAMLError):
    """A mapping key that is itself a mapping or a list (`? {a: 1}`), refused while composing:
    no file dockhand reads uses one, and ruamel.yaml hashes nested ones in exponential time
    (`? ? ? ? ...`: 87 bytes, minutes; found by fuzzing)."""


@dataclass(frozen=True)
class YamlLimits:
    max_depth: int = DEFAULT_MAX_DEPTH
    max_nodes: int | None = None
    max_alias_nodes: int | None = DEFAULT_MAX_ALIAS_NODES


class YamlRefused(ValueError):
    """A YAML file that was not read: the line to report, the message, and whether a limit
    (rather than invalid YAML) stopped it."""

    def __init__(self, line: int, message: str, *, limit: bool) -> None:
        super().__init__(message)
        self.line = line
        self.message = message
        self.limit = limit


def load_yaml(
    text: str, kind: str, limits: YamlLimits = YamlLimits(), *, allow_duplicate_keys: bool = False
) -> list[Any]:
    """Every document of `text` (None for an empty one), or YamlRefused at the line to report.
    `kind` names the file in messages ("no Compose file needs it")."""
    yaml = bounded_yaml(
        max_depth=limits.max_depth, max_nodes=limits.max_nodes, max_alias_nodes=limits.max_alias_nodes, kind=kind
    )
    yaml.allow_duplicate_keys = allow_duplicate_keys
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ruamel.yaml's warnings quote the file: never printed
            return list(yaml.load_all(io.StringIO(as_yaml_text(text))))
    except MarkedYAMLError as error:
        raise _marked_refusal(error, text, kind, limits.max_depth) from None
    except YAMLError as error:
        raise YamlRefused(1, f"not valid YAML: {type(error).__name__}", limit=False) from None
    except FAILURES as error:
        line, message = _unplaced_failure(error, text, kind, limits.max_depth)
        raise YamlRefused(line, message, limit=isinstance(error, RecursionError)) from None


def bounded_yaml(
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_nodes: int | None = None,
    max_alias_nodes: int | None = None,
    kind: str = "YAML file",
) -> YAML:
    """A round-trip YAML loader that raises LimitExceeded (aliases) or a MarkedYAMLError whose
    problem says "maximum depth" (nesting) instead of building an unbounded document."""
    yaml = YAML(typ="rt")
    yaml.Composer = _bounded_composer(max_nodes, max_alias_nodes, kind)
    yaml.max_depth = max_depth
    return yaml


def as_yaml_text(text: str) -> str:
    """`text` with the line breaks that only YAML sees turned into spaces (same length, git's lines)."""
    return text.translate(_YAML_ONLY_BREAKS)


def is_depth_error(error: MarkedYAMLError) -> bool:
    return "maximum depth" in str(error.problem)


def depth_message(max_depth: int, kind: str = "YAML file") -> str:
    return f"nesting deeper than {max_depth} levels: refused (no {kind} needs it)"


def _marked_refusal(error: MarkedYAMLError, text: str, kind: str, max_depth: int) -> YamlRefused:
    mark = error.problem_mark or error.context_mark
    line = clamp_line(text, int(mark.line) + 1 if mark is not None else 1)
    if isinstance(error, LimitExceeded):
        return YamlRefused(line, str(error.problem), limit=True)
    if isinstance(error, ComplexKey):
        return YamlRefused(line, f"not valid YAML here: {error.problem}", limit=False)
    if is_depth_error(error):
        return YamlRefused(line, depth_message(max_depth, kind), limit=True)
    return YamlRefused(line, _invalid_message(error), limit=False)


def _invalid_message(error: MarkedYAMLError) -> str:
    """The parser's complaint, without any long value from the file (it may be a secret)."""
    problem = str(error.problem or error.context or "invalid YAML").strip().splitlines()[0]
    if "\\t" in problem or "'\t'" in problem:
        return "not valid YAML: a tab character where YAML allows only spaces for indentation"
    duplicate = _DUPLICATE_KEY.search(problem)
    if duplicate:
        return f"not valid YAML: the key `{duplicate.group(1)}` appears twice in the same mapping"
    return f"not valid YAML: {_QUOTED_VALUE.sub('...', problem)}"


def _unplaced_failure(error: BaseException, text: str, kind: str, max_depth: int) -> tuple[int, str]:
    """Line and message for a failure that carries no position."""
    if isinstance(error, RecursionError):
        return 1, f"not valid YAML here: {depth_message(max_depth, kind)}"
    directive = next((n for n, line in enumerate(text.split("\n"), 1) if line.startswith("%YAML")), None)
    if isinstance(error, KeyError) and directive is not None:
        return directive, "not valid YAML: a `%YAML` directive with a version no YAML reader knows"
    return 1, f"not valid YAML: the YAML reader cannot read this file ({type(error).__name__})"


def _bounded_composer(max_nodes: int | None, max_alias_nodes: int | None, kind: str) -> type[Composer]:
    def refusal(limit: int) -> str:
        return (
            f"YAML aliases here would expand to more than {limit:,} values "
            f"(an alias bomb, or a document far larger than a {kind}): not read"
        )

    class BoundedComposer(Composer):
        """Counts every node as it would be if aliases were expanded; refuses past the limits."""

        expanded_sizes: dict[int, int]
        aliased: int

        def compose_document(self) -> Any:
            self.expanded_sizes = {}
            self.aliased = 0
            return super().compose_document()

        def compose_node(self, parent: Any, index: Any) -> Any:
            is_alias = self.parser.check_event(AliasEvent)
            used_at = self.parser.peek_event().start_mark  # an alias: where it is used, not its anchor
            node = super().compose_node(parent, index)
            mark = used_at if is_alias else node.start_mark
            sizes = self.expanded_sizes
            if id(node) not in sizes:
                sizes[id(node)] = 1 + sum(sizes.get(id(child), 1) for child in _children(node))
            if is_alias:
                self.aliased += sizes[id(node)]
            if max_nodes is not None and sizes[id(node)] > max_nodes:
                raise LimitExceeded(None, None, refusal(max_nodes), mark)
            if max_alias_nodes is not None and self.aliased > max_alias_nodes:
                raise LimitExceeded(None, None, refusal(max_alias_nodes), mark)
            if isinstance(node, MappingNode):
                _refuse_complex_keys(node)
            return node

    return BoundedComposer


def _refuse_complex_keys(node: MappingNode) -> None:
    for key, _value in node.value:
        if isinstance(key, (MappingNode, SequenceNode)):
            message = "a mapping key that is itself a mapping or a list is not supported"
            raise ComplexKey(None, None, message, key.start_mark)


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []
