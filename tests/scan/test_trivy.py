"""The Trivy wrapper: finding the binary, its version, its DB, errors as one-line reasons."""

from __future__ import annotations

import json
import stat
import sys
import sysconfig
from pathlib import Path

import pytest

from bot.goerrors import condensed
from bot.scan.trivy import (
    TESTED_TRIVY_VERSION,
    Trivy,
    TrivyError,
    TrivySettings,
    error_line,
    find_trivy,
    open_trivy,
    read_db_info,
    trivy_env,
)
from tests.support.trivy import CountingTrivy

pytestmark = pytest.mark.trivy


def _script(path: Path, body: str) -> Path:
    path.write_text(f"#!{sys.executable}\n{body}\n", encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def test_the_wheels_trivy_is_found_next_to_python(trivy_binary: Path) -> None:
    assert find_trivy() == Path(sysconfig.get_path("scripts")) / "trivy"


def test_the_version_is_read_and_is_the_tested_one(trivy: Trivy) -> None:
    assert trivy.version == TESTED_TRIVY_VERSION


def test_a_missing_binary_is_a_reason_not_a_crash(tmp_path: Path) -> None:
    with pytest.raises(TrivyError, match="cannot run"):
        open_trivy(TrivySettings(tmp_path), tmp_path / "no-such-trivy")


def test_a_too_old_trivy_is_refused(tmp_path: Path) -> None:
    old = _script(tmp_path / "trivy", 'print(\'{"Version": "0.40.0"}\')')
    with pytest.raises(TrivyError, match=r"0\.40\.0 is older than 0\.50\.0"):
        open_trivy(TrivySettings(tmp_path), old)


def test_a_timeout_is_reported_in_seconds(tmp_path: Path) -> None:
    slow = _script(
        tmp_path / "trivy",
        "import sys, time\nif '--version' in sys.argv: print('{\"Version\": \"0.76.0\"}')\nelse: time.sleep(30)",
    )
    trivy = open_trivy(TrivySettings(tmp_path, timeout=1), slow)
    with pytest.raises(TrivyError, match="took longer than 1s"):
        trivy.run(["fs", str(tmp_path)])


def test_offline_without_a_db_says_how_to_get_one(trivy_binary: Path, tmp_path: Path) -> None:
    trivy = open_trivy(TrivySettings(tmp_path / "empty-cache", offline=True), trivy_binary)
    with pytest.raises(TrivyError, match=r"no Trivy vulnerability DB .* offline mode"):
        trivy.prepare_db()


def test_the_db_written_by_the_tests_is_what_trivy_sees(trivy: Trivy, trivy_cache: Path) -> None:
    db, notes = trivy.prepare_db()
    assert db == read_db_info(trivy_cache)
    assert (db.version, db.updated_at, notes) == (2, "2025-01-01T00:00:00Z", [])


def test_offline_flags_never_touch_the_network(trivy: Trivy) -> None:
    flags = trivy.common_flags() + trivy.scan_flags()
    for flag in ("--skip-db-update", "--skip-java-db-update", "--offline-scan", "--skip-version-check"):
        assert flag in flags
    assert flags[flags.index("--format") + 1] == "json"
    assert "--quiet" in flags and "--disable-telemetry" in flags


def test_a_failing_trivy_gives_its_reason_without_log_noise(trivy: Trivy, tmp_path: Path) -> None:
    with pytest.raises(TrivyError) as raised:
        trivy.run(["fs", "--no-such-flag", str(tmp_path)])
    assert str(raised.value).startswith("trivy fs failed: ")
    assert "unknown flag: --no-such-flag" in str(raised.value)


def test_error_line_takes_the_fatal_message() -> None:
    stderr = (
        b"2024-01-01T00:00:00Z\tINFO\tstarting\n2024-01-01T00:00:00Z\tFATAL\tFatal error\tinit error: DB error: no DB\n"
    )
    assert error_line(stderr) == "no DB"


def test_settings_from_the_environment_that_change_reports_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIVY_SEVERITY", "CRITICAL")
    monkeypatch.setenv("TRIVY_IGNORE_UNFIXED", "true")
    monkeypatch.setenv("TRIVY_USERNAME", "kept")
    env = trivy_env()
    assert "TRIVY_SEVERITY" not in env and "TRIVY_IGNORE_UNFIXED" not in env
    assert env["TRIVY_USERNAME"] == "kept"


def test_trivy_runs_in_an_empty_directory_so_a_local_trivy_yaml_changes_nothing(
    trivy: Trivy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "requirements.txt").write_text("requests==2.19.0\n")
    (tmp_path / "trivy.yaml").write_text("severity: [CRITICAL]\n")
    (tmp_path / ".trivyignore").write_text("CVE-2018-18074\n")
    monkeypatch.chdir(tmp_path)
    report = trivy.run(["fs", "--scanners", "vuln", *trivy.scan_flags(), str(project)])
    ids = {v["VulnerabilityID"] for r in report["Results"] for v in r.get("Vulnerabilities", [])}
    assert "CVE-2018-18074" in ids
    assert json.dumps(report).count("CVE-2024-47081") >= 1


def test_the_version_is_asked_once_per_binary(counting_trivy: CountingTrivy, trivy_cache: Path) -> None:
    settings = TrivySettings(trivy_cache, offline=True)
    assert open_trivy(settings, counting_trivy.path).version == open_trivy(settings, counting_trivy.path).version
    assert sum("--version" in call["args"] for call in counting_trivy.calls()) == 1
    counting_trivy.path.write_text(counting_trivy.path.read_text() + "\n")  # another binary at the same path
    open_trivy(settings, counting_trivy.path)
    assert sum("--version" in call["args"] for call in counting_trivy.calls()) == 2


def test_error_line_keeps_the_detail_lines() -> None:
    stderr = (
        b"2024-01-01T00:00:00Z\tFATAL\tFatal error\tDB error: OCI repository error: 1 error occurred:\n"
        b'\t* Get "https://localhost:1/v2/": connect: connection refused\n\n'
    )
    assert error_line(stderr) == 'Get "https://localhost:1/v2/": connect: connection refused'


def test_error_line_drops_the_wrapper_names_and_repeats_of_a_go_error_chain() -> None:
    stderr = (
        b"2026-11-27T00:21:26Z\tFATAL\tFatal error\trun error: init error: DB error: failed to download"
        b" vulnerability DB: OCI artifact error: failed to download vulnerability DB: failed to download artifact"
        b" from mirror.gcr.io/aquasec/trivy-db:2: OCI repository error: 1 error occurred:\n"
        b'\t* Get "https://mirror.gcr.io/v2/": dial tcp: lookup mirror.gcr.io on 10.0.0.53:53: no such host\n\n'
    )
    assert error_line(stderr) == (
        "failed to download artifact from mirror.gcr.io/aquasec/trivy-db:2:"
        ' Get "https://mirror.gcr.io/v2/": dial tcp: lookup mirror.gcr.io on 10.0.0.53:53: no such host'
    )


def test_a_stale_db_that_cannot_be_refreshed_is_used_and_said(
    trivy_binary: Path, trivy_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    metadata = trivy_cache / "db" / "metadata.json"
    stale = json.loads(metadata.read_text())
    metadata.write_text(json.dumps({**stale, "NextUpdate": "2020-01-01T00:00:00Z"}))
    monkeypatch.setenv("TRIVY_DB_REPOSITORY", "localhost:1/trivy-db")  # nothing listens there
    trivy = open_trivy(TrivySettings(trivy_cache), trivy_binary)
    db, notes = trivy.prepare_db()
    assert db.updated_at == "2025-01-01T00:00:00Z"
    [note] = notes
    assert note.startswith("could not refresh the vulnerability DB (the DB download failed: ")
    assert "connection refused" in note and note.endswith("used the one from 2025-01-01T00:00:00Z")


def test_no_db_and_no_download_is_an_error(trivy_binary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRIVY_DB_REPOSITORY", "localhost:1/trivy-db")
    trivy = open_trivy(TrivySettings(tmp_path / "empty"), trivy_binary)
    expected = r"^no vulnerability DB: the DB download failed: .*connection refused.*--offline$"
    with pytest.raises(TrivyError, match=expected):
        trivy.prepare_db()


def test_dockhand_trivy_chooses_the_binary(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DOCKHAND_TRIVY", str(tmp_path / "trivy"))
    assert find_trivy() == tmp_path / "trivy"


def test_a_cause_that_reads_like_a_layer_name_is_kept() -> None:
    assert condensed("scan error: GET https://registry/v2/: internal server error") == (
        "GET https://registry/v2/: internal server error"
    )
