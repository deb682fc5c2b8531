"""Trivy killed in the middle of a scan (SIGKILL, as the OOM killer or a cancelled job would):
a note that says so, what did finish in the report, and exit code 2 (the review is incomplete)."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.gitrepo import GitRepoFactory

pytestmark = pytest.mark.trivy

_KILLING_WRAPPER = """#!{python}
import os, signal, subprocess, sys, time
from pathlib import Path
args = sys.argv[1:]
counter = Path({counter!r})
calls = int(counter.read_text()) + 1 if counter.exists() else 1
if args[:1] == ["fs"]:
    counter.write_text(str(calls))
if args[:1] == ["fs"] and calls == {kill_on}:
    scan = subprocess.Popen([{real!r}, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.2)
    scan.kill()  # the real scan, mid-way
    scan.wait()
    os.kill(os.getpid(), signal.SIGKILL)  # and the process dockhand started as `trivy`
os.execv({real!r}, [{real!r}, *args])
"""


def killing_trivy(directory: Path, real: Path, kill_on: int) -> Path:
    """A trivy whose `kill_on`-th `trivy fs` scan is killed; every other call runs the real one."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / "trivy"
    text = _KILLING_WRAPPER.format(
        python=sys.executable, counter=str(directory / "fs-calls"), kill_on=kill_on, real=str(real)
    )
    script.write_text(text, encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_trivy_killed_mid_scan_is_a_note_and_exit_2_with_the_rest_reported(
    make_repo: GitRepoFactory,
    trivy_cache: Path,
    trivy_binary: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    repo = make_repo(
        {"requirements.txt": "flask==2.3.2\nrequests==2.32.4\n", "Dockerfile": "FROM debian:12\nUSER 1000\n"},
        {"requirements.txt": "flask==2.3.2\nrequests==2.19.0\n", "Dockerfile": 'FROM debian:12\nCMD ["sh"]\n'},
    )
    monkeypatch.setenv("DOCKHAND_TRIVY", str(killing_trivy(tmp_path / "bin", trivy_binary, kill_on=2)))  # the head's
    output = tmp_path / "review.json"
    change = ["--repo", str(repo.path), "--base", repo.base, "--head", repo.head, "--no-build"]
    code = main(
        [
            "review",
            *change,
            "--offline",
            "--trivy-cache-dir",
            str(trivy_cache),
            "--format",
            "json",
            "--output",
            str(output),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert "review incomplete: Vulnerabilities: head dependency files not scanned: trivy fs was killed (SIGKILL)" in err
    review = json.loads(output.read_text(encoding="utf-8"))
    scan = review["sections"]["scan"]
    assert scan["interrupted"] == "head dependency files not scanned: trivy fs was killed (SIGKILL) before it finished"
    assert [(item["kind"], item.get("side")) for item in scan["scanned"]] == [
        ("dependencies", "base"),
        ("dockerfile-checks", None),
    ]  # what did finish: the base's scan and the Dockerfile checks after the killed one
    assert not [f for f in review["findings"] if f["rule"] == "DH601"]  # nothing is claimed about the unscanned head
    assert {("DH101", "Dockerfile"), ("DH401", "requirements.txt")} <= {
        (f["rule"], f["path"]) for f in review["findings"]
    }
