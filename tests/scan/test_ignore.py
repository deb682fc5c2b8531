"""`.trivyignore` and `.trivyignore.yaml`, read the way Trivy reads them."""

from __future__ import annotations

import datetime

from bot.scan.ignore import IgnoreRules, load_ignores, purl_matches
from bot.scan.vulnerabilities import Vulnerability

TODAY = datetime.date(2025, 6, 1)


def _vulnerability(cve: str, target: str = "requirements.txt", purl: str = "pkg:pypi/requests@2.19.0") -> Vulnerability:
    return Vulnerability(cve, "requests", "2.19.0", "2.20.0", "HIGH", "", "", target, "pip", purl=purl)


def _rules(files: dict[str, str]) -> IgnoreRules:
    return load_ignores(files.get, TODAY)


def test_plain_ids_comments_and_expiry_dates() -> None:
    rules = _rules(
        {
            ".trivyignore": "# accepted risks\nCVE-2018-18074\nCVE-2023-32681 exp:2025-01-01\n"
            "CVE-2024-35195 exp:2026-01-01\nCVE-2024-47081 exp:soon\n"
        }
    )
    assert rules.vulnerability(_vulnerability("CVE-2018-18074")) is not None
    assert rules.vulnerability(_vulnerability("CVE-2023-32681")) is None
    assert rules.vulnerability(_vulnerability("CVE-2024-35195")) is not None
    assert rules.vulnerability(_vulnerability("CVE-2024-47081")) is None
    assert rules.notes == (
        ".trivyignore:5: exp:soon is not a date (exp:YYYY-MM-DD): entry skipped",
        ".trivyignore:3: the ignore of CVE-2023-32681 expired on 2025-01-01",
    )


def test_yaml_entries_with_paths_purls_and_statements() -> None:
    rules = _rules(
        {
            ".trivyignore.yaml": """
vulnerabilities:
  - id: CVE-2018-18074
    paths: ["services/**/requirements.txt"]
    statement: only used against our own API
  - id: CVE-2023-32681
    purls: ["pkg:pypi/requests"]
  - id: CVE-2024-35195
    purls: ["pkg:pypi/requests@2.0.0"]
  - id: CVE-2024-47081
    expired_at: 2024-01-01
misconfigurations:
  - id: AVD-DS-0026
"""
        }
    )
    ignored = rules.vulnerability(_vulnerability("CVE-2018-18074", "services/api/requirements.txt"))
    assert ignored is not None and ignored.statement == "only used against our own API"
    assert rules.vulnerability(_vulnerability("CVE-2018-18074", "requirements.txt")) is None
    assert rules.vulnerability(_vulnerability("CVE-2023-32681")) is not None
    assert rules.vulnerability(_vulnerability("CVE-2024-35195")) is None
    assert rules.vulnerability(_vulnerability("CVE-2024-47081")) is None
    assert rules.misconfiguration(("DS-0026", "AVD-DS-0026"), "Dockerfile") is not None


def test_broken_yaml_is_a_note() -> None:
    rules = _rules({".trivyignore.yaml": "vulnerabilities: [\n"})
    assert rules.vulnerabilities == ()
    assert rules.notes[0].startswith(".trivyignore.yaml: not valid YAML")


def test_purl_matching() -> None:
    assert purl_matches("pkg:npm/lodash", "pkg:npm/lodash@4.17.11")
    assert purl_matches("pkg:npm/lodash@4.17.11", "pkg:npm/lodash@4.17.11")
    assert not purl_matches("pkg:npm/lodash@4.17.12", "pkg:npm/lodash@4.17.11")
    assert purl_matches("pkg:pypi/Python_Requests", "pkg:pypi/python-requests@1")
    assert not purl_matches("pkg:npm/lodash", "pkg:pypi/lodash@1")
