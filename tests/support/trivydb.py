"""A real Trivy vulnerability DB, written by the tests: Trivy runs offline against it.

Trivy keeps its DB as `db/trivy.db` (bbolt) and `db/metadata.json` in its cache dir. The
buckets it reads (Trivy 0.76.0):

- `vulnerability` -> CVE id -> JSON details (title, severity ...). It must exist, or Trivy
  crashes as soon as a package matches;
- language advisories: a root bucket named `<ecosystem>::<data source>` (`pip::GitHub Security
  Advisory pip`) -> normalised package name -> CVE id -> vulnerable and patched version ranges;
- OS advisories: `debian 12`, `alpine 3.19` ... -> SOURCE package name -> CVE id -> fixed version
  (no fixed version: the vulnerability has no fix in that release);
- `data-source` -> the exact name of each advisory bucket -> where its data comes from.

The advisories below are real ones (ids, ranges and fixed versions as published), so that
what the tests see is what a user would see with Trivy's downloaded DB.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tests.support.bolt import Bucket, write_bolt

SEVERITY_NUMBERS = {"LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}


@dataclass(frozen=True)
class LanguageAdvisory:
    ecosystem: str
    """pip, npm, cargo, go ..."""
    package: str
    cve: str
    vulnerable: tuple[str, ...]
    patched: tuple[str, ...]


@dataclass(frozen=True)
class OsAdvisory:
    release: str
    """Bucket name: "debian 12", "alpine 3.19"."""
    source_package: str
    cve: str
    fixed: str | None
    """None: no fix in this release."""


@dataclass(frozen=True)
class Details:
    cve: str
    severity: str
    title: str


LANGUAGE_ADVISORIES = (
    LanguageAdvisory("pip", "requests", "CVE-2018-18074", ("< 2.20.0",), ("2.20.0",)),
    LanguageAdvisory("pip", "requests", "CVE-2023-32681", (">= 2.3.0, < 2.31.0",), ("2.31.0",)),
    LanguageAdvisory("pip", "requests", "CVE-2024-35195", ("< 2.32.0",), ("2.32.0",)),
    LanguageAdvisory("pip", "requests", "CVE-2024-47081", ("< 2.32.4",), ("2.32.4",)),
    LanguageAdvisory("pip", "flask", "CVE-2023-30861", ("< 2.2.5", ">= 2.3.0, < 2.3.2"), ("2.2.5", "2.3.2")),
    LanguageAdvisory("pip", "pyyaml", "CVE-2020-14343", ("< 5.4",), ("5.4",)),
    LanguageAdvisory("pip", "jinja2", "CVE-2024-22195", ("< 3.1.3",), ("3.1.3",)),
    LanguageAdvisory("pip", "urllib3", "CVE-2023-43804", ("< 1.26.17", ">= 2.0.0, < 2.0.6"), ("1.26.17", "2.0.6")),
    LanguageAdvisory("pip", "urllib3", "CVE-2023-45803", ("< 1.26.18", ">= 2.0.0, < 2.0.7"), ("1.26.18", "2.0.7")),
    LanguageAdvisory("npm", "lodash", "CVE-2019-10744", ("< 4.17.12",), ("4.17.12",)),
    LanguageAdvisory("npm", "lodash", "CVE-2020-8203", (">= 3.7.0, < 4.17.19",), ("4.17.19",)),
    LanguageAdvisory("npm", "lodash", "CVE-2021-23337", ("< 4.17.21",), ("4.17.21",)),
    LanguageAdvisory("npm", "minimist", "CVE-2021-44906", ("< 0.2.4", ">= 1.0.0, < 1.2.6"), ("0.2.4", "1.2.6")),
    LanguageAdvisory(
        "cargo", "smallvec", "CVE-2021-25900", (">= 0.6.3, < 0.6.14", ">= 1.0.0, < 1.6.1"), ("0.6.14", "1.6.1")
    ),
    LanguageAdvisory("cargo", "regex", "CVE-2022-24713", ("< 1.5.5",), ("1.5.5",)),
    LanguageAdvisory("cargo", "time", "CVE-2020-26235", ("< 0.2.23",), ("0.2.23",)),
    LanguageAdvisory(
        "npm",
        "@babel/traverse",
        "CVE-2023-45133",
        ("< 7.23.2", ">= 8.0.0-alpha.0, < 8.0.0-alpha.4"),
        ("7.23.2", "8.0.0-alpha.4"),
    ),
    LanguageAdvisory("go", "golang.org/x/net", "CVE-2023-44487", ("< 0.17.0",), ("0.17.0",)),
    LanguageAdvisory("go", "golang.org/x/net", "CVE-2023-39325", ("< 0.17.0",), ("0.17.0",)),
    LanguageAdvisory("go", "golang.org/x/crypto", "CVE-2023-48795", ("< 0.17.0",), ("0.17.0",)),
    LanguageAdvisory("go", "golang.org/x/crypto", "CVE-2024-45337", ("< 0.31.0",), ("0.31.0",)),
)

OS_ADVISORIES = (
    OsAdvisory("debian 12", "openssl", "CVE-2023-5678", "3.0.13-1~deb12u1"),
    OsAdvisory("debian 12", "openssl", "CVE-2024-0727", "3.0.13-1~deb12u1"),
    OsAdvisory("debian 12", "zlib", "CVE-2023-45853", None),
)

DETAILS = (
    Details("CVE-2018-18074", "HIGH", "requests: Redirect from HTTPS to HTTP does not remove Authorization header"),
    Details("CVE-2023-32681", "MEDIUM", "requests: Unintended leak of Proxy-Authorization header"),
    Details("CVE-2024-35195", "MEDIUM", "requests: subsequent requests to the same host ignore cert verification"),
    Details("CVE-2024-47081", "MEDIUM", "requests: .netrc credentials leak via malicious URLs"),
    Details("CVE-2023-30861", "HIGH", "flask: possible disclosure of permanent session cookie due to missing Vary"),
    Details("CVE-2020-14343", "CRITICAL", "PyYAML: incomplete fix for CVE-2020-1747"),
    Details("CVE-2024-22195", "MEDIUM", "jinja2: HTML attribute injection when passing user input as keys to xmlattr"),
    Details("CVE-2023-43804", "HIGH", "urllib3: Cookie request header isn't stripped during cross-origin redirects"),
    Details("CVE-2023-45803", "MEDIUM", "urllib3: Request body not stripped after redirect from 303 status"),
    Details("CVE-2019-10744", "CRITICAL", "nodejs-lodash: prototype pollution in defaultsDeep function"),
    Details("CVE-2020-8203", "HIGH", "nodejs-lodash: prototype pollution in zipObjectDeep function"),
    Details("CVE-2021-23337", "HIGH", "nodejs-lodash: command injection via template"),
    Details("CVE-2021-44906", "CRITICAL", "minimist: prototype pollution"),
    Details("CVE-2021-25900", "CRITICAL", "smallvec: buffer overflow in SmallVec::insert_many"),
    Details("CVE-2022-24713", "HIGH", "regex: denial of service with crafted regular expressions"),
    Details("CVE-2020-26235", "MEDIUM", "time: segmentation fault in time crate with localtime_r"),
    Details("CVE-2023-45133", "CRITICAL", "babel: arbitrary code execution when compiling specifically crafted code"),
    Details("CVE-2023-44487", "HIGH", "HTTP/2: Multiple HTTP/2 enabled web servers are vulnerable to a DDoS attack"),
    Details("CVE-2023-39325", "HIGH", "golang: net/http, x/net/http2: rapid stream resets can cause excessive work"),
    Details("CVE-2023-48795", "MEDIUM", "ssh: Prefix truncation attack on Binary Packet Protocol (BPP)"),
    Details("CVE-2024-45337", "CRITICAL", "golang.org/x/crypto/ssh: Misuse of ServerConfig.PublicKeyCallback"),
    Details("CVE-2023-5678", "MEDIUM", "openssl: excessive time spent in DH check / generation with large Q"),
    Details("CVE-2024-0727", "MEDIUM", "openssl: denial of service via null dereference"),
    Details(
        "CVE-2023-45853", "CRITICAL", "zlib: integer overflow and heap-based buffer overflow in zipOpenNewFileInZip4_6"
    ),
)

_GHSA_NAMES = {"pip": "pip", "npm": "npm", "cargo": "Rust", "go": "Go"}
OS_SOURCES = {
    "debian": ("debian", "Debian Security Tracker", "https://salsa.debian.org/security-tracker-team/security-tracker"),
    "alpine": ("alpine", "Alpine Secdb", "https://secdb.alpinelinux.org/"),
}


def _json(value: object) -> bytes:
    return json.dumps(value, sort_keys=True).encode()


def language_bucket(ecosystem: str) -> str:
    return f"{ecosystem}::GitHub Security Advisory {_GHSA_NAMES.get(ecosystem, ecosystem)}"


def build_buckets(
    language: tuple[LanguageAdvisory, ...] = LANGUAGE_ADVISORIES,
    os_advisories: tuple[OsAdvisory, ...] = OS_ADVISORIES,
    details: tuple[Details, ...] = DETAILS,
) -> Bucket:
    root: Bucket = {b"vulnerability": {}, b"data-source": {}}
    vulnerability = root[b"vulnerability"]
    sources = root[b"data-source"]
    assert isinstance(vulnerability, dict) and isinstance(sources, dict)
    for item in details:
        vendor = "debian" if item.cve in {a.cve for a in os_advisories} else "ghsa"
        vulnerability[item.cve.encode()] = _json(
            {
                "Title": item.title,
                "Description": item.title,
                "Severity": item.severity,
                "VendorSeverity": {vendor: SEVERITY_NUMBERS[item.severity]},
                "References": [f"https://nvd.nist.gov/vuln/detail/{item.cve}"],
            }
        )
    for advisory in language:
        name = language_bucket(advisory.ecosystem)
        bucket = root.setdefault(name.encode(), {})
        assert isinstance(bucket, dict)
        package = bucket.setdefault(advisory.package.encode(), {})
        assert isinstance(package, dict)
        package[advisory.cve.encode()] = _json(
            {"VulnerableVersions": list(advisory.vulnerable), "PatchedVersions": list(advisory.patched)}
        )
        sources[name.encode()] = _json(
            {"ID": "ghsa", "Name": name.partition("::")[2], "URL": "https://github.com/advisories"}
        )
    for os_advisory in os_advisories:
        bucket = root.setdefault(os_advisory.release.encode(), {})
        assert isinstance(bucket, dict)
        package = bucket.setdefault(os_advisory.source_package.encode(), {})
        assert isinstance(package, dict)
        package[os_advisory.cve.encode()] = _json({"FixedVersion": os_advisory.fixed} if os_advisory.fixed else {})
        source_id, source_name, url = OS_SOURCES[os_advisory.release.split()[0]]
        sources[os_advisory.release.encode()] = _json({"ID": source_id, "Name": source_name, "URL": url})
    return root


def write_trivy_db(cache_dir: Path, buckets: Bucket | None = None, updated_at: str = "2025-01-01T00:00:00Z") -> Path:
    """Write `db/trivy.db` and `db/metadata.json` under `cache_dir`; return the db directory."""
    db_dir = cache_dir / "db"
    db_dir.mkdir(parents=True, exist_ok=True)
    write_bolt(db_dir / "trivy.db", buckets if buckets is not None else build_buckets())
    metadata = {
        "Version": 2,
        "NextUpdate": "2099-01-01T00:00:00Z",
        "UpdatedAt": updated_at,
        "DownloadedAt": updated_at,
    }
    (db_dir / "metadata.json").write_text(json.dumps(metadata), encoding="utf-8")
    return db_dir
