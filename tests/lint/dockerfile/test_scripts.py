from tests.support.checks import fixed, hits
from tests.support.linting import dockerfile


def test_curl_piped_to_a_shell() -> None:
    found = hits("DH119", "FROM debian:12\nRUN curl -fsSL https://get.example.com | sh\n")
    assert [f.line for f in found] == [2] and "sh" in found[0].message


def test_substituted_download_run_by_bash() -> None:
    assert len(hits("DH119", 'FROM debian:12\nRUN bash -c "$(curl -fsSL https://x.example/install.sh)"\n')) == 1


def test_downloading_to_a_file_is_quiet() -> None:
    text = "FROM debian:12\nRUN curl -fsSLo /tmp/x.sh https://x.example/x.sh && sha256sum -c sums && sh /tmp/x.sh\n"
    assert hits("DH119", text) == []


def test_pipe_without_pipefail_on_alpine_gets_a_fix() -> None:
    text = "FROM alpine:3.20\nRUN wget -qO- https://example.com/t.tgz | tar -xz\n"
    assert [f.line for f in hits("DH120", text)] == [2]
    assert "RUN set -o pipefail && wget" in fixed("DH120", text)


def test_pipefail_fix_keeps_run_flags_and_heredocs() -> None:
    flags = "FROM alpine:3.20\nRUN --mount=type=cache,target=/root/.cache \\\n    wget -qO- x | tar -xz\n"
    assert "\\\n    set -o pipefail && wget" in fixed("DH120", flags)
    heredoc = dockerfile(
        """
        FROM alpine:3.20
        RUN <<EOF
        wget -qO- x | tar -xz
        EOF
        """
    )
    assert "RUN <<EOF\nset -o pipefail\nwget" in fixed("DH120", heredoc)


def test_pipe_on_debian_sh_is_reported_without_a_fix() -> None:
    found = hits("DH120", "FROM debian:12\nRUN curl -fsSL x | tar -xz\n")
    assert len(found) == 1 and found[0].suggestion is None and "SHELL" in found[0].message


def test_pipefail_from_shell_or_script_is_quiet() -> None:
    shell = 'FROM debian:12\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nRUN curl x | tar -xz\n'
    assert hits("DH120", shell) == []
    assert hits("DH120", "FROM alpine:3.20\nRUN set -euo pipefail; wget -qO- x | tar -xz\n") == []


def test_failures_masked() -> None:
    text = dockerfile(
        """
        FROM python:3.12-slim
        RUN make -C native install || echo "C++ build skipped"
        RUN pip install --no-cache-dir x || true
        RUN ./migrate.sh; exit 0
        """
    )
    found = hits("DH121", text)
    assert [f.line for f in found] == [2, 3, 4]
    assert "`make`" in found[0].message


def test_cleanup_and_conditions_may_fail() -> None:
    text = "FROM alpine:3.20\nRUN rm /tmp/x || true\nRUN [ -f /etc/x ] || echo missing\nRUN make || exit 1\n"
    assert hits("DH121", text) == []


def test_sudo() -> None:
    assert [f.line for f in hits("DH127", "FROM ubuntu:24.04\nUSER app\nRUN sudo apt-get update\n")] == [3]
    assert hits("DH127", "FROM ubuntu:24.04\nRUN apt-get update\n") == []
