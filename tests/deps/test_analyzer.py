from __future__ import annotations

import json

import pytest
from markdown_it import MarkdownIt

from bot.deps.report import TRANSITIVE_INLINE
from bot.report.json_report import render_json
from bot.report.markdown import render_markdown
from tests.deps.corpus import corpus_files
from tests.deps.review import review, section
from tests.support.gitrepo import GitRepoFactory

ECOSYSTEM_CASES = {
    "python": "c006",  # pyproject.toml + requirements.txt + uv.lock
    "node": "c007",  # package.json + package-lock.json v3
    "rust": "c016",  # Cargo.toml + Cargo.lock
    "go": "c045",  # go.mod + go.sum
}


@pytest.mark.parametrize(("ecosystem", "case"), ECOSYSTEM_CASES.items())
def test_dependency_table_renders_for_every_ecosystem(make_repo: GitRepoFactory, ecosystem: str, case: str) -> None:
    result = review(make_repo, corpus_files(case, "base"), corpus_files(case, "head"))
    deps = section(result)
    assert deps.title == "Dependency changes"
    titles = [t.title for t in deps.tables]
    title = {"python": "Python", "node": "Node", "rust": "Rust", "go": "Go"}[ecosystem]
    assert any(t.startswith(title) for t in titles)
    markdown = render_markdown(result)
    assert "### Dependency changes" in markdown
    assert "| package | base | head | change | note |" in markdown
    tokens = MarkdownIt().enable("table").parse(markdown)
    assert any(token.type == "table_open" for token in tokens)
    data = json.loads(render_json(result))["sections"]["dependencies"]
    assert data["counts"][ecosystem]["upgraded"] >= 1
    assert {"files", "counts", "changes"} <= data.keys()


def test_rows_name_versions_and_direct_rows_come_first(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, corpus_files("c016", "base"), corpus_files("c016", "head"))
    (table,) = section(result).tables
    rows = {r[0]: r for r in table.rows}
    assert rows["derive_more"][1:4] == ("1.0.0", "2.0.0", "upgraded")
    # the manifest and its lock record the same step: one row, naming both files
    assert rows["derive_more"][4] == "direct · major · specifier · Cargo.toml, Cargo.lock"
    assert [r[0] for r in table.rows].count("derive_more") == 1
    notes = [r[4] for r in table.rows]
    first_transitive = next(i for i, n in enumerate(notes) if n.startswith("transitive"))
    assert all(n.startswith("direct") for n in notes[:first_transitive])


def test_long_transitive_lists_are_summarised_and_collapsed(make_repo: GitRepoFactory) -> None:
    result = review(make_repo, corpus_files("c018", "base"), corpus_files("c018", "head"))
    tables = section(result).tables
    collapsed = [t for t in tables if t.collapsed]
    assert collapsed and len(collapsed[0].rows) > TRANSITIVE_INLINE
    assert "transitive changes (" in collapsed[0].title and "upgraded" in collapsed[0].title
    markdown = render_markdown(result)
    assert "<details><summary>Node: " in markdown


def test_seed_000_table_manifest_and_lock_side_by_side(make_repo: GitRepoFactory) -> None:
    def lock(requests: str, sentry: str) -> str:
        return (
            'version = 1\n[[package]]\nname = "tta"\nversion = "1"\nsource = { editable = "." }\n'
            'dependencies = [{ name = "requests" }, { name = "sentry-sdk" }]\n\n'
            f'[[package]]\nname = "requests"\nversion = "{requests}"\n'
            'source = { registry = "https://pypi.org/simple" }\n\n'
            f'[[package]]\nname = "sentry-sdk"\nversion = "{sentry}"\n'
            'source = { registry = "https://pypi.org/simple" }\n'
        )

    pyproject = (
        '[project]\nname = "tta"\nversion = "1"\ndependencies = ["requests>={r}", "sentry-sdk>=1.45.1"]\n'
        '[build-system]\nrequires = ["hatchling"]\n'
    )
    result = review(
        make_repo,
        {"pyproject.toml": pyproject.format(r="2.32.3"), "uv.lock": lock("2.32.3", "2.38.0")},
        {"pyproject.toml": pyproject.format(r="2.32.4"), "uv.lock": lock("2.32.5", "2.41.0")},
    )
    (table,) = section(result).tables
    assert ("requests", ">=2.32.3", ">=2.32.4", "upgraded", "direct · specifier · pyproject.toml") in table.rows
    assert ("requests", "2.32.3", "2.32.5", "upgraded", "direct · uv.lock") in table.rows
    assert ("sentry-sdk", "2.38.0", "2.41.0", "upgraded", "direct · uv.lock") in table.rows
    assert section(result).findings == ()


def test_whole_corpus_reviews_without_errors_and_findings_sit_on_real_lines(make_repo: GitRepoFactory) -> None:
    from tests.deps.corpus import CORPUS

    for case in sorted(p.name for p in CORPUS.iterdir() if p.is_dir()):
        index = (CORPUS / "index.tsv").read_text()
        kind = next(line.split("\t")[5] for line in index.splitlines() if line.startswith(case + "\t"))
        if kind not in ("deps", "mixed"):
            continue
        head = corpus_files(case, "head")
        result = review(make_repo, corpus_files(case, "base"), head)
        deps = section(result)
        assert not any("internal error" in note for note in deps.notes), (case, deps.notes)
        for finding in deps.findings:
            text = head[finding.path].decode("utf-8", "replace")
            assert finding.line is not None and 1 <= finding.line <= len(text.split("\n")), (case, finding)


def test_a_lock_file_over_the_size_limit_still_counts_as_present(make_repo: GitRepoFactory) -> None:
    application = '[project]\nname = "app"\ndependencies = ["requests>={floor}"]\n'
    big_lock = "version = 1\n" + "# padding\n" * 500
    result = review(
        make_repo,
        {"pyproject.toml": application.format(floor="2.31"), "uv.lock": big_lock},
        {"pyproject.toml": application.format(floor="2.32"), "uv.lock": big_lock},
        max_file_bytes=1000,
    )
    deps = section(result)
    assert [f.rule for f in deps.findings] == ["DH403"]  # stale lock; no DH402 (a lock exists), no DH404
    result = review(make_repo, {"uv.lock": big_lock}, {"uv.lock": big_lock + "# more\n"}, max_file_bytes=1000)
    assert any("not read" in note for note in section(result).notes)
    assert section(result).findings == ()
