"""The markdown report: structure, determinism, and inert PR strings (checked with markdown-it-py)."""

from __future__ import annotations

import re

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from bot.model import ReviewedFile, Severity, Suggestion, Suppressed, Table, Verdict
from bot.report.markdown import MARKER, render_markdown
from tests.support.reviews import sample_finding, sample_review

PAYLOADS = [
    "a|b|c",
    "`code` and ``` fence",
    "<details><summary>x</summary>",
    "</table><script>alert(1)</script>",
    "<!-- dockhand:report -->",
    "@org/team and @someone",
    "fixes #123",
    "[click](javascript:alert(1))",
    "https://evil.example/phish",
    "*bold* _it_ ~~strike~~",
    "x" * 5000,
]


def tokens(markdown: str) -> list[Token]:
    parser = MarkdownIt("commonmark", {"html": True}).enable("table")
    flat: list[Token] = []
    for token in parser.parse(markdown):
        flat.append(token)
        flat.extend(token.children or [])
    return flat


def test_structure_verdict_summary_file_table_and_suggestion() -> None:
    markdown = render_markdown(sample_review())
    assert markdown.startswith(MARKER + "\n")
    assert "## ⚠️ dockhand: GO with warnings" in markdown
    assert "| Dockerfile | 1 | 0 | 0 | 1 | 0 | 0 |" in markdown
    assert "### `Dockerfile` · modified" in markdown
    assert "| 3 | 🟡 medium | [DH102](https://example.invalid/rules#dh102) |" in markdown
    assert '```diff\n-CMD app\n+CMD ["app"]\n```' in markdown
    assert "<details><summary>1 suggested change</summary>" in markdown


def test_deterministic() -> None:
    assert render_markdown(sample_review()) == render_markdown(sample_review())


def test_pre_existing_findings_are_marked_and_not_counted() -> None:
    review = sample_review([sample_finding(in_diff=False, new=False)], verdict=Verdict.PASS)
    markdown = render_markdown(review)
    assert "_(pre-existing)_" in markdown
    assert "1 pre-existing finding not counted" in markdown


def test_empty_sections_are_left_out() -> None:
    markdown = render_markdown(sample_review([], files=[ReviewedFile("Dockerfile", "dockerfile", "modified")]))
    assert "###" not in markdown
    assert "suggested" not in markdown
    assert "Notes" not in markdown


@pytest.mark.parametrize("payload", PAYLOADS)
def test_pr_strings_are_inert(payload: str) -> None:
    finding = sample_finding(path=f"dir/{payload}/Dockerfile", message=f"bad value {payload}")
    table = Table("t " + payload, ("Package", "Note"), ((payload, payload),), path=finding.path)
    review = sample_review(
        [finding],
        files=[ReviewedFile(finding.path, "dockerfile", "modified", notes=(payload,))],
        tables=(table,),
        notes=(payload,),
        suppressed=(Suppressed(sample_finding(path=payload), payload),),
    )
    markdown = render_markdown(review)
    assert markdown.count(MARKER) == 1
    assert markdown.startswith(MARKER)
    parsed = tokens(markdown)
    html = [t.content for t in parsed if t.type in {"html_inline", "html_block"}]
    assert all(
        re.fullmatch(
            r"\s*(<details><summary>.*|</summary>|</details>|<sub>.*|</sub>|<!-- dockhand:report -->)\s*", h, re.S
        )
        for h in html
    ), html
    links = [t.attrs.get("href") for t in parsed if t.type == "link_open"]
    assert all(str(href).startswith("https://") and "evil" not in str(href) for href in links), links
    text = " ".join(t.content for t in parsed if t.type == "text")
    assert not re.search(r"@[A-Za-z0-9]", text)
    assert not re.search(r"#\d", text)
    for line in markdown.splitlines():
        if line.startswith("| "):
            assert len(line) < 2000
    for row in [r for r in markdown.splitlines() if r.startswith("| 3 |")]:
        cells = re.split(r"(?<!\\)\|", row.strip().strip("|"))
        assert len(cells) == 4, row


