"""`trivy config` of the changed Dockerfiles, as findings of the checks dockhand does not cover."""

from __future__ import annotations

from bot.catalog import rule_codes
from bot.changes import ChangedFile
from bot.scan.misconfig import misconfig_findings, scan_dockerfiles
from bot.scan.run import ScanRun
from bot.scan.trivy import TrivyError, TrivyKilled


def scan_dockerfile_checks(run: ScanRun, dockerfiles: list[ChangedFile]) -> None:
    try:
        found = scan_dockerfiles(run.trivy, run.cache, dockerfiles)
    except TrivyError as error:
        reason = f"Dockerfile checks (trivy config) not run: {error}"
        run.notes.append(reason)
        if isinstance(error, TrivyKilled):
            run.interrupted = run.interrupted or reason
        return
    codes = rule_codes()
    covered = 0
    for changed in dockerfiles:
        head = found.get(("head", changed.path), [])
        base = found.get(("base", changed.old_path or changed.path), [])
        findings, dropped = misconfig_findings(changed, head, base, codes, run.ignores)
        run.findings.extend(findings)
        covered += dropped
    run.scanned.append({"kind": "dockerfile-checks", "files": [f.path for f in dockerfiles], "covered": covered})
