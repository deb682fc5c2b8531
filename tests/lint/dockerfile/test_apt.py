from tests.support.checks import fixed, hits
from tests.support.linting import dockerfile

APT = """\
FROM debian:bookworm-slim
RUN apt-get update \\
    && apt-get install -y curl \\
    && rm -rf /var/lib/apt/lists/*
"""


def test_install_without_no_install_recommends() -> None:
    assert [f.line for f in hits("DH103", APT)] == [2]
    assert "--no-install-recommends" in fixed("DH103", APT)


def test_no_install_recommends_is_quiet() -> None:
    assert hits("DH103", APT.replace("-y curl", "-y --no-install-recommends curl")) == []


def test_builder_stage_is_not_reported() -> None:
    text = APT.replace("slim\n", "slim AS build\n") + "FROM debian:bookworm-slim\n"
    assert hits("DH103", text) == []


def test_apt_lists_kept() -> None:
    text = "FROM debian:bookworm-slim\nRUN apt-get update && apt-get install -y --no-install-recommends curl\n"
    assert [f.line for f in hits("DH104", text)] == [2]
    assert fixed("DH104", text).rstrip().endswith("&& rm -rf /var/lib/apt/lists/*")


def test_apt_lists_cache_mount_is_quiet() -> None:
    text = (
        "FROM debian:bookworm-slim\n"
        "RUN --mount=type=cache,target=/var/lib/apt/lists \\\n"
        "    apt-get update && apt-get install -y --no-install-recommends x\n"
    )
    assert hits("DH104", text) == []


def test_apt_lists_in_a_heredoc_get_fixed_inside_it() -> None:
    text = dockerfile(
        """
        FROM debian:bookworm-slim
        RUN <<EOF
        apt-get update
        apt-get install -y --no-install-recommends curl
        EOF
        """
    )
    result = fixed("DH104", text)
    assert "rm -rf /var/lib/apt/lists/*\nEOF" in result


def test_apt_upgrade_is_removed_from_the_chain() -> None:
    text = dockerfile(
        """
        FROM debian:bookworm-slim
        RUN apt-get update \\
            && apt-get upgrade -y \\
            && apt-get install -y --no-install-recommends curl \\
            && rm -rf /var/lib/apt/lists/*
        """
    )
    assert [f.line for f in hits("DH110", text)] == [2]
    result = fixed("DH110", text)
    assert "upgrade" not in result and "apt-get install" in result


def test_dist_upgrade_at_the_end_is_removed() -> None:
    text = "FROM ubuntu:24.04\nRUN apt-get update && apt-get dist-upgrade -y && rm -rf /var/lib/apt/lists/*\n"
    assert "dist-upgrade" not in fixed("DH110", text)


def test_no_upgrade_is_quiet() -> None:
    assert hits("DH110", APT) == []
