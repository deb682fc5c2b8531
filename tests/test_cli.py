"""The command line, end to end on real repositories: formats, outputs, exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bot.cli import main
from tests.support.gitrepo import GitRepoFactory, Repo, git

GOOD = 'FROM python:3.12-slim\nUSER app\nCMD ["python", "app.py"]\n'
ROOT = 'FROM python:3.12-slim\nCMD ["python", "app.py"]\n'


@pytest.fixture
def regressing(make_repo: GitRepoFactory) -> Repo:
    return make_repo({"Dockerfile": GOOD}, {"Dockerfile": ROOT})


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_fail_exit_code_and_markdown(regressing: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "review", "--repo", str(regressing.path), "--base", "main", "--no-build", "--no-scan")
    assert code == 1
    assert "NO-GO" in out
    assert "DH101" in out
    assert err == ""


def test_fail_on_critical_passes_the_same_change(regressing: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = run(capsys, "review", "--repo", str(regressing.path), "--base", "main", "--fail-on", "critical")
    assert code == 0


def test_default_base_and_head(
    regressing: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(regressing.path)
    code, out, _ = run(capsys, "review", "--format", "json")
    assert code == 1
    data = json.loads(out)
    assert (data["base"], data["head"]) == (regressing.base, regressing.head)


def test_sigterm_is_handled_only_while_a_command_runs(regressing: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    seen: list[object] = []
    original = signal.getsignal(signal.SIGTERM)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        assert main(["rules"]) == 0
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # restored for whoever called main()
        signal.signal(signal.SIGTERM, lambda signum, frame: seen.append(signum))
        assert main(["review", "--repo", str(regressing.path), "--base", "main", "--no-build", "--no-scan"]) == 1
        os.kill(os.getpid(), signal.SIGTERM)  # an embedding program's own handler is left in place
        assert seen == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, original)
    capsys.readouterr()


def test_pass_when_nothing_changed(make_repo: GitRepoFactory, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo({"Dockerfile": GOOD}, {"Dockerfile": GOOD, "README.md": "docs\n"})
    code, out, _ = run(capsys, "review", "--repo", str(repo.path), "--base", "main")
    assert code == 0
    assert "No Docker or dependency files changed." in out


@pytest.mark.parametrize("fmt", ["markdown", "json", "sarif", "html"])
def test_every_format_to_a_file(regressing: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    target = tmp_path / f"report.{fmt}"
    code, out, _ = run(
        capsys, "review", "--repo", str(regressing.path), "--base", "main", "--format", fmt, "--output", str(target)
    )
    assert code == 1
    assert out == ""
    content = target.read_text()
    assert "DH101" in content
    if fmt in {"json", "sarif"}:
        json.loads(content)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--base", "no-such-ref"], "does not name a commit"),
        (["--head", "nope"], "does not name a commit"),
    ],
)
def test_bad_refs_exit_2_with_one_line(
    regressing: Repo, capsys: pytest.CaptureFixture[str], args: list[str], words: str
) -> None:
    code, out, err = run(capsys, "review", "--repo", str(regressing.path), *args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert words in err


def test_not_a_git_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "review", "--repo", str(tmp_path))
    assert code == 2
    assert "not a git repository" in err


def test_shallow_clone_missing_the_base(regressing: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth=1", "--branch=pr", f"file://{regressing.path}", str(clone))
    code, _, err = run(capsys, "review", "--repo", str(clone), "--base", regressing.base, "--no-fetch")
    assert code == 2
    assert "shallow" in err
    assert len(err.strip().splitlines()) == 1


def test_broken_config_is_an_error_at_its_line(make_repo: GitRepoFactory, capsys: pytest.CaptureFixture[str]) -> None:
    repo = make_repo({"Dockerfile": GOOD}, {"Dockerfile": ROOT, ".github/dockhand.yml": "fail-on: never\n"})
    code, _, err = run(capsys, "review", "--repo", str(repo.path), "--base", "main")
    assert code == 2
    assert ".github/dockhand.yml:1: fail-on: unknown severity 'never'" in err


def test_config_from_the_head_commit_and_explicit_file(
    make_repo: GitRepoFactory, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = make_repo({"Dockerfile": GOOD}, {"Dockerfile": ROOT, ".dockhand.yml": "rules:\n  disable: [DH101]\n"})
    assert run(capsys, "review", "--repo", str(repo.path), "--base", "main")[0] == 0
    explicit = tmp_path / "strict.yml"
    explicit.write_text("fail-on: low\n")
    assert run(capsys, "review", "--repo", str(repo.path), "--base", "main", "--config", str(explicit))[0] == 1


def test_unwritable_output_is_exit_2(regressing: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(
        capsys,
        "review",
        "--repo",
        str(regressing.path),
        "--base",
        "main",
        "--output",
        str(tmp_path / "no" / "dir" / "r.md"),
    )
    assert code == 2
    assert "cannot write" in err


def test_bad_fail_on_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["review", "--fail-on", "severe"])
    assert exited.value.code == 2


def test_rules_lists_every_rule(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules")
    assert code == 0
    assert out.splitlines()[0].startswith("DH100  high")


def test_python_dash_m_bot_and_the_console_script_name(regressing: Repo) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "review", "--repo", str(regressing.path), "--base", "main", "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).parent.parent,
    )
    assert done.returncode == 1
    assert json.loads(done.stdout)["verdict"] == "fail"


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    """`dockhand rules | head -1`: the exit status of a program the pipe stopped, nothing on stderr."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first line
    try:
        done = subprocess.run(
            [sys.executable, "-m", "bot", "rules"],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=Path(__file__).resolve().parent.parent,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write_end)
    assert done.returncode == 128 + signal.SIGPIPE
    assert done.stderr == b""


def test_the_program_exits_with_its_objects_frozen() -> None:
    """The interpreter's last collection skips frozen objects: seen from an exit handler."""
    code = "import atexit, gc, sys; from bot.cli import run; "
    code += (
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0)); sys.argv = ['dockhand', 'rules']; run()"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert done.returncode == 0
    assert done.stdout.splitlines()[-1] == "frozen True"
