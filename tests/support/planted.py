"""Known credentials planted in every place a rule reads, and every output to search for them.

Each value is unique and long enough that finding it anywhere is a leak, not a coincidence.
`planted_files()` puts them where people really put credentials: Dockerfile ENV/ARG/RUN/LABEL,
Compose environment (map and list), command arguments, build args, URL passwords, an env
file, requirements URLs and index URLs, package.json git URLs and registry tokens, a yarn.lock
registry URL, and the image build args of the config file.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

SECRETS = {
    "dockerfile-env-token": "ghp_" + "Q7w9E2r4T6y8U1i3O5p7A9s2D4f6G8h0J2k4",
    "dockerfile-arg": "ArgPassw0rd-7f3kq9Zx",
    "dockerfile-run-url": "RunUrlSecret-93hdLq2",
    "dockerfile-run-slack": "xoxb-2048611-Ka8dJq2LmZ9pW",
    "dockerfile-label": "LabelKey-8822aaQpR7",
    "compose-map": "MapSecret-11aaXc9Wq",
    "compose-list": "ListSecret-22bbNm3Ty",
    "compose-command": "CmdSecret-33ccVb6Ui",
    "compose-build-arg": "BuildArgSecret-44ddPo1",
    "compose-url": "ComposeUrlPw-55eeZz8",
    "env-file": "EnvFileSecret-66ffHj4",
    "requirements-url": "ReqToken-77ggKl5Mn",
    "requirements-index": "IndexToken-88hhRt6Yu",
    "package-json-git": "NpmGitToken-99iiWe2",
    "package-json-auth": "npm_" + "Zx8Cv7Bn6Mq5Wr4Et3Ty2Ui1Op0As9Df8Gh",
    "config-build-arg": "ConfigArgSecret-00jjLp7",
    "yarn-lock-url": "YarnLockPw-12kkZq3",
}


def planted_files() -> dict[str, str]:
    s = SECRETS
    dockerfile = f"""\
FROM python:3.12-slim
ARG DB_PASSWORD={s["dockerfile-arg"]}
ENV GITHUB_TOKEN={s["dockerfile-env-token"]}
LABEL api_key={s["dockerfile-label"]}
RUN curl -fsS https://admin:{s["dockerfile-run-url"]}@registry.example.com/setup.sh | sh
RUN echo "{s["dockerfile-run-slack"]}" > /etc/slack && echo $GITHUB_TOKEN
CMD python app.py
"""
    compose = f"""\
services:
  api:
    build:
      context: .
      args:
        NPM_TOKEN: {s["compose-build-arg"]}
    environment:
      POSTGRES_PASSWORD: {s["compose-map"]}
      DATABASE_URL: postgres://app:{s["compose-url"]}@db:5432/app
    env_file: .env
    command: ["redis-server", "--requirepass", "{s["compose-command"]}"]
  worker:
    image: example/worker:1.0
    environment:
      - API_TOKEN={s["compose-list"]}
"""
    requirements = (
        f"--extra-index-url https://user:{s['requirements-index']}@pypi.example.com/simple\n"
        f"private-pkg @ https://user:{s['requirements-url']}@pypi.example.com/private-pkg-1.0.tar.gz\n"
        "requests==2.31.0\n"
    )
    package = {
        "name": "web",
        "dependencies": {"lib": f"git+https://user:{s['package-json-git']}@github.com/org/lib.git"},
        "publishConfig": {"registry": "https://npm.example.com/", "_authToken": s["package-json-auth"]},
    }
    config = f"""\
image:
  images:
    - dockerfile: Dockerfile
      args: {{NPM_TOKEN: {s["config-build-arg"]}}}
"""
    return {
        "Dockerfile": dockerfile,
        "compose.yaml": compose,
        ".env": f"SESSION_SECRET={s['env-file']}\n",
        "requirements.txt": requirements,
        "package.json": json.dumps(package, indent=2) + "\n",
        ".github/dockhand.yml": config,
        "yarn.lock": (
            '# yarn lockfile v1\n\n\nlib@^1.0.0:\n  version "1.0.0"\n'
            f'  resolved "https://ci:{s["yarn-lock-url"]}@npm.example.com/lib/-/lib-1.0.0.tgz#0123abcd"\n'
        ),
        "app.py": "print('hi')\n",
    }


def leaks(outputs: dict[str, str], values: Iterable[str] = SECRETS.values()) -> dict[str, list[str]]:
    """For each output that holds a planted value, which ones (by name)."""
    names = {value: name for name, value in SECRETS.items()}
    found: dict[str, list[str]] = {}
    for where, text in outputs.items():
        hits = [names.get(value, value) for value in values if value in text]
        if hits:
            found[where] = hits
    return found
