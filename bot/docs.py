"""docs/rules.md and the README's rule table, generated from the rules themselves.

`python -m bot.docs` rewrites both; a test fails when either is stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from bot.catalog import ALL_RULES
from bot.rule import Rule

README_START = "<!-- rules:start -->"
README_END = "<!-- rules:end -->"


def rules_markdown() -> str:
    parts = [
        "# dockhand rules",
        "",
        "Generated from the rules' own documentation by `python -m bot.docs`; do not edit by hand.",
        "",
        "Switch a rule off for one line with `# dockhand ignore=<id> <reason>` on the line above it,",
        "for a whole file with `# dockhand global ignore=<id> <reason>`, or everywhere in the config",
        "file (`rules.disable`). hadolint's codes (`# hadolint ignore=DL3015`) are understood too.",
        "In go.mod the comment starts with `//`; JSON files and go.sum cannot hold comments.",
        "",
        rules_table(),
        "",
    ]
    for rule in ALL_RULES:
        parts.extend(_rule_section(rule))
    return "\n".join(parts).rstrip() + "\n"


def rules_table(link_prefix: str = "") -> str:
    rows = ["| Rule | Name | Severity | Summary |", "|---|---|---|---|"]
    for rule in ALL_RULES:
        aliases = f" ({', '.join(rule.aliases)})" if rule.aliases else ""
        rows.append(
            f"| [{rule.id}]({link_prefix}#{rule.anchor}) | {rule.name} | {rule.severity.label} | "
            f"{rule.summary}{aliases} |"
        )
    return "\n".join(rows)


def _rule_section(rule: Rule[Any, Any]) -> list[str]:
    aliases = f" Same as: {', '.join(rule.aliases)}." if rule.aliases else ""
    return [
        f"## {rule.id} {rule.name}",
        "",
        f"**{rule.summary}.** Severity: `{rule.severity.label}`.{aliases}",
        "",
        "### What it does",
        "",
        rule.docs.what,
        "",
        "### Why it matters",
        "",
        rule.docs.why,
        "",
        "### Example",
        "",
        rule.docs.example,
        "",
        "### Fix",
        "",
        rule.docs.fix,
        "",
    ]


def readme_with_rules(readme: str) -> str:
    block = f"{README_START}\n{rules_table('docs/rules.md')}\n{README_END}"
    pattern = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.DOTALL)
    return pattern.sub(lambda _: block, readme)


def main(argv: list[str]) -> int:
    root = Path(__file__).resolve().parent.parent
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "rules.md").write_text(rules_markdown(), encoding="utf-8")
    readme = root / "README.md"
    if readme.exists():
        readme.write_text(readme_with_rules(readme.read_text(encoding="utf-8")), encoding="utf-8")
    print("wrote docs/rules.md and the README's rule table")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
