"""What a compose rule looks at: one file, the project it belongs to, and shared judgements."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.lint.compose.project import ComposeProject, is_fragment
from bot.parsing.compose import ComposeFile, Service

_ONE_SHOT_NAME = re.compile(
    r"(^|[-_.])(migrat\w*|init\w*|setup|seed\w*|prestart|bootstrap|createbuckets?|provision\w*|"
    r"tests?|e2e|lint\w*|build(er)?|certbot|backup)($|[-_.])",
    re.IGNORECASE,
)
_DEV_FILE = re.compile(r"(^|[-_.])(override|dev|development|local|test|tests|ci|e2e|debug)([-_.]|$)", re.IGNORECASE)


@dataclass(frozen=True)
class ComposeReview:
    file: ComposeFile
    project: ComposeProject

    @property
    def services(self) -> tuple[Service, ...]:
        return self.file.services

    def whole(self, service: Service) -> Service:
        """The service as Compose runs it (override files merged, `extends` resolved)."""
        return self.project.whole(service.name) or service

    def defines_first(self, service: Service) -> bool:
        """Findings about the whole service go to the first file of the set that defines it.

        False for a fragment (no image, no build) whose main file is not known: nothing can be
        said about the whole service.
        """
        if is_fragment(self.whole(service)):
            return False
        return self.project.first_file.get(service.name, self.file.path) == self.file.path

    def has_healthcheck(self, service: Service) -> bool:
        """Compose defines one, or the Dockerfile it is built from does (and Compose keeps it)."""
        whole = self.whole(service)
        healthcheck = whole.healthcheck
        if healthcheck is not None:
            if healthcheck.disabled:
                return False
            if healthcheck.test is not None:
                return True
        return self.project.dockerfile_healthchecks.get(service.name, False)

    def is_one_shot(self, service: Service) -> bool:
        """A task that runs and exits (migrations, tests, builders), not a long-running service."""
        whole = self.whole(service)
        restart = str(whole.get("restart", "")).strip()
        deploy = whole.get("deploy")
        policy = deploy.get("restart_policy") if isinstance(deploy, dict) else None
        condition = policy.get("condition") if isinstance(policy, dict) else None
        if restart == "no" or restart.startswith("on-failure") or condition in ("none", "on-failure"):
            return True
        return service.name in self.project.awaited_to_complete or bool(_ONE_SHOT_NAME.search(service.name))

    @property
    def is_dev_file(self) -> bool:
        """Overrides and dev/test files: production concerns (limits, log rotation) do not apply."""
        return bool(_DEV_FILE.search(self.file.path.rsplit("/", 1)[-1]))
