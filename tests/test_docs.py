from pathlib import Path

from bot.catalog import ALL_RULES, rule_codes
from bot.docs import readme_with_rules, rules_markdown

ROOT = Path(__file__).resolve().parent.parent


def test_docs_rules_md_is_up_to_date() -> None:
    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown(), "run python -m bot.docs"


def test_readme_rule_table_is_up_to_date() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert readme_with_rules(readme) == readme, "run python -m bot.docs"


def test_every_rule_is_documented_in_four_parts_with_an_example() -> None:
    for rule in ALL_RULES:
        assert rule.docs.what and rule.docs.why and rule.docs.fix, rule.id
        assert "```" in rule.docs.example or rule.docs.example, rule.id


def test_rule_ids_are_unique_and_aliases_map_to_one_rule() -> None:
    ids = [rule.id for rule in ALL_RULES]
    assert len(ids) == len(set(ids))
    aliases = [alias for rule in ALL_RULES for alias in rule.aliases]
    assert len(aliases) == len(set(aliases))
    assert rule_codes()["DL3015"] == "DH103" and rule_codes()["DL3002"] == "DH101"
