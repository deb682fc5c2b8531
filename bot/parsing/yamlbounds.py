"""ruamel.yaml's round-trip loader with limits, checked while composing, before anything is built.

A YAML file from a pull request can be small and still cost unbounded time or memory: aliases
that each repeat the one before (a "billion laughs" bomb: ten lines, 10^11 values once walked)
or nesting thousands of levels deep. `bounded_yaml` refuses both with a `LimitExceeded` at the
line where the limit was crossed, so every YAML reader (Compose files, pnpm-lock.yaml, the
config file) can turn it into a finding or a config error at that line.

Two ways to count aliases: `max_nodes` bounds the whole document as if every alias were
expanded (Compose files, which are small); `max_alias_nodes` bounds only what aliases add, so a
large lock file that uses no aliases is read whatever its size.
"""

from __future__ import annotations

from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.composer import Composer
from ruamel.yaml.error import MarkedYAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.nodes import MappingNode, Node, SequenceNode

DEFAULT_MAX_DEPTH = 64
DEFAULT_MAX_ALIAS_NODES = 100_000


class LimitExceeded(MarkedYAMLError):
    """Raised while composing, before the document is built, when a limit is crossed."""


def bounded_yaml(
    *,
    max_depth: int = DEFAULT_MAX_DEPTH,
    max_nodes: int | None = None,
    max_alias_nodes: int | None = None,
    kind: str = "YAML file",
) -> YAML:
    """A round-trip YAML loader that raises LimitExceeded (aliases) or a MarkedYAMLError whose
    problem says "maximum depth" (nesting) instead of building an unbounded document. `kind`
    names the file in the refusal ("a document far larger than a Compose file")."""
    yaml = YAML(typ="rt")
    yaml.Composer = _bounded_composer(max_nodes, max_alias_nodes, kind)
    yaml.max_depth = max_depth
    return yaml


def is_depth_error(error: MarkedYAMLError) -> bool:
    return "maximum depth" in str(error.problem)


def depth_message(max_depth: int, kind: str = "YAML file") -> str:
    return f"nesting deeper than {max_depth} levels: refused (no {kind} needs it)"


def yaml_problem(error: MarkedYAMLError, kind: str, max_depth: int = DEFAULT_MAX_DEPTH) -> tuple[int, str]:
    """The line and the message of an error of a bounded loader: a refusal, or invalid YAML."""
    mark = error.problem_mark or error.context_mark
    line = mark.line + 1 if mark else 1
    if isinstance(error, LimitExceeded):
        return line, str(error.problem)
    if is_depth_error(error):
        return line, depth_message(max_depth, kind)
    return line, f"not valid YAML: {error.problem or error.context}"


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
            return node

    return BoundedComposer


def _children(node: Node) -> list[Node]:
    if isinstance(node, SequenceNode):
        return list(node.value)
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    return []
