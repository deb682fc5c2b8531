"""The base/head comparison, keyed by (VulnerabilityID, PkgName, PkgPath or target)."""

from __future__ import annotations

from bot.scan.diff import diff_vulnerabilities
from bot.scan.vulnerabilities import Vulnerability


def _v(
    cve: str, installed: str = "2.19.0", target: str = "requirements.txt", severity: str = "HIGH", pkg_path: str = ""
) -> Vulnerability:
    return Vulnerability(cve, "requests", installed, "", severity, "", "", target, "pip", pkg_path=pkg_path)


def test_new_fixed_and_unchanged() -> None:
    base = [_v("CVE-1"), _v("CVE-2")]
    head = [_v("CVE-2", installed="2.20.0"), _v("CVE-3")]
    diff = diff_vulnerabilities(base, head)
    assert [v.id for v in diff.new] == ["CVE-3"]
    assert [v.id for v in diff.fixed] == ["CVE-1"]
    assert [(v.id, v.installed) for v in diff.unchanged] == [("CVE-2", "2.20.0")]


def test_the_same_vulnerability_in_another_file_is_another_one() -> None:
    diff = diff_vulnerabilities([_v("CVE-1", target="a/requirements.txt")], [_v("CVE-1", target="b/requirements.txt")])
    assert len(diff.new) == len(diff.fixed) == 1


def test_image_packages_are_told_apart_by_their_path_in_the_image() -> None:
    base = [_v("CVE-1", target="python-pkg", pkg_path="usr/lib/python3/site-packages/requests")]
    head = [
        _v("CVE-1", target="python-pkg", pkg_path="usr/lib/python3/site-packages/requests"),
        _v("CVE-1", target="python-pkg", pkg_path="opt/venv/lib/site-packages/requests"),
    ]
    diff = diff_vulnerabilities(base, head)
    assert [v.pkg_path for v in diff.new] == ["opt/venv/lib/site-packages/requests"]


def test_tables_are_ordered_by_severity() -> None:
    head = [_v("CVE-1", severity="LOW"), _v("CVE-2", severity="CRITICAL"), _v("CVE-3", severity="UNKNOWN")]
    assert [v.id for v in diff_vulnerabilities([], head).new] == ["CVE-2", "CVE-1", "CVE-3"]
