"""The rule docs are generated from the rules: complete, and never stale."""

from __future__ import annotations

from pathlib import Path

from bot.catalog import ALL_RULES, rule_codes
from bot.docs import readme_with_rules, rules_markdown
from bot.rule import DOC_PARTS

ROOT = Path(__file__).resolve().parent.parent


def test_every_rule_has_the_four_doc_parts_and_a_unique_id() -> None:
    ids = [rule.id for rule in ALL_RULES]
    assert len(ids) == len(set(ids))
    names = [rule.name for rule in ALL_RULES]
    assert len(names) == len(set(names))
    for rule in ALL_RULES:
        parts = (rule.docs.what, rule.docs.why, rule.docs.example, rule.docs.fix)
        assert all(part.strip() for part in parts), rule.id
        assert len(parts) == len(DOC_PARTS)
        assert rule.summary and not rule.summary.endswith(".")


def test_docs_rules_md_is_up_to_date() -> None:
    current = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert current == rules_markdown(), "docs/rules.md is stale: run `python -m bot.docs`"


def test_readme_rule_table_is_up_to_date() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme == readme_with_rules(readme), "the README's rule table is stale: run `python -m bot.docs`"
    for rule in ALL_RULES:
        assert f"[{rule.id}](docs/rules.md#{rule.anchor})" in readme


def test_hadolint_codes_map_to_exactly_one_rule() -> None:
    aliases = [alias for rule in ALL_RULES for alias in rule.aliases]
    assert len(aliases) == len(set(aliases))
    assert rule_codes()["DL3015"] == "DH103" and rule_codes()["DL3002"] == "DH101"