def test_secret_free_suggestion_original_is_what_is_shown() -> None:
    finding = sample_finding(suggestion=Suggestion(3, 3, "KEY_FILE: /run/secrets/k", "KEY: ****"))
    assert "-KEY: ****" in render_markdown(sample_review([finding]))


def test_severity_counts_in_summary_total() -> None:
    findings = [sample_finding(severity=Severity.HIGH), sample_finding(rule="DH101", line=1, severity=Severity.HIGH)]
    markdown = render_markdown(sample_review(findings))
    assert "| **Total** | 1 | **0** | **2** | **0** | **0** | **0** |" in markdown


def test_findings_on_files_the_diff_did_not_touch_get_their_own_part() -> None:
    """An image rebuilt because its build context changed reports on its unchanged Dockerfile."""
    changed = sample_finding()
    elsewhere = sample_finding(path="services/api/Dockerfile", rule="DH500", suggestion=None)
    review = sample_review([changed, elsewhere], files=[ReviewedFile("Dockerfile", "dockerfile", "modified")])
    markdown = render_markdown(review)
    assert "### `services/api/Dockerfile` · not changed" in markdown
    assert markdown.index("### `Dockerfile`") < markdown.index("### `services/api/Dockerfile`")


def test_a_note_keeps_a_long_reason_whole_where_a_table_cell_would_be_cut() -> None:
    reason = "the Docker engine does not answer: " + "x" * 500 + " the end"
    markdown = render_markdown(sample_review(notes=(reason,)))
    assert "x" * 500 + " the end" in markdown
    assert "x" * 5000 not in render_markdown(sample_review(notes=("x" * 5000,)))


def test_files_with_nothing_to_report_are_named_once() -> None:
    files = [
        ReviewedFile("Dockerfile", "dockerfile", "modified"),
        ReviewedFile("old/Dockerfile", "dockerfile", "deleted"),
    ]
    markdown = render_markdown(sample_review(files=files))
    assert "Nothing to report in `old/Dockerfile` (deleted)." in markdown
    assert "`Dockerfile` (modified)" not in markdown  # it has its own part, with its finding
    many = [ReviewedFile(f"svc{n}/Dockerfile", "dockerfile", "modified") for n in range(25)]
    assert "and 6 more." in render_markdown(sample_review(files=[*files, *many]))  # 26 quiet, 20 shown


def test_a_suggestion_that_deletes_lines_shows_no_added_line() -> None:
    deletion = sample_finding(suggestion=Suggestion(1, 1, "", 'version: "2"'))
    markdown = render_markdown(sample_review([deletion]))
    assert '```diff\n-version: "2"\n```' in markdown


def test_a_long_suggestion_shows_only_what_changes_with_its_line_numbers() -> None:
    body = [f"    pkg{n} \\" for n in range(30)]
    original = "\n".join(["RUN set -eux; \\", *body, "    true"])
    replacement = "\n".join(["RUN set -o pipefail && set -eux; \\", *body, "    true"])
    finding = sample_finding(rule="DH120", line=10, end_line=41, suggestion=Suggestion(10, 41, replacement, original))
    markdown = render_markdown(sample_review([finding]))
    shown = markdown.split("```diff\n")[1].split("\n```")[0].split("\n")
    assert shown == [
        "@@ -10,3 +10,3 @@",
        "-RUN set -eux; \\",
        "+RUN set -o pipefail && set -eux; \\",
        "     pkg0 \\",
        "     pkg1 \\",
    ]


def test_a_short_suggestion_shows_every_line_it_replaces() -> None:
    finding = sample_finding(suggestion=Suggestion(3, 4, "RUN a \\\n  --flag b", "RUN a \\\n  b"))
    markdown = render_markdown(sample_review([finding]))
    assert "```diff\n-RUN a \\\n-  b\n+RUN a \\\n+  --flag b\n```" in markdown
