import pytest

from bot.config import Config
from bot.lint.context import LintContext
from bot.suggestions import apply_suggestion
from tests.support.checks import review
from tests.support.gitrepo import GitRepoFactory

BASE = (
    "FROM debian:12\n"
    "RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*\n"
    "USER app\n"
    'CMD ["app"]\n'
)


def test_hadolint_ignore_comments_map_to_our_rules_and_shellcheck(make_repo: GitRepoFactory) -> None:
    head = (
        "FROM debian:12\n"
        "# hadolint ignore=DL3015,SC2086\n"
        "RUN apt-get update && apt-get install -y curl $EXTRA && rm -rf /var/lib/apt/lists/*\n"
        "USER app\n"
        'CMD ["app"]\n'
    )
    result = review(make_repo(base={"Dockerfile": BASE}, head={"Dockerfile": head}))
    rules = {f.rule for f in result.findings}
    assert "DH103" not in rules and "shellcheck:SC2086" not in rules
    assert {s.finding.rule for s in result.suppressed} == {"DH103", "shellcheck:SC2086"}


def test_dockhand_ignore_keeps_its_reason(make_repo: GitRepoFactory) -> None:
    head = "FROM debian:12\n# dockhand ignore=DH101 GitHub container actions must run as root\nUSER root\n"
    result = review(make_repo(base={"README.md": "x\n"}, head={"Dockerfile": head}))
    assert [(s.finding.rule, s.reason) for s in result.suppressed if s.finding.rule == "DH101"] == [
        ("DH101", "GitHub container actions must run as root")
    ]


def test_shellcheck_findings_on_the_base_side_are_pre_existing(make_repo: GitRepoFactory) -> None:
    base = "FROM debian:12\nUSER app\nRUN ls $DIR\n"
    head = "FROM debian:12\nUSER app\nRUN ls $DIR\nRUN cp $A /b\n"
    result = review(make_repo(base={"Dockerfile": base}, head={"Dockerfile": head}))
    sc = {f.line: f.new for f in result.findings if f.rule == "shellcheck:SC2086"}
    assert sc == {3: False, 4: True}


def test_disabling_a_shellcheck_code_in_the_config(make_repo: GitRepoFactory) -> None:
    repo = make_repo(base={"README.md": "x\n"}, head={"Dockerfile": "FROM debian:12\nUSER app\nRUN ls $DIR\n"})
    result = review(repo, Config(disabled_rules=frozenset({"shellcheck:SC2086"})))
    assert not any(f.rule == "shellcheck:SC2086" for f in result.findings)


def test_overlapping_suggestions_of_many_lines_are_merged_with_a_few_lints(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hundreds of RUN lines that two rules each want to edit: the file is linted again once per
    step of the largest group (here 2), not twice per group (which made a 950-line file take
    minutes when the fuzz harness found it)."""
    from bot.lint.dockerfile import analyzer

    parses: list[int] = []
    real = analyzer.parse_dockerfile

    def counting(path: str, text: str) -> object:
        parses.append(1)
        return real(path, text)

    monkeypatch.setattr(analyzer, "parse_dockerfile", counting)
    text = "FROM debian:12\n" + "RUN apt-get update && apt-get install -y curl\n" * 300
    _, findings = analyzer.lint_dockerfile("Dockerfile", text, LintContext())
    merged = [f for f in findings if f.suggestion is not None]
    assert len(merged) == 300 and len(parses) <= 4
    last = merged[-1].suggestion
    assert last is not None and (last.start, last.end) == (301, 301)
    fixed = apply_suggestion(text, last)
    assert fixed.endswith(last.replacement + "\n")
    assert "--no-install-recommends" in last.replacement and "rm -rf /var/lib/apt/lists" in last.replacement
