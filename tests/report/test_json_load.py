"""JSON report -> Review, for `dockhand publish`: a faithful round trip, and untrusted input refused."""

from __future__ import annotations

import json

import pytest

from bot.model import Finding, Review, ReviewedFile, Section, Severity, Suggestion, Suppressed, Table, Verdict
from bot.report.json_load import ReportError, review_from_json
from bot.report.json_report import render_json
from bot.report.markdown import render_markdown
from bot.rule import DOCS_URL

ROOT_DOCS = f"{DOCS_URL}#dh101-root-user"


def sample() -> Review:
    finding = Finding(
        "DH105",
        Severity.LOW,
        "api/Dockerfile",
        3,
        4,
        "pip install without `--no-cache-dir`",
        Suggestion(3, 4, "RUN pip install --no-cache-dir x"),
        f"{DOCS_URL}#dh105-pip-cache-kept",
        in_diff=True,
        new=True,
        fingerprint="0123456789abcdef0123",
    )
    table = Table("Image size", ("", "base", "head"), (("size", "10 MB", "12 MB"),), path="api/Dockerfile", note="n")
    return Review(
        base="a" * 40,
        head="b" * 40,
        files=(ReviewedFile("api/Dockerfile", "dockerfile", "renamed", "Dockerfile", ("note",)),),
        sections=(Section("image", "Images", tables=(table,), notes=("skipped x",), data={"size_delta_bytes": 5}),),
        findings=(finding,),
        verdict=Verdict.WARN,
        reason="1 low finding",
        fail_on=Severity.HIGH,
        notes=("n1",),
        suppressed=(
            Suppressed(Finding("DH101", Severity.HIGH, "api/Dockerfile", 1, 1, "root", docs=ROOT_DOCS), "as root"),
        ),
    )


def test_a_round_trip_renders_the_same_report() -> None:
    review = sample()
    loaded = review_from_json(render_json(review))
    assert render_markdown(loaded) == render_markdown(review)
    assert loaded.sections[0].data == {"size_delta_bytes": 5}
    assert loaded.findings[0].suggestion == Suggestion(3, 4, "RUN pip install --no-cache-dir x")
    assert "```diff\n+RUN pip install --no-cache-dir x\n```" in render_markdown(loaded)  # no original in JSON


def test_links_come_from_the_catalog_not_the_file() -> None:
    data = json.loads(render_json(sample()))
    data["findings"][0]["docs"] = "https://evil.example"
    data["findings"].append({**data["findings"][0], "rule": "trivy:CVE-2023-1", "docs": "https://evil.example"})
    loaded = review_from_json(json.dumps(data))
    assert loaded.findings[0].docs == f"{DOCS_URL}#dh105-pip-cache-kept"
    assert loaded.findings[1].docs is None


def test_advisory_links_in_tables_survive_a_round_trip_and_no_other_link_does() -> None:
    advisory = "https://avd.aquasec.com/nvd/cve-2018-18074"
    table = Table(
        "New vulnerabilities (2)",
        ("Vulnerability", "Package"),
        (("CVE-2018-18074", "requests"), ("CVE-2023-1", "x")),
        links=((advisory, ""), ("https://github.com/advisories/GHSA-x5fv-2w4h-mpmf", "")),
    )
    section = Section("scan", "Vulnerabilities", tables=(table,))
    review = Review("a" * 40, "b" * 40, (), (section,), (), Verdict.PASS, "", Severity.HIGH)
    loaded = review_from_json(render_json(review))
    assert loaded.sections[0].tables[0].links == table.links
    assert render_markdown(loaded) == render_markdown(review)
    assert f"[CVE-2018-18074]({advisory})" in render_markdown(loaded)

    data = json.loads(render_json(review))
    links = data["sections"]["scan"]["tables"][0]["links"]
    links[0][0] = "https://evil.example/nvd/cve-2018-18074"
    links[1] = ["https://github.com/evil/advisories", "javascript:alert(1)", "extra"]
    tampered = review_from_json(json.dumps(data)).sections[0].tables[0]
    assert tampered.links == (("", ""), ("", "", ""))
    assert "evil" not in render_markdown(review_from_json(json.dumps(data)))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version=2), "unsupported report version 2"),
        (lambda d: d.update(verdict="ok"), "'ok' is not a valid Verdict"),
        (lambda d: d["findings"][0].update(line=0), "'line' must be a line number"),
        (lambda d: d["findings"][0].update(severity="urgent"), "unknown severity"),
        (lambda d: d.update(head="not a sha"), "'head' must be a commit id"),
        (lambda d: d["findings"][0].update(suggestion={"start": 5, "end": 2, "replacement": ""}), "start <= end"),
        (lambda d: d.update(findings={}), "findings must be a list"),
    ],
)
def test_bad_reports_are_refused_with_the_reason(change: object, message: str) -> None:
    data = json.loads(render_json(sample()))
    change(data)  # type: ignore[operator]
    with pytest.raises(ReportError, match=message):
        review_from_json(json.dumps(data))


def test_not_json() -> None:
    with pytest.raises(ReportError, match="not JSON"):
        review_from_json("{")
